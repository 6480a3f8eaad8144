/**
 * Checks the files a reporter attaches against the attachments section of the intake policy.
 * Pure: no I/O.
 */
import type { IntakeIssue, IntakePolicy } from './intake';

/** A file a reporter wants to attach: its declared MIME type and its size in bytes. */
export type AttachmentCandidate = { type: string; bytes: number };

/** The outcome of checking attachments against the policy. */
export type AttachmentsResult =
  { ok: true } | { ok: false; code: 'invalid_attachments'; message: string; issues: IntakeIssue[] };

/**
 * Checks the number, size and declared type of the files against the policy. The type is the
 * sender's claim (parameters such as `charset` ignored); checking the bytes is the caller's task.
 */
export function validateAttachments(
  policy: IntakePolicy,
  files: readonly AttachmentCandidate[],
): AttachmentsResult {
  const { maxFiles, maxBytesPerFile, allowedTypes } = policy.attachments;
  const issues: IntakeIssue[] = [];

  if (files.length > maxFiles) {
    issues.push({ path: 'attachments', message: `Attach at most ${maxFiles} files.` });
  }

  files.forEach((file, index) => {
    const path = `attachments.${index}`;
    const type = (file.type.split(';')[0] ?? '').trim().toLowerCase();
    if (!allowedTypes.includes(type)) {
      issues.push({ path, message: `Attach one of these types: ${allowedTypes.join(', ')}.` });
    }

    if (!Number.isInteger(file.bytes) || file.bytes < 0 || file.bytes > maxBytesPerFile) {
      issues.push({ path, message: `Attach files of at most ${maxBytesPerFile} bytes each.` });
    }
  });

  if (issues.length > 0) {
    return {
      ok: false,
      code: 'invalid_attachments',
      message: 'Correct the attachments listed in issues and send them again.',
      issues,
    };
  }

  return { ok: true };
}
