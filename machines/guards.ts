/**
 * The named rules of the case machine. Pure: each is a predicate over the context and the
 * event, and its name is what the API and the UI show when it refuses an action.
 *
 * Rules that cross regions read the context rather than another region's state (the hold
 * is `context.hold`, closure is `context.closedAt`), so each can be evaluated on its own
 * to explain a refusal.
 */
import type { CaseContext } from './context';
import { pendingDeadlines } from './context';
import type { CaseEvent } from './events';

type Rule = (args: { context: CaseContext; event: CaseEvent }) => boolean;

const STAFF_CASE_ROLES = new Set(['compliance_lead', 'handler']);

/**
 * May this actor work the case? Nobody works a case they were excluded from (recused or
 * conflicted), a lead included; otherwise leads may work every case of their organisation,
 * and a handler only a case in their scope: assigned to them (compliance mode) or routed to
 * one of their units (team mode).
 */
export function inScope(
  context: Pick<CaseContext, 'excluded' | 'assignee' | 'mode' | 'team'>,
  actor: Pick<CaseEvent['actor'], 'id' | 'role' | 'units'>,
): boolean {
  if (context.excluded.includes(actor.id)) return false;
  if (actor.role === 'compliance_lead') return true;
  if (actor.role !== 'handler') return false;
  if (context.assignee === actor.id) return true;

  return context.mode === 'team' && context.team !== null && actor.units.includes(context.team);
}

export const guards = {
  /** Nothing but audit reads remain after a purge. */
  notPurged: ({ context }) => context.purgedAt === null,
  /** A legal hold freezes closure, export and purge. */
  notOnHold: ({ context }) => context.hold === null,
  /** The actor works this case (see `inScope`). */
  isAssignee: ({ context, event }) => inScope(context, event.actor),
  /** Only staff who work cases may act on its content. */
  isCaseWorker: ({ event }) => STAFF_CASE_ROLES.has(event.actor.role),
  /** Only the reporter may speak as the reporter. */
  isReporter: ({ event }) => event.actor.role === 'reporter',
  /** Only the service itself may route, purge and tell the time. */
  isSystem: ({ event }) => event.actor.role === 'system',
  /** Only a compliance lead assigns, holds and sets retention. */
  isLead: ({ event }) => event.actor.role === 'compliance_lead',
  /** An excluded handler cannot be (re)assigned the case. */
  assigneeNotExcluded: ({ context, event }) =>
    event.type === 'ASSIGN' && !context.excluded.includes(event.assignee),
  /** Routing names a person, not only a team. */
  routeNamesAssignee: ({ event }) => event.type === 'ROUTE' && event.assignee !== null,
  /** Reassigning to the current assignee is not a change. */
  assigneeChanges: ({ context, event }) =>
    event.type === 'ASSIGN' && event.assignee !== context.assignee,
  /** Only the assignee can step away from a case. */
  isCurrentAssignee: ({ context, event }) => context.assignee === event.actor.id,
  /** The case has never been acknowledged. */
  notYetAcknowledged: ({ context }) => context.acknowledgedAt === null,
  /** Retention can only be scheduled for a closed case. */
  isClosed: ({ context }) => context.closedAt !== null,
  /** A retention date must lie after the closure it follows. */
  retentionAfterClosure: ({ context, event }) =>
    event.type === 'SET_RETENTION' &&
    context.closedAt !== null &&
    Date.parse(event.until) > context.closedAt,
  /** A purge waits for the retention date. */
  purgeDue: ({ context, event }) =>
    context.retention.until !== null && event.at >= context.retention.until,
  /** Oral records only: the reporter signs off on the handler's minutes (Art. 18(2)-(4)). */
  isOralRecord: ({ context }) => context.channel === 'oral',
  /** The record awaits the reporter's confirmation. */
  recordUnconfirmed: ({ context }) => context.oralRecord === 'unconfirmed',
  /** TICK changes something only when a deadline has passed unmet. */
  deadlinePassed: ({ context, event }) => pendingDeadlines(context).some((d) => event.at > d),
  /** TICK moves a scheduled purge to due once its date has come. */
  retentionElapsed: ({ context, event }) =>
    context.retention.until !== null && event.at >= context.retention.until,
} satisfies Record<string, Rule>;

/** The name of a rule, as shown to users. */
export type GuardName = keyof typeof guards;

/** What each rule means when it refuses, in words for the person who was refused. */
export const GUARD_MESSAGES: Record<GuardName, string> = {
  notPurged: 'The case has been purged; only its audit trail can be read.',
  notOnHold: 'A legal hold is active on this case; a compliance lead must release it first.',
  isAssignee: 'You do not work this case: it is not assigned to you or to your unit.',
  isCaseWorker: 'Only handlers and compliance leads can do this.',
  isReporter: 'Only the reporter can do this, through the mailbox.',
  isSystem: 'Only Whispr itself does this.',
  isLead: 'Only a compliance lead can do this.',
  assigneeNotExcluded: 'That person is excluded from this case (recusal or conflict of interest).',
  routeNamesAssignee: 'The routing decision names no assignee.',
  assigneeChanges: 'The case is already assigned to that person.',
  isCurrentAssignee: 'Only the current assignee can recuse themselves.',
  notYetAcknowledged: 'The case was acknowledged already.',
  isClosed: 'Retention is set once a case is closed.',
  retentionAfterClosure: 'The retention date must lie after the closure of the case.',
  purgeDue: 'The retention period has not ended yet.',
  isOralRecord: 'Only a case recorded from an oral report has a record to confirm.',
  recordUnconfirmed: 'The record is not awaiting confirmation.',
  deadlinePassed: 'No deadline has passed.',
  retentionElapsed: 'The retention date has not come yet.',
};
