/**
 * Helpers for the sign-in tests in workerd: enrolling a second factor, the password step, the
 * stored throttle of an account, challenges written as the object writes them, and a way to
 * hold Web Crypto's AES-GCM decryption (the opening of a sealed TOTP secret) so that other
 * requests get in while a code is being checked.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env as looseEnv } from 'cloudflare:workers';
import { expect } from 'vitest';

import { randomToken } from '../../src/auth/tokens';
import { generateTotp } from '../../src/auth/totp';
import type { Env } from '../../src/env';
import { resolveEnv } from '../../src/env';
import { CHALLENGE_LIFETIME_MS, challengeHash } from '../../src/store/org/login-challenges';
import { api, PASSWORD } from './helpers';

const env = looseEnv as unknown as Env;
export const ORGS = env.ORGS;

/** Seconds per TOTP step, in milliseconds (RFC 6238 §5.2 default). */
export const STEP_MS = 30_000;

/**
 * Waits until the clock is at least 3 s away from a TOTP step boundary, so that a code made
 * for "now ± n steps" here is still n steps away when the server checks it.
 */
export async function awayFromStepBoundary(): Promise<void> {
  for (;;) {
    const into = Date.now() % STEP_MS;
    if (into > 3_000 && into < STEP_MS - 3_000) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Switches TOTP on for the session's account and returns the base32 secret. */
export async function enrol(token: string, password = PASSWORD): Promise<string> {
  const started = await api('POST', '/api/me/totp', { token, body: { password } });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const secret = started.body.secret as string;
  await awayFromStepBoundary();
  const confirmed = await api('POST', '/api/me/totp/confirm', {
    token,
    body: { code: await generateTotp(secret, Date.now()) },
  });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);

  return secret;
}

/** As if the last code was accepted long ago, so that every step near now is fresh. */
export async function forgetLastStep(slug: string, userId: string): Promise<void> {
  await runInDurableObject(ORGS.getByName(slug), (_instance, state) => {
    state.storage.sql.exec('UPDATE users SET totp_last_step = 1 WHERE id = ?', userId);
  });
}

/** The password step of an account with a second factor; returns its challenge. */
export async function passwordStep(slug: string, email: string, password = PASSWORD) {
  const login = await api('POST', '/api/auth/login', { body: { org: slug, email, password } });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  expect(login.body.totpRequired).toBe(true);
  expect(login.body.token).toBeUndefined();

  return login.body.challenge as string;
}

/** Completes a sign-in with a code. */
export function codeStep(challenge: string, code: string) {
  return api('POST', '/api/auth/totp', { body: { challenge, code } });
}

/** The account's stored sign-in throttle. */
export function throttleOf(slug: string, userId: string) {
  return runInDurableObject(ORGS.getByName(slug), (_instance, state) =>
    state.storage.sql
      .exec<{ failed_logins: number; locked_until: number }>(
        'SELECT failed_logins, locked_until FROM users WHERE id = ?',
        userId,
      )
      .one(),
  );
}

/** Sets the stored lock, e.g. to the past, as if its delay had gone by. */
export async function setLockedUntil(slug: string, userId: string, until: number) {
  await runInDurableObject(ORGS.getByName(slug), (_instance, state) => {
    state.storage.sql.exec('UPDATE users SET locked_until = ? WHERE id = ?', until, userId);
  });
}

/** Every stored challenge of the organisation, by account. */
export function challengeRows(slug: string) {
  return runInDurableObject(ORGS.getByName(slug), (_instance, state) =>
    state.storage.sql
      .exec<{ user_id: string; expires_at: number; attempts: number }>(
        'SELECT user_id, expires_at, attempts FROM login_challenges',
      )
      .toArray(),
  );
}

/**
 * Stores challenges for an account the way a password step does, with their own expiry. The
 * password step keeps one challenge per account, so this is how a test gets many at once.
 */
export async function storeChallenges(
  slug: string,
  userId: string,
  count: number,
  expiresAt = Date.now() + CHALLENGE_LIFETIME_MS,
): Promise<string[]> {
  const secret = resolveEnv(env).env.SERVER_SECRET;
  const challenges = Array.from({ length: count }, () => `${slug}.${randomToken(32)}`);
  await runInDurableObject(ORGS.getByName(slug), (_instance, state) => {
    for (const challenge of challenges) {
      state.storage.sql.exec(
        'INSERT INTO login_challenges (challenge_hash, user_id, expires_at) VALUES (?, ?, ?)',
        challengeHash(secret, challenge),
        userId,
        expiresAt,
      );
    }
  });

  return challenges;
}

const subtle = crypto.subtle;
const originalDecrypt = subtle.decrypt.bind(subtle);

/** Puts Web Crypto's decryption back; call in `afterEach` of a file that holds it. */
export function restoreDecrypt(): void {
  subtle.decrypt = originalDecrypt;
}

/**
 * Makes every AES-GCM decryption wait on a timer until `release` is called. A timer opens the
 * object's input gate (PLATFORM.md, "Input gate"), so requests sent meanwhile get in between
 * a code step's first checks and its accept step, as they can whenever Web Crypto really
 * yields. `reached` counts the decryptions that started. The wait polls a flag rather than
 * awaiting a promise of the test's, which workerd would not let another request resolve.
 */
export function holdDecrypt(): { reached: () => number; release: () => void } {
  let reached = 0;
  let released = false;
  subtle.decrypt = (async (...args: Parameters<typeof subtle.decrypt>) => {
    reached += 1;
    while (!released) await new Promise((resolve) => setTimeout(resolve, 5));
    return originalDecrypt(...args);
  }) as typeof subtle.decrypt;

  return { reached: () => reached, release: () => void (released = true) };
}

/** Waits until `done` holds, polling every few milliseconds, for at most `timeoutMs`. */
export async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
