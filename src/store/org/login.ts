/**
 * Staff sign-in: the password step and, for an account with a second factor, the TOTP or
 * recovery-code step (challenges in login-challenges.ts). Writes the lockout counters, a
 * rehashed password, challenges and, on success, a session. Touches `users`,
 * `login_challenges`, `recovery_codes`, `sessions`, `denials`.
 *
 * Both steps count on one failure counter (login-throttle.ts), cleared only when a session
 * opens: a correct password before a second factor leaves it as it was, so knowing the
 * password does not buy a fresh set of code guesses after each lock.
 *
 * The awaits are the password derivation, the opening of the sealed TOTP secret and the TOTP
 * check; every check-and-set that must be atomic (a TOTP step, a recovery code) runs after the
 * last await, with what the awaits may have let others change read again (PLATFORM.md, "Input
 * gate": Web Crypto is not storage, so its awaits may let other requests in).
 */
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../auth/password';
import type { VerifyTotpResult } from '../../auth/totp';
import { verifyTotp } from '../../auth/totp';
import type { StaffUser } from './accounts';
import { toUser, userByEmail, userById } from './accounts';
import type { Failure } from './failure';
import {
  CHALLENGE_ATTEMPTS,
  challengeHash,
  deleteChallenge,
  findChallenge,
  issueChallenge,
  spendChallengeAttempt,
} from './login-challenges';
import { clearFailures, countFailure, forgiveFailure, noteFailedLogin } from './login-throttle';
import { useRecoveryCode } from './recovery-codes';
import { openSession } from './sessions';
import { readSettings } from './settings';
import { openTotpSecret, sealTotpSecret } from './totp';

export { CHALLENGE_ATTEMPTS, CHALLENGE_LIFETIME_MS } from './login-challenges';

/** A session, a challenge for the second factor, or one answer for every failure. */
export type LoginResult =
  | { ok: true; token: string; user: StaffUser }
  | { ok: false; code: 'totp_required'; challenge: string; message: string }
  | Failure<'invalid_credentials'>;

/** One answer for an unknown email, a wrong password, a locked or disabled account. */
export const INVALID = {
  ok: false,
  code: 'invalid_credentials',
  message:
    'The email or the password is wrong, or the account is paused after too many attempts. ' +
    'Check them and try again in a few minutes.',
} as const;

/** One answer for a wrong, used or expired code, and for an unknown challenge. */
export const BAD_CODE = {
  ok: false,
  code: 'invalid_credentials',
  message: 'The code is wrong, was used already, or the sign-in has expired. Try the next code.',
} as const;

/**
 * Checks a password. Every path runs exactly one PBKDF2 derivation (an unknown email, a
 * locked or invited account verify against a dummy hash), so the answer and its time do not
 * tell which accounts exist. The attempt is counted before the derivation, so parallel
 * guesses are all counted. With a second factor, the answer is a challenge, not a session,
 * and the attempt is taken back rather than the counter cleared.
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

  const counted = countFailure(sql, row.id, now);
  const check = await verifyPassword(input.password, row.password_hash);
  if (!check.ok || row.disabled) {
    noteFailedLogin(sql, row, check.ok ? 'disabled' : 'wrong_password');
    return INVALID;
  }
  if (check.needsRehash) {
    const upgraded = await hashPassword(input.password);
    sql.exec('UPDATE users SET password_hash = ? WHERE id = ?', upgraded, row.id);
  }

  const current = userById(sql, row.id);
  if (!current || current.disabled) return INVALID;
  if (current.totp_secret) {
    forgiveFailure(sql, counted);
    const challenge = issueChallenge(sql, serverSecret, settings.slug, row.id, now);

    return {
      ok: false,
      code: 'totp_required',
      challenge,
      message: 'Enter the code from your authenticator app.',
    };
  }

  clearFailures(sql, row.id);

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
  const hash = challengeHash(serverSecret, input.challenge);
  const challenge = findChallenge(sql, hash);
  if (!settings || !challenge) return BAD_CODE;
  const row = userById(sql, challenge.userId);
  if (
    challenge.expiresAt <= now ||
    challenge.attempts >= CHALLENGE_ATTEMPTS ||
    !row?.totp_secret ||
    row.disabled
  ) {
    deleteChallenge(sql, hash);
    return BAD_CODE;
  }
  if (row.locked_until > now) {
    noteFailedLogin(sql, row, 'locked');
    return BAD_CODE;
  }
  spendChallengeAttempt(sql, hash);

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

  // Synchronous from here to the end: re-read what the awaits may have let others change (the
  // account, its lock from failures in parallel, the challenge ended with the sessions).
  const at = Date.now();
  const fresh = userById(sql, row.id);
  if (!fresh || fresh.disabled || fresh.totp_secret !== stored || !findChallenge(sql, hash)) {
    return BAD_CODE;
  }
  if (fresh.locked_until > at) {
    noteFailedLogin(sql, fresh, 'locked');
    return BAD_CODE;
  }
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
    countFailure(sql, row.id, at);
    const why = verdict === null ? 'recovery_code' : verdict.ok ? 'replayed' : verdict.reason;
    noteFailedLogin(sql, row, `totp_${why}`);
    return BAD_CODE;
  }

  clearFailures(sql, row.id);
  deleteChallenge(sql, hash);

  return { ok: true, token: openSession(sql, serverSecret, row.id, at), user: toUser(sql, fresh) };
}
