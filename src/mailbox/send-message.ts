/**
 * Use case: the reporter adds a message (and files) to the thread, through the machine's
 * REPORTER_MESSAGE. The session is one `requireLiveSession` found live before the route read
 * the upload. Files are checked and cleaned before anything is written, stored in R2 before
 * the event is committed (the event records their ids), and removed again if the machine
 * refuses the message or the session ended meanwhile.
 */
import { caseStub } from '../cases/case-stub';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import type { UploadedFile } from '../reporter/attachments';
import { prepareAttachments } from '../reporter/attachments';
import { removeAttachments, storeAttachments } from '../reporter/attachment-store';
import { mailboxFailure } from './failures';
import type { LiveSession } from './live-session';

export interface SendMessageOptions {
  body: string;
  attachments?: UploadedFile[];
  /**
   * Asked once the files have passed their checks and before anything is stored, so that a
   * refused message counts against no limit; what it raises (429) stores nothing either.
   */
  admit?: () => Promise<void>;
  requestId?: string;
}

/** The new message as the thread shows it; nothing of the audit trail. */
export interface SentMessage {
  id: string;
  at: string;
}

/** Adds the message; raises 401, 409 (closed case) or a 4xx for refused files. */
export async function sendReporterMessage(
  env: Env,
  session: LiveSession,
  options: SendMessageOptions,
): Promise<SentMessage> {
  const stub = caseStub(env, session.org, session.caseId);
  const files = options.attachments ?? [];

  const policies = await env.ORGS.getByName(session.org).policies();
  const prepared = prepareAttachments(policies.intake, files);
  if (!prepared.ok)
    throw new ApiError(prepared.code, prepared.message, { issues: prepared.issues });
  await options.admit?.();

  const refs = await storeAttachments(env, session.org, session.caseId, prepared.files);
  const ids = refs.map((r) => r.id);
  const result = await stub
    .mailboxSend(
      session.secret,
      {
        type: 'REPORTER_MESSAGE',
        body: options.body,
        ...(refs.length ? { attachments: refs } : {}),
      },
      options.requestId,
    )
    .catch(async (error: unknown) => {
      await removeAttachments(env, session.org, session.caseId, ids);
      throw error;
    });
  if (!result.ok) {
    await removeAttachments(env, session.org, session.caseId, ids);
    throw mailboxFailure(result);
  }
  const message = result.receipt.message;
  if (!message) throw new ApiError('internal', 'The message could not be stored. Try again.');

  return message;
}
