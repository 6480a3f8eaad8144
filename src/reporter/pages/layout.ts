/**
 * The frame every reporter page shares: head, skip link, header and footer.
 *
 * Pure: no I/O; returns the whole HTML document as a string. The head links the same-origin
 * stylesheet and nothing else, and asks for no referrer and no indexing.
 */
import { html, type SafeHtml } from '../html';
import { REPORTER_CSS_PATH } from './style';
import type { ReporterOrg } from './types';

/** What `page` wraps: the page's own title and body, and whether it reports errors. */
export interface PageShell {
  org: ReporterOrg | undefined;
  title: string;
  body: SafeHtml;
  hasErrors?: boolean;
}

/** The whole document around `shell.body`; without an organisation it is signed "Whispr". */
export function page(shell: PageShell): string {
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

/** The path of an organisation's reporter page: `/r/{slug}` followed by `suffix`. */
export function orgPath(org: ReporterOrg, suffix: string): string {
  return `/r/${encodeURIComponent(org.slug)}${suffix}`;
}
