/**
 * The password asked again inside a session before a sensitive change (a new second factor,
 * password or email). A stolen session must not turn into unlimited password guesses, so each
 * try counts on the account's sign-in throttle (login-throttle.ts), a failure is recorded in
 * `denials` with its route, and a paused account is refused before any derivation. Touches
 * `users` (the counters) and `denials`.
 */
import { burnPasswordCheck, verifyPassword } from '../../auth/password';
import type { UserRow } from './accounts';
import { userById } from './accounts';
import type { RequestInfo } from './denials';
import type { Failure } from './failure';
import { clearFailures, countFailure, lockedFailure, noteFailure } from './login-throttle';

/** The routes that ask for the password again, as the record of denials names them. */
export const REAUTH_ROUTES = {
  startTotp: { method: 'POST', route: '/api/me/totp' },
  changePassword: { method: 'POST', route: '/api/me/password' },
  changeEmail: { method: 'PUT', route: '/api/me/email' },
} as const satisfies Record<string, RequestInfo>;

/** A refused re-entry: the wrong password, or an account paused after too many. */
export type ConfirmPasswordFailure =
  Failure<'invalid_credentials'> | (Failure<'locked'> & { until: number });

/**
 * Checks the password of a signed-in account. The attempt is counted before the derivation,
 * so parallel guesses are all counted; a right password clears the count.
 */
export async function confirmPassword(
  sql: SqlStorage,
  userId: string,
  password: string,
  request: RequestInfo,
  wrongMessage: string,
): Promise<{ ok: true; row: UserRow } | ConfirmPasswordFailure> {
  const wrong = { ok: false, code: 'invalid_credentials', message: wrongMessage } as const;
  const row = userById(sql, userId);
  const now = Date.now();
  if (row && row.locked_until > now) {
    noteFailure(sql, row, request, 'locked');
    return lockedFailure(row.locked_until);
  }
  if (!row?.password_hash) {
    await burnPasswordCheck(password);
    return wrong;
  }

  countFailure(sql, row.id, now);
  const check = await verifyPassword(password, row.password_hash);
  if (!check.ok) {
    noteFailure(sql, row, request, 'wrong_password');
    return wrong;
  }
  clearFailures(sql, row.id);

  return { ok: true, row: userById(sql, userId) ?? row };
}
