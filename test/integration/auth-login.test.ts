import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';

import type { Env } from '../../src/env';
import {
  checkPasswordPolicy,
  PASSWORD_MAX_LENGTH,
  PBKDF2_DEFAULT_ITERATIONS,
} from '../../src/auth/password';
import { AcceptInvitationSchema, LoginSchema } from '../../src/http/routes/auth';
import { ChangeEmailSchema, ChangePasswordSchema, StartTotpSchema } from '../../src/http/routes/me';
import { api, createOrg, PASSWORD } from './helpers';

// `env` from cloudflare:workers is typed without this project's bindings.
const ORGS = (env as unknown as Env).ORGS;

const subtle = crypto.subtle;
const originalDeriveBits = subtle.deriveBits.bind(subtle);

afterEach(() => {
  subtle.deriveBits = originalDeriveBits;
});

/** Counts PBKDF2 derivations (and their iterations) made while `run` is in flight. */
async function countDerivations(run: () => Promise<unknown>): Promise<number[]> {
  const seen: number[] = [];
  subtle.deriveBits = ((
    algorithm: { name: string; iterations: number },
    key: CryptoKey,
    length: number,
  ) => {
    if (algorithm.name === 'PBKDF2') seen.push(algorithm.iterations);
    return originalDeriveBits(algorithm, key, length);
  }) as typeof subtle.deriveBits;
  try {
    await run();
  } finally {
    subtle.deriveBits = originalDeriveBits;
  }

  return seen;
}

function login(slug: string, email: string, password: string) {
  return api('POST', '/api/auth/login', { body: { org: slug, email, password } });
}

describe('staff login', () => {
  it('answers an unknown email and a wrong password alike, after one derivation', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { email } = org.users.handler!;

    let unknown: Awaited<ReturnType<typeof login>> | undefined;
    let wrong: Awaited<ReturnType<typeof login>> | undefined;
    const unknownWork = await countDerivations(async () => {
      unknown = await login(org.slug, `nobody@${org.slug}.test`, 'some-wrong-password');
    });
    const wrongWork = await countDerivations(async () => {
      wrong = await login(org.slug, email, 'some-wrong-password');
    });
    const otherOrgWork = await countDerivations(async () => {
      await login('no-such-org-anywhere', email, 'some-wrong-password');
    });

    expect(unknownWork).toEqual([PBKDF2_DEFAULT_ITERATIONS]);
    expect(wrongWork).toEqual([PBKDF2_DEFAULT_ITERATIONS]);
    expect(otherOrgWork).toEqual([PBKDF2_DEFAULT_ITERATIONS]);
    expect(unknown!.status).toBe(401);
    expect(wrong!.status).toBe(401);
    expect(unknown!.body).toEqual(wrong!.body);
  });

  it('pauses an account after repeated failures, with a growing delay, and logs them', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { email, id } = org.users.handler!;
    const stub = ORGS.getByName(org.slug);

    for (let i = 0; i < 5; i += 1) {
      expect((await login(org.slug, email, `wrong-password-${i}`)).status).toBe(401);
    }
    const locked = await login(org.slug, email, PASSWORD);
    expect(locked.status).toBe(401);
    const firstLock = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql
        .exec<{ locked_until: number }>('SELECT locked_until FROM users WHERE id = ?', id)
        .one(),
    );
    expect(firstLock.locked_until).toBeGreaterThan(Date.now());

    // Let the delay pass (as if 30 s went by), fail once more: the next delay is longer.
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec('UPDATE users SET locked_until = 0 WHERE id = ?', id);
    });
    const beforeSecond = Date.now();
    expect((await login(org.slug, email, 'wrong-password-x')).status).toBe(401);
    const secondLock = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql
        .exec<{ locked_until: number }>('SELECT locked_until FROM users WHERE id = ?', id)
        .one(),
    );
    expect(secondLock.locked_until - beforeSecond).toBeGreaterThanOrEqual(60_000);

    const denials = await stub.denials();
    expect(denials.filter((d) => d.reason === 'wrong_password')).toHaveLength(6);
    expect(denials.filter((d) => d.reason === 'locked')).toHaveLength(1);
    expect(JSON.stringify(denials)).not.toContain('wrong-password');

    // Once the delay is over, the right password works and clears the count.
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec('UPDATE users SET locked_until = 0 WHERE id = ?', id);
    });
    expect((await login(org.slug, email, PASSWORD)).status).toBe(200);
  });

  it('issues a new session of 128 bits or more per login, stored only as a hash', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { email } = org.users.handler!;

    const a = await login(org.slug, email, PASSWORD);
    const b = await login(org.slug, email, PASSWORD);
    expect(a.body.token).not.toBe(b.body.token);
    const secret = (a.body.token as string).split('.')[1]!;
    expect(secret.length).toBeGreaterThanOrEqual(22);

    const stored = await runInDurableObject(ORGS.getByName(org.slug), (_i, state) =>
      state.storage.sql.exec<{ token_hash: string }>('SELECT token_hash FROM sessions').toArray(),
    );
    expect(stored.length).toBeGreaterThanOrEqual(3);
    for (const row of stored) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_hash).not.toContain(secret);
    }
  });

  it('ends a session on the server at logout', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token } = org.users.handler!;

    expect((await api('POST', '/api/auth/logout', { token })).status).toBe(204);
    expect((await api('GET', '/api/me', { token })).status).toBe(401);
  });

  it('ends sessions after the idle timeout and the absolute lifetime', async () => {
    const org = await createOrg({
      staff: [
        { name: 'idle', role: 'handler' },
        { name: 'old', role: 'handler' },
      ],
    });
    const stub = ORGS.getByName(org.slug);
    await runInDurableObject(stub, (_i, state) => {
      const ago = (ms: number) => Date.now() - ms;
      state.storage.sql.exec(
        'UPDATE sessions SET last_seen_at = ? WHERE user_id = ?',
        ago(31 * 60_000),
        org.users.idle!.id,
      );
      state.storage.sql.exec(
        'UPDATE sessions SET expires_at = ? WHERE user_id = ?',
        ago(1),
        org.users.old!.id,
      );
    });

    expect((await api('GET', '/api/me', { token: org.users.idle!.token })).status).toBe(401);
    expect((await api('GET', '/api/me', { token: org.users.old!.token })).status).toBe(401);
    const reasons = (await stub.denials()).map((d) => d.reason);
    expect(reasons).toContain('session_ended:idle');
    expect(reasons).toContain('session_ended:lifetime');
  });

  it('ends every session of a user who changes their password', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email } = org.users.handler!;
    const second = (await login(org.slug, email, PASSWORD)).body.token as string;

    const weak = await api('POST', '/api/me/password', {
      token,
      body: { currentPassword: PASSWORD, newPassword: 'password1234' },
    });
    expect(weak.status).toBe(422);
    expect(weak.body.issues[0].path).toBe('newPassword');
    const wrong = await api('POST', '/api/me/password', {
      token,
      body: { currentPassword: 'not-my-password', newPassword: 'a much longer new passphrase' },
    });
    expect(wrong.status).toBe(401);
    expect((await api('GET', '/api/me', { token })).status).toBe(200);

    const changed = await api('POST', '/api/me/password', {
      token,
      body: { currentPassword: PASSWORD, newPassword: 'a much longer new passphrase' },
    });
    expect(changed.status).toBe(204);
    expect((await api('GET', '/api/me', { token })).status).toBe(401);
    expect((await api('GET', '/api/me', { token: second })).status).toBe(401);
    expect((await login(org.slug, email, 'a much longer new passphrase')).status).toBe(200);
  });

  it('changes the email only with the password, and keeps emails unique', async () => {
    const org = await createOrg({
      staff: [
        { name: 'handler', role: 'handler' },
        { name: 'other', role: 'handler' },
      ],
    });
    const { token } = org.users.handler!;
    const newEmail = `renamed@${org.slug}.test`;

    const noPassword = await api('PUT', '/api/me/email', {
      token,
      body: { email: newEmail, password: 'not-my-password' },
    });
    expect(noPassword.status).toBe(401);
    const taken = await api('PUT', '/api/me/email', {
      token,
      body: { email: org.users.other!.email.toUpperCase(), password: PASSWORD },
    });
    expect(taken.status).toBe(409);
    const done = await api('PUT', '/api/me/email', {
      token,
      body: { email: newEmail, password: PASSWORD },
    });
    expect(done.status).toBe(200);
    expect((await login(org.slug, newEmail, PASSWORD)).status).toBe(200);
  });

  it('takes the longest password the rules allow on every route, emoji included', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email } = org.users.handler!;
    // Emoji lie outside the Basic Multilingual Plane: two UTF-16 units each.
    const longest = Array.from({ length: PASSWORD_MAX_LENGTH }, (_, i) =>
      String.fromCodePoint(0x1f600 + (i % 64)),
    ).join('');
    expect(longest.length).toBe(2 * PASSWORD_MAX_LENGTH);

    // One bound on every route that reads a password, the policy's, in code points.
    const bodies = (password: string) =>
      [
        [LoginSchema, { org: org.slug, email, password }],
        [AcceptInvitationSchema, { org: org.slug, token: 'an-invitation', password }],
        [StartTotpSchema, { password }],
        [ChangePasswordSchema, { currentPassword: password, newPassword: password }],
        [ChangeEmailSchema, { email, password }],
      ] as const;
    for (const [schema, body] of bodies(longest)) expect(schema.safeParse(body).success).toBe(true);
    for (const [schema, body] of bodies(`${longest}🙂`)) {
      expect(schema.safeParse(body).success).toBe(false);
    }
    expect(checkPasswordPolicy(longest).ok).toBe(true);
    expect(checkPasswordPolicy(`${longest}🙂`).ok).toBe(false);

    const tooLong = await api('POST', '/api/me/password', {
      token,
      body: { currentPassword: PASSWORD, newPassword: `${longest}🙂` },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.issues[0].path).toBe('newPassword');
    const changed = await api('POST', '/api/me/password', {
      token,
      body: { currentPassword: PASSWORD, newPassword: longest },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);

    const signedIn = await login(org.slug, email, longest);
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    const asked = await api('PUT', '/api/me/email', {
      token: signedIn.body.token,
      body: { email: `long-${email}`, password: longest },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  });
});
