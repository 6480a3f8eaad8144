/**
 * Staff authentication and authorisation: `Authorization: Bearer <token>`. The token names its
 * organisation (`<org>.<secret>`) so the request goes straight to that organisation's Durable
 * Object, which holds the session and the account and answers from its own strongly consistent
 * storage: a disabled user is refused on the very next request.
 *
 * Every refusal after authentication (a 403, or a 404 for an object outside the caller's
 * organisation or scope) is recorded in the organisation's `denials` table: who, method,
 * route pattern, when and why; never the body or the object's id.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

import type { AuditActor } from '../../audit/chain';
import type { StaffAction } from '../../auth/permissions';
import { mayDo } from '../../auth/permissions';
import type { StaffUser } from '../../store/org-object';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';

/** The organisation a session token belongs to, or null for a malformed token. */
export function tokenOrg(token: string): string | null {
  const match = /^([a-z0-9][a-z0-9-]{0,62})\.[A-Za-z0-9_-]{40,}$/.exec(token);

  return match?.[1] ?? null;
}

/** Options for `requireStaff`. */
export interface RequireStaffOptions {
  /**
   * Let a user who must have a second factor and has none through: only the routes that
   * enrol one (and `GET /api/me`, logout) set this, through their route spec.
   */
  enrolment?: boolean;
}

/**
 * Requires a live staff session and puts the user on the context. A user who must have TOTP
 * and has none may only enrol. `defineRoute` mounts it for every staff route.
 */
export function requireStaff(options: RequireStaffOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer (\S+)$/i.exec(header)?.[1];
    const org = token ? tokenOrg(token) : null;
    if (!token || !org) {
      throw new ApiError('unauthenticated', 'Log in first: send Authorization: Bearer <token>.');
    }

    const auth = await c.env.ORGS.getByName(org).authenticate(token, requestInfo(c));
    if (!auth.ok) {
      throw new ApiError('unauthenticated', 'Your session has ended. Log in again.');
    }
    c.set('user', auth.user);
    c.set('sessionToken', token);
    if (auth.mustEnrolTotp && !options.enrolment) {
      await recordDenial(c, 'totp_enrolment_required');
      throw new ApiError(
        'forbidden',
        'Your organisation requires two-factor sign-in. Set it up first: POST /api/me/totp.',
        { required: 'totp_enrolment' },
      );
    }

    await next();

    const status = c.res.status;
    if (status === 403 || status === 404) {
      await recordDenial(c, status === 403 ? 'forbidden' : 'not_found');
    }
  };
}

/**
 * Requires that one of the caller's roles may take an organisation-level action
 * (permissions.ts). `defineRoute` mounts it from the route spec's `action`.
 */
export function requirePermission(action: StaffAction): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (!mayDo(user.roles, action)) {
      throw new ApiError(
        'forbidden',
        `Your ${rolesLabel(user)} may not do this (${action}). Ask an admin for the role that may.`,
      );
    }

    await next();
  };
}

/** "role (handler)" or "roles (admin, handler)", for messages. */
export function rolesLabel(user: Pick<StaffUser, 'roles'>): string {
  return `${user.roles.length > 1 ? 'roles' : 'role'} (${user.roles.join(', ')})`;
}

/**
 * The caller as the organisation's own trail records them: every role they hold
 * (`admin+handler`), since an organisation-level change may rest on any of them. A case
 * event records the case role instead (`StaffUser.role`).
 */
export function orgActor(user: Pick<StaffUser, 'id' | 'roles'>): AuditActor {
  return { id: user.id, role: user.roles.join('+') };
}

function requestInfo(c: Context<AppEnv>): { method: string; route: string } {
  return { method: c.req.method, route: routePath(c) };
}

async function recordDenial(c: Context<AppEnv>, reason: string): Promise<void> {
  const user = c.get('user');
  await c.env.ORGS.getByName(user.org).recordDenial({
    userId: user.id,
    role: user.roles.join('+'),
    ...requestInfo(c),
    reason,
  });
}
