/**
 * The data the reporter pages show, as plain structural types.
 *
 * Pure: types only, no I/O. The intake shapes are structural copies of what the form needs from
 * the intake policy, so `policies/intake.ts` fits them without this folder importing it.
 */

/** The organisation a page belongs to. */
export interface ReporterOrg {
  slug: string;
  name: string;
}

/** One category a reporter can choose (structural copy of the intake policy's shape). */
export interface IntakeCategory {
  id: string;
  label: string;
  description?: string;
}

/** One questionnaire question (structural copy of the intake policy's shape). */
export interface IntakeQuestion {
  id: string;
  label: string;
  help?: string;
  kind: 'text' | 'longtext' | 'choice' | 'date' | 'yesno';
  required: boolean;
  options?: string[];
  maxLength?: number;
}

/** What reporters may upload; sizes in bytes, types as MIME types. */
export interface AttachmentPolicy {
  maxFiles: number;
  maxBytesPerFile: number;
  allowedTypes: string[];
}

/** The parts of an intake policy the form needs (structural, so `policies/intake.ts` fits it). */
export interface IntakePolicyView {
  version: number;
  categories: IntakeCategory[];
  questions: IntakeQuestion[];
  attachments: AttachmentPolicy;
}

/** Messages for fields that failed validation, keyed by the field's `name`. */
export type FieldErrors = Readonly<Record<string, string>>;

/** Values to put back into the form after a failed submission, keyed by the field's `name`. */
export type FieldValues = Readonly<Record<string, string>>;

/** Statutory deadlines as ISO 8601 timestamps (Directive (EU) 2019/1937, art. 9(1)(b) and (f)). */
export interface Deadlines {
  acknowledgeBy: string | null;
  feedbackBy: string | null;
}

/** Where a case stands, as the reporter may see it. */
export type ReporterCaseStatus =
  'received' | 'acknowledged' | 'in_progress' | 'feedback_given' | 'closed';

/** One message in the reporter's thread; `at` is ISO 8601, attachment `size` in bytes. */
export interface MailboxMessage {
  id: string;
  at: string;
  from: 'you' | 'organisation';
  displayName?: string;
  body: string;
  attachments?: { id: string; name: string; size: number }[];
}

/** Minutes of an oral report for the reporter to check (Directive (EU) 2019/1937, art. 18). */
export interface OralRecordView {
  status: 'unconfirmed' | 'confirmed' | 'correction_requested';
  minutes: string;
  recordedAt: string;
}

/** Everything the mailbox page shows; reporter-visible content only. */
export interface MailboxView {
  caseRef: string;
  status: ReporterCaseStatus;
  deadlines: Deadlines;
  messages: MailboxMessage[];
  oralRecord?: OralRecordView;
}
