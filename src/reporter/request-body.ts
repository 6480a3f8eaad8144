/**
 * Reading reporter uploads at the edge: a JSON body whose files are base64 (the API) or a
 * multipart form (the pages), each read within a byte limit before anything is parsed. The
 * limit follows the organisation's intake policy and is capped at `MAX_UPLOAD_BYTES`.
 */
import type { Context } from 'hono';
import type { z } from 'zod';

import { ApiError } from '../http/errors';
import { MAX_JSON_BYTES, parseWith } from '../http/validate';
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

/** Reads a JSON body of at most `limit` bytes and parses it (400, 413, 415, 422). */
export async function readJsonUpTo<S extends z.ZodType>(
  c: Context,
  schema: S,
  limit: number,
): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new ApiError('unsupported_media_type', 'Send the body as application/json.');
  }
  const bytes = await readBounded(c.req.raw, limit);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new ApiError('invalid_json', 'The body is not valid JSON.');
  }

  return parseWith(schema, value, 'body');
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

async function readBounded(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array();

  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }

  return bytes;
}

function tooLarge(limit: number): ApiError {
  return new ApiError(
    'payload_too_large',
    `The request is larger than ${limit} bytes. Send fewer or smaller files.`,
  );
}
