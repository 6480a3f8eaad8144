// The outbox effects of accepted events, over generated histories run through the case
// object's own step: leads hear of each missed statutory deadline exactly once, whatever
// mix of TICKs, late acknowledgements and retention changes the history holds.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CaseEnvelope } from '../../machines/engine';
import { createCase, envelope } from '../../machines/engine';
import type { CaseCommand } from '../../machines/events';
import type { AuditRecord } from '../../src/audit/chain';
import { decideEvent } from '../../src/cases/decide-event';
import { effectsOf } from '../../src/store/case-effects';
import { historyArb, replay } from './arbitraries';

const missedNotices = (effects: ReturnType<typeof effectsOf>) =>
  effects.filter((e) => e.kind === 'notify' && e.template === 'deadline_missed').length;

describe('effects of accepted events', { timeout: 60_000 }, () => {
  it('notify the leads once per missed deadline, on the event that finds it missed', () => {
    let sawMiss = 0;
    fc.assert(
      fc.property(historyArb(), (history) => {
        let current: CaseEnvelope = envelope(createCase(history.input), 0);
        let last: AuditRecord | null = null;
        let notices = 0;

        for (const { event } of replay(history).decided) {
          const { at, actor, ...command } = event;
          const result = decideEvent(current, last, command as CaseCommand, actor, at);
          if (!result.ok) continue;

          const effects = effectsOf(result.event, result.envelope, current);
          expect(effects[0]).toEqual({ kind: 'mirror' });
          const before = current.snapshot.context.overdue;
          const after = result.envelope.snapshot.context.overdue;
          const flipped =
            (after.acknowledgement && !before.acknowledgement) ||
            (after.feedback && !before.feedback);
          expect(missedNotices(effects)).toBe(flipped ? 1 : 0);
          notices += missedNotices(effects);
          [current, last] = [result.envelope, result.record];
        }

        const { acknowledgement, feedback } = current.snapshot.context.overdue;
        expect(notices).toBeLessThanOrEqual(Number(acknowledgement) + Number(feedback));
        expect(notices > 0).toBe(acknowledgement || feedback);
        if (notices > 0) sawMiss++;
      }),
      { numRuns: 1_000 },
    );
    // The histories must reach missed deadlines for the property to mean anything.
    expect(sawMiss).toBeGreaterThan(50);
  });
});
