/**
 * Use case: the reporter downloads one of the files of their own case. The case object
 * checks the session and that the file belongs to the case; the bytes come from R2.
 */
import { caseStub } from '../cases/case-stub';
import type { Env } from '../env';
import { notFound } from '../http/errors';
import type { AttachmentInfo } from '../store/case-content';
import { ATTACHMENT_ID_PATTERN, attachmentKey } from '../store/attachment-keys';
import { mailboxFailure, sessionEnded } from './failures';
import type { MailboxSession } from './session-token';

/** The file's metadata and its bytes, or 401/404. */
export async function openReporterAttachment(
  env: Env,
  session: MailboxSession | null,
  id: string,
): Promise<{ file: AttachmentInfo; body: ReadableStream }> {
  if (!session) throw sessionEnded();
  if (!ATTACHMENT_ID_PATTERN.test(id)) throw notFound('file');
  const result = await caseStub(env, session.org, session.caseId).mailboxAttachment(
    session.secret,
    id,
  );
  if (!result.ok) throw mailboxFailure(result);

  const object = await env.ATTACHMENTS.get(attachmentKey(session.org, session.caseId, id));
  if (!object) throw notFound('file');

  return { file: result.file, body: object.body };
}
