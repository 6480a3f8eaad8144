// Properties of the case machine run through the pure decide step, over generated histories:
// the legal hold, one audit record per accepted event, the finality of a purge, the purge
// rules, closed cases, recusal, and the agreement of what the UI offers with what the API
// accepts. Refusals are asserted by the exact rule that `explain` must name.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CaseContext } from '../../machines/context';
import type { CaseSnapshot, Decision, RegionStates } from '../../machines/engine';
import {
  acceptedEvents,
  createCase,
  decide,
  envelope,
  persist,
  sampleEvent,
  statesOf,
} from '../../machines/engine';
import type { Actor, CaseCommand, CaseEvent, CaseEventType } from '../../machines/events';
import { CASE_EVENT_TYPES } from '../../machines/events';
import type { GuardName } from '../../machines/guards';
import { GUARD_MESSAGES, guards } from '../../machines/guards';
import { DAY_MS } from '../../machines/time';
import type { AuditRecord } from '../../src/audit/chain';
import { GENESIS_HASH, verifyChain } from '../../src/audit/chain';
import { decideEvent } from '../../src/cases/decide-event';
import {
  ACTORS,
  ASSIGNEES,
  CAST,
  caseInputArb,
  historyArb,
  replay,
  replayFrom,
  snapshotsOf,
  stepArb,
  TEAMS,
} from './arbitraries';

const RUNS = 1_000;

/** Property tests run for seconds, longer on a loaded machine. */
const SLOW = { timeout: 60_000 };

// ---------------------------------------------------------------------------------------------
// The specification the machine is checked against, written out independently of it.

const LIVE = ['received', 'acknowledged', 'investigating', 'feedbackGiven', 'reopened'];
const TALKING = ['acknowledged', 'investigating', 'feedbackGiven', 'reopened'];

/** Which active states declare a transition for each event type (guards aside). */
const TAKES: Record<CaseEventType, (s: RegionStates) => boolean> = {
  ACKNOWLEDGE: (s) => s.lifecycle === 'received' || s.lifecycle === 'reopened',
  START_INVESTIGATION: (s) => ['acknowledged', 'feedbackGiven', 'reopened'].includes(s.lifecycle),
  REPLY: (s) => TALKING.includes(s.lifecycle),
  GIVE_FEEDBACK: (s) => TALKING.includes(s.lifecycle),
  REPORTER_MESSAGE: (s) => LIVE.includes(s.lifecycle),
  CLOSE: (s) => LIVE.includes(s.lifecycle) || s.retention === 'retained',
  REOPEN: (s) => s.lifecycle === 'closed' || ['scheduled', 'due'].includes(s.retention),
  ADD_NOTE: () => true,
  TICK: () => true,
  AMEND_RECORD: () => true,
  CONFIRM_RECORD: () => true,
  REQUEST_CORRECTION: () => true,
  ROUTE: (s) => s.routing === 'unrouted',
  ASSIGN: () => true,
  RECUSE: (s) => ['assigned', 'reassigned'].includes(s.routing),
  PLACE_HOLD: (s) => s.hold === 'none',
  RELEASE_HOLD: (s) => s.hold === 'active',
  SET_RETENTION: (s) => s.retention !== 'purged',
  PURGE: (s) => s.retention !== 'purged',
  EXPORT: () => true,
  MAILBOX_LOCKED: () => true,
  ACCESS_ATTACHMENT: () => true,
};

/** The staff actions on a case's content, all guarded by the actor's scope. */
const WORK_TYPES: CaseEventType[] = [
  'ACKNOWLEDGE',
  'START_INVESTIGATION',
  'REPLY',
  'ADD_NOTE',
  'GIVE_FEEDBACK',
  'CLOSE',
  'REOPEN',
  'AMEND_RECORD',
];

const isWorker = (a: Actor) => a.role === 'compliance_lead' || a.role === 'handler';

/** Who works a case: nobody excluded; any lead; a handler assigned or of the routed team. */
function worksCase(context: CaseContext, actor: Actor): boolean {
  if (context.excluded.includes(actor.id)) return false;
  if (actor.role === 'compliance_lead') return true;

  return (
    actor.role === 'handler' &&
    (context.assignee === actor.id ||
      (context.mode === 'team' && context.team !== null && actor.units.includes(context.team)))
  );
}

const LEADS = ACTORS.filter((a) => a.role === 'compliance_lead');

// ---------------------------------------------------------------------------------------------
// Helpers

const ev = (command: CaseCommand, actor: Actor, at: number) =>
  ({ ...command, actor, at }) as CaseEvent;

const refusedBy = (decision: Decision) => (decision.ok ? 'accepted' : decision.guard);

/** Applies an event that must be accepted; fails the property with the refusal otherwise. */
function must(snapshot: CaseSnapshot, event: CaseEvent): CaseSnapshot {
  const decision = decide(snapshot, event);
  if (!decision.ok) throw new Error(`${event.type} refused by ${decision.guard}`);

  return decision.snapshot;
}

/** A lead who is not excluded from the case, if there is one. */
const freeLead = (s: CaseSnapshot) => LEADS.find((l) => !s.context.excluded.includes(l.id));

/** Releases any hold and closes the case; null when it cannot be closed (purged, no lead). */
function forceClose(snapshot: CaseSnapshot, at: number): CaseSnapshot | null {
  let s = snapshot;
  const lead = freeLead(s);
  if (statesOf(s).retention === 'purged' || lead === undefined) return null;
  if (statesOf(s).lifecycle === 'closed') return s;
  if (statesOf(s).hold === 'active') {
    s = must(s, ev({ type: 'RELEASE_HOLD', reason: '-' }, lead, at));
  }

  return must(s, ev({ type: 'CLOSE', outcome: 'unfounded' }, lead, at));
}

/** Closes the case, releases any hold and purges it once the retention date has come. */
function forcePurge(snapshot: CaseSnapshot, at: number): CaseSnapshot | null {
  const closed = forceClose(snapshot, at);
  if (closed === null) return null;

  let s = closed;
  if (statesOf(s).hold === 'active') {
    s = must(s, ev({ type: 'RELEASE_HOLD', reason: '-' }, CAST.lead, at));
  }
  const due = Math.max(at, s.context.retention.until ?? at);

  return must(s, ev({ type: 'PURGE' }, CAST.system, due));
}

/** A time to probe a snapshot at: its last event plus 0 to 200 days. */
const deltaArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200 * DAY_MS }));

// ---------------------------------------------------------------------------------------------

describe('legal hold', SLOW, () => {
  it('refuses CLOSE, EXPORT and PURGE under hold, naming the first rule that fails', () => {
    let held = 0;
    fc.assert(
      fc.property(historyArb(), deltaArb, (history, delta) => {
        for (const s of snapshotsOf(replay(history))) {
          const states = statesOf(s);
          expect(states.hold === 'active').toBe(s.context.hold !== null);
          if (states.hold !== 'active') continue;

          held += 1;
          expect(states.retention).not.toBe('purged');
          const at = s.context.lastEventAt + delta;
          for (const actor of ACTORS) {
            const close = decide(s, ev({ type: 'CLOSE', outcome: 'withdrawn' }, actor, at));
            const exportCase = decide(s, ev({ type: 'EXPORT' }, actor, at));
            const purge = decide(s, ev({ type: 'PURGE' }, actor, at));

            let closeRule: GuardName | 'stateAllows' = 'notOnHold';
            if (!TAKES.CLOSE(states)) closeRule = 'stateAllows';
            else if (!isWorker(actor)) closeRule = 'isCaseWorker';
            else if (!worksCase(s.context, actor)) closeRule = 'isAssignee';
            expect(refusedBy(close)).toBe(closeRule);
            expect(refusedBy(exportCase)).toBe(
              actor.role === 'compliance_lead' ? 'notOnHold' : 'isLead',
            );
            expect(refusedBy(purge)).toBe(actor.role === 'system' ? 'notOnHold' : 'isSystem');
          }
        }
      }),
      { numRuns: RUNS },
    );
    expect(held).toBeGreaterThan(RUNS);
  });

  it('refuses to export a case under legal hold until the hold is released', () => {
    const [input] = fc.sample(caseInputArb, { seed: 7, numRuns: 1 });
    const t0 = input!.receivedAt;
    const held = must(createCase(input!), ev({ type: 'PLACE_HOLD', reason: '-' }, CAST.lead, t0));

    const refused = decide(held, ev({ type: 'EXPORT' }, CAST.lead, t0 + 1));
    expect(refused).toMatchObject({ ok: false, guard: 'notOnHold' });

    const released = must(held, ev({ type: 'RELEASE_HOLD', reason: '-' }, CAST.lead, t0 + 2));
    expect(decide(released, ev({ type: 'EXPORT' }, CAST.lead, t0 + 3)).ok).toBe(true);
  });
});

describe('accounting', SLOW, () => {
  interface AuditEntry {
    seq: number;
    type: CaseEventType;
    actor: string;
    before: RegionStates;
    after: RegionStates;
  }

  it('commits one audit entry per accepted event, and a refusal changes nothing', () => {
    fc.assert(
      fc.property(historyArb(), (history) => {
        const replayed = replay(history);
        const host = { snapshot: createCase(history.input), log: [] as AuditEntry[] };

        for (const { event, decision: first } of replayed.decided) {
          const stored = persist(host.snapshot);
          const length = host.log.length;
          const decision = decide(host.snapshot, event);

          expect(decision.ok).toBe(first.ok);
          expect(persist(host.snapshot)).toEqual(stored);
          if (!decision.ok) {
            expect(host.log).toHaveLength(length);
            if (decision.guard === 'stateAllows') {
              expect(TAKES[event.type](statesOf(host.snapshot))).toBe(false);
            } else {
              expect(guards[decision.guard]({ context: host.snapshot.context, event })).toBe(false);
              expect(decision.message).toBe(GUARD_MESSAGES[decision.guard]);
            }
            continue;
          }

          expect(decision.before).toEqual(stored.value);
          expect(decision.after).toEqual(statesOf(decision.snapshot));
          expect(persist(decision.snapshot)).toEqual(
            persist(first.ok ? first.snapshot : host.snapshot),
          );
          host.log.push({
            seq: length + 1,
            type: event.type,
            actor: event.actor.id,
            before: decision.before,
            after: decision.after,
          });
          host.snapshot = decision.snapshot;
        }

        const accepted = replayed.decided.filter((d) => d.decision.ok).length;
        expect(host.log.map((e) => e.seq)).toEqual(
          Array.from({ length: accepted }, (_, i) => i + 1),
        );
        expect(persist(host.snapshot)).toEqual(persist(replayed.final));
      }),
      { numRuns: RUNS },
    );
  });
  it("through the object's own step: one chained record per accepted event only", () => {
    fc.assert(
      fc.property(historyArb(), (history) => {
        const replayed = replay(history);
        let current = envelope(createCase(history.input), 0);
        let last: AuditRecord | null = null;
        const records: AuditRecord[] = [];

        for (const { event } of replayed.decided) {
          const { at, actor, ...command } = event;
          const stored = structuredClone(current);
          const result = decideEvent(current, last, command as CaseCommand, actor, at);
          expect(current).toEqual(stored);
          if (!result.ok) continue;

          expect(result.record.seq).toBe(records.length + 1);
          expect(result.record.prevHash).toBe(last?.hash ?? GENESIS_HASH);
          expect(result.envelope.seq).toBe(result.record.seq);
          expect(result.record.type).toBe(event.type);
          expect(result.record.actor).toEqual({ id: actor.id, role: actor.role });
          expect(result.record.before).toEqual(current.snapshot.value);
          expect(result.record.after).toEqual(result.envelope.snapshot.value);
          records.push(result.record);
          [current, last] = [result.envelope, result.record];
        }

        expect(records).toHaveLength(replayed.decided.filter((d) => d.decision.ok).length);
        expect(verifyChain(records)).toMatchObject({ valid: true, length: records.length });
        expect(current.snapshot).toEqual(persist(replayed.final));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('purge', SLOW, () => {
  it('refuses every later event of every type and actor once PURGE is accepted', () => {
    fc.assert(
      fc.property(
        historyArb(20),
        fc.array(stepArb, { maxLength: 15 }),
        deltaArb,
        (history, later, delta) => {
          const prefix = replay(history).final;
          const purged = forcePurge(prefix, prefix.context.lastEventAt);
          fc.pre(purged !== null);

          const after = replayFrom(purged!, purged!.context.lastEventAt, later);
          for (const { event, decision } of after.decided) {
            expect(decision.ok, `${event.type} by ${event.actor.role}`).toBe(false);
          }
          // Refusals change nothing, so every later snapshot is the purged one.
          const s = after.final;
          const states = statesOf(s);
          expect(states.retention).toBe('purged');
          expect(persist(s)).toEqual(persist(purged!));
          const at = s.context.lastEventAt + delta;
          for (const actor of ACTORS) {
            expect(acceptedEvents(s, actor, at)).toEqual([]);
            for (const type of CASE_EVENT_TYPES) {
              const decision = decide(s, sampleEvent(type, s.context, actor, at));
              const rule = TAKES[type](states) ? 'notPurged' : 'stateAllows';
              expect(refusedBy(decision), type).toBe(rule);
            }
          }
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });

  it('accepts PURGE only from the system, for a closed case not held, at or after the date', () => {
    const probe = fc.record({
      actor: fc.constantFrom(...ACTORS),
      close: fc.boolean(),
      hold: fc.boolean(),
      offset: fc.oneof(
        fc.constantFrom(-1, 0, 1),
        fc.integer({ min: -90 * DAY_MS, max: 90 * DAY_MS }),
      ),
    });
    fc.assert(
      fc.property(historyArb(), probe, ({ input, steps }, { actor, close, hold, offset }) => {
        let s = replay({ input, steps }).final;
        const now = s.context.lastEventAt;
        if (close) s = forceClose(s, now) ?? s;
        if (hold && statesOf(s).hold === 'none' && statesOf(s).retention !== 'purged') {
          s = must(s, ev({ type: 'PLACE_HOLD', reason: '-' }, CAST.lead, now));
        }

        const states = statesOf(s);
        const until = s.context.retention.until;
        const at = Math.max(now, (until ?? now) + offset);
        const decision = decide(s, ev({ type: 'PURGE' }, actor, at));

        // The retention date exists exactly while the case is closed, and outlives the purge.
        expect(until !== null).toBe(states.lifecycle === 'closed');
        let rule: GuardName | 'stateAllows' | 'accepted' = 'accepted';
        if (states.retention === 'purged') rule = 'stateAllows';
        else if (actor.role !== 'system') rule = 'isSystem';
        else if (states.hold === 'active') rule = 'notOnHold';
        else if (until === null || at < until) rule = 'purgeDue';
        expect(refusedBy(decision)).toBe(rule);
        if (decision.ok) {
          expect(decision.after.retention).toBe('purged');
          expect(decision.snapshot.context.purgedAt).toBe(at);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('refuses a purge one millisecond before the retention date and accepts it on the date', () => {
    const [input] = fc.sample(caseInputArb, { seed: 11, numRuns: 1 });
    const closed = forceClose(createCase(input!), input!.receivedAt + DAY_MS)!;
    const until = closed.context.retention.until!;

    const early = decide(closed, ev({ type: 'PURGE' }, CAST.system, until - 1));
    expect(early).toMatchObject({ ok: false, guard: 'purgeDue' });
    expect(decide(closed, ev({ type: 'PURGE' }, CAST.system, until)).ok).toBe(true);
  });
});

describe('closed cases', SLOW, () => {
  it('accept REOPEN from case workers, and no REPLY, feedback or reporter message', () => {
    fc.assert(
      fc.property(historyArb(), deltaArb, (history, delta) => {
        const replayed = replay(history);
        const forced = forceClose(replayed.final, replayed.final.context.lastEventAt);
        const closed = [...snapshotsOf(replayed), ...(forced ? [forced] : [])].filter(
          (s) => statesOf(s).lifecycle === 'closed' && statesOf(s).retention !== 'purged',
        );

        for (const s of closed) {
          const at = s.context.lastEventAt + delta;
          for (const actor of ACTORS) {
            const reopen = decide(s, ev({ type: 'REOPEN', reason: '-' }, actor, at));
            const expected = !isWorker(actor)
              ? 'isCaseWorker'
              : worksCase(s.context, actor)
                ? 'accepted'
                : 'isAssignee';
            expect(refusedBy(reopen)).toBe(expected);
            if (reopen.ok)
              expect(reopen.after).toMatchObject({ lifecycle: 'reopened', retention: 'retained' });

            for (const type of ['REPLY', 'GIVE_FEEDBACK', 'REPORTER_MESSAGE'] as const) {
              const decision = decide(s, sampleEvent(type, s.context, actor, at));
              expect(refusedBy(decision), type).toBe('stateAllows');
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('recusal', SLOW, () => {
  it('excludes whoever recused for good, even in team mode with the case’s unit', () => {
    fc.assert(
      fc.property(
        historyArb(15),
        fc.constantFrom(...ASSIGNEES),
        fc.constantFrom(...TEAMS),
        fc.array(stepArb, { maxLength: 25 }),
        deltaArb,
        (history, recuser, team, later, delta) => {
          const input = { ...history.input, mode: 'team' as const };
          let s = replay({ input, steps: history.steps }).final;
          fc.pre(statesOf(s).retention !== 'purged' && !s.context.excluded.includes(recuser));

          const at = s.context.lastEventAt;
          const person = ACTORS.find((a) => a.id === recuser)!;
          if (statesOf(s).routing === 'unrouted') {
            s = must(
              s,
              ev(
                { type: 'ROUTE', team, assignee: recuser, ruleId: null, policyVersion: 1 },
                CAST.system,
                at,
              ),
            );
          } else if (s.context.assignee !== recuser) {
            s = must(s, ev({ type: 'ASSIGN', assignee: recuser }, CAST.lead, at));
          }
          s = must(s, ev({ type: 'RECUSE', reason: '-' }, person, at));
          expect(statesOf(s).routing).toBe('queued');
          expect(s.context.assignee).toBeNull();

          // Every unit there is, so that team membership alone would put them in scope.
          const withEveryUnit = { ...person, units: [...TEAMS] };
          const after = replayFrom(s, at, later);
          for (const snapshot of snapshotsOf(after)) {
            const states = statesOf(snapshot);
            const purged = states.retention === 'purged';
            const when = snapshot.context.lastEventAt + delta;
            expect(snapshot.context.excluded).toContain(recuser);
            expect(snapshot.context.assignee).not.toBe(recuser);

            const lead = freeLead(snapshot) ?? CAST.lead;
            const assign = decide(snapshot, ev({ type: 'ASSIGN', assignee: recuser }, lead, when));
            expect(refusedBy(assign)).toBe(purged ? 'notPurged' : 'assigneeNotExcluded');

            expect(
              acceptedEvents(snapshot, withEveryUnit, when).filter((t) => WORK_TYPES.includes(t)),
            ).toEqual([]);
            for (const type of WORK_TYPES) {
              const decision = decide(
                snapshot,
                sampleEvent(type, snapshot.context, withEveryUnit, when),
              );
              const rule = !TAKES[type](states)
                ? 'stateAllows'
                : purged
                  ? 'notPurged'
                  : 'isAssignee';
              expect(refusedBy(decision), type).toBe(rule);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a lead who recused can no longer work the case, but can still assign it', () => {
    const [input] = fc.sample(caseInputArb, { seed: 3, numRuns: 1 });
    const t0 = input!.receivedAt;
    let s = must(
      createCase(input!),
      ev({ type: 'ASSIGN', assignee: CAST.lead.id }, CAST.lead2, t0),
    );
    s = must(s, ev({ type: 'RECUSE', reason: '-' }, CAST.lead, t0));

    expect(decide(s, ev({ type: 'ACKNOWLEDGE' }, CAST.lead, t0))).toMatchObject({
      ok: false,
      guard: 'isAssignee',
    });
    expect(decide(s, ev({ type: 'ASSIGN', assignee: CAST.hana.id }, CAST.lead, t0)).ok).toBe(true);
  });
});

describe('offered actions', SLOW, () => {
  it('offers exactly the events decide would accept, and nothing to reviewers or admins', () => {
    fc.assert(
      fc.property(historyArb(20), deltaArb, (history, delta) => {
        for (const s of snapshotsOf(replay(history))) {
          const at = s.context.lastEventAt + delta;
          for (const actor of ACTORS) {
            const offered = acceptedEvents(s, actor, at);
            for (const type of CASE_EVENT_TYPES) {
              const decision = decide(s, sampleEvent(type, s.context, actor, at));
              expect(offered.includes(type), type).toBe(decision.ok);
            }
            if (actor.role === 'reviewer' || actor.role === 'admin') expect(offered).toEqual([]);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a TICK from anyone but the service itself', () => {
    const [input] = fc.sample(caseInputArb, { seed: 5, numRuns: 1 });
    const s = createCase(input!);
    const late = s.context.deadlines.acknowledgeBy + 1;

    for (const actor of ACTORS.filter((a) => a.role !== 'system')) {
      expect(decide(s, ev({ type: 'TICK' }, actor, late))).toMatchObject({
        ok: false,
        guard: 'isSystem',
      });
    }
    expect(decide(s, ev({ type: 'TICK' }, CAST.system, late)).ok).toBe(true);
  });
});
