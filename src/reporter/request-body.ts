/**
 * Reading reporter uploads at the edge: a JSON body whose files are base64 (the API) or a
 * multipart form (the pages), each read within a byte limit before anything is parsed. The
 * limit follows the organisation's intake policy and is capped at `MAX_UPLOAD_BYTES`.
 */
import type { Context } from 'hono';

import { ApiError } from '../http/errors';
import { MAX_JSON_BYTES, readBounded } from '../http/validate';
import type { IntakePolicy } from '../../policies';
import type { UploadedFile } from './attachments';

/**
 * The largest request the reporter channel reads, in bytes: 40 MiB. A Worker has 128 MB of
 * memory, and a body is held whole while its files are checked and cleaned.
 */
export const MAX_UPLOAD_BYTES = 40 * 1024 * 1024;

/** The byte limit for a request that may carry the policy's files, encoded as `encoding`. */
export function uploadLimit(policy: IntakePolicy, encoding: 'base64' | 'binary'): number {
  const files = policy.attachments.maxFiles * policy.attachments.maxBytesPerFile;
  const encoded = encoding === 'base64' ? Math.ceil(files / 3) * 4 : files;

  return Math.min(MAX_JSON_BYTES + encoded + 64 * 1024, MAX_UPLOAD_BYTES);
}

/** Reads a form body (multipart or urlencoded) of at most `limit` bytes. */
export async function readFormUpTo(c: Context, limit: number): Promise<FormData> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) {
    throw new ApiError('unsupported_media_type', 'Send the form as multipart/form-data.');
  }
  const bytes = await readBounded(c.req.raw, limit);
  try {
    return await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new ApiError('bad_request', 'The form could not be read. Send it again.');
  }
}

/** The files of a form field; empty file inputs (no file chosen) are skipped. */
export async function formFiles(form: FormData, field: string): Promise<UploadedFile[]> {
  const files: UploadedFile[] = [];
  // Typed as strings by @cloudflare/workers-types; file inputs arrive as File objects.
  for (const entry of form.getAll(field) as unknown as Array<File | string>) {
    if (typeof entry === 'string' || (entry.size === 0 && entry.name === '')) continue;
    files.push({ name: entry.name, bytes: new Uint8Array(await entry.arrayBuffer()) });
  }

  return files;
}

/** Decodes base64 files of the API; a value that is not base64 is a 422 naming the file. */
export function decodeFiles(files: { name: string; data: string }[]): UploadedFile[] {
  return files.map((file, i) => {
    try {
      const binary = atob(file.data);
      return { name: file.name, bytes: Uint8Array.from(binary, (ch) => ch.charCodeAt(0)) };
    } catch {
      throw new ApiError('validation_failed', 'A file is not valid base64.', {
        issues: [{ path: `attachments.${i}.data`, message: 'Send the file content as base64.' }],
      });
    }
  });
}
