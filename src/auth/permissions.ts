/**
 * The permission table: for each staff role, the organisation-level actions it may take, the
 * case events it may send through the staff API, and the fields of a case it may read. Pure
 * data and predicates over it. The HTTP layer (`requirePermission`, the case routes), a case's
 * `nextEvents` and the shaping of a case view all read this one table, so the UI never offers
 * what the API would refuse.
 *
 * An account may hold admin and one case role (roles.ts `RoleSet`); every predicate takes the
 * account's roles and answers for their union, so no caller has to pick "the" role.
 *
 * Object-level scope (is this handler assigned, or in the case's unit? were they recused?) is
 * the machine's `isAssignee` rule (`inScope`) and `canSeeCase` below; the table is about roles.
 */
import type { CaseContext } from '../../machines/context';
import type { CaseEventType } from '../../machines/events';
import { inScope } from '../../machines/guards';
import { caseRoleOf } from './roles';

/** Staff roles (see roles.ts for the names organisations use for them). */
export type StaffRole = 'admin' | 'compliance_lead' | 'handler' | 'reviewer';

/** Organisation-level actions, each guarding one or more staff routes. */
export type StaffAction =
  /** List and read cases (each case is then checked for scope). */
  | 'cases.read'
  /**
   * Send events to cases and be assigned one: each event is then checked against `events`
   * and the case's rules. Held by exactly the roles with events to send.
   */
  | 'cases.work'
  /** Record an oral report (phone or meeting) as a new case. */
  | 'cases.record_oral'
  /** Staff accounts: list, invite, change role/units, disable, reset a second factor. */
  | 'users.manage'
  /** Organisation settings (require_totp). */
  | 'settings.manage'
  /** The organisation's own audit trail (users, settings and policy publications). */
  | 'org_audit.read'
  /** The case machine's definition, for diagrams. */
  | 'machines.read'
  /** The routing, retention and intake policies in force and their earlier versions. */
  | 'policies.read'
  /** Publish a new version of a policy. */
  | 'policies.manage';

/** The parts of a case a reader may see; every field of a case view belongs to one. */
export type CasePart = 'states' | 'content' | 'audit';

/** One role's row of the table. */
export interface RolePermissions {
  actions: readonly StaffAction[];
  events: readonly CaseEventType[];
  reads: readonly CasePart[];
}

const WORK_EVENTS = [
  'ACKNOWLEDGE',
  'START_INVESTIGATION',
  'REPLY',
  'ADD_NOTE',
  'GIVE_FEEDBACK',
  'CLOSE',
  'REOPEN',
  'RECUSE',
  'AMEND_RECORD',
] as const satisfies readonly CaseEventType[];

/**
 * The table. Sources for the split: Directive (EU) 2019/1937 Art. 9(1)(c) (an impartial person
 * or department designated to follow up: the lead, who designates handlers) and Art. 16 (the
 * reporter's identity known only to those who handle the report: admins and reviewers read no
 * content).
 */
export const PERMISSIONS: Readonly<Record<StaffRole, RolePermissions>> = {
  // Runs the account: users, settings, billing, domains. No case content, no case list. No
  // policies either: routing rules may name the people who get cases and retention is a
  // compliance decision, so the account's operator is kept out of both (least privilege).
  admin: {
    actions: ['users.manage', 'settings.manage', 'org_audit.read', 'machines.read'],
    events: [],
    reads: [],
  },
  // Every case of the organisation, policies, holds, assignment, retention.
  compliance_lead: {
    actions: [
      'cases.read',
      'cases.work',
      'cases.record_oral',
      'org_audit.read',
      'machines.read',
      'policies.read',
      'policies.manage',
    ],
    events: [...WORK_EVENTS, 'ASSIGN', 'PLACE_HOLD', 'RELEASE_HOLD', 'SET_RETENTION', 'EXPORT'],
    reads: ['states', 'content', 'audit'],
  },
  // Works the cases in scope.
  handler: {
    actions: ['cases.read', 'cases.work', 'cases.record_oral', 'machines.read'],
    events: WORK_EVENTS,
    reads: ['states', 'content', 'audit'],
  },
  // Read-only oversight: states, deadlines, audit trails, diagrams and the policies cases were
  // decided under; no report content.
  reviewer: {
    actions: ['cases.read', 'org_audit.read', 'machines.read', 'policies.read'],
    events: [],
    reads: ['states', 'audit'],
  },
};

/** Events each role may send through the staff API (derived from `PERMISSIONS`). */
export const STAFF_EVENTS: Record<StaffRole, ReadonlySet<CaseEventType>> = {
  admin: new Set(PERMISSIONS.admin.events),
  compliance_lead: new Set(PERMISSIONS.compliance_lead.events),
  handler: new Set(PERMISSIONS.handler.events),
  reviewer: new Set(PERMISSIONS.reviewer.events),
};

/**
 * Events the staff events route refuses: Whispr's own, the reporter's (through the mailbox),
 * and ACCESS_ATTACHMENT, which only the download route records.
 */
export const NON_STAFF_EVENTS: ReadonlySet<CaseEventType> = new Set([
  'ACCESS_ATTACHMENT',
  'ROUTE',
  'TICK',
  'PURGE',
  'MAILBOX_LOCKED',
  'REPORTER_MESSAGE',
  'CONFIRM_RECORD',
  'REQUEST_CORRECTION',
]);

/** What each role may read of a case it can see (derived from `PERMISSIONS`). */
export const READS: Record<StaffRole, ReadonlySet<CasePart>> = {
  admin: new Set(PERMISSIONS.admin.reads),
  compliance_lead: new Set(PERMISSIONS.compliance_lead.reads),
  handler: new Set(PERMISSIONS.handler.reads),
  reviewer: new Set(PERMISSIONS.reviewer.reads),
};

/**
 * The part each field of the staff case view belongs to (present-case.ts). A field missing
 * here is never shown: adding a field to the view means deciding who reads it.
 */
export const CASE_FIELDS = {
  id: 'states',
  caseRef: 'states',
  category: 'states',
  channel: 'states',
  states: 'states',
  receivedAt: 'states',
  acknowledgedAt: 'states',
  feedbackGivenAt: 'states',
  closedAt: 'states',
  outcome: 'states',
  deadlines: 'states',
  overdue: 'states',
  team: 'states',
  assignee: 'states',
  excluded: 'states',
  hold: 'states',
  retention: 'states',
  purgedAt: 'states',
  oralRecord: 'states',
  seq: 'states',
  machineVersion: 'states',
  nextEvents: 'states',
  content: 'content',
} as const satisfies Record<string, CasePart>;

/** A field of the staff case view. */
export type CaseField = keyof typeof CASE_FIELDS;

/** The roles of one account, as the predicates below take them (roles.ts `RoleSet`). */
export type StaffRoles = readonly StaffRole[];

/** A staff member as the access rules see them. */
export interface StaffPrincipal {
  id: string;
  /** Every role the account holds: at most one case role, and perhaps admin. */
  roles: StaffRoles;
  /** The role a case event is recorded under: the case role, else admin (`primaryRole`). */
  role: StaffRole;
  units: string[];
}

/**
 * May this person see that the case exists? Leads and reviewers see every case of their
 * organisation unless excluded from it (recusal, conflict of interest); a handler only the
 * cases in scope (machines/guards.ts `inScope`: assigned in compliance mode, their unit's in
 * team mode, never after a recusal); an admin without a case role none. A case outside this
 * answers 404, exactly like one that does not exist.
 */
export function canSeeCase(
  context: Pick<CaseContext, 'excluded' | 'assignee' | 'mode' | 'team'>,
  who: Pick<StaffPrincipal, 'id' | 'roles' | 'units'>,
): boolean {
  if (!mayRead(who.roles, 'states')) return false;
  // Whoever stepped away or was excluded for a conflict of interest keeps no access, a lead
  // or reviewer included.
  if (context.excluded.includes(who.id)) return false;
  // Scope belongs to the case role: admin adds no case, so an admin and handler sees what
  // the handler alone would.
  if (caseRoleOf(who.roles) === 'handler') {
    return inScope(context, { id: who.id, role: 'handler', units: who.units });
  }

  return true;
}

/** May an account with these roles take this organisation-level action? */
export function mayDo(roles: StaffRoles, action: StaffAction): boolean {
  return roles.some((role) => PERMISSIONS[role].actions.includes(action));
}

/** May an account with these roles send this event type through the staff API at all? */
export function maySend(roles: StaffRoles, type: CaseEventType): boolean {
  return roles.some((role) => STAFF_EVENTS[role].has(type));
}

/** May an account with these roles read this part of a case it can see? */
export function mayRead(roles: StaffRoles, part: CasePart): boolean {
  return roles.some((role) => READS[role].has(part));
}

/** May an account with these roles read this field of a case view? */
export function mayReadField(roles: StaffRoles, field: CaseField): boolean {
  return mayRead(roles, CASE_FIELDS[field]);
}

/**
 * May a case be assigned to an account with these roles? Only to someone who can work it
 * (`cases.work`); the machine's `isAssignee` then decides what they may do with it.
 */
export function mayBeAssigned(roles: StaffRoles): boolean {
  return mayDo(roles, 'cases.work');
}

/** The roles that may be assigned a case, for messages (derived from `PERMISSIONS`). */
export const ASSIGNABLE_ROLES: readonly StaffRole[] = (
  Object.keys(PERMISSIONS) as StaffRole[]
).filter((role) => mayBeAssigned([role]));
