/**
 * One-time recovery codes for a staff member who has lost their second factor (table
 * `recovery_codes`). Stored only as keyed hashes, salted with the account id so a code is
 * bound to its owner. Touches `recovery_codes` only.
 */
import { normaliseRecoveryCode } from '../../auth/totp';
import { keyedHash } from './keyed-hash';

/** Recovery codes issued with a second factor. */
export const RECOVERY_CODES = 10;

function recoveryHash(serverSecret: string, userId: string, code: string): string {
  return keyedHash(serverSecret, `recovery:${userId}`, normaliseRecoveryCode(code));
}

/** Removes every recovery code of an account (its second factor was reset or replaced). */
export function deleteRecoveryCodes(sql: SqlStorage, userId: string): void {
  sql.exec('DELETE FROM recovery_codes WHERE user_id = ?', userId);
}

/** Replaces an account's recovery codes with these; call inside a transaction. */
export function replaceRecoveryCodes(
  sql: SqlStorage,
  serverSecret: string,
  userId: string,
  codes: string[],
  now: number,
): void {
  deleteRecoveryCodes(sql, userId);
  for (const recovery of codes) {
    sql.exec(
      'INSERT INTO recovery_codes (code_hash, user_id, created_at) VALUES (?, ?, ?)',
      recoveryHash(serverSecret, userId, recovery),
      userId,
      now,
    );
  }
}

/**
 * Spends a recovery code: true when it was one of the account's unused codes. The check and
 * the removal are one DELETE, so a code is accepted once however many requests carry it.
 */
export function useRecoveryCode(
  sql: SqlStorage,
  serverSecret: string,
  userId: string,
  code: string,
): boolean {
  const cursor = sql.exec(
    'DELETE FROM recovery_codes WHERE user_id = ? AND code_hash = ?',
    userId,
    recoveryHash(serverSecret, userId, code),
  );
  cursor.toArray();

  return cursor.rowsWritten > 0;
}
