/**
 * Use case: the reporter confirms the record of their oral report, or asks for a correction
 * (Directive 2019/1937 Art. 18(2)-(4): the reporter may check, rectify and agree the minutes
 * by signing them). Both are machine events; the case records them in its audit trail.
 *
 * `recordedAt` is the version of the minutes the reporter read: if a handler amended them
 * since, the answer is 409 and the reporter reads them again, so nobody confirms text they
 * did not see.
 */
import { caseStub } from '../cases/case-stub';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { mailboxFailure, sessionEnded } from './failures';
import type { MailboxSession } from './session-token';

export type SignOffOptions =
  | { action: 'confirm'; recordedAt?: string; requestId?: string }
  | { action: 'correct'; body: string; recordedAt?: string; requestId?: string };

/** Where the record stands after the reporter's answer; nothing of the audit trail. */
export interface SignedOff {
  status: 'confirmed' | 'correction_requested';
}

/** Confirms or asks for a correction; raises 401, 409 or 404 (no oral record). */
export async function signOffRecord(
  env: Env,
  session: MailboxSession | null,
  options: SignOffOptions,
): Promise<SignedOff> {
  if (!session) throw sessionEnded();
  const stub = caseStub(env, session.org, session.caseId);
  const current = await stub.mailboxView(session.secret);
  if (!current.ok) throw mailboxFailure(current);
  const record = current.view.oralRecord;
  if (!record)
    throw new ApiError('not_found', 'This report has no record of a conversation to sign off.');
  if (options.recordedAt !== undefined && options.recordedAt !== record.recordedAt) {
    throw new ApiError(
      'transition_refused',
      'The record was changed after you opened it. Read it again before you answer.',
      { guard: 'recordChanged' },
    );
  }

  const command =
    options.action === 'confirm'
      ? ({ type: 'CONFIRM_RECORD' } as const)
      : ({ type: 'REQUEST_CORRECTION', body: options.body } as const);
  const result = await stub.mailboxSend(session.secret, command, options.requestId);
  if (!result.ok) throw mailboxFailure(result);

  return { status: options.action === 'confirm' ? 'confirmed' : 'correction_requested' };
}
