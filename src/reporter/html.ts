/**
 * HTML building for the reporter pages: a tagged template that escapes every interpolated value.
 *
 * Pure: no I/O. Everything a reporter, a handler or a policy author wrote reaches a page through
 * `html`, so it is escaped unless it was itself built by `html` or wrapped in `raw`. Templates
 * quote every attribute value, which makes escaping the five characters below sufficient
 * (HTML Living Standard §13.1.2.3, attribute value (double-quoted) state).
 */

const SAFE = Symbol('whispr.safe-html');

/** A fragment of markup that is already safe to place in a page as is. */
export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
  toString(): string;
}

/** Anything `html` accepts between `${}`; `null`, `undefined` and booleans render nothing. */
export type HtmlValue =
  SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes `& < > " '` so text can sit in element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** Marks trusted markup as safe. Never pass it anything that came from a request or a store. */
export function raw(markup: string): SafeHtml {
  return { [SAFE]: true, value: markup, toString: () => markup };
}

/** Tagged template: literal parts are kept, interpolations are escaped (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';

  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });

  return raw(out);
}

/** True when `value` came from `html` or `raw`. */
export function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && SAFE in value;
}

function render(value: HtmlValue): string {
  // Booleans render nothing so `${cond && html`...`}` works without printing "false".
  if (value === null || value === undefined || typeof value === 'boolean') return '';
  if (isSafeHtml(value)) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');

  return escapeHtml(String(value));
}
