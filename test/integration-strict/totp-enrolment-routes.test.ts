/**
 * "A user who must have TOTP and has none can do nothing but enrol", on every staff route of
 * the app's own route table: each kind of account, with TOTP required deployment-wide
 * (`TOTP_ENFORCEMENT = "all"`, vitest.config.ts) and no second factor, is refused every route
 * but the few named below with the enrolment-required error, and the refusal changes nothing.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';

import type { RoleSet } from '../../src/auth/roles';
import type { Env } from '../../src/env';
import { appApi } from '../integration/engine-helpers';
import type { TestOrg } from '../integration/helpers';
import { createOrg, PASSWORD, tablesOf } from '../integration/helpers';
import { keyOf, staffRoutes } from '../integration/route-helpers';

// `env` from cloudflare:workers is typed without this project's bindings.
const typedEnv = env as unknown as Env;
const ORGS = typedEnv.ORGS;

/** The routes such a user may still call: who they are, the enrolment itself, and logout. */
const ENROLMENT = [
  'GET /api/me',
  'POST /api/me/totp',
  'POST /api/me/totp/confirm',
  'POST /api/auth/logout',
];

const ACCOUNTS: Record<string, RoleSet> = {
  admin: ['admin'],
  lead: ['compliance_lead'],
  handler: ['handler'],
  reviewer: ['reviewer'],
  'admin-lead': ['admin', 'compliance_lead'],
};

let org: TestOrg;

beforeAll(async () => {
  org = await createOrg({ staff: [] });
  const stub = ORGS.getByName(org.slug);
  for (const [name, roles] of Object.entries(ACCOUNTS)) {
    const email = `${name}@${org.slug}.test`;
    const { id } = await stub.addUser({ email, role: roles, password: PASSWORD });
    const login = await stub.login({ email, password: PASSWORD });
    if (!login.ok) throw new Error(`login failed for ${email}: ${login.code}`);
    org.users[name] = { id, email, token: login.token, role: roles.at(-1)! };
  }
});

describe('a staff member who must enrol TOTP and has not', () => {
  it('runs with the deployment-wide requirement switched on', () => {
    expect(typedEnv.TOTP_ENFORCEMENT).toBe('all');
  });

  it('finds exactly the enrolment routes open to them in the route table', () => {
    const open = staffRoutes.filter((r) => r.enrolment).map(keyOf);

    expect(open.sort()).toEqual([...ENROLMENT].sort());
  });

  it('is refused every other staff route with the enrolment error, changing nothing', async () => {
    const stub = ORGS.getByName(org.slug);
    const before = await tablesOf(stub);
    const refusedRoutes = staffRoutes.filter((r) => !ENROLMENT.includes(keyOf(r)));
    const wrong: string[] = [];

    for (const name of Object.keys(ACCOUNTS)) {
      for (const route of refusedRoutes) {
        const res = await appApi(route.method.toUpperCase(), route.path.replace(/:\w+/g, 'x'), {
          token: org.users[name]!.token,
          ...(route.method === 'get' ? {} : { body: {} }),
        });
        const refused =
          res.status === 403 &&
          res.body.error === 'forbidden' &&
          res.body.required === 'totp_enrolment';
        if (!refused) wrong.push(`${keyOf(route)} as ${name}: ${res.status} ${res.body?.error}`);
      }
    }

    expect(refusedRoutes.length).toBeGreaterThan(10);
    expect(wrong).toEqual([]);
    const after = await tablesOf(stub);
    for (const table of ['users', 'audit', 'invitations', 'policies', 'org']) {
      expect(after[table], table).toEqual(before[table]);
    }
    const denials = await stub.denials(5000);
    expect(denials.filter((d) => d.reason === 'totp_enrolment_required')).toHaveLength(
      refusedRoutes.length * Object.keys(ACCOUNTS).length,
    );
  });

  it('may still call the enrolment routes', async () => {
    // Logout last: it ends the session the others use.
    const routes = staffRoutes
      .filter((r) => ENROLMENT.includes(keyOf(r)))
      .sort(
        (a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'),
      );
    const wrong: string[] = [];

    for (const name of Object.keys(ACCOUNTS)) {
      for (const route of routes) {
        const res = await appApi(route.method.toUpperCase(), route.path, {
          token: org.users[name]!.token,
          // An empty body: the route is reached and refuses the input, nothing is enrolled.
          ...(route.method === 'get' ? {} : { body: {} }),
        });
        const reached = res.status < 500 && res.status !== 401 && res.status !== 403;
        if (!reached) wrong.push(`${keyOf(route)} as ${name}: ${res.status}`);
      }
    }

    expect(wrong).toEqual([]);
  });
});
