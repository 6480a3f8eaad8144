/**
 * The staff view of a case: facts from the machine's context in wire form (ISO times), the
 * events the caller may send now, and the content; each field is shown only when the
 * permission table (permissions.ts `CASE_FIELDS`) lets one of the caller's roles read it. Pure.
 */
import type { CaseEnvelope } from '../../machines/engine';
import type { CaseEventType } from '../../machines/events';
import type { CaseField, StaffRoles } from '../auth/permissions';
import { CASE_FIELDS, mayReadField } from '../auth/permissions';
import type { CaseContent } from '../store/case-content';

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

export interface PresentCaseOptions {
  /** Every role of the caller; a field is shown when any of them reads it. */
  roles: StaffRoles;
  nextEvents: CaseEventType[];
  content: CaseContent | null;
}

/** The JSON a staff member receives for a case they may see, shaped by their roles. */
export function presentCase(
  envelope: CaseEnvelope,
  options: PresentCaseOptions,
): Partial<ReturnType<typeof caseView>> {
  const view = caseView(envelope, options);
  const fields = Object.keys(CASE_FIELDS) as CaseField[];

  return Object.fromEntries(
    fields
      .filter((field) => field in view && mayReadField(options.roles, field))
      .map((field) => [field, view[field as keyof typeof view]]),
  );
}

function caseView(envelope: CaseEnvelope, options: PresentCaseOptions) {
  const context = envelope.snapshot.context;

  return {
    id: context.caseId,
    caseRef: context.caseRef,
    category: context.category,
    channel: context.channel,
    states: envelope.snapshot.value,
    receivedAt: iso(context.receivedAt),
    acknowledgedAt: iso(context.acknowledgedAt),
    feedbackGivenAt: iso(context.feedbackGivenAt),
    closedAt: iso(context.closedAt),
    outcome: context.outcome,
    deadlines: {
      acknowledgeBy: iso(context.deadlines.acknowledgeBy),
      feedbackBy: iso(context.deadlines.feedbackBy),
    },
    overdue: context.overdue,
    team: context.team,
    assignee: context.assignee,
    excluded: context.excluded,
    hold: context.hold && {
      reason: context.hold.reason,
      placedAt: iso(context.hold.placedAt),
      placedBy: context.hold.placedBy,
    },
    retention: {
      until: iso(context.retention.until),
      reason: context.retention.reason,
      policyVersion: context.retention.policyVersion,
    },
    purgedAt: iso(context.purgedAt),
    oralRecord: context.oralRecord,
    seq: envelope.seq,
    machineVersion: envelope.version,
    nextEvents: options.nextEvents,
    ...(options.content ? { content: options.content } : {}),
  };
}
