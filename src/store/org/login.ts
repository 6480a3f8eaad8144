/**
 * Staff sign-in: the password step and, for an account with a second factor, the TOTP or
 * recovery-code step (table `login_challenges`). Writes the lockout counters, a rehashed
 * password, challenges and, on success, a session. Touches `users`, `login_challenges`,
 * `recovery_codes`, `sessions`, `denials`.
 *
 * The awaits are the password derivation, the opening of the sealed TOTP secret and the TOTP
 * check; every check-and-set that must be atomic (a TOTP step, a recovery code) runs after the
 * last await, with what the awaits may have let others change read again (PLATFORM.md, "Input
 * gate": Web Crypto is not storage, so its awaits may let other requests in).
 */
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../auth/password';
import { randomToken } from '../../auth/tokens';
import type { VerifyTotpResult } from '../../auth/totp';
import { verifyTotp } from '../../auth/totp';
import type { StaffUser } from './accounts';
import { toUser, userByEmail, userById } from './accounts';
import type { Failure } from './failure';
import { keyedHash } from './keyed-hash';
import { clearFailures, countFailure, noteFailedLogin } from './login-throttle';
import { useRecoveryCode } from './recovery-codes';
import { openSession } from './sessions';
import { readSettings } from './settings';
import { openTotpSecret, sealTotpSecret } from './totp';

/** Time to enter the second factor after the password: 5 minutes. */
export const CHALLENGE_LIFETIME_MS = 5 * 60 * 1000;
/** Codes one login challenge accepts before it must start over with the password. */
export const CHALLENGE_ATTEMPTS = 5;

/** A session, a challenge for the second factor, or one answer for every failure. */
export type LoginResult =
  | { ok: true; token: string; user: StaffUser }
  | { ok: false; code: 'totp_required'; challenge: string; message: string }
  | Failure<'invalid_credentials'>;

/** One answer for an unknown email, a wrong password, a locked or disabled account. */
const INVALID = {
  ok: false,
  code: 'invalid_credentials',
  message:
    'The email or the password is wrong, or the account is paused after too many attempts. ' +
    'Check them and try again in a few minutes.',
} as const;

const BAD_CODE = {
  ok: false,
  code: 'invalid_credentials',
  message: 'The code is wrong, was used already, or the sign-in has expired. Try the next code.',
} as const;

/**
 * Checks a password. Every path runs exactly one PBKDF2 derivation (an unknown email, a
 * locked or invited account verify against a dummy hash), so the answer and its time do not
 * tell which accounts exist. The attempt is counted before the derivation, so parallel
 * guesses are all counted. With a second factor, the answer is a challenge, not a session.
 */
export async function login(
  sql: SqlStorage,
  serverSecret: string,
  input: { email: string; password: string },
): Promise<LoginResult> {
  const settings = readSettings(sql);
  const row = settings ? userByEmail(sql, input.email.toLowerCase()) : undefined;
  const now = Date.now();
  if (!settings || !row || !row.password_hash || row.locked_until > now) {
    await burnPasswordCheck(input.password);
    noteFailedLogin(sql, row, row && row.locked_until > now ? 'locked' : 'unknown_account');
    return INVALID;
  }

  countFailure(sql, row.id, now);
  const check = await verifyPassword(input.password, row.password_hash);
  if (!check.ok || row.disabled) {
    noteFailedLogin(sql, row, check.ok ? 'disabled' : 'wrong_password');
    return INVALID;
  }
  if (check.needsRehash) {
    const upgraded = await hashPassword(input.password);
    sql.exec('UPDATE users SET password_hash = ? WHERE id = ?', upgraded, row.id);
  }

  clearFailures(sql, row.id);
  const current = userById(sql, row.id);
  if (!current || current.disabled) return INVALID;
  if (current.totp_secret) {
    const challenge = `${settings.slug}.${randomToken(32)}`;
    sql.exec(
      'INSERT INTO login_challenges (challenge_hash, user_id, expires_at) VALUES (?, ?, ?)',
      keyedHash(serverSecret, 'challenge', challenge),
      row.id,
      now + CHALLENGE_LIFETIME_MS,
    );

    return {
      ok: false,
      code: 'totp_required',
      challenge,
      message: 'Enter the code from your authenticator app.',
    };
  }

  return {
    ok: true,
    token: openSession(sql, serverSecret, row.id, now),
    user: toUser(sql, current),
  };
}

/**
 * Completes a login with a TOTP code or a recovery code. A code is accepted once: its time
 * step is compared with the last accepted one and stored in the same synchronous step after
 * the last await, so of any number of concurrent requests with one code exactly one wins. A
 * secret stored before sealing is sealed in that same step when its code is accepted.
 */
export async function completeTotpLogin(
  sql: SqlStorage,
  serverSecret: string,
  input: { challenge: string; code: string },
): Promise<LoginResult> {
  const now = Date.now();
  const settings = readSettings(sql);
  const challengeHash = keyedHash(serverSecret, 'challenge', input.challenge);
  const challenge = sql
    .exec<{ user_id: string; expires_at: number; attempts: number }>(
      'SELECT user_id, expires_at, attempts FROM login_challenges WHERE challenge_hash = ?',
      challengeHash,
    )
    .toArray()[0];
  if (!settings || !challenge) return BAD_CODE;
  const row = userById(sql, challenge.user_id);
  if (
    challenge.expires_at <= now ||
    challenge.attempts >= CHALLENGE_ATTEMPTS ||
    !row?.totp_secret ||
    row.disabled
  ) {
    sql.exec('DELETE FROM login_challenges WHERE challenge_hash = ?', challengeHash);
    return BAD_CODE;
  }
  if (row.locked_until > now) {
    noteFailedLogin(sql, row, 'locked');
    return BAD_CODE;
  }
  sql.exec(
    'UPDATE login_challenges SET attempts = attempts + 1 WHERE challenge_hash = ?',
    challengeHash,
  );

  // A TOTP code is checked against the opened secret; anything else is a recovery code.
  const stored = row.totp_secret;
  const code = input.code.trim();
  const opened = /^[0-9\s]{6,8}$/.test(code)
    ? await openTotpSecret(serverSecret, settings.slug, row.id, stored)
    : null;
  const verdict: VerifyTotpResult | { ok: false; reason: 'unreadable' } | null =
    opened === null
      ? null
      : opened.ok
        ? await verifyTotp({ secret: opened.secret, code, now, lastTimeStep: row.totp_last_step })
        : { ok: false, reason: 'unreadable' };
  const resealed =
    opened?.ok && opened.legacy && verdict?.ok
      ? await sealTotpSecret(serverSecret, settings.slug, row.id, opened.secret)
      : stored;

  // Synchronous from here to the end: re-read what the awaits may have let others change.
  const fresh = userById(sql, row.id);
  if (!fresh || fresh.disabled || fresh.totp_secret !== stored) return BAD_CODE;
  let accepted = false;
  if (verdict === null) {
    accepted = useRecoveryCode(sql, serverSecret, row.id, code);
  } else if (verdict.ok) {
    const last = fresh.totp_last_step;
    if (last === null || verdict.timeStep > last) {
      sql.exec(
        'UPDATE users SET totp_last_step = ?, totp_secret = ? WHERE id = ?',
        verdict.timeStep,
        resealed,
        row.id,
      );
      accepted = true;
    }
  }
  if (!accepted) {
    countFailure(sql, row.id, now);
    const why = verdict === null ? 'recovery_code' : verdict.ok ? 'replayed' : verdict.reason;
    noteFailedLogin(sql, row, `totp_${why}`);
    return BAD_CODE;
  }

  clearFailures(sql, row.id);
  sql.exec('DELETE FROM login_challenges WHERE challenge_hash = ?', challengeHash);

  return { ok: true, token: openSession(sql, serverSecret, row.id, now), user: toUser(sql, fresh) };
}
