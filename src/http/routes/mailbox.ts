/**
 * The reporter's mailbox API: log in with the token and the return code, read the case as
 * the reporter may see it, add messages and files, confirm or correct the record of an oral
 * report. A session is a bearer token (`Authorization: Bearer mbs.…`); credentials travel
 * only in request bodies, never in a URL. A token this server did not issue is refused before
 * anything else happens (session-token.ts); every route then answers from the case's Durable
 * Object, which checks the session itself.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';

import { requireLiveSession } from '../../mailbox/live-session';
import { logInToMailbox } from '../../mailbox/log-in';
import { openReporterAttachment } from '../../mailbox/open-attachment';
import { readMailbox } from '../../mailbox/read-mailbox';
import { sendReporterMessage } from '../../mailbox/send-message';
import type { MailboxSession } from '../../mailbox/session-token';
import { parseSessionToken } from '../../mailbox/session-token';
import { signOffRecord } from '../../mailbox/sign-off-record';
import { sessionEnded } from '../../mailbox/failures';
import { caseStub } from '../../cases/case-stub';
import { enforceLimit } from '../../reporter/rate-limit';
import { decodeFiles, uploadLimit } from '../../reporter/request-body';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { readJson } from '../validate';
import { UploadSchema } from './public-reports';

const LoginSchema = z.strictObject({
  token: z.string().max(200),
  returnCode: z.string().max(200),
});

const SessionSchema = z.object({ session: z.string(), expiresAt: z.string() });

const MessageSchema = z.strictObject({
  body: z.string().trim().min(1, 'write a message').max(20_000),
  attachments: z.array(UploadSchema).max(20).default([]),
});

// What a reporter's action answers: never the event's audit `seq`, whose jumps would show
// the reporter how much happened internally between their messages.
const SentMessageSchema = z.object({ id: z.string(), at: z.string() });
const SignedOffSchema = z.object({ status: z.enum(['confirmed', 'correction_requested']) });

const ConfirmSchema = z.strictObject({ recordedAt: z.string().max(40).optional() });
const CorrectionSchema = z.strictObject({
  body: z.string().trim().min(1, 'say what should be corrected').max(20_000),
  recordedAt: z.string().max(40).optional(),
});

/** The mailbox session of a bearer token this server issued, or null. */
export function bearerSession(c: Context<AppEnv>): MailboxSession | null {
  const header = c.req.header('authorization') ?? '';

  return parseSessionToken(c.env.SERVER_SECRET, /^Bearer (\S+)$/i.exec(header)?.[1]);
}

/** The mailbox session of a bearer token, or 401 before any body is read. */
function requireSession(c: Context<AppEnv>): MailboxSession {
  const session = bearerSession(c);
  if (!session) throw sessionEnded();

  return session;
}

/** `Content-Disposition: attachment` with the name as RFC 6266 / RFC 8187 `filename*`. */
export function downloadHeaders(file: { name: string; type: string; size: number }) {
  const ascii = file.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');

  return {
    'Content-Type': file.type,
    'Content-Length': String(file.size),
    'Content-Disposition':
      `attachment; filename="${ascii}"; ` + `filename*=UTF-8''${encodeURIComponent(file.name)}`,
  };
}

export function mailboxRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/mailbox/login',
      auth: 'public',
      tag: 'mailbox',
      summary: 'Open a mailbox session with the mailbox token and the return code',
      body: LoginSchema,
      responses: {
        200: { description: 'A session token, to send as a bearer token', schema: SessionSchema },
        401: 'The token or the return code is wrong (the same answer for either)',
        423: 'Locked after too many wrong attempts; `until` says until when',
        429: 'Too many attempts from here just now',
      },
    },
    async (c) => {
      const body = await readJson(c, LoginSchema);
      // The organisation is the token's to find, so only the client's limit applies here.
      await enforceLimit(c.env, null, 'login', c.req.header('cf-connecting-ip'));
      const session = await logInToMailbox(c.env, {
        token: body.token,
        returnCode: body.returnCode,
        requestId: c.get('requestId'),
      });

      return c.json({
        session: session.sessionToken,
        expiresAt: new Date(session.expiresAt).toISOString(),
      });
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/mailbox/logout',
      auth: 'mailbox',
      tag: 'mailbox',
      summary: 'End the mailbox session',
      responses: { 204: 'Ended' },
    },
    async (c) => {
      const session = bearerSession(c);
      if (session) await caseStub(c.env, session.org, session.caseId).mailboxLogout(session.secret);

      return c.body(null, 204);
    },
  );

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/mailbox',
      auth: 'mailbox',
      tag: 'mailbox',
      summary: "The reporter's view: status, the deadlines owed, the thread and any oral record",
      responses: { 200: 'The view', 401: 'No live mailbox session' },
    },
    async (c) => c.json(await readMailbox(c.env, requireSession(c))),
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/mailbox/messages',
      auth: 'mailbox',
      tag: 'mailbox',
      summary: 'Add a message, with files as base64, to the thread with the organisation',
      body: MessageSchema,
      responses: {
        201: {
          description: 'Added: the message as the thread shows it',
          schema: SentMessageSchema,
        },
        401: 'No live mailbox session',
        409: 'The case no longer takes messages',
        413: 'A file, or the whole request, is too large',
        415: 'A file is of a type that is not accepted (judged by its content)',
        422: '`issues` names what is wrong',
      },
    },
    async (c) => {
      // An upload may be tens of MiB: only a live session gets it read, or counted.
      const session = await requireLiveSession(c.env, requireSession(c));
      const { intake } = await c.env.ORGS.getByName(session.org).policies();
      const body = await readJson(c, MessageSchema, uploadLimit(intake, 'base64'));
      const attachments = decodeFiles(body.attachments);
      const result = await sendReporterMessage(c.env, session, {
        body: body.body,
        attachments,
        // As for reports: only a message that passed every check counts against the limit.
        admit: () => enforceLimit(c.env, session.org, 'message', c.req.header('cf-connecting-ip')),
        requestId: c.get('requestId'),
      });

      return c.json(result, 201);
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/mailbox/record/confirm',
      auth: 'mailbox',
      tag: 'mailbox',
      summary: 'Confirm the record of an oral report (Directive 2019/1937 Art. 18)',
      body: ConfirmSchema,
      responses: {
        200: { description: 'Confirmed', schema: SignedOffSchema },
        401: 'No live mailbox session',
        404: 'The case has no oral record',
        409: 'The record is not awaiting confirmation, or changed since `recordedAt`',
      },
    },
    async (c) => {
      const session = requireSession(c);
      const body = await readJson(c, ConfirmSchema);
      const result = await signOffRecord(c.env, session, {
        action: 'confirm',
        recordedAt: body.recordedAt,
        requestId: c.get('requestId'),
      });

      return c.json(result);
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/mailbox/record/correction',
      auth: 'mailbox',
      tag: 'mailbox',
      summary: 'Ask for a correction of the record of an oral report',
      body: CorrectionSchema,
      responses: {
        200: { description: 'Requested', schema: SignedOffSchema },
        401: 'No live mailbox session',
        404: 'The case has no oral record',
        409: 'The record is not awaiting confirmation, or changed since `recordedAt`',
      },
    },
    async (c) => {
      const session = requireSession(c);
      const body = await readJson(c, CorrectionSchema);
      const result = await signOffRecord(c.env, session, {
        action: 'correct',
        body: body.body,
        recordedAt: body.recordedAt,
        requestId: c.get('requestId'),
      });

      return c.json(result);
    },
  );

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/mailbox/attachments/:id',
      auth: 'mailbox',
      tag: 'mailbox',
      summary: 'Download a file of the case (always as an attachment, with its proven type)',
      responses: { 200: 'The file', 401: 'No live mailbox session', 404: 'No such file' },
    },
    async (c) => {
      const { file, body } = await openReporterAttachment(
        c.env,
        requireSession(c),
        c.req.param('id') ?? '',
      );

      return new Response(body, { headers: downloadHeaders(file) });
    },
  );
}
