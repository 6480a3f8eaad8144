/**
 * Use case: the reporter reads their mailbox. The case object shapes the view itself from
 * reporter-visible content (present-mailbox.ts), so this only finds the case and relays.
 */
import { caseStub } from '../cases/case-stub';
import type { Env } from '../env';
import { mailboxFailure, sessionEnded } from './failures';
import type { MailboxView } from './present-mailbox';
import type { MailboxSession } from './session-token';

/** The reporter's view, or 401 when the session is not live. */
export async function readMailbox(env: Env, session: MailboxSession | null): Promise<MailboxView> {
  if (!session) throw sessionEnded();
  const result = await caseStub(env, session.org, session.caseId).mailboxView(session.secret);
  if (!result.ok) throw mailboxFailure(result);

  return result.view;
}
