/**
 * The reporter's pages, rendered by the Worker: the intake form, the receipt, the mailbox
 * login and the mailbox. They work with JavaScript switched off (every action is a form
 * post), load nothing from another origin, and carry the reporter security headers (CSP,
 * no referrer, no-store). Errors become HTML pages, never JSON. Routes are thin: the use
 * cases are the API's own (submit-report, src/mailbox/*).
 *
 * Every post checks the form token against its cookie (src/reporter/cookies.ts explains why
 * not an Origin check). A form token sends one report: a re-post of a sent form (a refresh of
 * the receipt) is told so and creates nothing. Credentials travel only in post bodies; the
 * session only in an HttpOnly, SameSite=Strict cookie.
 *
 * This file mounts them all (headers, stylesheet, icons) and holds the intake routes; the
 * mailbox routes are in mailbox-pages.ts.
 */
import type { Hono } from 'hono';

import { ACKNOWLEDGE_WITHIN_DAYS, FEEDBACK_WITHIN_MONTHS } from '../../../machines/context';
import { addDays, addMonths } from '../../../machines/time';
import { submitReport } from '../../cases/submit-report';
import {
  formToken,
  formTokenMatches,
  formTokenSpent,
  retireFormToken,
} from '../../reporter/cookies';
import { fieldErrors, text, textFields } from '../../reporter/form-handling';
import type { FieldErrors } from '../../reporter/pages';
import {
  INTAKE_FIELDS,
  REPORTER_CSS,
  REPORTER_CSS_PATH,
  renderAlreadySentPage,
  renderIntakePage,
  renderReceiptPage,
} from '../../reporter/pages';
import { enforceLimit } from '../../reporter/rate-limit';
import { formFiles, readFormUpTo, uploadLimit } from '../../reporter/request-body';
import { reporterSecurityHeaders } from '../security-headers';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';
import { mailboxPageRoutes } from './mailbox-pages';
import { loadIntake } from './public-intake';
import { definePage } from './reporter-page-route';

/** Mounts the reporter pages: headers, stylesheet and icons, the intake, then the mailbox. */
export function reporterPageRoutes(app: Hono<AppEnv>): void {
  app.use('/r/*', reporterSecurityHeaders());
  app.use('/favicon.ico', reporterSecurityHeaders());

  app.get(REPORTER_CSS_PATH, (c) =>
    c.body(REPORTER_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }),
  );
  // Browsers ask for an icon on every page; an empty answer keeps that request on this origin.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/r/assets/favicon.ico', (c) => c.body(null, 204));

  definePage(app, 'get', '/r/:org', 'The intake form', async (c, org) => {
    const { policy } = await loadIntake(c.env, org.slug);

    return c.html(renderIntakePage({ org, policy, csrfToken: formToken(c) }));
  });

  definePage(
    app,
    'post',
    '/r/:org/report',
    'Send a written report from the form',
    async (c, org) => {
      const { policy } = await loadIntake(c.env, org.slug);
      const form = await readFormUpTo(c, uploadLimit(policy, 'binary'));
      const values = textFields(form);
      const again = (status: 403 | 413 | 415 | 422 | 429, errors: FieldErrors) =>
        c.html(renderIntakePage({ org, policy, values, errors, csrfToken: formToken(c) }), status);

      const posted = text(form.get(INTAKE_FIELDS.csrf));
      if (formTokenSpent(c, c.env.SERVER_SECRET, posted)) {
        return c.html(renderAlreadySentPage({ org }), 409);
      }
      if (!formTokenMatches(c, posted)) {
        return again(403, { form: 'The form had expired. Check your answers and send it again.' });
      }
      const description = (values[INTAKE_FIELDS.description] ?? '').trim();
      if (description.length < 10) {
        return again(422, {
          [INTAKE_FIELDS.description]: 'Describe what happened in at least 10 characters.',
        });
      }
      const answers = Object.fromEntries(
        Object.entries(values)
          .filter(([key]) => key.startsWith('answers.'))
          .map(([key, value]) => [key.slice('answers.'.length), value]),
      );

      try {
        const report = await submitReport(c.env, {
          org: org.slug,
          channel: 'written',
          category: values[INTAKE_FIELDS.category],
          description: description.slice(0, 20_000),
          answers,
          attachments: await formFiles(form, INTAKE_FIELDS.attachments),
          actor: { id: 'reporter', role: 'reporter' },
          admit: () => enforceLimit(c.env, org.slug, 'report', c.req.header('cf-connecting-ip')),
          requestId: c.get('requestId'),
        });
        retireFormToken(c, c.env.SERVER_SECRET, posted);
        const acknowledgeBy = addDays(report.receivedAt, ACKNOWLEDGE_WITHIN_DAYS);
        const feedbackBy = addMonths(acknowledgeBy, FEEDBACK_WITHIN_MONTHS);

        return c.html(
          renderReceiptPage({
            org,
            caseRef: report.caseRef,
            token: report.mailbox.token,
            returnCode: report.mailbox.returnCode,
            deadlines: {
              acknowledgeBy: new Date(acknowledgeBy).toISOString(),
              feedbackBy: new Date(feedbackBy).toISOString(),
            },
          }),
          201,
        );
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 404 || error.status >= 500) {
          throw error;
        }
        return again(error.status as 413 | 415 | 422 | 429, fieldErrors(error));
      }
    },
  );

  mailboxPageRoutes(app);
}
