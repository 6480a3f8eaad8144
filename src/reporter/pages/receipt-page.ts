/**
 * The receipt shown once after a report is sent: case reference, mailbox token and return code.
 *
 * Pure: no I/O; returns the whole HTML document. The credentials appear on this page only: the
 * store keeps only digests of them (src/reporter/credentials.ts), so nothing can show them again.
 */
import { html } from '../html';
import { deadlineText } from './format';
import { orgPath, page } from './layout';
import type { Deadlines, ReporterOrg } from './types';

/** Options of `renderReceiptPage`. */
export interface ReceiptPageOptions {
  org: ReporterOrg;
  caseRef: string;
  token: string;
  returnCode: string;
  deadlines: Deadlines;
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
