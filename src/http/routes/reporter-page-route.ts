/**
 * How a reporter page route is declared: the organisation is resolved from `:org` first, and
 * any refusal becomes an HTML page, never JSON.
 *
 * Used by the intake and mailbox page routes (reporter-pages.ts, mailbox-pages.ts). Reads the
 * organisation's settings through `loadIntake` (an unknown slug is a 404 page) and clears the
 * session cookie when a session is no longer valid; it writes nothing else.
 */
import type { Context, Hono } from 'hono';

import { clearSessionCookie } from '../../reporter/cookies';
import { renderErrorPage, type ReporterOrg } from '../../reporter/pages';
import { ApiError } from '../errors';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { loadIntake } from './public-intake';

/** The request context of a reporter page route. */
export type PageContext = Context<AppEnv>;

/** Declares a page route; the organisation is resolved first and any error becomes a page. */
export function definePage(
  app: Hono<AppEnv>,
  method: 'get' | 'post',
  path: string,
  summary: string,
  handler: (c: PageContext, org: ReporterOrg) => Promise<Response>,
): void {
  defineRoute(
    app,
    { method, path, auth: 'public', tag: 'reporter pages', summary, responses: { 200: 'HTML' } },
    async (c) => {
      let org: ReporterOrg | undefined;
      try {
        org = (await loadIntake(c.env, c.req.param('org') ?? '')).org;
        return await handler(c, org);
      } catch (error) {
        return errorPage(c, error, org);
      }
    },
  );
}

function errorPage(c: PageContext, error: unknown, org: ReporterOrg | undefined): Response {
  if (error instanceof ApiError && error.status < 500) {
    if (error.code === 'unauthenticated') {
      clearSessionCookie(c);
      if (org) return c.redirect(`/r/${encodeURIComponent(org.slug)}/mailbox`, 303);
    }
    const title = error.status === 404 ? 'Page not found' : 'This did not work';
    return c.html(
      renderErrorPage({ org, status: error.status, title, message: error.message }),
      error.status,
    );
  }
  // Unexpected: the app's error handler logs it without content and answers 500.
  throw error;
}
