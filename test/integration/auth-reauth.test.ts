/**
 * The password asked again inside a session (a new second factor, password or email): it is
 * throttled and recorded like a sign-in, so a stolen session is not a way to guess it.
 */
import { describe, expect, it } from 'vitest';

import { ORGS, setLockedUntil, throttleOf } from './auth-helpers';
import { api, createOrg, PASSWORD } from './helpers';

/** The three routes that ask for the password again, each with a body carrying `password`. */
function reauth(token: string, route: 'totp' | 'email' | 'password', password: string) {
  if (route === 'totp') return api('POST', '/api/me/totp', { token, body: { password } });
  if (route === 'email') {
    return api('PUT', '/api/me/email', { token, body: { email: 'moved@example.test', password } });
  }

  return api('POST', '/api/me/password', {
    token,
    body: { currentPassword: password, newPassword: 'a much longer new passphrase' },
  });
}

describe('the password asked again inside a session', () => {
  it('counts wrong passwords on the sign-in throttle, records them, pauses with 423', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email, id } = org.users.handler!;
    const stub = ORGS.getByName(org.slug);

    // One counter for every route that checks the password, sign-in included.
    expect((await reauth(token, 'totp', 'wrong-password-1')).status).toBe(401);
    expect((await reauth(token, 'email', 'wrong-password-2')).status).toBe(401);
    expect((await reauth(token, 'password', 'wrong-password-3')).status).toBe(401);
    expect((await reauth(token, 'password', 'wrong-password-4')).status).toBe(401);
    const login = await api('POST', '/api/auth/login', {
      body: { org: org.slug, email, password: 'wrong-password-5' },
    });
    expect(login.status).toBe(401);
    expect((await throttleOf(org.slug, id)).locked_until).toBeGreaterThan(Date.now());

    for (const route of ['totp', 'email', 'password'] as const) {
      const paused = await reauth(token, route, PASSWORD);
      expect(paused.status, route).toBe(423);
      expect(paused.body.error).toBe('locked');
      expect(paused.body.message).toMatch(/paused until .*Try again after that/);
      expect(Date.parse(paused.body.until)).toBeGreaterThan(Date.now());
    }
    const relogin = await api('POST', '/api/auth/login', {
      body: { org: org.slug, email, password: PASSWORD },
    });
    expect(relogin.status).toBe(401);

    const denials = await stub.denials();
    const of = (route: string, reason: string) =>
      denials.filter((d) => d.route === route && d.reason === reason && d.userId === id).length;
    expect(of('/api/me/totp', 'wrong_password')).toBe(1);
    expect(of('/api/me/email', 'wrong_password')).toBe(1);
    expect(of('/api/me/password', 'wrong_password')).toBe(2);
    expect(of('/api/auth/login', 'wrong_password')).toBe(1);
    expect(of('/api/me/totp', 'locked')).toBe(1);
    expect(of('/api/me/email', 'locked')).toBe(1);
    expect(of('/api/me/password', 'locked')).toBe(1);
    expect(JSON.stringify(denials)).not.toContain('wrong-password');
    expect(JSON.stringify(denials)).not.toContain(PASSWORD);

    // Once the pause is over, the right password works and clears the count.
    await setLockedUntil(org.slug, id, Date.now() - 1);
    expect((await reauth(token, 'email', PASSWORD)).status).toBe(200);
    expect(await throttleOf(org.slug, id)).toEqual({ failed_logins: 0, locked_until: 0 });
  });

  it('counts every one of many parallel guesses', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, id } = org.users.handler!;

    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => reauth(token, 'password', `wrong-password-${i}`)),
    );

    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 423)).toHaveLength(5);
    expect((await throttleOf(org.slug, id)).failed_logins).toBe(5);
  });
});
