/**
 * The side effects a case's accepted event asks for, as rows of its outbox (outbox.ts).
 * Pure: no I/O. The case's Durable Object records them in the event's own transaction.
 */
import type { CaseEnvelope } from '../../machines/engine';
import type { CaseEvent } from '../../machines/events';

/** Who a notification is for; the consumer resolves addresses from the organisation. */
export type Recipient = 'leads' | 'assignee';

export type NotifyTemplate =
  'case_received' | 'case_assigned' | 'reporter_message' | 'deadline_missed';

export type Effect =
  | { kind: 'mirror' }
  | { kind: 'register_mailbox'; tokenDigest: string }
  | { kind: 'unregister_mailbox'; tokenDigest: string }
  | { kind: 'purge_attachments' }
  | { kind: 'notify'; template: NotifyTemplate; to: Recipient };

/**
 * The side effects of an accepted event, from the envelope before it (`previous`, null at
 * creation) to the one after. Every event mirrors; some notify. Leads hear of a statutory
 * deadline once, when the event that finds it missed commits (a TICK, or a late
 * acknowledgement or feedback), not on every TICK: a TICK also moves retention along.
 */
export function effectsOf(
  event: CaseEvent,
  next: CaseEnvelope,
  previous: CaseEnvelope | null,
): Effect[] {
  const effects: Effect[] = [{ kind: 'mirror' }];
  const context = next.snapshot.context;
  if ((event.type === 'ASSIGN' || event.type === 'ROUTE') && context.assignee) {
    effects.push({ kind: 'notify', template: 'case_assigned', to: 'assignee' });
  }
  if (event.type === 'REPORTER_MESSAGE' || event.type === 'REQUEST_CORRECTION') {
    effects.push({
      kind: 'notify',
      template: 'reporter_message',
      to: context.assignee ? 'assignee' : 'leads',
    });
  }
  const was = previous?.snapshot.context.overdue ?? { acknowledgement: false, feedback: false };
  const missed =
    (context.overdue.acknowledgement && !was.acknowledgement) ||
    (context.overdue.feedback && !was.feedback);
  if (missed) effects.push({ kind: 'notify', template: 'deadline_missed', to: 'leads' });

  return effects;
}
