/**
 * The mailbox login: mailbox token and return code, posted in the body and never in the URL.
 *
 * Pure: no I/O; returns the whole HTML document. Posts to `/r/{slug}/mailbox/login`.
 */
import { html } from '../html';
import { MAILBOX_FIELDS } from './field-names';
import {
  csrfInput,
  describedBy,
  errorSummary,
  fieldId,
  hintAndError,
  type FieldSpec,
} from './fields';
import { orgPath, page } from './layout';
import type { FieldErrors, ReporterOrg } from './types';

/** Options of `renderMailboxLoginPage`. */
export interface MailboxLoginPageOptions {
  org: ReporterOrg;
  error?: string;
  csrfToken?: string;
}

/** The mailbox login: token and return code, posted in the body and never in the URL. */
export function renderMailboxLoginPage(options: MailboxLoginPageOptions): string {
  const { org } = options;
  const errors: FieldErrors = options.error ? { [MAILBOX_FIELDS.token]: options.error } : {};
  const fields: FieldSpec[] = [
    { name: MAILBOX_FIELDS.token, anchor: fieldId(MAILBOX_FIELDS.token) },
  ];

  const token = credentialInput(
    MAILBOX_FIELDS.token,
    'Mailbox token',
    'MBX-XXXX-XXXX-XXXX-XXXX-XXXX',
    options.error,
  );
  const returnCode = credentialInput(
    MAILBOX_FIELDS.returnCode,
    'Return code',
    'XXXX-XXXX-XXXX-XXXX-XXXX',
    undefined,
  );

  const body = html` <h1>Open your mailbox</h1>
    ${errorSummary(fields, errors)}
    <p>
      Enter the mailbox token and return code you were given when you sent your report. Capital
      letters and dashes do not matter.
    </p>
    <form method="post" action="${orgPath(org, '/mailbox/login')}" autocomplete="off">
      ${csrfInput(options.csrfToken)} ${token} ${returnCode}
      <button type="submit">Open mailbox</button>
    </form>
    <p>
      Lost them? Nobody can recover them, but you can
      <a href="${orgPath(org, '')}">make a new report</a> and mention your earlier one.
    </p>`;

  return page({ org, title: 'Open your mailbox', body, hasErrors: Boolean(options.error) });
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
