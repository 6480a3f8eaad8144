/**
 * The organisation's own audit trail (user and settings changes, hash-chained like a case's)
 * and its settings. The trail is for admins, compliance leads and reviewers; settings for
 * admins (permissions.ts).
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import type { OrgObject } from '../../store/org-object';
import { notFound } from '../errors';
import { orgActor } from '../middleware/staff-auth';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { readJson } from '../validate';

export const UpdateSettingsSchema = z.strictObject({ requireTotp: z.boolean() });

/** Mounts the organisation routes. */
export function orgRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/org/audit',
      auth: 'staff',
      action: 'org_audit.read',
      tag: 'org',
      summary: "The organisation's audit trail and the verification of its hash chain",
      responses: { 200: 'Records, verification and count', 403: 'Not for your role' },
    },
    async (c) => {
      const stub = c.env.ORGS.getByName(c.get('user').org);
      // The RPC type of a record's free-form `details` erases to never; the value is plain JSON.
      const trail = (await stub.auditTrail()) as Awaited<ReturnType<OrgObject['auditTrail']>>;

      return c.json(trail);
    },
  );

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/org/settings',
      auth: 'staff',
      action: 'settings.manage',
      tag: 'org',
      summary: "The organisation's settings (admins)",
      responses: { 200: 'The settings', 403: 'Only admins' },
    },
    async (c) => {
      const settings = await c.env.ORGS.getByName(c.get('user').org).settings();
      if (!settings) throw notFound('organisation');

      return c.json(settings);
    },
  );

  defineRoute(
    app,
    {
      method: 'patch',
      path: '/api/org/settings',
      auth: 'staff',
      action: 'settings.manage',
      tag: 'org',
      summary: 'Require TOTP for every staff member of the organisation, or not (admins)',
      body: UpdateSettingsSchema,
      responses: { 200: 'The settings', 403: 'Only admins', 422: 'Malformed' },
    },
    async (c) => {
      const body = await readJson(c, UpdateSettingsSchema);
      const user = c.get('user');

      const result = await c.env.ORGS.getByName(user.org).updateSettings(body, orgActor(user));
      if (!result.ok) throw notFound('organisation');

      return c.json(result.settings);
    },
  );
}
