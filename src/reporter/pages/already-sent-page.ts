/**
 * The page for a report form that arrives a second time: a refresh of the receipt makes the
 * browser post the same form again. Nothing was sent again, and the credentials, which the
 * store keeps only as digests, cannot be shown again.
 *
 * Pure: no I/O; returns the whole HTML document.
 */
import { html } from '../html';
import { orgPath, page } from './layout';
import type { ReporterOrg } from './types';

/** Options of `renderAlreadySentPage`. */
export interface AlreadySentPageOptions {
  org: ReporterOrg;
}

/** Says the report was already sent and where to go: the mailbox, or a new report. */
export function renderAlreadySentPage(options: AlreadySentPageOptions): string {
  const { org } = options;

  const body = html` <h1>This report was already sent</h1>
    <p>Your report arrived when you first sent this form. It has not been sent a second time.</p>
    <p>
      Your mailbox token and return code were shown only then, and cannot be shown again. If you
      wrote them down, <a href="${orgPath(org, '/mailbox')}">open your mailbox</a>.
    </p>
    <p>To report something else, <a href="${orgPath(org, '')}">start a new report</a>.</p>`;

  return page({ org, title: 'Report already sent', body });
}
