/**
 * The mailbox pages: login and logout, the mailbox itself, replies, the oral record's
 * confirmation or correction, and file downloads. Mounted by reporterPageRoutes
 * (reporter-pages.ts), whose notes on form tokens, cookies and error pages hold here too.
 *
 * Routes are thin: the use cases are the mailbox API's own (src/mailbox/*). A session comes
 * only from the HttpOnly cookie and must belong to the organisation in the path.
 */
import type { Hono } from 'hono';

import { caseStub } from '../../cases/case-stub';
import { requireLiveSession } from '../../mailbox/live-session';
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
import { fieldError, fieldErrors, text } from '../../reporter/form-handling';
import type { FieldErrors, ReporterOrg } from '../../reporter/pages';
import { MAILBOX_FIELDS, renderMailboxLoginPage, renderMailboxPage } from '../../reporter/pages';
import { enforceLimit } from '../../reporter/rate-limit';
import { formFiles, readFormUpTo, uploadLimit } from '../../reporter/request-body';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';
import { downloadHeaders } from './mailbox';
import { loadIntake } from './public-intake';
import { definePage, type PageContext } from './reporter-page-route';

const NOTICES: Record<string, string> = {
  sent: 'Your message has been sent.',
  confirmed: 'Thank you. You confirmed the record.',
  correction: 'Your correction request has been sent.',
};

// Small forms (login, sign-off, logout) are read within this many bytes.
const SMALL_FORM_BYTES = 64 * 1024;

/** Declares the mailbox page routes; reporterPageRoutes calls it after the intake routes. */
export function mailboxPageRoutes(app: Hono<AppEnv>): void {
  definePage(app, 'get', '/r/:org/mailbox', 'The mailbox, or its login', async (c, org) => {
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

  definePage(app, 'post', '/r/:org/mailbox/login', 'Open the mailbox', async (c, org) => {
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
      await enforceLimit(c.env, org.slug, 'login', c.req.header('cf-connecting-ip'));
      const session = await logInToMailbox(c.env, {
        token: text(form.get(MAILBOX_FIELDS.token)),
        returnCode: text(form.get(MAILBOX_FIELDS.returnCode)),
        requestId: c.get('requestId'),
      });
      writeSessionCookie(c, session.sessionToken);
      const opened = parseSessionToken(c.env.SERVER_SECRET, session.sessionToken);

      return c.redirect(`/r/${encodeURIComponent(opened?.org ?? org.slug)}/mailbox`, 303);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      return loginPage(c, org, error.message, error.status as 401 | 423 | 429);
    }
  });

  definePage(app, 'post', '/r/:org/mailbox/logout', 'Close the mailbox', async (c, org) => {
    const form = await readFormUpTo(c, SMALL_FORM_BYTES);
    // Without its token the form may be another site's, and an answer clears the cookie
    // whether or not the request carried it: so no sign-out, not even of the cookie.
    if (!formTokenMatches(c, form.get(MAILBOX_FIELDS.csrf))) {
      throw new ApiError(
        'forbidden',
        'The form had expired. Open your mailbox and sign out again.',
      );
    }
    const session = cookieSession(c, org);
    if (session) await caseStub(c.env, session.org, session.caseId).mailboxLogout(session.secret);
    clearSessionCookie(c);

    return c.redirect(`/r/${encodeURIComponent(org.slug)}/mailbox`, 303);
  });

  definePage(
    app,
    'post',
    '/r/:org/mailbox/messages',
    'Send a message from the mailbox',
    async (c, org) => {
      // An upload may be tens of MiB: only a live session gets it read, or counted.
      const session = await requireLiveSession(c.env, requirePageSession(c, org));
      const { policy } = await loadIntake(c.env, org.slug);
      const form = await readFormUpTo(c, uploadLimit(policy, 'binary'));
      const body = text(form.get(MAILBOX_FIELDS.body)).trim();

      return mailboxAction(c, org, session, form, 'sent', MAILBOX_FIELDS.body, async () => {
        if (!body) throw fieldError(MAILBOX_FIELDS.body, 'Write a message before you send it.');
        await sendReporterMessage(c.env, session, {
          body: body.slice(0, 20_000),
          attachments: await formFiles(form, MAILBOX_FIELDS.attachments),
          admit: () => enforceLimit(c.env, org.slug, 'message', c.req.header('cf-connecting-ip')),
          requestId: c.get('requestId'),
        });
      });
    },
  );

  definePage(
    app,
    'post',
    '/r/:org/mailbox/oral/confirm',
    'Confirm the oral record',
    async (c, org) => {
      const session = requirePageSession(c, org);
      const form = await readFormUpTo(c, SMALL_FORM_BYTES);

      return mailboxAction(c, org, session, form, 'confirmed', MAILBOX_FIELDS.correction, () =>
        signOffRecord(c.env, session, {
          action: 'confirm',
          recordedAt: text(form.get(MAILBOX_FIELDS.recordedAt)) || undefined,
          requestId: c.get('requestId'),
        }),
      );
    },
  );

  definePage(
    app,
    'post',
    '/r/:org/mailbox/oral/correction',
    'Ask for a correction',
    async (c, org) => {
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
    },
  );

  definePage(app, 'get', '/r/:org/mailbox/attachments/:id', 'Download a file', async (c, org) => {
    const session = requirePageSession(c, org);
    const { file, body } = await openReporterAttachment(c.env, session, c.req.param('id') ?? '');

    return new Response(body, { headers: downloadHeaders(file) });
  });
}

function cookieSession(c: PageContext, org: ReporterOrg): MailboxSession | null {
  const session = parseSessionToken(c.env.SERVER_SECRET, readSessionCookie(c));

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
