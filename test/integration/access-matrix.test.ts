/**
 * The route-by-role matrix, generated from the app's own route table: every staff route ×
 * every role × same or other organisation × assigned or not × enabled or disabled, against
 * an expectation written by hand below. A staff route without an expectation fails, so a new
 * route cannot land without someone deciding who may call it. Public routes must answer
 * without a session; mailbox routes must refuse staff tokens and no token.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';

import type { Env } from '../../src/env';
import type { StaffRole } from '../../src/auth/permissions';
import { app } from '../../src/http/app';
import { ROUTES } from '../../src/http/route-table';
import type { TestOrg } from './helpers';
import { api, createOrg, PASSWORD, sendEvent, submitCase } from './helpers';

// `env` from cloudflare:workers is typed without this project's bindings.
const ORGS = (env as unknown as Env).ORGS;

const ROLES: StaffRole[] = ['admin', 'compliance_lead', 'handler', 'reviewer'];

interface Scenario {
  role: StaffRole;
  /** The object (case, user) belongs to the caller's organisation. */
  sameOrg: boolean;
  /** The case is assigned to the caller (for roles that can be assignees). */
  assigned: boolean;
}

interface Fixture {
  a: TestOrg;
  b: TestOrg;
  /** Case of A assigned to each role's user that can be an assignee. */
  assignedCase: Partial<Record<StaffRole, string>>;
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

const is = (role: StaffRole, ...roles: StaffRole[]) => roles.includes(role);
const caseRead = ({ role, sameOrg, assigned }: Scenario) => {
  if (role === 'admin') return 403;
  if (!sameOrg) return 404;
  if (role === 'handler' && !assigned) return 404;

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
  'GET /api/cases': { expect: ({ role }) => (role === 'admin' ? 403 : 200) },
  'GET /api/cases/:id': { object: 'case', expect: caseRead },
  'GET /api/cases/:id/audit': { object: 'case', expect: caseRead },
  'POST /api/cases/:id/events': {
    object: 'case',
    body: () => ({ type: 'ADD_NOTE', body: 'matrix note' }),
    expect: ({ role, sameOrg, assigned }) => {
      if (is(role, 'admin', 'reviewer')) return 403;
      if (!sameOrg) return 404;
      if (role === 'handler' && !assigned) return 404;

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
    expect: ({ role }) => (is(role, 'compliance_lead', 'handler') ? 201 : 403),
  },
  // Roles that read no content are refused first (403). No file exists on the fixture cases,
  // so every other caller gets 404; the allow path is access-attachments.test.ts'.
  'GET /api/cases/:id/attachments/:attachmentId': {
    object: 'case',
    expect: ({ role }) => (is(role, 'admin', 'reviewer') ? 403 : 404),
  },
  'GET /api/users': { expect: ({ role }) => (role === 'admin' ? 200 : 403) },
  'POST /api/users': {
    body: () => ({ email: `m-${crypto.randomUUID()}@matrix.test`, role: 'reviewer' }),
    expect: ({ role }) => (role === 'admin' ? 201 : 403),
  },
  'PATCH /api/users/:id': {
    object: 'user',
    body: () => ({ units: [] }),
    expect: ({ role, sameOrg }) => (role !== 'admin' ? 403 : sameOrg ? 200 : 404),
  },
  'POST /api/users/:id/totp/reset': {
    object: 'user',
    expect: ({ role, sameOrg }) => (role !== 'admin' ? 403 : sameOrg ? 204 : 404),
  },
  'GET /api/org/audit': { expect: ({ role }) => (role === 'handler' ? 403 : 200) },
  'GET /api/org/settings': { expect: ({ role }) => (role === 'admin' ? 200 : 403) },
  'PATCH /api/org/settings': {
    body: () => ({ requireTotp: false }),
    expect: ({ role }) => (role === 'admin' ? 200 : 403),
  },
  // Policies (policies.ts): leads and reviewers read, leads publish. The matrix names the kind
  // `x`, which does not exist: 404 shows the role got in; publishing is policies-api.test.ts'.
  'GET /api/policies': {
    expect: ({ role }) => (is(role, 'compliance_lead', 'reviewer') ? 200 : 403),
  },
  'GET /api/policies/:kind/versions': {
    expect: ({ role }) => (is(role, 'compliance_lead', 'reviewer') ? 404 : 403),
  },
  'PUT /api/policies/:kind': {
    body: () => ({ document: { closedCaseDays: 30, oralRecordDays: 30 } }),
    expect: ({ role }) => (role === 'compliance_lead' ? 404 : 403),
  },
};

const NAME: Record<StaffRole, string> = {
  admin: 'admin',
  compliance_lead: 'lead',
  handler: 'handler',
  reviewer: 'reviewer',
};

const keyOf = (route: { method: string; path: string }) =>
  `${route.method.toUpperCase()} ${route.path}`;

// Importing the app registers every route file in ROUTES.
void app;
const staffRoutes = ROUTES.filter((r) => r.auth === 'staff');
const publicRoutes = ROUTES.filter((r) => r.auth === 'public');
const mailboxRoutes = ROUTES.filter((r) => r.auth === 'mailbox');

function pathFor(path: string, s: Scenario, fx: Fixture, object: Expectation['object']): string {
  let id = 'x';
  if (object === 'case') {
    id = !s.sameOrg
      ? fx.foreignCase
      : s.assigned
        ? (fx.assignedCase[s.role] ?? fx.otherCase)
        : fx.otherCase;
  } else if (object === 'user') {
    id = s.sameOrg ? fx.targetUser : fx.foreignUser;
  }

  return path.replace(/:id\b/, id).replace(/:[A-Za-z]+/g, 'x');
}

async function freshToken(slug: string, email: string): Promise<string> {
  const login = await ORGS.getByName(slug).login({ email, password: PASSWORD });
  if (!login.ok) throw new Error(`login failed for ${email}`);

  return login.token;
}

let fx: Fixture;
let offTokens: Record<StaffRole, string>;

beforeAll(async () => {
  const staff = [
    { name: 'admin', role: 'admin' as const },
    { name: 'lead', role: 'compliance_lead' as const },
    { name: 'handler', role: 'handler' as const },
    { name: 'handler2', role: 'handler' as const },
    { name: 'reviewer', role: 'reviewer' as const },
    { name: 'target', role: 'handler' as const },
    ...ROLES.map((role) => ({ name: `${NAME[role]}-off`, role })),
  ];
  const a = await createOrg({ staff });
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
  const otherCase = (await submitCase(a)).id;
  await assign(handlerCase, a.users.handler!.id);
  await assign(leadCase, a.users.lead!.id);
  await assign(otherCase, a.users.handler2!.id);

  // Disabled mid-session: logged in above, disabled now.
  const stub = ORGS.getByName(a.slug);
  for (const role of ROLES) {
    const user = a.users[`${NAME[role]}-off`]!;
    const result = await stub.updateUser(
      user.id,
      { disabled: true },
      { id: 'test', role: 'system' },
    );
    if (!result.ok) throw new Error(result.message);
  }
  offTokens = Object.fromEntries(
    ROLES.map((role) => [role, a.users[`${NAME[role]}-off`]!.token]),
  ) as Record<StaffRole, string>;

  fx = {
    a,
    b,
    assignedCase: { handler: handlerCase, compliance_lead: leadCase },
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

  it('answers every staff route for every role, organisation and assignment as expected, and records each refusal', async () => {
    const mismatches: string[] = [];
    const unexpectedAllows: string[] = [];
    let refusals = 0;
    const before = (await ORGS.getByName(fx.a.slug).denials(5000)).length;

    for (const route of staffRoutes) {
      const expectation = EXPECTATIONS[keyOf(route)];
      if (!expectation) continue;
      for (const role of ROLES) {
        for (const sameOrg of [true, false]) {
          for (const assigned of [true, false]) {
            const s = { role, sameOrg, assigned };
            const user = fx.a.users[NAME[role]]!;
            const token = expectation.freshSession
              ? await freshToken(fx.a.slug, user.email)
              : user.token;
            const body = expectation.body?.(s, fx);
            const res = await api(
              route.method.toUpperCase(),
              pathFor(route.path, s, fx, expectation.object),
              {
                token,
                ...(body === undefined ? {} : { body }),
              },
            );
            const wanted = [expectation.expect(s)].flat();
            const label = `${keyOf(route)} as ${role} (${sameOrg ? 'same' : 'other'} org, ${assigned ? 'assigned' : 'not assigned'})`;
            if (!wanted.includes(res.status)) {
              mismatches.push(`${label}: got ${res.status}, expected ${wanted.join('|')}`);
              if (res.status < 300 && wanted.every((w) => w >= 300)) unexpectedAllows.push(label);
            }
            if (res.status === 403 || res.status === 404) refusals += 1;
          }
        }
      }
    }

    expect(unexpectedAllows, 'unexpected allows').toEqual([]);
    expect(mismatches).toEqual([]);
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

  it('refuses a disabled user on every staff route, mid-session, and records who it was', async () => {
    const wrong: string[] = [];
    for (const route of staffRoutes) {
      const expectation = EXPECTATIONS[keyOf(route)];
      for (const role of ROLES) {
        for (const sameOrg of [true, false]) {
          const s = { role, sameOrg, assigned: true };
          const body = expectation?.body?.(s, fx);
          const res = await api(
            route.method.toUpperCase(),
            pathFor(route.path, s, fx, expectation?.object),
            {
              token: offTokens[role],
              ...(body === undefined ? {} : { body }),
            },
          );
          if (res.status !== 401) wrong.push(`${keyOf(route)} as disabled ${role}: ${res.status}`);
        }
      }
    }

    expect(wrong).toEqual([]);
    const denials = await ORGS.getByName(fx.a.slug).denials(5000);
    for (const role of ROLES) {
      const id = fx.a.users[`${NAME[role]}-off`]!.id;
      expect(
        denials.filter((d) => d.userId === id && d.reason === 'session_ended:user_disabled').length,
      ).toBe(staffRoutes.length * 2);
    }
  });

  it('refuses every staff route without a session', async () => {
    for (const route of staffRoutes) {
      const res = await api(route.method.toUpperCase(), route.path.replace(/:[A-Za-z]+/g, 'x'));
      expect(res.status, keyOf(route)).toBe(401);
    }
  });

  it('serves public routes without a session', async () => {
    for (const route of publicRoutes) {
      const res = await api(
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
        const res = await api(route.method.toUpperCase(), path, {
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
