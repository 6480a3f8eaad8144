/**
 * Form-field builders shared by the reporter pages: radio groups, text areas, the file input,
 * the error summary, and the hint, error and `aria-*` wiring every field uses.
 *
 * Pure: no I/O; each returns a fragment built with `html`, so every value is escaped. A field
 * with an error carries `aria-invalid` and points at its message with `aria-describedby`, and
 * the summary at the top of the page links to the field.
 */
import { html, type HtmlValue, type SafeHtml } from '../html';
import { INTAKE_FIELDS } from './field-names';
import { formatBytes } from './format';
import type { AttachmentPolicy, FieldErrors } from './types';

/** A field the error summary may link to: its form `name` and the element id to jump to. */
export interface FieldSpec {
  name: string;
  anchor: string;
}

/** What `radioGroup` draws: one radio per option, `value` checked, `error` if it failed. */
export interface RadioGroupSpec {
  name: string;
  legend: string;
  hint?: string;
  required: boolean;
  options: { value: string; label: string; hint?: string }[];
  value: string | undefined;
  error: string | undefined;
}

/** What `textArea` draws; `value` is put back after a failed submission. */
export interface TextAreaSpec {
  name: string;
  label: string;
  hint?: string;
  required: boolean;
  value?: string;
  error: string | undefined;
  maxLength?: number;
}

const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'text/plain': 'plain text',
};

/**
 * The "There is a problem" box: a link to each listed field with an error, in `fields` order,
 * then errors for names not in `fields` (such as `form`) as plain text. Nothing if no errors.
 */
export function errorSummary(fields: FieldSpec[], errors: FieldErrors): HtmlValue {
  if (!hasErrors(errors)) return null;

  const known = new Set(fields.map((f) => f.name));
  const linked = fields
    .filter((f) => errors[f.name])
    .map((f) => html`<li><a href="#${f.anchor}">${errors[f.name]}</a></li>`);
  const other = Object.keys(errors)
    .filter((name) => !known.has(name))
    .map((name) => html`<li>${errors[name]}</li>`);

  return html` <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
    <h2 id="error-summary-title">There is a problem</h2>
    <ul>
      ${linked}${other}
    </ul>
  </div>`;
}

/** A fieldset of radios; option `i` has the id `${fieldId(name)}-${i}`. */
export function radioGroup(spec: RadioGroupSpec): SafeHtml {
  const id = fieldId(spec.name);

  const radios = spec.options.map((option, i) => {
    const optionId = `${id}-${i}`;
    const checked = option.value === spec.value && html` checked`;
    const required = spec.required && html` required`;
    const described = option.hint && html` aria-describedby="${optionId}-hint"`;

    return html` <div class="choice">
      <input
        type="radio"
        id="${optionId}"
        name="${spec.name}"
        value="${option.value}"
        ${checked}${required}${described}
      />
      <label for="${optionId}">${option.label}</label>
      ${option.hint && html`<p class="hint" id="${optionId}-hint">${option.hint}</p>`}
    </div>`;
  });

  return html`
    <div class="field${spec.error ? ' field-error' : ''}">
      <fieldset${describedBy(id, spec.hint, spec.error)}>
        <legend>${spec.legend}${optionalMark(spec.required)}</legend>
        ${hintAndError(id, spec.hint, spec.error)}
        ${radios}
      </fieldset>
    </div>`;
}

/** A labelled text area with the id `fieldId(name)`. */
export function textArea(spec: TextAreaSpec): SafeHtml {
  const id = fieldId(spec.name);
  const maxLength = spec.maxLength !== undefined && html` maxlength="${spec.maxLength}"`;
  const required = spec.required && html` required`;

  return html` <div class="field${spec.error ? ' field-error' : ''}">
    <label for="${id}">${spec.label}${optionalMark(spec.required)}</label>
    ${hintAndError(id, spec.hint, spec.error)}
    <textarea
      id="${id}"
      name="${spec.name}"
      rows="8"
      ${maxLength}${required}${describedBy(id, spec.hint, spec.error)}
    >
${spec.value ?? ''}</textarea>
  </div>`;
}

/**
 * The optional file input, with a hint that states the policy's limits. A page cannot put a
 * chosen file back after a failed submission, so `formHasErrors` asks for the files again.
 */
export function fileInput(
  policy: AttachmentPolicy,
  error: string | undefined,
  formHasErrors: boolean,
): SafeHtml {
  const id = fieldId(INTAKE_FIELDS.attachments);
  const types = policy.allowedTypes.map((t) => TYPE_NAMES[t] ?? t).join(', ');
  const count = policy.maxFiles === 1 ? 'one file' : `up to ${policy.maxFiles} files`;
  const size = formatBytes(policy.maxBytesPerFile);
  const resend = formHasErrors
    ? ' Files you chose before were not kept: please choose them again.'
    : '';
  const hint = `You can add ${count}, each up to ${size} (${types}).${resend}`;

  return html` <div class="field${error ? ' field-error' : ''}">
    <label for="${id}">Files (optional)</label>
    ${hintAndError(id, hint, error)}
    <input
      type="file"
      id="${id}"
      name="${INTAKE_FIELDS.attachments}"
      ${policy.maxFiles > 1 && html` multiple`}
      accept="${policy.allowedTypes.join(',')}"
      ${describedBy(id, hint, error)}
    />
  </div>`;
}

/** The hint and the error message under a label, with the ids `describedBy` points at. */
export function hintAndError(id: string, hint: string | undefined, error: string | undefined) {
  const hintText = hint && html`<p class="hint" id="${id}-hint">${hint}</p>`;
  const prefix = html`<span class="visually-hidden">Error: </span>`;
  const errorText = error && html`<p class="error" id="${id}-error">${prefix}${error}</p>`;

  return html`${hintText}${errorText}`;
}

/** ` aria-describedby` for the hint and error, and ` aria-invalid` if there is an error. */
export function describedBy(id: string, hint: string | undefined, error: string | undefined) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');

  return html`${ids && html` aria-describedby="${ids}"`}${error && html` aria-invalid="true"`}`;
}

/** " (optional)" after the label of a field that is not required. */
export function optionalMark(required: boolean) {
  return required ? '' : ' (optional)';
}

/** The hidden form token field, or nothing without a token. */
export function csrfInput(token: string | undefined) {
  return token && html`<input type="hidden" name="${INTAKE_FIELDS.csrf}" value="${token}" />`;
}

/** True when at least one field failed. */
export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

/**
 * The element id of the field `name`. Element ids may hold anything but whitespace (HTML Living
 * Standard §3.2.6.1); field names may not.
 */
export function fieldId(name: string): string {
  return `f-${name.replace(/\s/g, '_')}`;
}
