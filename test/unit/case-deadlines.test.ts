// Statutory deadlines of a case (Directive 2019/1937 Art. 9(1)(b) and (f)) and the TICK event
// that marks them missed: calendar arithmetic against an independent calendar, the deadlines
// the machine stores, and TICK's refusals, effects and idempotence (timers fire at least once).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CaseContext } from '../../machines/context';
import type { CaseSnapshot } from '../../machines/engine';
import { createCase, decide, nextTimer, persist, statesOf } from '../../machines/engine';
import type { CaseEvent } from '../../machines/events';
import { addMonths, DAY_MS } from '../../machines/time';
import { CAST, caseInputArb, historyArb, replay, snapshotsOf, timeArb } from './arbitraries';

const RUNS = 500;

/** Property tests run for seconds, longer on a loaded machine. */
const SLOW = { timeout: 60_000 };

const utc = (iso: string) => Date.parse(iso);

const tick = (at: number): CaseEvent => ({ type: 'TICK', at, actor: CAST.system });

/** Days in a month of the proleptic Gregorian calendar; `month` 0-11. */
function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]!;
}

/** Three calendar months later, clamped to the month's last day, time of day kept. */
function threeMonthsAfter(at: number): number {
  const date = new Date(at);
  const months = date.getUTCFullYear() * 12 + date.getUTCMonth() + 3;
  const year = Math.floor(months / 12);
  const month = months % 12;
  const day = Math.min(date.getUTCDate(), daysIn(year, month));

  return Date.UTC(year, month, day) + (at % DAY_MS);
}

describe('calendar months (time.ts addMonths)', SLOW, () => {
  it.each([
    ['2023-11-30T10:15:00.000Z', 3, '2024-02-29T10:15:00.000Z'],
    ['2022-11-30T10:15:00.000Z', 3, '2023-02-28T10:15:00.000Z'],
    ['2024-08-31T23:59:59.999Z', 3, '2024-11-30T23:59:59.999Z'],
    ['2024-01-31T00:00:00.000Z', 1, '2024-02-29T00:00:00.000Z'],
    ['2024-05-31T08:00:00.000Z', 3, '2024-08-31T08:00:00.000Z'],
    ['2024-10-15T12:00:00.000Z', 3, '2025-01-15T12:00:00.000Z'],
  ])('%s plus %i months is %s', (from, months, to) => {
    expect(new Date(addMonths(utc(from), months)).toISOString()).toBe(to);
  });

  it('adds three months as an independent calendar does, clamped to the last day', () => {
    fc.assert(
      fc.property(timeArb, (at) => {
        expect(addMonths(at, 3)).toBe(threeMonthsAfter(at));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('deadlines in the context', SLOW, () => {
  it('sets acknowledgeBy to receipt plus 7 days and feedbackBy 3 months after that', () => {
    fc.assert(
      fc.property(caseInputArb, (input) => {
        const { deadlines } = createCase(input).context;

        expect(deadlines.acknowledgeBy).toBe(input.receivedAt + 7 * DAY_MS);
        expect(deadlines.feedbackBy).toBe(threeMonthsAfter(input.receivedAt + 7 * DAY_MS));
      }),
      { numRuns: 2_000 },
    );
  });

  it('moves feedbackBy to 3 months after the acknowledgement, and only then', () => {
    let acknowledged = 0;
    fc.assert(
      fc.property(historyArb(), (history) => {
        const { decided, final } = replay(history);
        const acknowledgeBy = history.input.receivedAt + 7 * DAY_MS;

        for (const { before, event, decision } of decided) {
          if (!decision.ok) continue;
          const after = decision.snapshot.context.deadlines;
          expect(after.acknowledgeBy).toBe(acknowledgeBy);
          if (event.type === 'ACKNOWLEDGE') {
            acknowledged += 1;
            expect(decision.snapshot.context.acknowledgedAt).toBe(event.at);
            expect(after.feedbackBy).toBe(threeMonthsAfter(event.at));
          } else {
            expect(after).toEqual(before.context.deadlines);
          }
        }
        if (final.context.acknowledgedAt === null) {
          expect(final.context.deadlines.feedbackBy).toBe(threeMonthsAfter(acknowledgeBy));
        }
      }),
      { numRuns: RUNS },
    );
    expect(acknowledged).toBeGreaterThan(RUNS / 5);
  });

  it('gives a report received on 23 November until the end of February for feedback', () => {
    const [input] = fc.sample(caseInputArb, { seed: 1, numRuns: 1 });
    const received = { ...input!, receivedAt: utc('2023-11-23T09:00:00.000Z') };
    const s = createCase(received);

    expect(s.context.deadlines.acknowledgeBy).toBe(utc('2023-11-30T09:00:00.000Z'));
    expect(s.context.deadlines.feedbackBy).toBe(utc('2024-02-29T09:00:00.000Z'));
  });

  it('gives an acknowledgement on 31 August until 30 November for feedback', () => {
    const [input] = fc.sample(caseInputArb, { seed: 1, numRuns: 1 });
    const s = createCase({ ...input!, receivedAt: utc('2024-08-29T16:00:00.000Z') });
    const at = utc('2024-08-31T09:00:00.000Z');

    const ack = decide(s, { type: 'ACKNOWLEDGE', at, actor: CAST.lead });
    if (!ack.ok) throw new Error(`ACKNOWLEDGE refused by ${ack.guard}`);
    expect(ack.snapshot.context.deadlines.feedbackBy).toBe(utc('2024-11-30T09:00:00.000Z'));
  });
});

/** The deadlines TICK judges: not yet met and not yet marked missed, on an open case. */
function pending(c: CaseContext): number[] {
  if (c.closedAt !== null || c.purgedAt !== null) return [];
  const open: number[] = [];
  if (c.acknowledgedAt === null && !c.overdue.acknowledgement) open.push(c.deadlines.acknowledgeBy);
  if (c.feedbackGivenAt === null && !c.overdue.feedback) open.push(c.deadlines.feedbackBy);

  return open;
}

/**
 * Probe times around each deadline and retention date of a snapshot,
 * never before its last event.
 */
function probeTimes(s: CaseSnapshot, jitter: number): number[] {
  const c = s.context;
  const marks = [c.deadlines.acknowledgeBy, c.deadlines.feedbackBy, c.retention.until ?? 0];
  const around = marks.flatMap((m) => [m - 1, m, m + 1, m + jitter]);

  return [...around, c.lastEventAt + jitter].filter((t) => t >= c.lastEventAt);
}

describe('TICK', SLOW, () => {
  it('marks an unmet deadline overdue once it has passed, and is refused before', () => {
    let fired = 0;
    let refused = 0;
    fc.assert(
      fc.property(historyArb(), fc.integer({ min: 0, max: 30 * DAY_MS }), (history, jitter) => {
        for (const s of snapshotsOf(replay(history))) {
          const c = s.context;
          const states = statesOf(s);
          for (const at of probeTimes(s, jitter)) {
            const deadlinePassed = pending(c).some((d) => at > d);
            const retentionElapsed = states.retention === 'scheduled' && at >= c.retention.until!;
            const decision = decide(s, tick(at));

            if (!deadlinePassed && !retentionElapsed) {
              refused += 1;
              expect(decision).toMatchObject({
                ok: false,
                guard: states.retention === 'purged' ? 'notPurged' : 'deadlinePassed',
              });
              continue;
            }

            fired += 1;
            if (!decision.ok) throw new Error(`TICK refused by ${decision.guard}`);
            const next = decision.snapshot.context;
            const expectedOverdue = deadlinePassed
              ? {
                  acknowledgement:
                    c.overdue.acknowledgement ||
                    (c.acknowledgedAt === null && at > c.deadlines.acknowledgeBy),
                  feedback:
                    c.overdue.feedback ||
                    (c.feedbackGivenAt === null && at > c.deadlines.feedbackBy),
                }
              : c.overdue;
            expect(next.overdue).toEqual(expectedOverdue);
            expect(next.lastEventAt).toBe(at);
            expect(decision.after).toEqual({
              ...states,
              retention: retentionElapsed ? 'due' : states.retention,
            });
            expect({ ...next, overdue: c.overdue, lastEventAt: 0 }).toEqual({
              ...c,
              lastEventAt: 0,
            });
          }
        }
      }),
      { numRuns: RUNS },
    );
    expect(fired).toBeGreaterThan(RUNS);
    expect(refused).toBeGreaterThan(RUNS);
  });

  it('is idempotent: a TICK delivered twice at one time changes nothing again', () => {
    fc.assert(
      fc.property(historyArb(), fc.integer({ min: 0, max: 200 * DAY_MS }), (history, jitter) => {
        for (const s of snapshotsOf(replay(history))) {
          for (const at of probeTimes(s, jitter)) {
            const first = decide(s, tick(at));
            if (!first.ok) continue;

            const once = persist(first.snapshot);
            const second = decide(first.snapshot, tick(at));
            expect(second.ok).toBe(false);
            expect(persist(first.snapshot)).toEqual(once);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a TICK on the acknowledgement deadline and accepts it one millisecond later', () => {
    const [input] = fc.sample(caseInputArb, { seed: 2, numRuns: 1 });
    const s = createCase(input!);
    const due = s.context.deadlines.acknowledgeBy;

    expect(decide(s, tick(due))).toMatchObject({ ok: false, guard: 'deadlinePassed' });

    const late = decide(s, tick(due + 1));
    if (!late.ok) throw new Error('TICK after the deadline was refused');
    expect(late.snapshot.context.overdue).toEqual({ acknowledgement: true, feedback: false });
    expect(decide(late.snapshot, tick(due + 1))).toMatchObject({
      ok: false,
      guard: 'deadlinePassed',
    });
  });

  it('never arms a timer for nothing: from nextTimer on, the service can TICK or PURGE', () => {
    fc.assert(
      fc.property(historyArb(), fc.integer({ min: 0, max: 30 * DAY_MS }), (history, late) => {
        for (const s of snapshotsOf(replay(history))) {
          const timer = nextTimer(s);
          const at = Math.max(s.context.lastEventAt, (timer ?? 0) + late);
          const ticked = decide(s, tick(at)).ok;
          const purged = decide(s, { type: 'PURGE', at, actor: CAST.system }).ok;

          if (timer === null) expect(ticked).toBe(false);
          else expect(ticked || purged).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
