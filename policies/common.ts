/**
 * Building blocks shared by the policy schemas: identifiers and version numbers.
 * Pure: no I/O.
 */
import { z } from 'zod';

/**
 * A lower-case slug such as `health-and-safety`. Identifiers in policy documents end up in
 * storage keys, URLs and form field names, so they are kept to characters that need no escaping.
 */
export const SlugSchema = z
  .string()
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Use lower-case letters, digits and single hyphens.');

/** A policy's version: each saved edit gets the next integer; a case records the one it used. */
export const PolicyVersionSchema = z.number().int().min(1);

/** Reports every value that occurs more than once, so a schema can name the duplicate. */
export function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) repeated.add(value);
    seen.add(value);
  }

  return [...repeated];
}
