/**
 * Use case: before a mailbox request reads a large body or counts against the organisation's
 * rate limit, the case object says whether its session is still live, so an ended session
 * (logged out, idle, past its lifetime, purged case) costs no upload and no count.
 */
import { caseStub } from '../cases/case-stub';
import type { Env } from '../env';
import { mailboxFailure, sessionEnded } from './failures';
import type { MailboxSession } from './session-token';

/** A session the case object has just found live; only `requireLiveSession` makes one. */
export type LiveSession = MailboxSession & { readonly checked: true };

/** The session, once the case object has found it live; otherwise 401. */
export async function requireLiveSession(
  env: Env,
  session: MailboxSession | null,
): Promise<LiveSession> {
  if (!session) throw sessionEnded();
  const live = await caseStub(env, session.org, session.caseId).mailboxCheck(session.secret);
  if (!live.ok) throw mailboxFailure(live);

  return { ...session, checked: true };
}
