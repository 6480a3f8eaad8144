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

/** The issues of a zod error, with dotted paths. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** Parses a value against a schema, or raises a 422 that names the fields. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'request',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = fieldIssues(result.error);
    const fields = [...new Set(issues.map((i) => i.path))].join(', ');
    throw new ApiError('validation_failed', `The ${what} is not valid: check ${fields}.`, {
      issues,
    });
  }

  return result.data;
}

/** Reads and parses a JSON body. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new ApiError('unsupported_media_type', 'Send the body as application/json.');
  }
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_JSON_BYTES) throw tooLarge();

  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_JSON_BYTES) throw tooLarge();
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new ApiError('invalid_json', 'The body is not valid JSON.');
  }

  return parseWith(schema, value, 'body');
}

function tooLarge(): ApiError {
  return new ApiError('payload_too_large', `The body is larger than ${MAX_JSON_BYTES} bytes.`);
}
