/**
 * The challenges handed out after a correct password when a second factor must follow (table
 * `login_challenges`), stored only as keyed hashes. Touches `login_challenges` only.
 *
 * An account holds at most one open challenge: a new password step replaces the earlier one,
 * and ending all of an account's sessions deletes it, so no challenge outlives the password,
 * role or second factor it was issued under. Every function is synchronous, so callers keep
 * their check-and-set steps inside the input gate (PLATFORM.md, "Input gate").
 */
import { randomToken } from '../../auth/tokens';
import { keyedHash } from './keyed-hash';

/** Time to enter the second factor after the password: 5 minutes. */
export const CHALLENGE_LIFETIME_MS = 5 * 60 * 1000;
/** Codes one login challenge accepts before it must start over with the password. */
export const CHALLENGE_ATTEMPTS = 5;

/** A stored challenge, found by the keyed hash of what the client sent. */
export interface LoginChallenge {
  hash: string;
  userId: string;
  expiresAt: number;
  attempts: number;
}

/** The keyed hash under which a challenge is stored. */
export function challengeHash(serverSecret: string, challenge: string): string {
  return keyedHash(serverSecret, 'challenge', challenge);
}

/**
 * Issues a challenge `<org>.<secret>` for the account, replacing its earlier one. Expired
 * challenges of every account are dropped here too: nothing else would ever remove a challenge
 * that was handed out and never answered.
 */
export function issueChallenge(
  sql: SqlStorage,
  serverSecret: string,
  orgSlug: string,
  userId: string,
  now: number,
): string {
  const challenge = `${orgSlug}.${randomToken(32)}`;
  sql.exec('DELETE FROM login_challenges WHERE expires_at <= ? OR user_id = ?', now, userId);
  sql.exec(
    'INSERT INTO login_challenges (challenge_hash, user_id, expires_at) VALUES (?, ?, ?)',
    challengeHash(serverSecret, challenge),
    userId,
    now + CHALLENGE_LIFETIME_MS,
  );

  return challenge;
}

/** The stored challenge with this hash, if it is still there. */
export function findChallenge(sql: SqlStorage, hash: string): LoginChallenge | undefined {
  const row = sql
    .exec<{ user_id: string; expires_at: number; attempts: number }>(
      'SELECT user_id, expires_at, attempts FROM login_challenges WHERE challenge_hash = ?',
      hash,
    )
    .toArray()[0];

  return row && { hash, userId: row.user_id, expiresAt: row.expires_at, attempts: row.attempts };
}

/** Counts one code tried against the challenge. */
export function spendChallengeAttempt(sql: SqlStorage, hash: string): void {
  sql.exec('UPDATE login_challenges SET attempts = attempts + 1 WHERE challenge_hash = ?', hash);
}

/** Removes one challenge (answered, expired or used up). */
export function deleteChallenge(sql: SqlStorage, hash: string): void {
  sql.exec('DELETE FROM login_challenges WHERE challenge_hash = ?', hash);
}

/** Removes every open challenge of an account (its sessions were all ended). */
export function deleteChallengesOf(sql: SqlStorage, userId: string): void {
  sql.exec('DELETE FROM login_challenges WHERE user_id = ?', userId);
}
