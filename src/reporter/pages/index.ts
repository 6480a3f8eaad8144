/**
 * The reporter's pages: intake form, receipt, mailbox login, mailbox, error page, and the page
 * for a report form posted again.
 *
 * Pure: no I/O; each function returns a whole HTML document as a string. Reporters may browse
 * with JavaScript switched off (Tor Browser's "Safest" level), so the pages contain no script,
 * every action is a plain form POST, and nothing loads from another origin: the only
 * sub-resource is the stylesheet at `REPORTER_CSS_PATH`, served from `REPORTER_CSS`. Every value
 * from a request, a store or a policy goes through `html`, which escapes it.
 *
 * Routes these pages link or post to (the HTTP layer owns them): `/r/{slug}` (intake form),
 * `/r/{slug}/report`, `/r/{slug}/mailbox` (login, or the mailbox once signed in),
 * `/r/{slug}/mailbox/login`, `/r/{slug}/mailbox/logout`, `/r/{slug}/mailbox/messages`,
 * `/r/{slug}/mailbox/oral/confirm`, `/r/{slug}/mailbox/oral/correction` and
 * `/r/{slug}/mailbox/attachments/{id}`.
 *
 * This module only re-exports; the layout, field builders and formatting it uses stay inside
 * the folder.
 */
export type {
  AttachmentPolicy,
  Deadlines,
  FieldErrors,
  FieldValues,
  IntakeCategory,
  IntakePolicyView,
  IntakeQuestion,
  MailboxMessage,
  MailboxView,
  OralRecordView,
  ReporterCaseStatus,
  ReporterOrg,
} from './types';
export { INTAKE_FIELDS, MAILBOX_FIELDS, questionFieldName } from './field-names';
export { REPORTER_CSS, REPORTER_CSS_PATH } from './style';
export { renderIntakePage, type IntakePageOptions } from './intake-page';
export { renderReceiptPage, type ReceiptPageOptions } from './receipt-page';
export { renderAlreadySentPage, type AlreadySentPageOptions } from './already-sent-page';
export { renderMailboxLoginPage, type MailboxLoginPageOptions } from './mailbox-login-page';
export { renderMailboxPage, type MailboxPageOptions } from './mailbox-page';
export { renderErrorPage, type ErrorPageOptions } from './error-page';
