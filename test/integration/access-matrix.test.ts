/**
 * The route-by-role matrix, generated from the app's own route table: every staff route ×
 * every kind of account (each role alone, and an admin who also holds a case role) × same or
 * other organisation, or an id that exists nowhere × assigned or not × enabled or disabled,
 * against an expectation written by hand below. A staff route without an expectation fails,
 * so a new route cannot land without someone deciding who may call it. Another
 * organisation's id must get the very answer an id that does not exist gets. Public routes
 * must answer without a session; mailbox routes must refuse staff tokens and no token.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';

import type { Env } from '../../src/env';
import type { StaffRole } from '../../src/auth/permissions';
import type { RoleSet } from '../../src/auth/roles';
import { randomToken } from '../../src/auth/tokens';
import { newCaseId } from '../../src/cases/case-stub';
import { ROUTES } from '../../src/http/route-table';
import { appApi } from './engine-helpers';
import type { TestOrg } from './helpers';
import { createOrg, PASSWORD, sendEvent, submitCase } from './helpers';
import { keyOf, staffRoutes } from './route-helpers';

// `env` from cloudflare:workers is typed without this project's bindings.
// The matrix sends well over a thousand requests, so it calls the app directly (`appApi`,
// engine-helpers.ts: workers-sdk issue 15446).
const ORGS = (env as unknown as Env).ORGS;

/** The kinds of account the matrix calls with, each named by its roles. */
type Account = 'admin' | 'compliance_lead' | 'handler' | 'reviewer' | 'admin+handler';

const ACCOUNTS: Record<Account, { name: string; roles: RoleSet }> = {
  admin: { name: 'admin', roles: ['admin'] },
  compliance_lead: { name: 'lead', roles: ['compliance_lead'] },
  handler: { name: 'handler', roles: ['handler'] },
  reviewer: { name: 'reviewer', roles: ['reviewer'] },
  // The case role decides the case routes, admin the account routes, and neither takes away
  // what the other gives.
  'admin+handler': { name: 'admin-handler', roles: ['admin', 'handler'] },
};
const KINDS = Object.keys(ACCOUNTS) as Account[];

interface Scenario {
  account: Account;
  roles: RoleSet;
  /**
   * The object (case, user) belongs to the caller's organisation. False for another
   * organisation's object, and for an id that exists nowhere (`missing`).
   */
  sameOrg: boolean;
  /** `:id` names an object that does not exist in any organisation. */
  missing: boolean;
  /** The case is assigned to the caller (for roles that can be assignees). */
  assigned: boolean;
}

interface Fixture {
  a: TestOrg;
  b: TestOrg;
  /** Case of A assigned to each account that can be an assignee. */
  assignedCase: Partial<Record<Account, string>>;
  /** Case of A assigned to someone else (handler2). */
  otherCase: string;
  /** Case of B. */
  foreignCase: string;
  /** A user of A that admin routes act on, and one of B. */
  targetUser: string;
  foreignUser: string;
}

interface Expectation {
  /** What `:id` names. */
  object?: 'case' | 'user';
  body?: (s: Scenario, fx: Fixture) => unknown;
  /** The route ends the session: use a fresh one for each request. */
  freshSession?: boolean;
  /** The expected status (or statuses, when several refusals are equally right). */
  expect: (s: Scenario) => number | number[];
}

/** Does the caller hold this role (alone or beside another)? */
const has = (s: Scenario, role: StaffRole) => s.roles.includes(role);
/** Is the caller's case role one of these? (An admin alone has none.) */
const caseRoleIs = (s: Scenario, ...roles: StaffRole[]) =>
  s.roles.some((role) => role !== 'admin' && roles.includes(role));
const caseRead = (s: Scenario) => {
  if (!caseRoleIs(s, 'compliance_lead', 'handler', 'reviewer')) return 403;
  if (!s.sameOrg) return 404;
  if (caseRoleIs(s, 'handler') && !s.assigned) return 404;

  return 200;
};

/** Who may call each staff route, keyed by `METHOD path`. */
const EXPECTATIONS: Record<string, Expectation> = {
  'GET /api/me': { expect: () => 200 },
  'POST /api/auth/logout': { freshSession: true, expect: () => 204 },
  'POST /api/me/totp': { body: () => ({ password: PASSWORD }), expect: () => 200 },
  // No valid code is known here: 422 (wrong code) or 409 (nothing started) shows the role got in.
  'POST /api/me/totp/confirm': { body: () => ({ code: '000000' }), expect: () => [409, 422] },
  // A new password that breaks the policy: the role got in, and nothing changes.
  'POST /api/me/password': {
    body: () => ({ currentPassword: PASSWORD, newPassword: 'short' }),
    expect: () => 422,
  },
  // Someone else's email: the role got in, and nothing changes.
  'PUT /api/me/email': {
    body: (_s, fx) => ({ email: fx.a.users.handler2!.email, password: PASSWORD }),
    expect: () => 409,
  },
  'GET /api/machines': { expect: () => 200 },
  'GET /api/cases': {
    expect: (s) => (caseRoleIs(s, 'compliance_lead', 'handler', 'reviewer') ? 200 : 403),
  },
  'GET /api/cases/:id': { object: 'case', expect: caseRead },
  'GET /api/cases/:id/audit': { object: 'case', expect: caseRead },
  'POST /api/cases/:id/events': {
    object: 'case',
    body: () => ({ type: 'ADD_NOTE', body: 'matrix note' }),
    expect: (s) => {
      if (!caseRoleIs(s, 'compliance_lead', 'handler')) return 403;
      if (!s.sameOrg) return 404;
      if (caseRoleIs(s, 'handler') && !s.assigned) return 404;

      return 200;
    },
  },
  // Oral reports (oral-reports.ts): recorded by those who work cases.
  'POST /api/cases': {
    body: () => ({
      channel: 'oral',
      medium: 'phone',
      heardOn: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
      category: 'fraud',
      minutes: 'The caller described duplicate invoices approved by one manager.',
    }),
    expect: (s) => (caseRoleIs(s, 'compliance_lead', 'handler') ? 201 : 403),
  },
  // Roles that read no content are refused first (403). No file exists on the fixture cases,
  // so every other caller gets 404; the allow path is access-attachments.test.ts'.
  'GET /api/cases/:id/attachments/:attachmentId': {
    object: 'case',
    expect: (s) => (caseRoleIs(s, 'compliance_lead', 'handler') ? 404 : 403),
  },
  'GET /api/users': { expect: (s) => (has(s, 'admin') ? 200 : 403) },
  'POST /api/users': {
    body: () => ({ email: `m-${crypto.randomUUID()}@matrix.test`, role: 'reviewer' }),
    expect: (s) => (has(s, 'admin') ? 201 : 403),
  },
  'PATCH /api/users/:id': {
    object: 'user',
    body: () => ({ units: [] }),
    expect: (s) => (!has(s, 'admin') ? 403 : s.sameOrg ? 200 : 404),
  },
  'POST /api/users/:id/totp/reset': {
    object: 'user',
    expect: (s) => (!has(s, 'admin') ? 403 : s.sameOrg ? 204 : 404),
  },
  // Everyone but a handler alone: admins run the account, leads and reviewers oversee it.
  'GET /api/org/audit': {
    expect: (s) => (has(s, 'admin') || caseRoleIs(s, 'compliance_lead', 'reviewer') ? 200 : 403),
  },
  'GET /api/org/settings': { expect: (s) => (has(s, 'admin') ? 200 : 403) },
  'PATCH /api/org/settings': {
    body: () => ({ requireTotp: false }),
    expect: (s) => (has(s, 'admin') ? 200 : 403),
  },
  // Policies (policies.ts): leads and reviewers read, leads publish. The matrix names the kind
  // `x`, which does not exist: 404 shows the role got in; publishing is policies-api.test.ts'.
  'GET /api/policies': {
    expect: (s) => (caseRoleIs(s, 'compliance_lead', 'reviewer') ? 200 : 403),
  },
  'GET /api/policies/:kind/versions': {
    expect: (s) => (caseRoleIs(s, 'compliance_lead', 'reviewer') ? 404 : 403),
  },
  'PUT /api/policies/:kind': {
    body: () => ({ document: { closedCaseDays: 30, oralRecordDays: 30 } }),
    expect: (s) => (caseRoleIs(s, 'compliance_lead') ? 404 : 403),
  },
};

const publicRoutes = ROUTES.filter((r) => r.auth === 'public');
const mailboxRoutes = ROUTES.filter((r) => r.auth === 'mailbox');

/** An id of the right form that names nothing in any organisation. */
function missingId(object: Expectation['object']): string {
  return object === 'user' ? `u_${randomToken(16)}` : newCaseId();
}

function pathFor(path: string, s: Scenario, fx: Fixture, object: Expectation['object']): string {
  let id = 'x';
  if (s.missing && object) {
    id = missingId(object);
  } else if (object === 'case') {
    id = !s.sameOrg
      ? fx.foreignCase
      : s.assigned
        ? (fx.assignedCase[s.account] ?? fx.otherCase)
        : fx.otherCase;
  } else if (object === 'user') {
    id = s.sameOrg ? fx.targetUser : fx.foreignUser;
  }

  return path.replace(/:id\b/, id).replace(/:[A-Za-z]+/g, 'x');
}

/** Where `:id` may point for this route: a route without one has no "missing" case. */
function placesFor(route: { path: string }) {
  const places = [
    { sameOrg: true, missing: false },
    { sameOrg: false, missing: false },
  ];

  return /:id\b/.test(route.path) ? [...places, { sameOrg: false, missing: true }] : places;
}

async function freshToken(slug: string, email: string): Promise<string> {
  const login = await ORGS.getByName(slug).login({ email, password: PASSWORD });
  if (!login.ok) throw new Error(`login failed for ${email}`);

  return login.token;
}

let fx: Fixture;
let offTokens: Record<Account, string>;

/** Adds an account holding admin and a case role to an organisation, and signs it in. */
async function addCombined(org: TestOrg, name: string, roles: RoleSet): Promise<void> {
  const email = `${name}@${org.slug}.test`;
  const { id } = await ORGS.getByName(org.slug).addUser({ email, role: roles, password: PASSWORD });
  org.users[name] = { id, email, token: await freshToken(org.slug, email), role: roles[1]! };
}

beforeAll(async () => {
  const single = KINDS.filter((kind) => ACCOUNTS[kind].roles.length === 1);
  const combined = KINDS.filter((kind) => ACCOUNTS[kind].roles.length > 1);
  const staff = [
    ...single.map((kind) => ({ name: ACCOUNTS[kind].name, role: ACCOUNTS[kind].roles[0]! })),
    { name: 'handler2', role: 'handler' as const },
    { name: 'target', role: 'handler' as const },
    ...single.map((kind) => ({
      name: `${ACCOUNTS[kind].name}-off`,
      role: ACCOUNTS[kind].roles[0]!,
    })),
  ];
  const a = await createOrg({ staff });
  for (const kind of combined) {
    await addCombined(a, ACCOUNTS[kind].name, ACCOUNTS[kind].roles);
    await addCombined(a, `${ACCOUNTS[kind].name}-off`, ACCOUNTS[kind].roles);
  }
  const b = await createOrg({
    staff: [
      { name: 'lead', role: 'compliance_lead' },
      { name: 'victim', role: 'handler' },
    ],
  });
  const assign = async (caseId: string, who: string) => {
    const res = await sendEvent(a.users.lead!.token, caseId, { type: 'ASSIGN', assignee: who });
    if (res.status !== 200) throw new Error(`assign failed: ${JSON.stringify(res.body)}`);
  };
  const handlerCase = (await submitCase(a)).id;
  const leadCase = (await submitCase(a)).id;
  const adminHandlerCase = (await submitCase(a)).id;
  const otherCase = (await submitCase(a)).id;
  await assign(handlerCase, a.users.handler!.id);
  await assign(leadCase, a.users.lead!.id);
  await assign(adminHandlerCase, a.users[ACCOUNTS['admin+handler'].name]!.id);
  await assign(otherCase, a.users.handler2!.id);

  // Disabled mid-session: logged in above, disabled now.
  const stub = ORGS.getByName(a.slug);
  for (const kind of KINDS) {
    const user = a.users[`${ACCOUNTS[kind].name}-off`]!;
    const result = await stub.updateUser(
      user.id,
      { disabled: true },
      { id: 'test', role: 'system' },
    );
    if (!result.ok) throw new Error(result.message);
  }
  offTokens = Object.fromEntries(
    KINDS.map((kind) => [kind, a.users[`${ACCOUNTS[kind].name}-off`]!.token]),
  ) as Record<Account, string>;

  fx = {
    a,
    b,
    assignedCase: {
      handler: handlerCase,
      compliance_lead: leadCase,
      'admin+handler': adminHandlerCase,
    },
    otherCase,
    foreignCase: (await submitCase(b)).id,
    targetUser: a.users.target!.id,
    foreignUser: b.users.victim!.id,
  };
});

describe('route-by-role matrix', () => {
  it('has an expectation for every staff route, and none for a route that is gone', () => {
    const missing = staffRoutes.map(keyOf).filter((key) => !(key in EXPECTATIONS));
    const stale = Object.keys(EXPECTATIONS).filter(
      (key) => !staffRoutes.some((r) => keyOf(r) === key),
    );

    expect(missing, 'staff routes without an expectation').toEqual([]);
    expect(stale, 'expectations for routes that do not exist').toEqual([]);
  });

  it('answers every route for every account, org and assignment, recording refusals', async () => {
    const mismatches: string[] = [];
    const unexpectedAllows: string[] = [];
    const unlike: string[] = [];
    let refusals = 0;
    const before = (await ORGS.getByName(fx.a.slug).denials(5000)).length;

    for (const route of staffRoutes) {
      const expectation = EXPECTATIONS[keyOf(route)];
      if (!expectation) continue;
      for (const account of KINDS) {
        for (const assigned of [true, false]) {
          // The answer for another organisation's object, to compare with a missing one's.
          let foreign: { status: number; body: unknown } | undefined;
          for (const place of placesFor(route)) {
            const s = { account, roles: ACCOUNTS[account].roles, assigned, ...place };
            const user = fx.a.users[ACCOUNTS[account].name]!;
            const token = expectation.freshSession
              ? await freshToken(fx.a.slug, user.email)
              : user.token;
            const body = expectation.body?.(s, fx);
            const res = await appApi(
              route.method.toUpperCase(),
              pathFor(route.path, s, fx, expectation.object),
              {
                token,
                ...(body === undefined ? {} : { body }),
              },
            );
            const wanted = [expectation.expect(s)].flat();
            const where = s.missing ? 'missing id' : s.sameOrg ? 'same org' : 'other org';
            const label =
              `${keyOf(route)} as ${account} ` +
              `(${where}, ${assigned ? 'assigned' : 'not assigned'})`;
            if (!wanted.includes(res.status)) {
              mismatches.push(`${label}: got ${res.status}, expected ${wanted.join('|')}`);
              if (res.status < 300 && wanted.every((w) => w >= 300)) unexpectedAllows.push(label);
            }
            if (res.status === 403 || res.status === 404) refusals += 1;
            if (!s.sameOrg && !s.missing) foreign = res;
            if (s.missing && foreign?.status === 404) {
              if (res.status !== 404 || JSON.stringify(res.body) !== JSON.stringify(foreign.body)) {
                unlike.push(`${label}: ${res.status} ${JSON.stringify(res.body)}`);
              }
            }
          }
        }
      }
    }

    expect(unexpectedAllows, 'unexpected allows').toEqual([]);
    expect(mismatches).toEqual([]);
    expect(unlike, "another organisation's id answered unlike a missing one").toEqual([]);
    // Every refusal is recorded, in the caller's organisation, without content.
    const after = await ORGS.getByName(fx.a.slug).denials(5000);
    const denials = after.slice(0, after.length - before);
    expect(denials).toHaveLength(refusals);
    for (const denial of denials) {
      expect(denial.userId).toMatch(/^u_/);
      expect(staffRoutes.some((r) => r.path === denial.route)).toBe(true);
      expect(JSON.stringify(denial)).not.toMatch(/c_[0-9A-Z]{20}|matrix note/);
    }
  });

  it('refuses a user disabled mid-session on every route, recording who it was', async () => {
    const wrong: string[] = [];
    for (const route of staffRoutes) {
      const expectation = EXPECTATIONS[keyOf(route)];
      for (const account of KINDS) {
        for (const sameOrg of [true, false]) {
          const s = { account, roles: ACCOUNTS[account].roles, sameOrg, missing: false };
          const body = expectation?.body?.({ ...s, assigned: true }, fx);
          const res = await appApi(
            route.method.toUpperCase(),
            pathFor(route.path, { ...s, assigned: true }, fx, expectation?.object),
            {
              token: offTokens[account],
              ...(body === undefined ? {} : { body }),
            },
          );
          if (res.status !== 401) {
            wrong.push(`${keyOf(route)} as disabled ${account}: ${res.status}`);
          }
        }
      }
    }

    expect(wrong).toEqual([]);
    const denials = await ORGS.getByName(fx.a.slug).denials(5000);
    for (const kind of KINDS) {
      const id = fx.a.users[`${ACCOUNTS[kind].name}-off`]!.id;
      expect(
        denials.filter((d) => d.userId === id && d.reason === 'session_ended:user_disabled').length,
      ).toBe(staffRoutes.length * 2);
    }
  });

  it('refuses every staff route without a session', async () => {
    for (const route of staffRoutes) {
      const res = await appApi(route.method.toUpperCase(), route.path.replace(/:[A-Za-z]+/g, 'x'));
      expect(res.status, keyOf(route)).toBe(401);
    }
  });

  it('serves public routes without a session', async () => {
    for (const route of publicRoutes) {
      const res = await appApi(
        route.method.toUpperCase(),
        route.path.replace(/:org\b/, fx.a.slug).replace(/:[A-Za-z]+/g, 'x'),
      );
      expect([401, 403], keyOf(route)).not.toContain(res.status);
      expect(res.status, keyOf(route)).toBeLessThan(500);
    }
  });

  it('refuses mailbox routes to staff sessions and to no session', async () => {
    // Ending a mailbox session that does not exist changes nothing and says nothing.
    const harmless = new Set(['POST /api/mailbox/logout']);
    for (const route of mailboxRoutes.filter((r) => !harmless.has(keyOf(r)))) {
      const path = route.path.replace(/:[A-Za-z]+/g, 'x');
      for (const token of [undefined, fx.a.users.lead!.token, fx.a.users.admin!.token]) {
        const res = await appApi(route.method.toUpperCase(), path, {
          ...(token ? { token } : {}),
          ...(route.method === 'get' ? {} : { body: {} }),
        });
        expect(
          res.status,
          `${keyOf(route)} with ${token ? 'a staff token' : 'no token'}`,
        ).toBeGreaterThanOrEqual(400);
        expect(res.status, keyOf(route)).toBeLessThan(500);
      }
    }
  });
});
