import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import type { Env } from '../../src/env';
import { api, createOrg, PASSWORD, tablesOf } from './helpers';

// `env` from cloudflare:workers is typed without this project's bindings.
const ORGS = (env as unknown as Env).ORGS;

const NEW_PASSWORD = 'violet staircase under the bridge';

describe('admin user API', () => {
  it('invites a user with a one-time link, valid 72 hours, to set a password', async () => {
    const org = await createOrg({
      units: ['finance'],
      staff: [{ name: 'admin', role: 'admin' }],
    });
    const admin = org.users.admin!;
    const email = `new@${org.slug}.test`;

    const invited = await api('POST', '/api/users', {
      token: admin.token,
      body: { email, role: 'Case manager', units: ['finance'] },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({
      email,
      role: 'handler',
      roles: ['handler'],
      status: 'invited',
    });
    const url = invited.body.invitation.url as string;
    expect(url).toMatch(/^\/invite#/);
    const token = url.slice('/invite#'.length);
    const hours = (Date.parse(invited.body.invitation.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);

    // Not usable before the password is set; the stored invitation is only a hash.
    expect(
      (await api('POST', '/api/auth/login', { body: { org: org.slug, email, password: PASSWORD } }))
        .status,
    ).toBe(401);
    const stored = await runInDurableObject(ORGS.getByName(org.slug), (_i, state) =>
      state.storage.sql
        .exec<{ token_hash: string }>('SELECT token_hash FROM invitations')
        .toArray(),
    );
    expect(JSON.stringify(stored)).not.toContain(token.split('.')[1]);

    const weak = await api('POST', '/api/auth/accept-invitation', {
      body: { org: org.slug, token, password: 'short' },
    });
    expect(weak.status).toBe(422);
    const otherOrg = await api('POST', '/api/auth/accept-invitation', {
      body: { org: 'another-org', token, password: NEW_PASSWORD },
    });
    expect(otherOrg.status).toBe(404);
    const accepted = await api('POST', '/api/auth/accept-invitation', {
      body: { org: org.slug, token, password: NEW_PASSWORD },
    });
    expect(accepted.status).toBe(204);
    const again = await api('POST', '/api/auth/accept-invitation', {
      body: { org: org.slug, token, password: 'another long passphrase here' },
    });
    expect(again.status).toBe(404);

    const login = await api('POST', '/api/auth/login', {
      body: { org: org.slug, email, password: NEW_PASSWORD },
    });
    expect(login.status).toBe(200);
    const me = await api('GET', '/api/me', { token: login.body.token });
    expect(me.body).toMatchObject({ role: 'handler', units: ['finance'] });
  });

  it('refuses an expired invitation', async () => {
    const org = await createOrg({ staff: [{ name: 'admin', role: 'admin' }] });
    const invited = await api('POST', '/api/users', {
      token: org.users.admin!.token,
      body: { email: `late@${org.slug}.test`, role: 'reviewer' },
    });
    await runInDurableObject(ORGS.getByName(org.slug), (_i, state) => {
      state.storage.sql.exec('UPDATE invitations SET expires_at = ?', Date.now() - 1);
    });

    const accepted = await api('POST', '/api/auth/accept-invitation', {
      body: {
        org: org.slug,
        token: (invited.body.invitation.url as string).slice('/invite#'.length),
        password: NEW_PASSWORD,
      },
    });
    expect(accepted.status).toBe(404);
  });

  it('refuses an unknown role, an unknown unit and a duplicate email; no change', async () => {
    const org = await createOrg({ staff: [{ name: 'admin', role: 'admin' }] });
    const token = org.users.admin!.token;

    const role = await api('POST', '/api/users', {
      token,
      body: { email: `x@${org.slug}.test`, role: 'Chief Vibes Officer' },
    });
    expect(role.status).toBe(422);
    expect(role.body.issues[0].path).toBe('role');
    const unit = await api('POST', '/api/users', {
      token,
      body: { email: `x@${org.slug}.test`, role: 'INVESTIGATOR', units: ['nowhere'] },
    });
    expect(unit.status).toBe(422);
    const duplicate = await api('POST', '/api/users', {
      token,
      body: { email: org.users.admin!.email.toUpperCase(), role: 'admin' },
    });
    expect(duplicate.status).toBe(409);

    const list = await api('GET', '/api/users', { token });
    expect(list.body.users).toHaveLength(1);
    const trail = await api('GET', '/api/org/audit', { token });
    expect(trail.body.records).toHaveLength(1);
  });

  it('ends every session of a user whose role changes or who is disabled, at once', async () => {
    const org = await createOrg({
      staff: [
        { name: 'admin', role: 'admin' },
        { name: 'handler', role: 'handler' },
        { name: 'reviewer', role: 'reviewer' },
      ],
    });
    const admin = org.users.admin!;
    const { handler, reviewer } = org.users;
    expect((await api('GET', '/api/cases', { token: handler!.token })).status).toBe(200);

    const promoted = await api('PATCH', `/api/users/${handler!.id}`, {
      token: admin.token,
      body: { role: 'Compliance Officer' },
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('compliance_lead');
    expect((await api('GET', '/api/cases', { token: handler!.token })).status).toBe(401);

    const disabled = await api('PATCH', `/api/users/${reviewer!.id}`, {
      token: admin.token,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    expect((await api('GET', '/api/me', { token: reviewer!.token })).status).toBe(401);
    const relogin = await api('POST', '/api/auth/login', {
      body: { org: org.slug, email: reviewer!.email, password: PASSWORD },
    });
    expect(relogin.status).toBe(401);

    const trail = await api('GET', '/api/org/audit', { token: admin.token });
    expect(trail.body.verification).toEqual({ valid: true, brokenAt: null, length: 3 });
    expect(trail.body.records.slice(1)).toMatchObject([
      {
        type: 'USER_UPDATED',
        actor: { id: admin.id, role: 'admin' },
        before: { role: 'handler' },
        after: { role: 'compliance_lead' },
        details: { userId: handler!.id },
      },
      {
        type: 'USER_UPDATED',
        before: { status: 'active' },
        after: { status: 'disabled' },
        details: { userId: reviewer!.id },
      },
    ]);
  });

  it("refuses changes to one's own roles, units or disabled flag, and records it", async () => {
    const org = await createOrg({
      units: ['finance'],
      staff: [
        { name: 'admin', role: 'admin' },
        { name: 'admin2', role: 'admin' },
      ],
    });
    const admin = org.users.admin!;
    const before = await tablesOf(ORGS.getByName(org.slug));

    for (const body of [
      { role: 'compliance_lead' },
      { role: 'reviewer' },
      { roles: ['admin', 'Compliance officer'] },
      { roles: ['admin', 'handler'] },
      { units: ['finance'] },
      { disabled: true },
    ]) {
      const res = await api('PATCH', `/api/users/${admin.id}`, { token: admin.token, body });
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.body.error).toBe('forbidden');
      expect(res.body.message).toMatch(/your own roles or units/);
    }

    // Nothing changed, the session lives, and still no case is readable.
    const after = await tablesOf(ORGS.getByName(org.slug));
    expect(after.users).toEqual(before.users);
    expect(after.audit).toEqual(before.audit);
    expect((await api('GET', '/api/me', { token: admin.token })).body.roles).toEqual(['admin']);
    expect((await api('GET', '/api/cases', { token: admin.token })).status).toBe(403);
    const denials = await ORGS.getByName(org.slug).denials();
    const refused = denials.filter((d) => d.route === '/api/users/:id');
    expect(refused).toHaveLength(6);
    for (const denial of refused) {
      expect(denial).toMatchObject({ userId: admin.id, role: 'admin', reason: 'forbidden' });
    }

    // Another admin may make the same change.
    const granted = await api('PATCH', `/api/users/${admin.id}`, {
      token: org.users.admin2!.token,
      body: { roles: ['admin', 'handler'] },
    });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ role: 'handler', roles: ['admin', 'handler'] });
  });

  it('keeps the last active admin, not counting invited admins who never signed in', async () => {
    const org = await createOrg({
      staff: [
        { name: 'admin', role: 'admin' },
        { name: 'admin2', role: 'admin' },
      ],
    });
    const { admin, admin2 } = org.users;
    const stub = ORGS.getByName(org.slug);
    const invited = await api('POST', '/api/users', {
      token: admin!.token,
      body: { email: `later@${org.slug}.test`, role: 'admin' },
    });
    expect(invited.body.user).toMatchObject({ roles: ['admin'], status: 'invited' });

    const disabled = await api('PATCH', `/api/users/${admin2!.id}`, {
      token: admin!.token,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);

    // One active admin is left beside an invitation nobody accepted: demoting or disabling
    // them would leave nobody able to sign in and manage the organisation. Only the system
    // can still try, since nobody may change their own account.
    const system = { id: 'system', role: 'system' };
    for (const changes of [
      { disabled: true },
      { roles: ['handler'] as const },
      { roles: ['reviewer'] as const },
    ]) {
      const result = await stub.updateUser(admin!.id, changes, system);
      expect(result.ok ? 'ok' : result.code, JSON.stringify(changes)).toBe('last_admin');
    }
    // Keeping admin while gaining a case role is not a demotion.
    const both = await stub.updateUser(admin!.id, { roles: ['admin', 'reviewer'] }, system);
    expect(both.ok).toBe(true);
    expect((await api('GET', '/api/users', { token: admin!.token })).status).toBe(401);
  });

  it('invites an admin with a case role and shows both roles everywhere', async () => {
    const org = await createOrg({ staff: [{ name: 'admin', role: 'admin' }] });
    const admin = org.users.admin!;
    const email = `both@${org.slug}.test`;

    const invited = await api('POST', '/api/users', {
      token: admin.token,
      body: { email, roles: ['Case manager', 'IT admin'] },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(invited.body.user).toMatchObject({ role: 'handler', roles: ['admin', 'handler'] });
    const token = (invited.body.invitation.url as string).slice('/invite#'.length);
    await api('POST', '/api/auth/accept-invitation', {
      body: { org: org.slug, token, password: NEW_PASSWORD },
    });
    const login = await api('POST', '/api/auth/login', {
      body: { org: org.slug, email, password: NEW_PASSWORD },
    });
    const session = login.body.token as string;

    const me = await api('GET', '/api/me', { token: session });
    expect(me.body).toMatchObject({ role: 'handler', roles: ['admin', 'handler'] });
    // Admin routes through the admin role, the case list through the handler role.
    expect((await api('GET', '/api/users', { token: session })).status).toBe(200);
    expect((await api('GET', '/api/cases', { token: session })).status).toBe(200);
    const list = await api('GET', '/api/users', { token: admin.token });
    expect(list.body.users.find((u: { email: string }) => u.email === email)).toMatchObject({
      role: 'handler',
      roles: ['admin', 'handler'],
    });
    const trail = await api('GET', '/api/org/audit', { token: admin.token });
    expect(trail.body.records.at(-2)).toMatchObject({
      type: 'USER_INVITED',
      after: { role: 'handler', roles: 'admin+handler' },
    });
  });

  it('ends the sessions of a user whose set of roles changes, and audits it', async () => {
    const org = await createOrg({
      staff: [
        { name: 'admin', role: 'admin' },
        { name: 'handler', role: 'handler' },
      ],
    });
    const { admin, handler } = org.users;

    const added = await api('PATCH', `/api/users/${handler!.id}`, {
      token: admin!.token,
      body: { roles: ['handler', 'admin'] },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ role: 'handler', roles: ['admin', 'handler'] });
    expect((await api('GET', '/api/me', { token: handler!.token })).status).toBe(401);

    const relogin = await ORGS.getByName(org.slug).login({
      email: handler!.email,
      password: PASSWORD,
    });
    if (!relogin.ok) throw new Error('login failed');
    const removed = await api('PATCH', `/api/users/${handler!.id}`, {
      token: admin!.token,
      body: { role: 'handler' },
    });
    expect(removed.body).toMatchObject({ role: 'handler', roles: ['handler'] });
    expect((await api('GET', '/api/me', { token: relogin.token })).status).toBe(401);
    const denials = await ORGS.getByName(org.slug).denials();
    expect(denials.filter((d) => d.reason === 'session_ended:role_changed')).toHaveLength(2);

    const trail = await api('GET', '/api/org/audit', { token: admin!.token });
    expect(trail.body.records.slice(-2)).toMatchObject([
      {
        type: 'USER_UPDATED',
        actor: { id: admin!.id, role: 'admin' },
        before: { role: 'handler', roles: 'handler' },
        after: { role: 'handler', roles: 'admin+handler' },
      },
      {
        type: 'USER_UPDATED',
        before: { roles: 'admin+handler' },
        after: { roles: 'handler' },
      },
    ]);
  });

  it('refuses unknown names, two case roles, and role with roles, changing nothing', async () => {
    const org = await createOrg({
      staff: [
        { name: 'admin', role: 'admin' },
        { name: 'handler', role: 'handler' },
      ],
    });
    const { admin, handler } = org.users;
    const stub = ORGS.getByName(org.slug);
    const before = await tablesOf(stub);
    const email = `x@${org.slug}.test`;

    const cases: Array<[string, string, Record<string, unknown>, string]> = [
      ['POST', '/api/users', { email, roles: ['admin', 'Janitor'] }, 'roles.1'],
      ['POST', '/api/users', { email, roles: ['Investigator', 'Auditor'] }, 'roles'],
      ['POST', '/api/users', { email, roles: ['admin', 'handler', 'admin'] }, 'roles'],
      ['POST', '/api/users', { email, roles: [] }, 'roles'],
      ['POST', '/api/users', { email, roles: 'admin' }, 'roles'],
      ['POST', '/api/users', { email, role: 'admin', roles: ['admin'] }, 'roles'],
      ['POST', '/api/users', { email }, 'role'],
      ['PATCH', `/api/users/${handler!.id}`, { roles: ['Chief Vibes Officer'] }, 'roles.0'],
      ['PATCH', `/api/users/${handler!.id}`, { roles: ['CCO', 'handler'] }, 'roles'],
      ['PATCH', `/api/users/${handler!.id}`, { role: 'handler', roles: ['admin'] }, 'roles'],
      ['PATCH', `/api/users/${handler!.id}`, { roles: [3] }, 'roles.0'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await api(method, path, { token: admin!.token, body });
      const label = `${method} ${JSON.stringify(body)}`;
      expect(res.status, label).toBe(422);
      expect(res.body.error, label).toBe('validation_failed');
      expect(
        res.body.issues.map((i: { path: string }) => i.path),
        label,
      ).toContain(field);
    }

    const after = await tablesOf(stub);
    expect(after.users).toEqual(before.users);
    expect(after.audit).toEqual(before.audit);
    expect(after.invitations).toEqual(before.invitations);
    expect((await api('GET', '/api/me', { token: handler!.token })).status).toBe(200);
  });

  it('answers 404 for a user of another organisation, as for one that does not exist', async () => {
    const a = await createOrg({ staff: [{ name: 'admin', role: 'admin' }] });
    const b = await createOrg({ staff: [{ name: 'victim', role: 'handler' }] });
    const token = a.users.admin!.token;

    const foreign = await api('PATCH', `/api/users/${b.users.victim!.id}`, {
      token,
      body: { disabled: true },
    });
    const missing = await api('PATCH', `/api/users/u_${'A'.repeat(22)}`, {
      token,
      body: { disabled: true },
    });
    const reset = await api('POST', `/api/users/${b.users.victim!.id}/totp/reset`, { token });

    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect(reset.status).toBe(404);
    expect((await api('GET', '/api/me', { token: b.users.victim!.token })).status).toBe(200);
    const denials = await ORGS.getByName(a.slug).denials();
    expect(denials.filter((d) => d.reason === 'not_found')).toHaveLength(3);
    expect(JSON.stringify(denials)).not.toContain(b.users.victim!.id);
  });
});
