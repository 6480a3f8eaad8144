/**
 * The admin API for staff accounts: list, invite, change role/units/disabled, reset a second
 * factor. Admins only (permissions.ts `users.manage`); every change is audited in the
 * organisation's trail. An id of another organisation answers 404 like a missing one: the
 * organisation comes from the session, so such an id is simply not in this organisation's store.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { RoleInputSchema } from '../../auth/roles';
import { inviteUser } from '../../staff/invite-user';
import { updateUser } from '../../staff/update-user';
import type { StaffAccount } from '../../store/org-object';
import { notFound } from '../errors';
import { requirePermission, requireStaff } from '../middleware/staff-auth';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { readJson } from '../validate';

const units = z.array(z.string().min(1).max(100)).max(50);

export const InviteUserSchema = z.strictObject({
  email: z.email().max(254),
  /** A role or a title from the alias table in roles.ts ("Case manager" → handler). */
  role: RoleInputSchema,
  units: units.default([]),
});

export const UpdateUserSchema = z
  .strictObject({
    role: RoleInputSchema.optional(),
    units: units.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((v) => v.role !== undefined || v.units !== undefined || v.disabled !== undefined, {
    message: 'change at least one of role, units, disabled',
  });

const USER_ID = /^u_[A-Za-z0-9_-]{22}$/;

/** An account as the admin API shows it. */
function present(user: StaffAccount) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
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
      tag: 'users',
      summary: 'List the staff accounts of the organisation (admins)',
      responses: { 200: 'The accounts', 403: 'Only admins manage users' },
    },
    requireStaff(),
    requirePermission('users.manage'),
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
      tag: 'users',
      summary: 'Invite a staff member: the answer carries a one-time link, valid 72 hours',
      body: InviteUserSchema,
      responses: {
        201: '`{ user, invitation: { url, expiresAt } }`; the link is shown this once',
        403: 'Only admins manage users',
        409: 'A user with this email exists',
        422: 'Unknown role or unit; `issues` names them',
      },
    },
    requireStaff(),
    requirePermission('users.manage'),
    async (c) => {
      const body = await readJson(c, InviteUserSchema);
      const actor = c.get('user');

      const invited = await inviteUser(c.env, {
        org: actor.org,
        email: body.email,
        role: body.role,
        units: body.units,
        actor: { id: actor.id, role: actor.role },
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
      tag: 'users',
      summary:
        'Change role, units or disabled; a new role or disabling ends their sessions. Not for ' +
        'your own account',
      body: UpdateUserSchema,
      responses: {
        200: 'The account',
        403: 'Only admins manage users, and not their own role, units or disabled flag',
        404: 'No such user',
        409: 'The last active admin cannot be demoted or disabled',
        422: 'Unknown role or unit',
      },
    },
    requireStaff(),
    requirePermission('users.manage'),
    async (c) => {
      const id = userId(c.req.param('id'));
      const body = await readJson(c, UpdateUserSchema);
      const actor = c.get('user');

      const user = await updateUser(c.env, {
        org: actor.org,
        id,
        changes: body,
        actor: { id: actor.id, role: actor.role },
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
      tag: 'users',
      summary: "Remove a user's second factor and recovery codes; ends their sessions",
      responses: { 204: 'Reset; they enrol again', 403: 'Only admins', 404: 'No such user' },
    },
    requireStaff(),
    requirePermission('users.manage'),
    async (c) => {
      const id = userId(c.req.param('id'));
      const actor = c.get('user');

      const result = await c.env.ORGS.getByName(actor.org).resetTotp(id, {
        id: actor.id,
        role: actor.role,
      });
      if (!result.ok) throw notFound('user');

      return c.body(null, 204);
    },
  );
}
