/**
 * Per-account throttling of failed sign-ins and password re-entries (columns
 * `users.failed_logins` and `users.locked_until`) and the record of each failure in `denials`.
 * A password, a TOTP code, a recovery code and the password asked again inside a session all
 * count on this one counter, so no path gives more guesses than another. The delay schedule is
 * pure and lives in src/auth/lockout.ts; this module only stores it.
 *
 * Each function is synchronous, so a caller that runs it after its last await keeps the
 * count-and-lock step inside the input gate (PLATFORM.md, "Input gate").
 */
import { lockedUntilAfter } from '../../auth/lockout';
import { log } from '../../log';
import type { UserRow } from './accounts';
import type { RequestInfo } from './denials';
import { insertDenial } from './denials';
import type { Failure } from './failure';
import { readSettings } from './settings';

/** The route of the password step, for the record of failed sign-ins. */
const LOGIN_ROUTE: RequestInfo = { method: 'POST', route: '/api/auth/login' };

/** What one `countFailure` changed, so that an attempt that then succeeds can take it back. */
export interface CountedFailure {
  userId: string;
  /** The lock this failure set, or 0 when it set none. */
  lockedUntil: number;
  /** The lock before it. */
  previousLockedUntil: number;
}

/**
 * Counts one failed attempt and locks the account when the schedule says so. The increment
 * and its read are one statement, so parallel attempts are all counted.
 */
export function countFailure(sql: SqlStorage, userId: string, now: number): CountedFailure {
  const row = sql
    .exec<{ failed_logins: number; locked_until: number }>(
      'UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? ' +
        'RETURNING failed_logins, locked_until',
      userId,
    )
    .toArray()[0];
  const until = lockedUntilAfter(row?.failed_logins ?? 0, now);
  if (until > 0) sql.exec('UPDATE users SET locked_until = ? WHERE id = ?', until, userId);

  return { userId, lockedUntil: until, previousLockedUntil: row?.locked_until ?? 0 };
}

/**
 * Takes back an attempt counted in advance that turned out right, but opened no session (a
 * correct password before a second factor): the counter goes on from where it was, so the
 * password cannot be used to wipe out failed codes. A lock is lifted only if it is still the
 * one this attempt set; a parallel failure's lock stays.
 */
export function forgiveFailure(sql: SqlStorage, counted: CountedFailure): void {
  sql.exec(
    'UPDATE users SET failed_logins = MAX(failed_logins - 1, 0), locked_until = CASE ' +
      'WHEN ? > 0 AND locked_until = ? THEN ? ELSE locked_until END WHERE id = ?',
    counted.lockedUntil,
    counted.lockedUntil,
    counted.previousLockedUntil,
    counted.userId,
  );
}

/** Resets the counter and the lock: a session was opened, or the password proved in one. */
export function clearFailures(sql: SqlStorage, userId: string): void {
  sql.exec('UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?', userId);
}

/**
 * Records a failed sign-in. An unknown email is recorded too (without the email): besides
 * being worth knowing, the write makes the unknown-email path wait on the same storage flush
 * as the wrong-password path, whose counter it updates (scripts/measure-login-timing.mjs).
 */
export function noteFailedLogin(sql: SqlStorage, row: UserRow | undefined, reason: string): void {
  log('warn', 'login_failed', { userId: row?.id ?? null, reason });
  noteFailure(sql, row, LOGIN_ROUTE, reason);
}

/** Records a refused password or code on any route: who, where and why, never what was sent. */
export function noteFailure(
  sql: SqlStorage,
  row: UserRow | undefined,
  request: RequestInfo,
  reason: string,
): void {
  if (!readSettings(sql)) return;
  insertDenial(sql, row?.id ?? null, row?.role ?? null, request, reason);
}

/**
 * The answer to a signed-in staff member whose account is paused. Sign-in itself does not
 * say so (an unknown email must look the same); inside a session there is nothing to hide.
 */
export function lockedFailure(lockedUntil: number): Failure<'locked'> & { until: number } {
  const until = new Date(lockedUntil).toISOString();

  return {
    ok: false,
    code: 'locked',
    message:
      `Too many wrong passwords or codes: this account is paused until ${until}. ` +
      'Try again after that.',
    until: lockedUntil,
  };
}
