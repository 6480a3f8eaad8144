/**
 * The names of the form fields the reporter pages post: the contract between the pages and the
 * routes that read them (src/http/routes/reporter-pages.ts and mailbox-pages.ts).
 *
 * Pure: constants and one naming function, no I/O.
 */

/** Form field names the intake route reads; questions use `questionFieldName`. */
export const INTAKE_FIELDS = {
  category: 'category',
  description: 'description',
  attachments: 'attachments',
  policyVersion: 'policy_version',
  csrf: 'csrf',
} as const;

/** Form field names the mailbox routes read. */
export const MAILBOX_FIELDS = {
  token: 'token',
  returnCode: 'return_code',
  body: 'body',
  attachments: 'attachments',
  correction: 'correction',
  recordedAt: 'recorded_at',
  csrf: 'csrf',
} as const;

/**
 * Name of the form field that carries the answer to question `id`; the same string as the issue
 * path `validateIntake` reports for it, so its issues map straight onto `FieldErrors`.
 */
export function questionFieldName(id: string): string {
  return `answers.${id}`;
}
