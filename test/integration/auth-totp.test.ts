import { runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';

import { generateTotp } from '../../src/auth/totp';
import {
  awayFromStepBoundary,
  enrol,
  forgetLastStep,
  holdDecrypt,
  ORGS,
  passwordStep,
  restoreDecrypt,
  STEP_MS,
  storeChallenges,
  until,
} from './auth-helpers';
import { api, createOrg, PASSWORD } from './helpers';

afterEach(restoreDecrypt);

describe('TOTP enrolment', () => {
  it('gives a secret, an otpauth URI and a QR code; on only after a valid code', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email } = org.users.handler!;

    const wrongPassword = await api('POST', '/api/me/totp', {
      token,
      body: { password: 'not-the-password-at-all' },
    });
    expect(wrongPassword.status).toBe(401);

    const started = await api('POST', '/api/me/totp', { token, body: { password: PASSWORD } });
    expect(started.status).toBe(200);
    expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.body.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(started.body.uri).toContain(`secret=${started.body.secret}`);
    expect(started.body.qrSvg).toMatch(/^<svg /);

    // Not on yet: the password alone still opens a session.
    const before = await api('POST', '/api/auth/login', {
      body: { org: org.slug, email, password: PASSWORD },
    });
    expect(before.body.token).toEqual(expect.any(String));

    const wrong = await api('POST', '/api/me/totp/confirm', { token, body: { code: '000000' } });
    expect(wrong.status).toBe(422);
    const me = await api('GET', '/api/me', { token });
    expect(me.body.totpEnabled).toBe(false);

    await awayFromStepBoundary();
    const confirmed = await api('POST', '/api/me/totp/confirm', {
      token,
      body: { code: await generateTotp(started.body.secret, Date.now()) },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    expect((await api('GET', '/api/me', { token })).body.totpEnabled).toBe(true);

    const trail = await api('GET', '/api/org/audit', { token: org.users.handler!.token });
    expect(trail.status).toBe(403);
  });

  it('stores recovery codes hashed and accepts each once in place of a code', async () => {
    const org = await createOrg({ staff: [{ name: 'lead', role: 'compliance_lead' }] });
    const { token, email } = org.users.lead!;
    await api('POST', '/api/me/totp', { token, body: { password: PASSWORD } });
    const started = await api('POST', '/api/me/totp', { token, body: { password: PASSWORD } });
    await awayFromStepBoundary();
    const confirmed = await api('POST', '/api/me/totp/confirm', {
      token,
      body: { code: await generateTotp(started.body.secret, Date.now()) },
    });
    const [recovery] = confirmed.body.recoveryCodes as string[];

    const first = await api('POST', '/api/auth/totp', {
      body: { challenge: await passwordStep(org.slug, email), code: recovery!.toLowerCase() },
    });
    expect(first.status).toBe(200);
    const again = await api('POST', '/api/auth/totp', {
      body: { challenge: await passwordStep(org.slug, email), code: recovery },
    });
    expect(again.status).toBe(401);
  });
});

describe('TOTP login', () => {
  it('asks for a code after the password and opens a session only with it', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email } = org.users.handler!;
    const secret = await enrol(token);
    await new Promise((resolve) => setTimeout(resolve, 0));

    const challenge = await passwordStep(org.slug, email);
    const forged = await api('POST', '/api/auth/totp', {
      body: { challenge: `${org.slug}.${'A'.repeat(43)}`, code: '123456' },
    });
    expect(forged.status).toBe(401);

    // The enrolment used the current step, so the next code is the one for the next step.
    const code = await generateTotp(secret, Date.now() + STEP_MS);
    const done = await api('POST', '/api/auth/totp', { body: { challenge, code } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const me = await api('GET', '/api/me', { token: done.body.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(org.users.handler!.id);
  });

  it('accepts one step of drift either way and refuses two', async () => {
    const org = await createOrg({
      staff: [
        { name: 'early', role: 'handler' },
        { name: 'late', role: 'handler' },
      ],
    });
    for (const [name, sign] of [
      ['early', -1],
      ['late', 1],
    ] as const) {
      const user = org.users[name]!;
      const secret = await enrol(user.token);
      // As if the last code was accepted long ago, so that every step near now is fresh.
      await forgetLastStep(org.slug, user.id);

      await awayFromStepBoundary();
      const twoSteps = await api('POST', '/api/auth/totp', {
        body: {
          challenge: await passwordStep(org.slug, user.email),
          code: await generateTotp(secret, Date.now() + sign * 2 * STEP_MS),
        },
      });
      expect(twoSteps.status, `${name}: two steps`).toBe(401);

      await awayFromStepBoundary();
      const oneStep = await api('POST', '/api/auth/totp', {
        body: {
          challenge: await passwordStep(org.slug, user.email),
          code: await generateTotp(secret, Date.now() + sign * STEP_MS),
        },
      });
      expect(oneStep.status, `${name}: one step`).toBe(200);
    }
  });

  it('refuses a code that was already accepted', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email } = org.users.handler!;
    const secret = await enrol(token);
    const code = await generateTotp(secret, Date.now() + STEP_MS);

    const first = await api('POST', '/api/auth/totp', {
      body: { challenge: await passwordStep(org.slug, email), code },
    });
    expect(first.status).toBe(200);
    const replay = await api('POST', '/api/auth/totp', {
      body: { challenge: await passwordStep(org.slug, email), code },
    });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_credentials');
    // An older code than the accepted one is refused too.
    const older = await api('POST', '/api/auth/totp', {
      body: {
        challenge: await passwordStep(org.slug, email),
        code: await generateTotp(secret, Date.now()),
      },
    });
    expect(older.status).toBe(401);
  });

  it('lets exactly one of 50 concurrent logins with the same valid code through', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, id } = org.users.handler!;
    const secret = await enrol(token);
    // A password step keeps one challenge per account; the replay check must hold on its own
    // for requests that each carry a live challenge.
    const challenges = await storeChallenges(org.slug, id, 50);
    const code = await generateTotp(secret, Date.now() + STEP_MS);

    // Held at the decryption, every request passes its first checks before any accepts.
    const held = holdDecrypt();
    const pending = Promise.all(
      challenges.map((challenge) => api('POST', '/api/auth/totp', { body: { challenge, code } })),
    );
    await until(() => held.reached() === 50);
    held.release();
    const answers = await pending;

    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(49);
    const sessions = await runInDurableObject(ORGS.getByName(org.slug), (_i, state) =>
      state.storage.sql.exec('SELECT 1 FROM sessions WHERE user_id = ?', id).toArray(),
    );
    // The one from createOrg and the one this code opened.
    expect(sessions).toHaveLength(2);
  });

  it('limits failed codes like passwords', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, email } = org.users.handler!;
    const secret = await enrol(token);

    const challenge = await passwordStep(org.slug, email);
    for (let i = 0; i < 5; i += 1) {
      const wrong = await api('POST', '/api/auth/totp', { body: { challenge, code: '000000' } });
      expect(wrong.status).toBe(401);
    }
    // The account is now paused: even the right code on a fresh challenge is refused.
    const fresh = await ORGS.getByName(org.slug).login({ email, password: PASSWORD });
    expect(fresh.ok).toBe(false);
    const denials = await ORGS.getByName(org.slug).denials();
    expect(denials.filter((d) => d.reason === 'totp_invalid')).toHaveLength(5);
    expect(JSON.stringify(denials)).not.toContain(secret);
  });
});

describe('TOTP enforcement', () => {
  it('lets a user who must have TOTP and has none do nothing but enrol', async () => {
    const org = await createOrg({
      staff: [
        { name: 'admin', role: 'admin' },
        { name: 'lead', role: 'compliance_lead' },
      ],
    });
    const lead = org.users.lead!;
    const admin = org.users.admin!;
    const on = await api('PATCH', '/api/org/settings', {
      token: admin.token,
      body: { requireTotp: true },
    });
    expect(on.status).toBe(200);
    expect(on.body.requireTotp).toBe(true);

    const me = await api('GET', '/api/me', { token: lead.token });
    expect(me.status).toBe(200);
    expect(me.body.mustEnrolTotp).toBe(true);
    const cases = await api('GET', '/api/cases', { token: lead.token });
    expect(cases.status).toBe(403);
    expect(cases.body.required).toBe('totp_enrolment');
    const machines = await api('GET', '/api/machines', { token: lead.token });
    expect(machines.status).toBe(403);

    await enrol(lead.token);
    expect((await api('GET', '/api/cases', { token: lead.token })).status).toBe(200);
    const denials = await ORGS.getByName(org.slug).denials();
    expect(denials.filter((d) => d.reason === 'totp_enrolment_required').length).toBe(2);
  });

  it("lets an admin reset a second factor, which ends that user's sessions", async () => {
    const org = await createOrg({
      staff: [
        { name: 'admin', role: 'admin' },
        { name: 'handler', role: 'handler' },
      ],
    });
    const handler = org.users.handler!;
    await enrol(handler.token);

    const reset = await api('POST', `/api/users/${handler.id}/totp/reset`, {
      token: org.users.admin!.token,
    });
    expect(reset.status).toBe(204);
    expect((await api('GET', '/api/me', { token: handler.token })).status).toBe(401);
    const login = await api('POST', '/api/auth/login', {
      body: { org: org.slug, email: handler.email, password: PASSWORD },
    });
    expect(login.body.token).toEqual(expect.any(String));
    const trail = await api('GET', '/api/org/audit', { token: org.users.admin!.token });
    expect(trail.body.records.map((r: { type: string }) => r.type)).toEqual([
      'ORG_CREATED',
      'TOTP_ENABLED',
      'TOTP_RESET',
    ]);
    expect(trail.body.verification.valid).toBe(true);
  });
});

describe('TOTP secrets at rest', () => {
  async function storedSecrets(slug: string, userId: string) {
    return runInDurableObject(ORGS.getByName(slug), (_instance, state) => {
      return state.storage.sql
        .exec<{ totp_secret: string | null; totp_pending_secret: string | null }>(
          'SELECT totp_secret, totp_pending_secret FROM users WHERE id = ?',
          userId,
        )
        .toArray()[0]!;
    });
  }

  async function setStored(
    slug: string,
    userId: string,
    column: 'totp_secret' | 'totp_pending_secret',
    value: string,
  ): Promise<void> {
    await runInDurableObject(ORGS.getByName(slug), (_instance, state) => {
      state.storage.sql.exec(`UPDATE users SET ${column} = ? WHERE id = ?`, value, userId);
    });
  }

  it('stores the pending and the enabled secret sealed, never as the base32 secret', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, id } = org.users.handler!;

    const started = await api('POST', '/api/me/totp', { token, body: { password: PASSWORD } });
    const pending = await storedSecrets(org.slug, id);
    expect(pending.totp_pending_secret).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(pending.totp_pending_secret).not.toContain(started.body.secret);

    await awayFromStepBoundary();
    const confirmed = await api('POST', '/api/me/totp/confirm', {
      token,
      body: { code: await generateTotp(started.body.secret, Date.now()) },
    });
    expect(confirmed.status).toBe(200);
    const enabled = await storedSecrets(org.slug, id);
    expect(enabled.totp_secret).toBe(pending.totp_pending_secret);
    expect(enabled.totp_pending_secret).toBeNull();
  });

  it("refuses a sealed secret copied into another account's row", async () => {
    const org = await createOrg({
      staff: [
        { name: 'victim', role: 'handler' },
        { name: 'attacker', role: 'handler' },
      ],
    });
    const victim = org.users.victim!;
    const attacker = org.users.attacker!;
    const victimSecret = await enrol(victim.token);
    await enrol(attacker.token);
    const sealed = (await storedSecrets(org.slug, victim.id)).totp_secret!;
    await setStored(org.slug, attacker.id, 'totp_secret', sealed);
    await forgetLastStep(org.slug, attacker.id);

    await awayFromStepBoundary();
    const copied = await api('POST', '/api/auth/totp', {
      body: {
        challenge: await passwordStep(org.slug, attacker.email),
        code: await generateTotp(victimSecret, Date.now()),
      },
    });
    expect(copied.status).toBe(401);
    const denials = await ORGS.getByName(org.slug).denials();
    expect(denials.filter((d) => d.reason === 'totp_unreadable')).toHaveLength(1);

    // The same value in its own row still opens.
    await forgetLastStep(org.slug, victim.id);
    const own = await api('POST', '/api/auth/totp', {
      body: {
        challenge: await passwordStep(org.slug, victim.email),
        code: await generateTotp(victimSecret, Date.now()),
      },
    });
    expect(own.status).toBe(200);
  });

  it('accepts a secret stored in plain text before sealing, and seals it on use', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, id, email } = org.users.handler!;
    const secret = await enrol(token);
    await setStored(org.slug, id, 'totp_secret', secret);

    // A failed code leaves the row as it was.
    const wrong = await api('POST', '/api/auth/totp', {
      body: { challenge: await passwordStep(org.slug, email), code: '000000' },
    });
    expect(wrong.status).toBe(401);
    expect((await storedSecrets(org.slug, id)).totp_secret).toBe(secret);

    const legacy = await api('POST', '/api/auth/totp', {
      body: {
        challenge: await passwordStep(org.slug, email),
        code: await generateTotp(secret, Date.now() + STEP_MS),
      },
    });
    expect(legacy.status, JSON.stringify(legacy.body)).toBe(200);
    const sealed = (await storedSecrets(org.slug, id)).totp_secret!;
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(secret);

    // The sealed row still gives the same codes.
    await forgetLastStep(org.slug, id);
    await awayFromStepBoundary();
    const after = await api('POST', '/api/auth/totp', {
      body: {
        challenge: await passwordStep(org.slug, email),
        code: await generateTotp(secret, Date.now()),
      },
    });
    expect(after.status).toBe(200);
    expect((await storedSecrets(org.slug, id)).totp_secret).toBe(sealed);
  });

  it('confirms an enrolment whose pending secret was in plain text, sealing it', async () => {
    const org = await createOrg({ staff: [{ name: 'handler', role: 'handler' }] });
    const { token, id } = org.users.handler!;
    const started = await api('POST', '/api/me/totp', { token, body: { password: PASSWORD } });
    const secret = started.body.secret as string;
    await setStored(org.slug, id, 'totp_pending_secret', secret);

    await awayFromStepBoundary();
    const confirmed = await api('POST', '/api/me/totp/confirm', {
      token,
      body: { code: await generateTotp(secret, Date.now()) },
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const stored = await storedSecrets(org.slug, id);
    expect(stored.totp_secret).toMatch(/^v1\./);
    expect(stored.totp_secret).not.toContain(secret);
    expect(stored.totp_pending_secret).toBeNull();
  });
});
