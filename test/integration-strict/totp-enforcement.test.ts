/**
 * The deployment-wide TOTP requirement (`TOTP_ENFORCEMENT = "all"`, set for this project in
 * vitest.config.ts): every staff account must have a second factor, whatever its organisation
 * chose. Runs in workerd against the Worker's own fetch handler and Durable Objects.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { generateTotp } from '../../src/auth/totp';
import type { Env } from '../../src/env';
import { api, createOrg, PASSWORD } from '../integration/helpers';

// `env` from cloudflare:workers is typed without this project's bindings.
const typedEnv = env as unknown as Env;
const ORGS = typedEnv.ORGS;

const STEP_MS = 30_000;

/**
 * Waits until the clock is at least 3 s away from a TOTP step boundary, so that a code made
 * for "now ± n steps" here is still n steps away when the server checks it.
 */
async function awayFromStepBoundary(): Promise<void> {
  for (;;) {
    const into = Date.now() % STEP_MS;
    if (into > 3_000 && into < STEP_MS - 3_000) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Signs in with the password through the API; the answer as the client sees it. */
function passwordLogin(slug: string, email: string) {
  return api('POST', '/api/auth/login', { body: { org: slug, email, password: PASSWORD } });
}

describe('TOTP_ENFORCEMENT = "all"', () => {
  it('runs with the deployment-wide requirement switched on', () => {
    // Without this the tests below would pass for an organisation that requires TOTP itself.
    expect(typedEnv.TOTP_ENFORCEMENT).toBe('all');
  });

  it('lets a staff member without TOTP do nothing but enrol, though the organisation does not require it', async () => {
    const org = await createOrg({
      staff: [
        { name: 'admin', role: 'admin' },
        { name: 'lead', role: 'compliance_lead' },
      ],
    });
    expect((await ORGS.getByName(org.slug).settings())?.requireTotp).toBe(false);
    const { email } = org.users.lead!;

    // The password alone still opens a session: the only way to reach enrolment.
    const login = await passwordLogin(org.slug, email);
    expect(login.status).toBe(200);
    expect(login.body.totpRequired).toBeUndefined();
    const token = login.body.token as string;
    expect(token).toEqual(expect.any(String));

    const me = await api('GET', '/api/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.totpEnabled).toBe(false);
    expect(me.body.mustEnrolTotp).toBe(true);

    for (const [method, path] of [
      ['GET', '/api/cases'],
      ['GET', '/api/machines'],
      ['GET', '/api/users'],
    ] as const) {
      const refused = await api(method, path, { token });
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.error, `${method} ${path}`).toBe('forbidden');
      expect(refused.body.required, `${method} ${path}`).toBe('totp_enrolment');
    }
    // An admin is held to it too, and cannot switch the requirement off for the organisation.
    const admin = org.users.admin!;
    const settings = await api('PATCH', '/api/org/settings', {
      token: admin.token,
      body: { requireTotp: false },
    });
    expect(settings.status).toBe(403);
    expect(settings.body.required).toBe('totp_enrolment');

    const denials = await ORGS.getByName(org.slug).denials();
    expect(denials.filter((d) => d.reason === 'totp_enrolment_required')).toHaveLength(4);
  });

  it('after enrolling, asks for the code at every login and then lets everything through', async () => {
    const org = await createOrg({ staff: [{ name: 'lead', role: 'compliance_lead' }] });
    const { email } = org.users.lead!;
    const first = await passwordLogin(org.slug, email);
    const token = first.body.token as string;
    expect((await api('GET', '/api/cases', { token })).status).toBe(403);

    const started = await api('POST', '/api/me/totp', { token, body: { password: PASSWORD } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const secret = started.body.secret as string;
    // Started but not confirmed: still nothing but enrolment.
    expect((await api('GET', '/api/cases', { token })).status).toBe(403);

    await awayFromStepBoundary();
    const confirmed = await api('POST', '/api/me/totp/confirm', {
      token,
      body: { code: await generateTotp(secret, Date.now()) },
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect((await api('GET', '/api/cases', { token })).status).toBe(200);

    const second = await passwordLogin(org.slug, email);
    expect(second.status).toBe(200);
    expect(second.body.totpRequired).toBe(true);
    expect(second.body.token).toBeUndefined();
    const wrong = await api('POST', '/api/auth/totp', {
      body: { challenge: second.body.challenge, code: '000000' },
    });
    expect(wrong.status).toBe(401);
    // The enrolment used the current step, so the next code is the one for the next step.
    const done = await api('POST', '/api/auth/totp', {
      body: {
        challenge: second.body.challenge,
        code: await generateTotp(secret, Date.now() + STEP_MS),
      },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const session = done.body.token as string;

    const me = await api('GET', '/api/me', { token: session });
    expect(me.body.totpEnabled).toBe(true);
    expect(me.body.mustEnrolTotp).toBe(false);
    const cases = await api('GET', '/api/cases', { token: session });
    expect(cases.status).toBe(200);
    expect(cases.body.items).toEqual([]);
    expect((await api('GET', '/api/machines', { token: session })).status).toBe(200);
  });
});
