/**
 * The mailbox: the case's status and deadlines, the thread, a reply form and, if there is one,
 * the record of an oral report for the reporter to confirm or correct.
 *
 * Pure: no I/O; returns the whole HTML document. Shows reporter-visible content only, as the
 * route hands it over; posts to `/r/{slug}/mailbox/messages` and `/r/{slug}/mailbox/logout`.
 */
import { html, type SafeHtml } from '../html';
import { MAILBOX_FIELDS } from './field-names';
import {
  csrfInput,
  errorSummary,
  fieldId,
  fileInput,
  hasErrors,
  textArea,
  type FieldSpec,
} from './fields';
import { deadlineText, formatBytes, formatTime, textBlock } from './format';
import { orgPath, page } from './layout';
import { renderOralRecord } from './oral-record';
import type {
  AttachmentPolicy,
  FieldErrors,
  MailboxMessage,
  MailboxView,
  ReporterCaseStatus,
  ReporterOrg,
} from './types';

/** Options of `renderMailboxPage`; `attachments` adds a file input to the reply form. */
export interface MailboxPageOptions {
  org: ReporterOrg;
  view: MailboxView;
  notice?: string;
  errors?: FieldErrors;
  attachments?: AttachmentPolicy;
  csrfToken?: string;
}

// Plain words for each status; a reporter should not have to learn the case machine's names.
const STATUS_TEXT: Record<ReporterCaseStatus, string> = {
  received: 'Received. The organisation has not yet confirmed it has read your report.',
  acknowledged: 'Acknowledged. The organisation has confirmed it received your report.',
  in_progress: 'Being looked into.',
  feedback_given: 'Feedback given. The organisation has told you what it has done or plans to do.',
  closed: 'Closed. You can still read your messages here.',
};

/** The mailbox: status, deadlines, the thread, a reply form and, if any, the oral record. */
export function renderMailboxPage(options: MailboxPageOptions): string {
  const { org, view } = options;
  const errors: FieldErrors = options.errors ?? {};
  const allowsFiles = (options.attachments?.maxFiles ?? 0) > 0;
  const fields: FieldSpec[] = [
    { name: MAILBOX_FIELDS.correction, anchor: fieldId(MAILBOX_FIELDS.correction) },
    { name: MAILBOX_FIELDS.body, anchor: fieldId(MAILBOX_FIELDS.body) },
    ...(allowsFiles
      ? [{ name: MAILBOX_FIELDS.attachments, anchor: fieldId(MAILBOX_FIELDS.attachments) }]
      : []),
  ];

  const thread = view.messages.length
    ? html`<ol class="thread">
        ${view.messages.map((m) => renderMessage(org, m))}
      </ol>`
    : html`<p>No messages yet.</p>`;

  const files =
    allowsFiles &&
    options.attachments &&
    fileInput(options.attachments, errors[MAILBOX_FIELDS.attachments], hasErrors(errors));

  const body = html` <h1>Your report ${view.caseRef}</h1>
    ${options.notice && html`<div class="panel" role="status"><p>${options.notice}</p></div>`}
    ${errorSummary(fields, errors)}
    <dl>
      <dt>Status</dt>
      <dd>${STATUS_TEXT[view.status]}</dd>
    </dl>
    ${deadlineText(view.deadlines)}
    ${view.oralRecord && renderOralRecord(org, view.oralRecord, errors, options.csrfToken)}
    <section aria-labelledby="thread-title">
      <h2 id="thread-title">Messages</h2>
      ${thread}
    </section>
    <section aria-labelledby="reply-title">
      <h2 id="reply-title">Send a message</h2>
      <form
        method="post"
        action="${orgPath(org, '/mailbox/messages')}"
        ${allowsFiles && html` enctype="multipart/form-data"`}
      >
        ${csrfInput(options.csrfToken)}
        ${textArea({
          name: MAILBOX_FIELDS.body,
          label: 'Your message',
          required: true,
          error: errors[MAILBOX_FIELDS.body],
        })}
        ${files}
        <button type="submit">Send message</button>
      </form>
    </section>
    <form method="post" action="${orgPath(org, '/mailbox/logout')}">
      ${csrfInput(options.csrfToken)}
      <button type="submit" class="secondary">Sign out</button>
    </form>`;

  return page({ org, title: `Report ${view.caseRef}`, body, hasErrors: hasErrors(errors) });
}

function renderMessage(org: ReporterOrg, message: MailboxMessage): SafeHtml {
  const mine = message.from === 'you';
  const author = mine ? 'You' : (message.displayName ?? org.name);
  const files = (message.attachments ?? []).map((f) => {
    const href = orgPath(org, `/mailbox/attachments/${encodeURIComponent(f.id)}`);

    return html`<li><a href="${href}">${f.name}</a> (${formatBytes(f.size)})</li>`;
  });

  return html` <li class="${mine ? 'from-you' : 'from-org'}">
    <article>
      <p class="meta"><strong>${author}</strong>, ${formatTime(message.at)}</p>
      ${textBlock('body', message.body)}
      ${
        files.length > 0 &&
        html`<ul>
          ${files}
        </ul>`
      }
    </article>
  </li>`;
}
