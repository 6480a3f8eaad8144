import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createCase, decide, envelope } from '../../machines/engine';
import type { CaseEvent } from '../../machines/events';
import { presentMailbox } from '../../src/mailbox/present-mailbox';
import type { CaseContent } from '../../src/store/case-content';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);
const retention = { policyVersion: 1, closedCaseDays: 1095, oralRecordDays: 1095, byOutcome: {} };

function caseWith(marker: string, steps: string[]) {
  let snapshot = createCase({
    caseId: 'c_00000000000000000000',
    orgId: 'org',
    caseRef: 'WB-AAAA-BBBB',
    mode: 'compliance',
    channel: 'written',
    category: 'fraud',
    receivedAt: T0,
    retention,
  });
  const lead = {
    id: `lead-${marker}`,
    role: 'compliance_lead' as const,
    units: [`unit-${marker}`],
  };
  const events: Record<string, Record<string, unknown>> = {
    route: {
      type: 'ROUTE',
      team: `team-${marker}`,
      assignee: `handler-${marker}`,
      ruleId: `rule-${marker}`,
      policyVersion: 1,
    },
    hold: { type: 'PLACE_HOLD', reason: `hold-${marker}` },
    ack: { type: 'ACKNOWLEDGE' },
    assign: { type: 'ASSIGN', assignee: `other-${marker}` },
    close: { type: 'CLOSE', outcome: 'referred' },
    reopen: { type: 'REOPEN', reason: `reopen-${marker}` },
  };
  let at = T0;
  for (const step of steps) {
    at += DAY;
    const actor = step === 'route' ? { id: 'system', role: 'system' as const, units: [] } : lead;
    const decision = decide(snapshot, { ...events[step], at, actor } as CaseEvent);
    if (decision.ok) snapshot = decision.snapshot;
  }

  return envelope(snapshot, steps.length);
}

describe('presentMailbox', () => {
  it('never carries a marker from assignment, teams, holds, reasons, notes or staff ids', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 6, maxLength: 12 }).map((s) => `M${s.replace(/\W/g, 'x')}Z`),
        fc.array(fc.constantFrom('route', 'hold', 'ack', 'assign', 'close', 'reopen'), {
          maxLength: 10,
        }),
        (marker, steps) => {
          const content: CaseContent = {
            report: {
              at: new Date(T0).toISOString(),
              description: 'report',
              answers: {},
              minutes: null,
              attachments: [],
              oral: null,
            },
            messages: [
              {
                id: 1,
                seq: 3,
                at: new Date(T0).toISOString(),
                author: 'organisation',
                kind: 'reply',
                displayName: null,
                body: 'reply',
                attachments: [],
              },
            ],
            notes: [
              { id: 1, seq: 4, at: '', authorId: `author-${marker}`, body: `note-${marker}` },
            ],
          };

          const view = presentMailbox(caseWith(marker, ['route', ...steps]), content);

          expect(JSON.stringify(view)).not.toContain(marker);
          expect(view.messages).toHaveLength(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('maps every lifecycle state onto the five statuses a reporter is told', () => {
    const seen = new Set<string>();
    for (const steps of [[], ['ack'], ['ack', 'close'], ['ack', 'close', 'reopen']]) {
      const view = presentMailbox(caseWith('x', ['route', ...steps]), {
        report: null,
        messages: [],
      });
      seen.add(view.status);
    }

    expect([...seen].sort()).toEqual(['acknowledged', 'closed', 'in_progress', 'received']);
  });
});
