/**
 * The reporter's view of a case. Pure: no I/O.
 *
 * Built from an allow-list: the case reference, a coarse status, the deadlines the
 * organisation owes the reporter, the thread and the oral record. It never reads the
 * assignee, team, hold, exclusions, notes or audit trail, and a message from the
 * organisation is signed with the display name its author chose, or not at all.
 */
import type { CaseEnvelope } from '../../machines/engine';
import type { ReporterCaseStatus } from '../reporter/pages';
import type { CaseContent } from '../store/case-content';

/** Where the case stands, in the five words a reporter is told (the page's own type). */
export type ReporterStatus = ReporterCaseStatus;

/** One message of the thread as the reporter sees it. */
export interface MailboxMessageView {
  id: string;
  at: string;
  from: 'you' | 'organisation';
  kind: 'message' | 'feedback' | 'correction_request';
  displayName: string | null;
  body: string;
  attachments: { id: string; name: string; size: number; type: string }[];
}

/** The reporter's view. */
export interface MailboxView {
  caseRef: string;
  channel: 'written' | 'oral';
  status: ReporterStatus;
  receivedAt: string;
  /** Deadlines not yet met (Directive 2019/1937 Art. 9(1)(b) and (f)); null once met. */
  deadlines: { acknowledgeBy: string | null; feedbackBy: string | null };
  messages: MailboxMessageView[];
  /** Files sent with the report. */
  reportAttachments: { id: string; name: string; size: number; type: string }[];
  /** The record of an oral report for the reporter to confirm or correct (Art. 18). */
  oralRecord: {
    status: 'unconfirmed' | 'confirmed' | 'correction_requested';
    medium: string;
    heardOn: string;
    minutes: string;
    recordedAt: string;
  } | null;
  /** What the reporter can do now. */
  canSend: boolean;
}

const STATUS: Record<string, ReporterStatus> = {
  received: 'received',
  acknowledged: 'acknowledged',
  investigating: 'in_progress',
  reopened: 'in_progress',
  feedbackGiven: 'feedback_given',
  closed: 'closed',
};

const iso = (at: number) => new Date(at).toISOString();

/** The view of a case for its reporter. */
export function presentMailbox(
  envelope: CaseEnvelope,
  content: Pick<CaseContent, 'report' | 'messages'>,
): MailboxView {
  const context = envelope.snapshot.context;
  const lifecycle = envelope.snapshot.value.lifecycle;
  const purged = context.purgedAt !== null;
  const report = content.report;
  const file = (f: { id: string; name: string; size: number; type: string }) => ({
    id: f.id,
    name: f.name,
    size: f.size,
    type: f.type,
  });

  return {
    caseRef: context.caseRef,
    channel: context.channel,
    status: purged ? 'closed' : (STATUS[lifecycle] ?? 'received'),
    receivedAt: iso(context.receivedAt),
    deadlines: {
      acknowledgeBy:
        context.acknowledgedAt === null && context.closedAt === null
          ? iso(context.deadlines.acknowledgeBy)
          : null,
      feedbackBy:
        context.feedbackGivenAt === null && context.closedAt === null
          ? iso(context.deadlines.feedbackBy)
          : null,
    },
    messages: content.messages.map((m) => ({
      id: String(m.id),
      at: m.at,
      from: m.author === 'reporter' ? 'you' : 'organisation',
      kind:
        m.kind === 'feedback'
          ? 'feedback'
          : m.kind === 'correction_request'
            ? 'correction_request'
            : 'message',
      displayName: m.author === 'organisation' ? m.displayName : null,
      body: m.body,
      attachments: m.attachments.map(file),
    })),
    reportAttachments: report?.attachments.map(file) ?? [],
    oralRecord:
      context.channel === 'oral' && report && context.oralRecord !== 'none'
        ? {
            status: context.oralRecord,
            medium: report.oral?.medium ?? 'meeting',
            heardOn: report.oral?.heardOn ?? report.at.slice(0, 10),
            minutes: report.minutes ?? '',
            recordedAt: report.oral?.amendedAt ?? report.at,
          }
        : null,
    canSend: !purged && lifecycle !== 'closed',
  };
}
