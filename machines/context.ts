/**
 * The case machine's context and its creation input. Pure: no I/O.
 *
 * The context holds facts that decide transitions (dates, assignee, hold) and never the
 * content of a case: report text, messages and notes live in the case's store, so that a
 * purge can delete them while the machine keeps its history.
 */
import { addDays, addMonths } from './time';

/** The organisation's product mode: who a handler may see. */
export type ProductMode = 'compliance' | 'team';

/** How a report reached the organisation (Directive 2019/1937 Art. 9(2)). */
export type Channel = 'written' | 'oral';

/** The state of the record of an oral report (Art. 18(2)-(4)): reporter sign-off. */
export type OralRecordStatus = 'none' | 'unconfirmed' | 'confirmed' | 'correction_requested';

/**
 * The retention rules a case was created under, copied in so that a later policy edit cannot
 * reach back.
 */
export interface RetentionTerms {
  policyVersion: number;
  closedCaseDays: number;
  oralRecordDays: number;
  byOutcome: Record<string, number>;
}

/** What the host supplies when a case is created. */
export interface CaseInput {
  caseId: string;
  orgId: string;
  caseRef: string;
  mode: ProductMode;
  channel: Channel;
  category: string;
  /** Server time of receipt, epoch ms. */
  receivedAt: number;
  retention: RetentionTerms;
}

/** The facts a case's transitions decide on: its input, and what its events have recorded. */
export interface CaseContext extends Omit<CaseInput, 'retention'> {
  acknowledgedAt: number | null;
  feedbackGivenAt: number | null;
  closedAt: number | null;
  outcome: string | null;
  deadlines: { acknowledgeBy: number; feedbackBy: number };
  overdue: { acknowledgement: boolean; feedback: boolean };
  team: string | null;
  assignee: string | null;
  /** Staff who may not handle this case (recused, or excluded for a conflict of interest). */
  excluded: string[];
  hold: { reason: string; placedAt: number; placedBy: string } | null;
  retention: RetentionTerms & { until: number | null; reason: string | null };
  purgedAt: number | null;
  oralRecord: OralRecordStatus;
  mailboxLockedUntil: number | null;
  lastEventAt: number;
}

/** Directive 2019/1937 Art. 9(1)(b): acknowledge receipt within seven days. */
export const ACKNOWLEDGE_WITHIN_DAYS = 7;

/**
 * Art. 9(1)(f): feedback within three months of the acknowledgement or, when none was sent,
 * of the end of the seven-day period after the report was made.
 */
export const FEEDBACK_WITHIN_MONTHS = 3;

/** The context of a newly received case. */
export function initialContext(input: CaseInput): CaseContext {
  const acknowledgeBy = addDays(input.receivedAt, ACKNOWLEDGE_WITHIN_DAYS);

  return {
    ...input,
    acknowledgedAt: null,
    feedbackGivenAt: null,
    closedAt: null,
    outcome: null,
    deadlines: { acknowledgeBy, feedbackBy: addMonths(acknowledgeBy, FEEDBACK_WITHIN_MONTHS) },
    overdue: { acknowledgement: false, feedback: false },
    team: null,
    assignee: null,
    excluded: [],
    hold: null,
    retention: { ...input.retention, until: null, reason: null },
    purgedAt: null,
    oralRecord: input.channel === 'oral' ? 'unconfirmed' : 'none',
    mailboxLockedUntil: null,
    lastEventAt: input.receivedAt,
  };
}

/**
 * The deadline the acknowledgement is judged against and whether it is met. Pure helper for
 * the TICK guard and for the host's timer.
 */
export function pendingDeadlines(context: CaseContext): number[] {
  const pending: number[] = [];
  if (context.closedAt !== null || context.purgedAt !== null) return pending;
  if (context.acknowledgedAt === null && !context.overdue.acknowledgement) {
    pending.push(context.deadlines.acknowledgeBy);
  }
  if (context.feedbackGivenAt === null && !context.overdue.feedback) {
    pending.push(context.deadlines.feedbackBy);
  }

  return pending;
}
