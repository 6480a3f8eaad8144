/**
 * Staff login and logout. A wrong email and a wrong password get the same answer.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { ApiError } from '../errors';
import { requireStaff } from '../middleware/staff-auth';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { readJson } from '../validate';
import { OrgSlugSchema } from './public-reports';

export const LoginSchema = z.strictObject({
  org: OrgSlugSchema,
  email: z.email().max(254),
  password: z.string().min(1).max(256),
});

export const TokenSchema = z.object({ token: z.string() });

export function authRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/login',
      auth: 'public',
      tag: 'auth',
      summary: 'Log in with organisation, email and password',
      body: LoginSchema,
      responses: {
        200: { description: 'A session token for `Authorization: Bearer`', schema: TokenSchema },
        401: 'The email or the password is wrong',
      },
    },
    async (c) => {
      const body = await readJson(c, LoginSchema);

      const result = await c.env.ORGS.getByName(body.org).login({
        email: body.email,
        password: body.password,
      });
      if (!result.ok)
        throw new ApiError('invalid_credentials', 'The email or the password is wrong.');

      return c.json({ token: result.token });
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/logout',
      auth: 'staff',
      tag: 'auth',
      summary: 'End this session on the server',
      responses: { 204: 'The session is ended' },
    },
    requireStaff(),
    async (c) => {
      await c.env.ORGS.getByName(c.get('user').org).logout(c.get('sessionToken'));

      return c.body(null, 204);
    },
  );
}
