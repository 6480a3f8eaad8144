/**
 * Every staff route takes its access from the permission table: the route table declares
 * each one's action, `defineRoute` mounts it, and a role without that action is refused
 * before the route looks at anything else. A route that only touches the caller's own
 * account must be named here, so a new route cannot slip in without a permission.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import type { StaffRole } from '../../src/auth/permissions';
import { mayDo, PERMISSIONS } from '../../src/auth/permissions';
import { appApi } from './engine-helpers';
import type { TestOrg } from './helpers';
import { createOrg } from './helpers';
import { keyOf, staffRoutes } from './route-helpers';

const ROLES = Object.keys(PERMISSIONS) as StaffRole[];

/** The routes that need a session and nothing more: the caller's own account and session. */
const OWN_ACCOUNT = [
  'GET /api/me',
  'POST /api/me/totp',
  'POST /api/me/totp/confirm',
  'POST /api/me/password',
  'PUT /api/me/email',
  'POST /api/auth/logout',
];

let org: TestOrg;

beforeAll(async () => {
  org = await createOrg({ staff: ROLES.map((role) => ({ name: role, role })) });
});

describe('the route table and the permission table', () => {
  it('declares for every staff route an action some role holds, or that it is own-account', () => {
    const actions = new Set(ROLES.flatMap((role) => PERMISSIONS[role].actions));
    const undeclared = staffRoutes.filter(
      (r) => r.action !== 'own_account' && !actions.has(r.action),
    );
    const own = staffRoutes.filter((r) => r.action === 'own_account').map(keyOf);

    expect(staffRoutes.length).toBeGreaterThan(OWN_ACCOUNT.length);
    expect(undeclared.map(keyOf), 'actions no role holds').toEqual([]);
    expect(own.sort(), 'own-account routes').toEqual([...OWN_ACCOUNT].sort());
  });

  it('lets only own-account routes be open to a user who must still enrol a second factor', () => {
    const enrolment = staffRoutes.filter((r) => r.enrolment).map(keyOf);

    expect(enrolment.filter((key) => !OWN_ACCOUNT.includes(key))).toEqual([]);
  });

  it("refuses every role without a route's action with 403, whatever the body", async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const route of staffRoutes) {
      const action = route.action;
      if (action === 'own_account') continue;
      for (const role of ROLES.filter((r) => !mayDo([r], action))) {
        const res = await appApi(route.method.toUpperCase(), route.path.replace(/:\w+/g, 'x'), {
          token: org.users[role]!.token,
          ...(route.method === 'get' ? {} : { body: { nonsense: true } }),
        });
        checked += 1;
        const refused = res.status === 403 && String(res.body.message).includes(action);
        if (!refused) wrong.push(`${keyOf(route)} as ${role}: ${res.status}`);
      }
    }

    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
