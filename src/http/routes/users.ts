/**
 * The admin API for staff accounts: list, invite, change roles/units/disabled, reset a second
 * factor. Admins only (permissions.ts `users.manage`); every change is audited in the
 * organisation's trail. An id of another organisation answers 404 like a missing one: the
 * organisation comes from the session, so such an id is simply not in this organisation's store.
 *
 * An account holds one role or admin plus one case role (roles.ts `RoleSet`). Requests name
 * them as `role` (one title, as before) or `roles` (one or two), never both; answers carry
 * `roles` and `role` (the case role, else admin).
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import type { RoleSet } from '../../auth/roles';
import { RoleInputSchema, RoleSetInputSchema } from '../../auth/roles';
import { inviteUser } from '../../staff/invite-user';
import { updateUser } from '../../staff/update-user';
import type { StaffAccount } from '../../store/org-object';
import { notFound } from '../errors';
import { orgActor } from '../middleware/staff-auth';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { readJson } from '../validate';

const units = z.array(z.string().min(1).max(100)).max(50);

/** `role` (one title) or `roles` (one or two), as the request named them. */
const roleFields = {
  /** A role or a title from the alias table in roles.ts ("Case manager" → handler). */
  role: RoleInputSchema.optional(),
  /** One or two roles or titles: admin and at most one case role. */
  roles: RoleSetInputSchema.optional(),
};

/** Refuses `role` and `roles` together: which one meant what would be a guess. */
function oneOfRoleAndRoles(value: { role?: unknown; roles?: unknown }, ctx: z.RefinementCtx) {
  if (value.role !== undefined && value.roles !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['roles'],
      message: 'send role (one) or roles (one or two), not both',
    });
  }
}

/** The set of roles a request names, from whichever field it used. */
function requestedRoles(value: {
  role?: RoleSet[number] | undefined;
  roles?: RoleSet | undefined;
}): RoleSet | undefined {
  return value.roles ?? (value.role === undefined ? undefined : [value.role]);
}

/** The body of POST /api/users. */
export const InviteUserSchema = z
  .strictObject({ email: z.email().max(254), ...roleFields, units: units.default([]) })
  .superRefine((value, ctx) => {
    oneOfRoleAndRoles(value, ctx);
    if (value.role === undefined && value.roles === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['role'],
        message: 'give the role (one title) or roles (one or two)',
      });
    }
  })
  .transform(({ email, units, ...named }) => ({ email, units, roles: requestedRoles(named)! }));

/** The body of PATCH /api/users/{id}. */
export const UpdateUserSchema = z
  .strictObject({ ...roleFields, units: units.optional(), disabled: z.boolean().optional() })
  .superRefine((value, ctx) => {
    oneOfRoleAndRoles(value, ctx);
    const named = Object.values(value).some((field) => field !== undefined);
    if (!named) {
      ctx.addIssue({ code: 'custom', message: 'change at least one of roles, units, disabled' });
    }
  })
  .transform(({ units, disabled, ...named }) => ({
    roles: requestedRoles(named),
    units,
    disabled,
  }));

const USER_ID = /^u_[A-Za-z0-9_-]{22}$/;

/** An account as the admin API shows it. */
function present(user: StaffAccount) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    roles: user.roles,
    units: user.units,
    status: user.status,
    disabled: user.disabled,
    totpEnabled: user.totpEnabled,
  };
}

function userId(raw: string | undefined): string {
  if (!raw || !USER_ID.test(raw)) throw notFound('user');

  return raw;
}

/** Mounts the admin user routes. */
export function userRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/users',
      auth: 'staff',
      action: 'users.manage',
      tag: 'users',
      summary: 'List the staff accounts of the organisation (admins)',
      responses: { 200: 'The accounts', 403: 'Only admins manage users' },
    },
    async (c) => {
      const users = await c.env.ORGS.getByName(c.get('user').org).users();

      return c.json({ users: users.map(present) });
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/users',
      auth: 'staff',
      action: 'users.manage',
      tag: 'users',
      summary: 'Invite a staff member: the answer carries a one-time link, valid 72 hours',
      body: InviteUserSchema,
      responses: {
        201: '`{ user, invitation: { url, expiresAt } }`; the link is shown this once',
        403: 'Only admins manage users',
        409: 'A user with this email exists',
        422: 'Unknown role or unit, two case roles, or `role` with `roles`; `issues` says which',
      },
    },
    async (c) => {
      const body = await readJson(c, InviteUserSchema);
      const actor = c.get('user');

      const invited = await inviteUser(c.env, {
        org: actor.org,
        email: body.email,
        roles: body.roles,
        units: body.units,
        actor: orgActor(actor),
      });

      return c.json({ user: present(invited.user), invitation: invited.invitation }, 201);
    },
  );

  defineRoute(
    app,
    {
      method: 'patch',
      path: '/api/users/:id',
      auth: 'staff',
      action: 'users.manage',
      tag: 'users',
      summary:
        'Change roles, units or disabled; new roles or disabling end their sessions. Not for ' +
        'your own account',
      body: UpdateUserSchema,
      responses: {
        200: 'The account',
        403: 'Only admins manage users, and not their own roles, units or disabled flag',
        404: 'No such user',
        409: 'The last active admin cannot be demoted or disabled',
        422: 'Unknown role or unit, two case roles, or both `role` and `roles`',
      },
    },
    async (c) => {
      const id = userId(c.req.param('id'));
      const body = await readJson(c, UpdateUserSchema);
      const actor = c.get('user');

      const user = await updateUser(c.env, {
        org: actor.org,
        id,
        changes: body,
        actor: orgActor(actor),
      });

      return c.json(present(user));
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/users/:id/totp/reset',
      auth: 'staff',
      action: 'users.manage',
      tag: 'users',
      summary: "Remove a user's second factor and recovery codes; ends their sessions",
      responses: { 204: 'Reset; they enrol again', 403: 'Only admins', 404: 'No such user' },
    },
    async (c) => {
      const id = userId(c.req.param('id'));
      const actor = c.get('user');

      const result = await c.env.ORGS.getByName(actor.org).resetTotp(id, orgActor(actor));
      if (!result.ok) throw notFound('user');

      return c.body(null, 204);
    },
  );
}
