/**
 * Where a case's files live in the ATTACHMENTS R2 bucket. Pure: no I/O.
 *
 * `org/<org>/case/<case id>/att/<attachment id>`: one prefix per case, so a purge deletes by
 * listing it. The attachment id is random (128 bits) and the key carries nothing the
 * reporter wrote: file names stay in the case's Durable Object.
 */

/** The attachment id format: `a_` and 22 base64url characters (128 bits). */
export const ATTACHMENT_ID_PATTERN = /^a_[A-Za-z0-9_-]{22}$/;

/** The prefix of every file of a case. */
export function attachmentPrefix(org: string, caseId: string): string {
  return `org/${org}/case/${caseId}/att/`;
}

/** The key of one file. */
export function attachmentKey(org: string, caseId: string, id: string): string {
  return `${attachmentPrefix(org, caseId)}${id}`;
}
