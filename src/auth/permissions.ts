/**
 * The permission table: which role may send which case event through the staff API, and
 * which parts of a case each role may read. Pure data. The staff API and a case's
 * `nextEvents` both read it, so the UI never offers what the API would refuse.
 *
 * Object-level scope (is this handler assigned, or in the case's unit?) is the machine's
 * `isAssignee` rule and `canSeeCase` below; this table is about roles only.
 */
import type { CaseContext } from '../../machines/context';
import type { CaseEventType } from '../../machines/events';
import { inScope } from '../../machines/guards';

/** Staff roles (see roles.ts for the names organisations use for them). */
export type StaffRole = 'admin' | 'compliance_lead' | 'handler' | 'reviewer';

const HANDLER_EVENTS: readonly CaseEventType[] = [
  'ACKNOWLEDGE',
  'START_INVESTIGATION',
  'REPLY',
  'ADD_NOTE',
  'GIVE_FEEDBACK',
  'CLOSE',
  'REOPEN',
  'RECUSE',
  'AMEND_RECORD',
];

/** Events each role may send through the staff API. */
export const STAFF_EVENTS: Record<StaffRole, ReadonlySet<CaseEventType>> = {
  admin: new Set(),
  compliance_lead: new Set([
    ...HANDLER_EVENTS,
    'ASSIGN',
    'PLACE_HOLD',
    'RELEASE_HOLD',
    'SET_RETENTION',
    'EXPORT',
  ]),
  handler: new Set(HANDLER_EVENTS),
  reviewer: new Set(),
};

/** Events only Whispr itself, or only the reporter through the mailbox, sends. */
export const NON_STAFF_EVENTS: ReadonlySet<CaseEventType> = new Set([
  'ROUTE',
  'TICK',
  'PURGE',
  'MAILBOX_LOCKED',
  'REPORTER_MESSAGE',
  'CONFIRM_RECORD',
  'REQUEST_CORRECTION',
]);

/** The parts of a case a reader may see. */
export type CasePart = 'states' | 'content' | 'audit';

/** What each role may read of a case it can see. */
export const READS: Record<StaffRole, ReadonlySet<CasePart>> = {
  admin: new Set(),
  compliance_lead: new Set(['states', 'content', 'audit']),
  handler: new Set(['states', 'content', 'audit']),
  reviewer: new Set(['states', 'audit']),
};

/** A staff member as the access rules see them. */
export interface StaffPrincipal {
  id: string;
  role: StaffRole;
  units: string[];
}

/**
 * May this person see that the case exists? Leads and reviewers see every case of their
 * organisation; a handler only the cases in scope (machines/guards.ts `inScope`); an admin
 * none. A case outside this answers 404, exactly like one that does not exist.
 */
export function canSeeCase(
  context: Pick<CaseContext, 'excluded' | 'assignee' | 'mode' | 'team'>,
  who: StaffPrincipal,
): boolean {
  if (who.role === 'compliance_lead' || who.role === 'reviewer') return true;
  if (who.role === 'handler') return inScope(context, who);

  return false;
}

/** May this role send this event type through the staff API at all? */
export function maySend(role: StaffRole, type: CaseEventType): boolean {
  return STAFF_EVENTS[role].has(type);
}

/** May this role read this part of a case it can see? */
export function mayRead(role: StaffRole, part: CasePart): boolean {
  return READS[role].has(part);
}
