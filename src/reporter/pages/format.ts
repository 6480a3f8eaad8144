/**
 * Dates, sizes and blocks of free text as the reporter pages print them.
 *
 * Pure: no I/O. Dates print in UTC and en-GB so a page reads the same wherever it is rendered;
 * a string that is not strict ISO 8601 prints as it is, escaped.
 */
import { html, type HtmlValue, type SafeHtml } from '../html';
import type { Deadlines } from './types';

// Only strict ISO 8601 is read as a date: `new Date()` also accepts strings such as "1".
const ISO_DATE = new RegExp(
  String.raw`^\d{4}-\d{2}-\d{2}` +
    String.raw`(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$`,
);

/** The statutory deadlines in words, one paragraph each; a missing deadline prints nothing. */
export function deadlineText(deadlines: Deadlines): HtmlValue {
  const acknowledge = dueBy(
    'The organisation must confirm it has received your report by',
    deadlines.acknowledgeBy,
  );
  const feedback = dueBy(
    'It must tell you what it has done or plans to do by',
    deadlines.feedbackBy,
  );

  return html` ${acknowledge} ${feedback}`;
}

/**
 * Free text (a message, the minutes) in a `div` of class `className`. Kept on one line: the
 * classes set `white-space: pre-wrap`, so whitespace around the text would show.
 */
export function textBlock(className: string, text: string): SafeHtml {
  return html`<div class="${className}">${text}</div>`;
}

/** A date as "5 March 2024" in a `time` element. */
export function formatDate(iso: string): SafeHtml {
  return formatIso(iso, { dateStyle: 'long', timeZone: 'UTC' }, '');
}

/** A moment as "5 March 2024 at 10:00 UTC" in a `time` element. */
export function formatTime(iso: string): SafeHtml {
  return formatIso(iso, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }, ' UTC');
}

/** A size in bytes as "12 bytes", "4 KB" or "3.2 MB" (1 KB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  const mib = 1024 * 1024;
  if (bytes >= mib) return `${Number((bytes / mib).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;

  return `${bytes} bytes`;
}

function dueBy(sentence: string, iso: string | null): HtmlValue {
  return iso && html`<p>${sentence} ${formatDate(iso)}.</p>`;
}

function formatIso(iso: string, format: Intl.DateTimeFormatOptions, suffix: string): SafeHtml {
  const date = new Date(iso);
  if (!ISO_DATE.test(iso) || Number.isNaN(date.getTime())) return html`${iso}`;

  const text = new Intl.DateTimeFormat('en-GB', format).format(date) + suffix;

  return html`<time datetime="${date.toISOString()}">${text}</time>`;
}
