/**
 * The reporter's pages, rendered by the Worker: the intake form, the receipt, the mailbox
 * login and the mailbox. They work with JavaScript switched off (every action is a form
 * post), load nothing from another origin, and carry the reporter security headers (CSP,
 * no referrer, no-store). Errors become HTML pages, never JSON. Routes are thin: the use
 * cases are the API's own (submit-report, src/mailbox/*).
 *
 * Every post checks the form token against its cookie (src/reporter/cookies.ts explains why
 * not an Origin check). Credentials travel only in post bodies; the session only in an
 * HttpOnly, SameSite=Strict cookie.
 */
import type { Context, Hono } from 'hono';

import { ACKNOWLEDGE_WITHIN_DAYS, FEEDBACK_WITHIN_MONTHS } from '../../../machines/context';
import { addDays, addMonths } from '../../../machines/time';
import { submitReport } from '../../cases/submit-report';
import { caseStub } from '../../cases/case-stub';
import { logInToMailbox } from '../../mailbox/log-in';
import { openReporterAttachment } from '../../mailbox/open-attachment';
import type { MailboxView } from '../../mailbox/present-mailbox';
import { readMailbox } from '../../mailbox/read-mailbox';
import { sendReporterMessage } from '../../mailbox/send-message';
import type { MailboxSession } from '../../mailbox/session-token';
import { parseSessionToken } from '../../mailbox/session-token';
import { signOffRecord } from '../../mailbox/sign-off-record';
import {
  clearSessionCookie,
  formToken,
  formTokenMatches,
  readSessionCookie,
  writeSessionCookie,
} from '../../reporter/cookies';
import type { FieldErrors, FieldValues, ReporterOrg } from '../../reporter/pages';
import {
  INTAKE_FIELDS,
  MAILBOX_FIELDS,
  REPORTER_CSS,
  REPORTER_CSS_PATH,
  renderErrorPage,
  renderIntakePage,
  renderMailboxLoginPage,
  renderMailboxPage,
  renderReceiptPage,
} from '../../reporter/pages';
import { enforceLimit } from '../../reporter/rate-limit';
import { formFiles, readFormUpTo, uploadLimit } from '../../reporter/request-body';
import { reporterSecurityHeaders } from '../security-headers';
import { ApiError } from '../errors';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { downloadHeaders } from './mailbox';
import { loadIntake } from './public-intake';

type PageContext = Context<AppEnv>;

const NOTICES: Record<string, string> = {
  sent: 'Your message has been sent.',
  confirmed: 'Thank you. You confirmed the record.',
  correction: 'Your correction request has been sent.',
};

// Small forms (login, sign-off, logout) are read within this many bytes.
const SMALL_FORM_BYTES = 64 * 1024;

export function reporterPageRoutes(app: Hono<AppEnv>): void {
  app.use('/r/*', reporterSecurityHeaders());
  app.use('/favicon.ico', reporterSecurityHeaders());

  app.get(REPORTER_CSS_PATH, (c) =>
    c.body(REPORTER_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }),
  );
  // Browsers ask for an icon on every page; an empty answer keeps that request on this origin.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/r/assets/favicon.ico', (c) => c.body(null, 204));

  page(app, 'get', '/r/:org', 'The intake form', async (c, org) => {
    const { policy } = await loadIntake(c.env, org.slug);

    return c.html(renderIntakePage({ org, policy, csrfToken: formToken(c) }));
  });

  page(app, 'post', '/r/:org/report', 'Send a written report from the form', async (c, org) => {
    const { policy } = await loadIntake(c.env, org.slug);
    const form = await readFormUpTo(c, uploadLimit(policy, 'binary'));
    const values = textFields(form);
    const again = (status: 403 | 413 | 415 | 422 | 429, errors: FieldErrors) =>
      c.html(renderIntakePage({ org, policy, values, errors, csrfToken: formToken(c) }), status);

    if (!formTokenMatches(c, form.get(INTAKE_FIELDS.csrf))) {
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
      await enforceLimit(c.env, org.slug, 'report', c.req.header('cf-connecting-ip'));
      const report = await submitReport(c.env, {
        org: org.slug,
        channel: 'written',
        category: values[INTAKE_FIELDS.category],
        description: description.slice(0, 20_000),
        answers,
        attachments: await formFiles(form, INTAKE_FIELDS.attachments),
        actor: { id: 'reporter', role: 'reporter' },
        requestId: c.get('requestId'),
      });
      const acknowledgeBy = addDays(report.receivedAt, ACKNOWLEDGE_WITHIN_DAYS);

      return c.html(
        renderReceiptPage({
          org,
          caseRef: report.caseRef,
          token: report.mailbox.token,
          returnCode: report.mailbox.returnCode,
          deadlines: {
            acknowledgeBy: new Date(acknowledgeBy).toISOString(),
            feedbackBy: new Date(addMonths(acknowledgeBy, FEEDBACK_WITHIN_MONTHS)).toISOString(),
          },
        }),
        201,
      );
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 404 || error.status >= 500) throw error;
      return again(error.status as 413 | 415 | 422 | 429, fieldErrors(error));
    }
  });

  page(app, 'get', '/r/:org/mailbox', 'The mailbox, or its login', async (c, org) => {
    const session = cookieSession(c, org);
    if (!session) return loginPage(c, org);
    try {
      const view = await readMailbox(c.env, session);
      const notice = NOTICES[c.req.query('notice') ?? ''];

      return mailboxPage(c, org, view, {}, notice);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'unauthenticated') {
        clearSessionCookie(c);
        return loginPage(c, org);
      }
      throw error;
    }
  });

  page(app, 'post', '/r/:org/mailbox/login', 'Open the mailbox', async (c, org) => {
    const form = await readFormUpTo(c, SMALL_FORM_BYTES);
    if (!formTokenMatches(c, form.get(MAILBOX_FIELDS.csrf))) {
      return loginPage(
        c,
        org,
        'The form had expired. Enter your token and return code again.',
        403,
      );
    }
    try {
      await enforceLimit(c.env, null, 'login', c.req.header('cf-connecting-ip'));
      const session = await logInToMailbox(c.env, {
        token: text(form.get(MAILBOX_FIELDS.token)),
        returnCode: text(form.get(MAILBOX_FIELDS.returnCode)),
        requestId: c.get('requestId'),
      });
      writeSessionCookie(c, session.sessionToken);
      const opened = parseSessionToken(session.sessionToken);

      return c.redirect(`/r/${encodeURIComponent(opened?.org ?? org.slug)}/mailbox`, 303);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      return loginPage(c, org, error.message, error.status as 401 | 423 | 429);
    }
  });

  page(app, 'post', '/r/:org/mailbox/logout', 'Close the mailbox', async (c, org) => {
    const form = await readFormUpTo(c, SMALL_FORM_BYTES);
    const session = cookieSession(c, org);
    if (session && formTokenMatches(c, form.get(MAILBOX_FIELDS.csrf))) {
      await caseStub(c.env, session.org, session.caseId).mailboxLogout(session.secret);
    }
    clearSessionCookie(c);

    return c.redirect(`/r/${encodeURIComponent(org.slug)}/mailbox`, 303);
  });

  page(
    app,
    'post',
    '/r/:org/mailbox/messages',
    'Send a message from the mailbox',
    async (c, org) => {
      const session = requirePageSession(c, org);
      const { policy } = await loadIntake(c.env, org.slug);
      const form = await readFormUpTo(c, uploadLimit(policy, 'binary'));
      const body = text(form.get(MAILBOX_FIELDS.body)).trim();

      return mailboxAction(c, org, session, form, 'sent', MAILBOX_FIELDS.body, async () => {
        if (!body) throw fieldError(MAILBOX_FIELDS.body, 'Write a message before you send it.');
        await enforceLimit(c.env, org.slug, 'message', c.req.header('cf-connecting-ip'));
        await sendReporterMessage(c.env, session, {
          body: body.slice(0, 20_000),
          attachments: await formFiles(form, MAILBOX_FIELDS.attachments),
          requestId: c.get('requestId'),
        });
      });
    },
  );

  page(app, 'post', '/r/:org/mailbox/oral/confirm', 'Confirm the oral record', async (c, org) => {
    const session = requirePageSession(c, org);
    const form = await readFormUpTo(c, SMALL_FORM_BYTES);

    return mailboxAction(c, org, session, form, 'confirmed', MAILBOX_FIELDS.correction, () =>
      signOffRecord(c.env, session, {
        action: 'confirm',
        recordedAt: text(form.get(MAILBOX_FIELDS.recordedAt)) || undefined,
        requestId: c.get('requestId'),
      }),
    );
  });

  page(app, 'post', '/r/:org/mailbox/oral/correction', 'Ask for a correction', async (c, org) => {
    const session = requirePageSession(c, org);
    const form = await readFormUpTo(c, SMALL_FORM_BYTES);
    const body = text(form.get(MAILBOX_FIELDS.correction)).trim();

    return mailboxAction(c, org, session, form, 'correction', MAILBOX_FIELDS.correction, () => {
      if (!body) throw fieldError(MAILBOX_FIELDS.correction, 'Say what should be corrected.');
      return signOffRecord(c.env, session, {
        action: 'correct',
        body: body.slice(0, 20_000),
        recordedAt: text(form.get(MAILBOX_FIELDS.recordedAt)) || undefined,
        requestId: c.get('requestId'),
      });
    });
  });

  page(app, 'get', '/r/:org/mailbox/attachments/:id', 'Download a file', async (c, org) => {
    const session = requirePageSession(c, org);
    const { file, body } = await openReporterAttachment(c.env, session, c.req.param('id') ?? '');

    return new Response(body, { headers: downloadHeaders(file) });
  });
}

/** Declares a page route; the organisation is resolved first and any error becomes a page. */
function page(
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

function cookieSession(c: PageContext, org: ReporterOrg): MailboxSession | null {
  const session = parseSessionToken(readSessionCookie(c));

  return session && session.org === org.slug ? session : null;
}

function requirePageSession(c: PageContext, org: ReporterOrg): MailboxSession {
  const session = cookieSession(c, org);
  if (!session) throw new ApiError('unauthenticated', 'Open your mailbox first.');

  return session;
}

function loginPage(
  c: PageContext,
  org: ReporterOrg,
  error?: string,
  status: 200 | 401 | 403 | 423 | 429 = 200,
): Response {
  return c.html(renderMailboxLoginPage({ org, error, csrfToken: formToken(c) }), status);
}

async function mailboxPage(
  c: PageContext,
  org: ReporterOrg,
  view: MailboxView,
  errors: FieldErrors,
  notice?: string,
  status: 200 | 403 | 409 | 413 | 415 | 422 | 429 = 200,
): Promise<Response> {
  const { policy } = await loadIntake(c.env, org.slug);
  const reportFiles = view.reportAttachments.length
    ? [
        {
          id: 'report',
          at: view.receivedAt,
          from: 'you' as const,
          body: 'Files you sent with your report.',
          attachments: view.reportAttachments,
        },
      ]
    : [];

  return c.html(
    renderMailboxPage({
      org,
      view: {
        caseRef: view.caseRef,
        status: view.status,
        deadlines: view.deadlines,
        messages: [
          ...reportFiles,
          ...view.messages.map((m) => ({
            id: m.id,
            at: m.at,
            from: m.from,
            ...(m.displayName ? { displayName: m.displayName } : {}),
            body: m.body,
            attachments: m.attachments,
          })),
        ],
        ...(view.oralRecord
          ? {
              oralRecord: {
                status: view.oralRecord.status,
                minutes: view.oralRecord.minutes,
                recordedAt: view.oralRecord.recordedAt,
              },
            }
          : {}),
      },
      notice,
      errors,
      attachments: view.canSend ? policy.attachments : undefined,
      csrfToken: formToken(c),
    }),
    status,
  );
}

/** Runs a mailbox post; on success back to the mailbox (303), on a 4xx the page with the error. */
async function mailboxAction(
  c: PageContext,
  org: ReporterOrg,
  session: MailboxSession,
  form: FormData,
  notice: string,
  field: string,
  action: () => Promise<unknown>,
): Promise<Response> {
  const again = async (status: 403 | 409 | 413 | 415 | 422 | 429, errors: FieldErrors) =>
    mailboxPage(c, org, await readMailbox(c.env, session), errors, undefined, status);
  if (!formTokenMatches(c, form.get(MAILBOX_FIELDS.csrf))) {
    return again(403, { [field]: 'The form had expired. Send it again.' });
  }
  try {
    await action();
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500 || error.code === 'unauthenticated') {
      throw error;
    }
    const errors = fieldErrors(error);
    return again(
      error.status as 409 | 413 | 415 | 422 | 429,
      Object.keys(errors).length ? errors : { [field]: error.message },
    );
  }

  return c.redirect(`/r/${encodeURIComponent(org.slug)}/mailbox?notice=${notice}`, 303);
}

/** Field errors from an ApiError's issues; file issues (`attachments.2`) go to the file field. */
function fieldErrors(error: ApiError): FieldErrors {
  const issues = (error.details.issues as { path: string; message: string }[] | undefined) ?? [];
  if (issues.length === 0) return { form: error.message };
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const name = issue.path.startsWith('attachments') ? 'attachments' : issue.path;
    errors[name] ??= issue.message;
  }

  return errors;
}

function fieldError(path: string, message: string): ApiError {
  return new ApiError('validation_failed', message, { issues: [{ path, message }] });
}

function textFields(form: FormData): FieldValues {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string' && key !== INTAKE_FIELDS.csrf) values[key] = value;
  }

  return values;
}

function text(value: File | string | null): string {
  return typeof value === 'string' ? value : '';
}
