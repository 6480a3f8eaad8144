/**
 * The signed-in staff member.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { requireStaff } from '../middleware/staff-auth';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';

export const MeSchema = z.object({
  id: z.string(),
  org: z.string(),
  email: z.string(),
  role: z.enum(['admin', 'compliance_lead', 'handler', 'reviewer']),
  units: z.array(z.string()),
});

export function meRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/me',
      auth: 'staff',
      tag: 'auth',
      summary: 'Who is signed in',
      responses: { 200: { description: 'The staff member', schema: MeSchema } },
    },
    requireStaff(),
    (c) => {
      const user = c.get('user');

      return c.json({
        id: user.id,
        org: user.org,
        email: user.email,
        role: user.role,
        units: user.units,
      });
    },
  );
}
