/**
 * Per-account throttling of failed sign-ins (columns `users.failed_logins` and
 * `users.locked_until`) and the record of each failure in `denials`. The delay schedule is
 * pure and lives in src/auth/lockout.ts; this module only stores it.
 *
 * Each function is synchronous, so a caller that runs it after its last await keeps the
 * count-and-lock step inside the input gate (PLATFORM.md, "Input gate").
 */
import { lockedUntilAfter } from '../../auth/lockout';
import { log } from '../../log';
import type { UserRow } from './accounts';
import { insertDenial } from './denials';
import { readSettings } from './settings';

/**
 * Counts one failed attempt and locks the account when the schedule says so. The increment
 * and its read are one statement, so parallel attempts are all counted.
 */
export function countFailure(sql: SqlStorage, userId: string, now: number): void {
  const row = sql
    .exec<{ failed_logins: number }>(
      'UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins',
      userId,
    )
    .toArray()[0];
  const until = lockedUntilAfter(row?.failed_logins ?? 0, now);
  if (until > 0) sql.exec('UPDATE users SET locked_until = ? WHERE id = ?', until, userId);
}

/** Resets the counter and the lock after a successful sign-in step. */
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
  if (!readSettings(sql)) return;
  const route = { method: 'POST', route: '/api/auth/login' };
  insertDenial(sql, row?.id ?? null, row?.role ?? null, route, reason);
}
