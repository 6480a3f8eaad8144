/**
 * Reading the reporter pages' form posts and turning refusals into field errors.
 *
 * Pure: no I/O. Shared by the intake and mailbox page routes (src/http/routes/reporter-pages.ts
 * and mailbox-pages.ts); an `ApiError`'s issues map onto the page's fields by name.
 */
import { ApiError } from '../http/errors';
import { INTAKE_FIELDS, type FieldErrors, type FieldValues } from './pages';

/** Field errors from an ApiError's issues; file issues (`attachments.2`) go to the file field. */
export function fieldErrors(error: ApiError): FieldErrors {
  const issues = (error.details.issues as { path: string; message: string }[] | undefined) ?? [];
  if (issues.length === 0) return { form: error.message };
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const name = issue.path.startsWith('attachments') ? 'attachments' : issue.path;
    errors[name] ??= issue.message;
  }

  return errors;
}

/** A validation refusal of one field, in the shape `fieldErrors` reads back. */
export function fieldError(path: string, message: string): ApiError {
  return new ApiError('validation_failed', message, { issues: [{ path, message }] });
}

/** The text fields of a form, without its form token, to put back after a refusal. */
export function textFields(form: FormData): FieldValues {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string' && key !== INTAKE_FIELDS.csrf) values[key] = value;
  }

  return values;
}

/** A form value as text; a file or a missing field reads as the empty string. */
export function text(value: File | string | null): string {
  return typeof value === 'string' ? value : '';
}
