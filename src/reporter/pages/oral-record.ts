/**
 * The record of an oral report inside the mailbox, with the reporter's choice to confirm it or
 * ask for a correction (Directive (EU) 2019/1937, art. 18).
 *
 * Pure: no I/O; returns a fragment of the mailbox page. Posts to
 * `/r/{slug}/mailbox/oral/confirm` and `/r/{slug}/mailbox/oral/correction`.
 */
import { html, type SafeHtml } from '../html';
import { MAILBOX_FIELDS } from './field-names';
import { csrfInput, textArea } from './fields';
import { formatTime, textBlock } from './format';
import { orgPath } from './layout';
import type { FieldErrors, OralRecordView, ReporterOrg } from './types';

/** The minutes, and the confirm and correction forms while the record is unconfirmed. */
export function renderOralRecord(
  org: ReporterOrg,
  record: OralRecordView,
  errors: FieldErrors,
  csrfToken: string | undefined,
): SafeHtml {
  // The recorded time goes back with the answer so the server can refuse a confirmation of
  // minutes that changed after this page was shown.
  const stamp = html`<input
    type="hidden"
    name="${MAILBOX_FIELDS.recordedAt}"
    value="${record.recordedAt}"
  />`;

  const actions =
    record.status === 'unconfirmed'
      ? html` <p>
            Please read the record. If it is accurate, confirm it; if not, say what should change.
          </p>
          <form method="post" action="${orgPath(org, '/mailbox/oral/confirm')}">
            ${csrfInput(csrfToken)}${stamp}
            <button type="submit">I confirm this record is accurate</button>
          </form>
          <form method="post" action="${orgPath(org, '/mailbox/oral/correction')}">
            ${csrfInput(csrfToken)}${stamp}
            ${textArea({
              name: MAILBOX_FIELDS.correction,
              label: 'What should be corrected?',
              required: true,
              error: errors[MAILBOX_FIELDS.correction],
            })}
            <button type="submit" class="secondary">Ask for a correction</button>
          </form>`
      : record.status === 'confirmed'
        ? html`<p>You confirmed this record.</p>`
        : html`<p>
            You asked for a correction. The organisation will update the record and ask you to check
            it again.
          </p>`;

  return html` <section aria-labelledby="oral-title">
    <h2 id="oral-title">Record of your conversation</h2>
    <p class="meta">Recorded ${formatTime(record.recordedAt)}</p>
    ${textBlock('minutes', record.minutes)} ${actions}
  </section>`;
}
