/**
 * The page for a refused or failed request.
 *
 * Pure: no I/O; returns the whole HTML document. It shows only the title and message it is
 * given; the HTTP layer decides which errors may be shown to a reporter.
 */
import { html } from '../html';
import { orgPath, page } from './layout';
import type { ReporterOrg } from './types';

/** Options of `renderErrorPage`. */
export interface ErrorPageOptions {
  org?: ReporterOrg;
  status: number;
  title: string;
  message: string;
}

/** A page for a refused or failed request; says what happened and where to go next. */
export function renderErrorPage(options: ErrorPageOptions): string {
  const { org } = options;
  const start = org && html`<a href="${orgPath(org, '')}">Go to the start</a>`;
  const mailbox = org && html`<a href="${orgPath(org, '/mailbox')}">open your mailbox</a>`;

  const body = html` <h1>${options.title}</h1>
    <p>${options.message}</p>
    ${org && html`<p>${start} or ${mailbox}.</p>`}
    <p class="hint">Error ${options.status}</p>`;

  return page({ org, title: options.title, body });
}
