/**
 * Input parsing at the edge: read the body once, within a size limit, parse it with zod,
 * and pass a typed value inward. A malformed body is a 400; a well-formed one that breaks
 * the schema is a 422 naming every field that is wrong.
 */
import type { Context } from 'hono';
import type { z } from 'zod';

import { ApiError } from './errors';

/** The largest JSON body the API reads, in bytes (a report of 20,000 characters fits). */
export const MAX_JSON_BYTES = 256 * 1024;

/** One problem with the input, by field path ("answers.when", "body"). */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The issues of a zod error, with dotted paths. A key the schema does not take is an issue of
 * the object that holds it; it is reported at the key itself, so the client reads which.
 */
export function fieldIssues(error: z.ZodError, what = 'body'): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...at, key].join('.'),
        message: 'not a field this request takes',
      }));
    }

    return [{ path: at.join('.') || `(${what})`, message: issue.message }];
  });
}

/** Parses a value against a schema, or raises a 422 that names the fields. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'request',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = fieldIssues(result.error, what);
    const fields = [...new Set(issues.map((i) => i.path))].join(', ');
    throw new ApiError('validation_failed', `The ${what} is not valid: check ${fields}.`, {
      issues,
    });
  }

  return result.data;
}

/**
 * Reads and parses a JSON body of at most `limit` bytes: 415 for another content type, 413
 * past the limit (checked while reading, not after), 400 for broken JSON, 422 naming fields.
 */
export async function readJson<S extends z.ZodType>(
  c: Context,
  schema: S,
  limit = MAX_JSON_BYTES,
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

/**
 * The body's bytes, read chunk by chunk and abandoned as soon as they pass `limit`, so an
 * oversized request costs no more memory than the limit (a Worker has 128 MB).
 */
export async function readBounded(request: Request, limit: number): Promise<Uint8Array> {
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
    `The request is larger than ${limit} bytes. Send less, or fewer or smaller files.`,
  );
}
