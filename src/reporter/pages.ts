/**
 * The reporter's pages: intake form, receipt, mailbox login, mailbox and error page.
 *
 * Pure: no I/O; each function returns a whole HTML document as a string. Reporters may browse
 * with JavaScript switched off (Tor Browser's "Safest" level), so the pages contain no script,
 * every action is a plain form POST, and nothing loads from another origin: the only
 * sub-resource is the stylesheet at `REPORTER_CSS_PATH`, served from `REPORTER_CSS`. Every value
 * from a request, a store or a policy goes through `html`, which escapes it.
 *
 * Routes these pages link or post to (the HTTP layer owns them): `/r/{slug}` (intake form),
 * `/r/{slug}/report`, `/r/{slug}/mailbox` (login, or the mailbox once signed in),
 * `/r/{slug}/mailbox/login`, `/r/{slug}/mailbox/logout`, `/r/{slug}/mailbox/messages`,
 * `/r/{slug}/mailbox/oral/confirm`, `/r/{slug}/mailbox/oral/correction` and
 * `/r/{slug}/mailbox/attachments/{id}`.
 */
import { html, type HtmlValue, type SafeHtml } from './html';

/** The organisation a page belongs to. */
export interface ReporterOrg {
  slug: string;
  name: string;
}

/** One category a reporter can choose (structural copy of the intake policy's shape). */
export interface IntakeCategory {
  id: string;
  label: string;
  description?: string;
}

/** One questionnaire question (structural copy of the intake policy's shape). */
export interface IntakeQuestion {
  id: string;
  label: string;
  help?: string;
  kind: 'text' | 'longtext' | 'choice' | 'date' | 'yesno';
  required: boolean;
  options?: string[];
  maxLength?: number;
}

/** What reporters may upload; sizes in bytes, types as MIME types. */
export interface AttachmentPolicy {
  maxFiles: number;
  maxBytesPerFile: number;
  allowedTypes: string[];
}

/** The parts of an intake policy the form needs (structural, so `policies/intake.ts` fits it). */
export interface IntakePolicyView {
  version: number;
  categories: IntakeCategory[];
  questions: IntakeQuestion[];
  attachments: AttachmentPolicy;
}

/** Messages for fields that failed validation, keyed by the field's `name`. */
export type FieldErrors = Readonly<Record<string, string>>;

/** Values to put back into the form after a failed submission, keyed by the field's `name`. */
export type FieldValues = Readonly<Record<string, string>>;

/** Statutory deadlines as ISO 8601 timestamps (Directive (EU) 2019/1937, art. 9(1)(b) and (f)). */
export interface Deadlines {
  acknowledgeBy: string | null;
  feedbackBy: string | null;
}

/** Where a case stands, as the reporter may see it. */
export type ReporterCaseStatus =
  'received' | 'acknowledged' | 'in_progress' | 'feedback_given' | 'closed';

/** One message in the reporter's thread; `at` is ISO 8601, attachment `size` in bytes. */
export interface MailboxMessage {
  id: string;
  at: string;
  from: 'you' | 'organisation';
  displayName?: string;
  body: string;
  attachments?: { id: string; name: string; size: number }[];
}

/** Minutes of an oral report for the reporter to check (Directive (EU) 2019/1937, art. 18). */
export interface OralRecordView {
  status: 'unconfirmed' | 'confirmed' | 'correction_requested';
  minutes: string;
  recordedAt: string;
}

/** Everything the mailbox page shows; reporter-visible content only. */
export interface MailboxView {
  caseRef: string;
  status: ReporterCaseStatus;
  deadlines: Deadlines;
  messages: MailboxMessage[];
  oralRecord?: OralRecordView;
}

/** Options of `renderIntakePage`. */
export interface IntakePageOptions {
  org: ReporterOrg;
  policy: IntakePolicyView;
  values?: FieldValues;
  errors?: FieldErrors;
  csrfToken?: string;
}

/** Options of `renderReceiptPage`. */
export interface ReceiptPageOptions {
  org: ReporterOrg;
  caseRef: string;
  token: string;
  returnCode: string;
  deadlines: Deadlines;
}

/** Options of `renderMailboxLoginPage`. */
export interface MailboxLoginPageOptions {
  org: ReporterOrg;
  error?: string;
  csrfToken?: string;
}

/** Options of `renderMailboxPage`; `attachments` adds a file input to the reply form. */
export interface MailboxPageOptions {
  org: ReporterOrg;
  view: MailboxView;
  notice?: string;
  errors?: FieldErrors;
  attachments?: AttachmentPolicy;
  csrfToken?: string;
}

/** Options of `renderErrorPage`. */
export interface ErrorPageOptions {
  org?: ReporterOrg;
  status: number;
  title: string;
  message: string;
}

/** Form field names the intake route reads; questions use `questionFieldName`. */
export const INTAKE_FIELDS = {
  category: 'category',
  description: 'description',
  attachments: 'attachments',
  policyVersion: 'policy_version',
  csrf: 'csrf',
} as const;

/** Form field names the mailbox routes read. */
export const MAILBOX_FIELDS = {
  token: 'token',
  returnCode: 'return_code',
  body: 'body',
  attachments: 'attachments',
  correction: 'correction',
  recordedAt: 'recorded_at',
  csrf: 'csrf',
} as const;

/**
 * Name of the form field that carries the answer to question `id`; the same string as the issue
 * path `validateIntake` reports for it, so its issues map straight onto `FieldErrors`.
 */
export function questionFieldName(id: string): string {
  return `answers.${id}`;
}

/** Same-origin path of the reporter stylesheet; pages link to it and nothing else. */
export const REPORTER_CSS_PATH = '/r/assets/style.css';

/** The reporter stylesheet, served at `REPORTER_CSS_PATH` as `text/css`. */
export const REPORTER_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1b1b1b;background:#fff}
body{margin:0}
main,.site{max-width:42rem;margin:0 auto;padding:1rem}
.site{color:#444}
.org{font-weight:700;font-size:1.125rem;margin:0}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
h1{font-size:1.75rem;line-height:1.2}
h2{font-size:1.25rem;margin-top:2rem}
a{color:#1d4ed8}
a:focus,button:focus,input:focus,textarea:focus{outline:3px solid #f59e0b;outline-offset:2px}
.notice,.panel{border-left:6px solid #1d4ed8;background:#eef2ff;padding:.75rem 1rem;margin:1rem 0}
.field{margin:1.5rem 0}
.field-error{border-left:4px solid #b91c1c;padding-left:.75rem}
label,legend{display:block;font-weight:600}
fieldset{border:0;padding:0;margin:0}
.hint{color:#555;margin:.25rem 0}
.error{color:#b91c1c;font-weight:600;margin:.25rem 0}
.error-summary{border:4px solid #b91c1c;padding:1rem;margin:1rem 0}
.error-summary a{color:#b91c1c;font-weight:600}
.choice{display:grid;grid-template-columns:auto 1fr;column-gap:.5rem;align-items:start;margin:.375rem 0}
.choice label{font-weight:400}
.choice .hint{grid-column:2;margin:0}
input[type=text],input[type=date],textarea{width:100%;font:inherit;padding:.5rem;border:2px solid #1b1b1b}
textarea{min-height:8rem}
button{font:inherit;font-weight:600;padding:.625rem 1.25rem;border:0;background:#166534;color:#fff;cursor:pointer}
button.secondary{background:#e5e7eb;color:#1b1b1b}
.credentials dt{font-weight:600;margin-top:1rem}
.credentials dd{margin:0}
.credential{display:inline-block;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.5rem;letter-spacing:.08em;padding:.25rem .5rem;border:2px dashed #1b1b1b;word-break:break-all}
.thread{list-style:none;padding:0}
.thread li{border:1px solid #d1d5db;padding:.75rem 1rem;margin:.75rem 0}
.thread .from-you{background:#f0fdf4}
.meta{color:#555;margin:0 0 .5rem}
.body,.minutes{white-space:pre-wrap;overflow-wrap:anywhere}
.inline{display:inline}
`.trim();

/** The intake form: category, the policy's questions, a description and optional files. */
export function renderIntakePage(options: IntakePageOptions): string {
  const { org, policy } = options;
  const values: FieldValues = options.values ?? {};
  const errors: FieldErrors = options.errors ?? {};
  const allowsFiles = policy.attachments.maxFiles > 0;

  const fields: FieldSpec[] = [
    { name: INTAKE_FIELDS.category, anchor: `${fieldId(INTAKE_FIELDS.category)}-0` },
    ...policy.questions.map((q) => {
      const name = questionFieldName(q.id);
      const grouped = q.kind === 'choice' || q.kind === 'yesno';

      return { name, anchor: grouped ? `${fieldId(name)}-0` : fieldId(name) };
    }),
    { name: INTAKE_FIELDS.description, anchor: fieldId(INTAKE_FIELDS.description) },
    ...(allowsFiles
      ? [{ name: INTAKE_FIELDS.attachments, anchor: fieldId(INTAKE_FIELDS.attachments) }]
      : []),
  ];

  const category = radioGroup({
    name: INTAKE_FIELDS.category,
    legend: 'What is your report about?',
    required: true,
    options: policy.categories.map((c) => ({ value: c.id, label: c.label, hint: c.description })),
    value: values[INTAKE_FIELDS.category],
    error: errors[INTAKE_FIELDS.category],
  });

  const questions = policy.questions.map((q) =>
    renderQuestion(q, values[questionFieldName(q.id)], errors[questionFieldName(q.id)]),
  );

  const description = textArea({
    name: INTAKE_FIELDS.description,
    label: 'Describe what happened',
    hint: 'Say what happened, when and where, who was involved and how you know. You do not need to give your name.',
    required: true,
    value: values[INTAKE_FIELDS.description],
    error: errors[INTAKE_FIELDS.description],
  });

  const body = html` <h1>Make a report to ${org.name}</h1>
    ${errorSummary(fields, errors)}
    <section class="notice" aria-labelledby="safety-title">
      <h2 id="safety-title">Before you start</h2>
      <ul>
        <li>
          Use a device and a network your employer does not control, such as your own phone on
          mobile data. Tor Browser works on this page.
        </li>
        <li>
          This form does not ask for your name. ${org.name} cannot see who you are unless you tell
          them.
        </li>
        <li>
          Files can hide details such as an author's name or where a photo was taken. We remove them
          from JPEG and PNG images, but not from PDFs or other files.
        </li>
        <li>
          When you send the report you get a mailbox token and a return code. You need both to read
          replies, and nobody can recover them for you.
        </li>
      </ul>
    </section>
    <form method="post" action="${orgPath(org, '/report')}" enctype="multipart/form-data">
      <input type="hidden" name="${INTAKE_FIELDS.policyVersion}" value="${policy.version}" />
      ${csrfInput(options.csrfToken)} ${category} ${questions} ${description}
      ${allowsFiles && fileInput(policy.attachments, errors[INTAKE_FIELDS.attachments], hasErrors(errors))}
      <button type="submit">Send report</button>
    </form>`;

  return page({ org, title: 'Make a report', body, hasErrors: hasErrors(errors) });
}

/** The receipt: case reference, mailbox token and return code, shown this once. */
export function renderReceiptPage(options: ReceiptPageOptions): string {
  const { org } = options;

  const body = html` <h1>Your report has been sent</h1>
    <div class="panel">
      <p>Your case reference is <strong>${options.caseRef}</strong>.</p>
    </div>
    <h2>Write down your mailbox token and return code</h2>
    <p>
      <strong>This page shows them only once.</strong> You need both to read replies and to add to
      your report. ${org.name} does not know them and nobody can recover them for you.
    </p>
    <dl class="credentials">
      <dt>Mailbox token</dt>
      <dd><code class="credential">${options.token}</code></dd>
      <dt>Return code</dt>
      <dd><code class="credential">${options.returnCode}</code></dd>
    </dl>
    <p>
      Write them on paper and keep it somewhere safe. Do not save them on a work device, take a
      screenshot on a shared device or email them to yourself.
    </p>
    <h2>What happens next</h2>
    ${deadlineText(options.deadlines)}
    <p>
      Check your mailbox for questions and replies:
      <a href="${orgPath(org, '/mailbox')}">go to your mailbox</a>.
    </p>`;

  return page({ org, title: 'Report sent', body });
}

/** The mailbox login: token and return code, posted in the body and never in the URL. */
export function renderMailboxLoginPage(options: MailboxLoginPageOptions): string {
  const { org } = options;
  const errors: FieldErrors = options.error ? { [MAILBOX_FIELDS.token]: options.error } : {};
  const fields: FieldSpec[] = [
    { name: MAILBOX_FIELDS.token, anchor: fieldId(MAILBOX_FIELDS.token) },
  ];

  const body = html` <h1>Open your mailbox</h1>
    ${errorSummary(fields, errors)}
    <p>
      Enter the mailbox token and return code you were given when you sent your report. Capital
      letters and dashes do not matter.
    </p>
    <form method="post" action="${orgPath(org, '/mailbox/login')}" autocomplete="off">
      ${csrfInput(options.csrfToken)}
      ${credentialInput(MAILBOX_FIELDS.token, 'Mailbox token', 'MBX-XXXX-XXXX-XXXX-XXXX-XXXX', options.error)}
      ${credentialInput(MAILBOX_FIELDS.returnCode, 'Return code', 'XXXX-XXXX-XXXX-XXXX-XXXX', undefined)}
      <button type="submit">Open mailbox</button>
    </form>
    <p>
      Lost them? Nobody can recover them, but you can
      <a href="${orgPath(org, '')}">make a new report</a> and mention your earlier one.
    </p>`;

  return page({ org, title: 'Open your mailbox', body, hasErrors: Boolean(options.error) });
}

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
        ${allowsFiles && options.attachments && fileInput(options.attachments, errors[MAILBOX_FIELDS.attachments], hasErrors(errors))}
        <button type="submit">Send message</button>
      </form>
    </section>
    <form method="post" action="${orgPath(org, '/mailbox/logout')}">
      ${csrfInput(options.csrfToken)}
      <button type="submit" class="secondary">Sign out</button>
    </form>`;

  return page({ org, title: `Report ${view.caseRef}`, body, hasErrors: hasErrors(errors) });
}

/** A page for a refused or failed request; says what happened and where to go next. */
export function renderErrorPage(options: ErrorPageOptions): string {
  const { org } = options;

  const body = html` <h1>${options.title}</h1>
    <p>${options.message}</p>
    ${org && html`<p><a href="${orgPath(org, '')}">Go to the start</a> or <a href="${orgPath(org, '/mailbox')}">open your mailbox</a>.</p>`}
    <p class="hint">Error ${options.status}</p>`;

  return page({ org, title: options.title, body });
}

// Plain words for each status; a reporter should not have to learn the case machine's names.
const STATUS_TEXT: Record<ReporterCaseStatus, string> = {
  received: 'Received. The organisation has not yet confirmed it has read your report.',
  acknowledged: 'Acknowledged. The organisation has confirmed it received your report.',
  in_progress: 'Being looked into.',
  feedback_given: 'Feedback given. The organisation has told you what it has done or plans to do.',
  closed: 'Closed. You can still read your messages here.',
};

const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'text/plain': 'plain text',
};

interface FieldSpec {
  name: string;
  anchor: string;
}

interface PageShell {
  org: ReporterOrg | undefined;
  title: string;
  body: SafeHtml;
  hasErrors?: boolean;
}

function page(shell: PageShell): string {
  // "Error: " first in the title so a screen reader announces the failure on load.
  const title = `${shell.hasErrors ? 'Error: ' : ''}${shell.title}`;
  const orgName = shell.org?.name ?? 'Whispr';

  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>${title} – ${orgName}</title>
        <link rel="stylesheet" href="${REPORTER_CSS_PATH}" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to main content</a>
        <header class="site"><p class="org">${orgName}</p></header>
        <main id="main">${shell.body}</main>
        <footer class="site">
          <p class="hint">
            Reports are handled by ${orgName}. This service does not ask who you are.
          </p>
        </footer>
      </body>
    </html> `.toString();
}

function errorSummary(fields: FieldSpec[], errors: FieldErrors): HtmlValue {
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

function renderQuestion(q: IntakeQuestion, value: string | undefined, error: string | undefined) {
  const name = questionFieldName(q.id);

  if (q.kind === 'choice' || q.kind === 'yesno') {
    const options =
      q.kind === 'yesno'
        ? [
            { value: 'yes', label: 'Yes' },
            { value: 'no', label: 'No' },
          ]
        : (q.options ?? []).map((o) => ({ value: o, label: o }));

    return radioGroup({
      name,
      legend: q.label,
      hint: q.help,
      required: q.required,
      options,
      value,
      error,
    });
  }
  if (q.kind === 'longtext') {
    return textArea({
      name,
      label: q.label,
      hint: q.help,
      required: q.required,
      value,
      error,
      maxLength: q.maxLength,
    });
  }

  const id = fieldId(name);
  const type = q.kind === 'date' ? 'date' : 'text';

  return html` <div class="field${error ? ' field-error' : ''}">
    <label for="${id}">${q.label}${optionalMark(q.required)}</label>
    ${hintAndError(id, q.help, error)}
    <input
      type="${type}"
      id="${id}"
      name="${name}"
      value="${value ?? ''}"
      ${q.maxLength !== undefined && html` maxlength="${q.maxLength}"`}${q.required && html` required`}${describedBy(id, q.help, error)}
    />
  </div>`;
}

interface RadioGroupSpec {
  name: string;
  legend: string;
  hint?: string;
  required: boolean;
  options: { value: string; label: string; hint?: string }[];
  value: string | undefined;
  error: string | undefined;
}

function radioGroup(spec: RadioGroupSpec): SafeHtml {
  const id = fieldId(spec.name);

  const radios = spec.options.map((option, i) => {
    const optionId = `${id}-${i}`;

    return html` <div class="choice">
      <input
        type="radio"
        id="${optionId}"
        name="${spec.name}"
        value="${option.value}"
        ${option.value === spec.value && html` checked`}${spec.required && html` required`}${option.hint && html` aria-describedby="${optionId}-hint"`}
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

interface TextAreaSpec {
  name: string;
  label: string;
  hint?: string;
  required: boolean;
  value?: string;
  error: string | undefined;
  maxLength?: number;
}

function textArea(spec: TextAreaSpec): SafeHtml {
  const id = fieldId(spec.name);

  return html` <div class="field${spec.error ? ' field-error' : ''}">
    <label for="${id}">${spec.label}${optionalMark(spec.required)}</label>
    ${hintAndError(id, spec.hint, spec.error)}
    <textarea
      id="${id}"
      name="${spec.name}"
      rows="8"
      ${spec.maxLength !== undefined && html` maxlength="${spec.maxLength}"`}${spec.required && html` required`}${describedBy(id, spec.hint, spec.error)}
    >
${spec.value ?? ''}</textarea>
  </div>`;
}

function fileInput(policy: AttachmentPolicy, error: string | undefined, formHasErrors: boolean) {
  const id = fieldId(INTAKE_FIELDS.attachments);
  const types = policy.allowedTypes.map((t) => TYPE_NAMES[t] ?? t).join(', ');
  const count = policy.maxFiles === 1 ? 'one file' : `up to ${policy.maxFiles} files`;
  const resend = formHasErrors
    ? ' Files you chose before were not kept: please choose them again.'
    : '';
  const hint = `You can add ${count}, each up to ${formatBytes(policy.maxBytesPerFile)} (${types}).${resend}`;

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

function credentialInput(name: string, label: string, shape: string, error: string | undefined) {
  const id = fieldId(name);
  const hint = `It looks like ${shape}.`;

  // Plain text, not a password field: a browser would offer to save it on a possibly shared device.
  return html` <div class="field${error ? ' field-error' : ''}">
    <label for="${id}">${label}</label>
    ${hintAndError(id, hint, error)}
    <input
      type="text"
      id="${id}"
      name="${name}"
      autocomplete="off"
      autocapitalize="characters"
      spellcheck="false"
      required${describedBy(id, hint, error)}
    />
  </div>`;
}

function renderMessage(org: ReporterOrg, message: MailboxMessage): SafeHtml {
  const mine = message.from === 'you';
  const author = mine ? 'You' : (message.displayName ?? org.name);
  const files = message.attachments ?? [];

  return html` <li class="${mine ? 'from-you' : 'from-org'}">
    <article>
      <p class="meta"><strong>${author}</strong>, ${formatTime(message.at)}</p>
      ${textBlock('body', message.body)}
      ${
        files.length > 0 &&
        html`<ul>
          ${files.map((f) => html`<li><a href="${orgPath(org, `/mailbox/attachments/${encodeURIComponent(f.id)}`)}">${f.name}</a> (${formatBytes(f.size)})</li>`)}
        </ul>`
      }
    </article>
  </li>`;
}

function renderOralRecord(
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

function deadlineText(deadlines: Deadlines): HtmlValue {
  return html` ${deadlines.acknowledgeBy && html`<p>The organisation must confirm it has received your report by ${formatDate(deadlines.acknowledgeBy)}.</p>`}
  ${deadlines.feedbackBy && html`<p>It must tell you what it has done or plans to do by ${formatDate(deadlines.feedbackBy)}.</p>`}`;
}

// Kept on one line: the class sets `white-space: pre-wrap`, so whitespace around the text shows.
function textBlock(className: string, text: string): SafeHtml {
  return html`<div class="${className}">${text}</div>`;
}

function hintAndError(id: string, hint: string | undefined, error: string | undefined) {
  return html`${hint && html`<p class="hint" id="${id}-hint">${hint}</p>`}${error && html`<p class="error" id="${id}-error"><span class="visually-hidden">Error: </span>${error}</p>`}`;
}

function describedBy(id: string, hint: string | undefined, error: string | undefined) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');

  return html`${ids && html` aria-describedby="${ids}"`}${error && html` aria-invalid="true"`}`;
}

function optionalMark(required: boolean) {
  return required ? '' : ' (optional)';
}

function csrfInput(token: string | undefined) {
  return token && html`<input type="hidden" name="${INTAKE_FIELDS.csrf}" value="${token}" />`;
}

function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

// Element ids may hold anything but whitespace (HTML Living Standard §3.2.6.1); field names may not.
function fieldId(name: string): string {
  return `f-${name.replace(/\s/g, '_')}`;
}

function orgPath(org: ReporterOrg, suffix: string): string {
  return `/r/${encodeURIComponent(org.slug)}${suffix}`;
}

// Only strict ISO 8601 is read as a date: `new Date()` also accepts strings such as "1".
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

function formatDate(iso: string): SafeHtml {
  return formatIso(iso, { dateStyle: 'long', timeZone: 'UTC' }, '');
}

function formatTime(iso: string): SafeHtml {
  return formatIso(iso, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }, ' UTC');
}

function formatIso(iso: string, format: Intl.DateTimeFormatOptions, suffix: string): SafeHtml {
  const date = new Date(iso);
  if (!ISO_DATE.test(iso) || Number.isNaN(date.getTime())) return html`${iso}`;

  const text = new Intl.DateTimeFormat('en-GB', format).format(date) + suffix;

  return html`<time datetime="${date.toISOString()}">${text}</time>`;
}

function formatBytes(bytes: number): string {
  const mib = 1024 * 1024;
  if (bytes >= mib) return `${Number((bytes / mib).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;

  return `${bytes} bytes`;
}
