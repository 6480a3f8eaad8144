/**
 * Turns the case object's mailbox results into the API's errors. The reporter is told what
 * to do in plain words; a refused event keeps the machine's rule name for the API.
 */
import { ApiError, notFound } from '../http/errors';

type Failure =
  | { ok: false; code: 'unauthenticated' }
  | { ok: false; code: 'not_found'; message: string }
  | { ok: false; code: 'already_exists'; message: string }
  | { ok: false; code: 'transition_refused'; guard: string; message: string };

/** The session ended (or never was): the reporter opens the mailbox again. */
export function sessionEnded(): ApiError {
  return new ApiError(
    'unauthenticated',
    'Your mailbox session has ended. Open the mailbox again with your token and return code.',
  );
}

/** The error for a failed mailbox result. */
export function mailboxFailure(result: Failure, what = 'file'): ApiError {
  if (result.code === 'unauthenticated') return sessionEnded();
  if (result.code === 'transition_refused') {
    return new ApiError('transition_refused', reporterWords(result.guard, result.message), {
      guard: result.guard,
    });
  }

  return notFound(what);
}

function reporterWords(guard: string, message: string): string {
  if (guard === 'stateAllows') return 'This case is closed; it no longer takes messages.';
  if (guard === 'recordUnconfirmed') return 'The record is not waiting for your confirmation.';
  if (guard === 'notPurged') return 'This case has been closed and its content deleted.';

  return message;
}
