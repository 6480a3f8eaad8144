/**
 * Prepares a reporter's files for storage: the count and sizes against the intake policy,
 * the type from the bytes (sniff.ts, never the name or the declared type), identifying
 * metadata removed (strip-metadata.ts), and a random id. Pure apart from
 * `crypto.getRandomValues`: nothing is stored here, so a refused upload leaves nothing behind.
 */
import type { AttachmentRef } from '../../machines/events';
import type { IntakePolicy } from '../../policies';
import { validateAttachments } from '../../policies';
import { randomToken } from '../auth/tokens';
import { sniffContentType } from './sniff';
import { stripMetadata } from './strip-metadata';

/** A file as it arrived: the name the reporter's system gave it and its bytes. */
export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

/** A file ready to store: the cleaned bytes and the reference the case records. */
export interface PreparedFile {
  ref: AttachmentRef;
  bytes: Uint8Array;
}

/** Why files were refused, as the HTTP layer reports it; `issues` name `attachments.<i>`. */
export interface AttachmentRefusal {
  ok: false;
  code: 'validation_failed' | 'payload_too_large' | 'unsupported_media_type';
  message: string;
  issues: { path: string; message: string }[];
}

export type PrepareResult = { ok: true; files: PreparedFile[] } | AttachmentRefusal;

/** Checks and cleans every file, or refuses them all. */
export function prepareAttachments(policy: IntakePolicy, uploads: UploadedFile[]): PrepareResult {
  const { maxFiles, maxBytesPerFile } = policy.attachments;
  if (uploads.length > maxFiles) {
    return refuse('validation_failed', `Attach at most ${maxFiles} files.`, [
      { path: 'attachments', message: `Attach at most ${maxFiles} files.` },
    ]);
  }

  const tooLarge = uploads.flatMap((file, i) =>
    file.bytes.byteLength > maxBytesPerFile
      ? [
          {
            path: `attachments.${i}`,
            message: `"${cleanName(file.name)}" is larger than ${maxBytesPerFile} bytes.`,
          },
        ]
      : [],
  );
  if (tooLarge.length > 0) {
    return refuse(
      'payload_too_large',
      `Each file may be at most ${maxBytesPerFile} bytes.`,
      tooLarge,
    );
  }

  const typed = uploads.map((file) => ({ ...file, type: sniffContentType(file.bytes) }));
  const verdict = validateAttachments(
    policy,
    typed.map((file) => ({
      type: file.type ?? 'application/octet-stream',
      bytes: file.bytes.byteLength,
    })),
  );
  if (!verdict.ok) {
    const allowed = policy.attachments.allowedTypes.join(', ');
    return refuse(
      'unsupported_media_type',
      `Only these kinds of file are accepted, judged by their content: ${allowed}.`,
      verdict.issues,
    );
  }

  const files: PreparedFile[] = [];
  for (const [i, file] of typed.entries()) {
    const type = file.type as string;
    const stripped = stripMetadata(file.bytes, type);
    if (!stripped.ok) {
      return refuse('unsupported_media_type', 'A file could not be read; it may be damaged.', [
        { path: `attachments.${i}`, message: `"${cleanName(file.name)}" is not a readable image.` },
      ]);
    }
    files.push({
      bytes: stripped.value.bytes,
      ref: {
        id: `a_${randomToken(16)}`,
        name: cleanName(file.name),
        type,
        size: stripped.value.bytes.byteLength,
        removed: stripped.value.removed.slice(0, 20),
      },
    });
  }

  return { ok: true, files };
}

/**
 * A file name safe to store and show: the last path segment, no control characters, at most
 * 120 characters. It is shown as text (escaped) and sent as an RFC 6266 filename*.
 */
export function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f-\u009f"]/g, '')
    .trim()
    .slice(0, 120);

  return clean.length > 0 ? clean : 'file';
}

function refuse(
  code: AttachmentRefusal['code'],
  message: string,
  issues: AttachmentRefusal['issues'],
): AttachmentRefusal {
  return { ok: false, code, message, issues };
}
