/**
 * Staff sign-in: password, then a TOTP code when the account has one; logout; accepting an
 * invitation. An unknown email, a wrong password and a paused account get the same answer
 * after the same work (org-object.ts `login`).
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { PASSWORD_MAX_LENGTH } from '../../auth/password';
import { acceptInvitation } from '../../staff/accept-invitation';
import { ApiError } from '../errors';
import { tokenOrg } from '../middleware/staff-auth';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { readJson } from '../validate';
import { OrgSlugSchema } from './public-reports';

/**
 * A password as every route reads it, to sign in, to confirm a change or to set one: the same
 * bound as the policy (PASSWORD_MAX_LENGTH), so any password one can set can be used. zod 4.6
 * measures a string's length in code points, as the policy does, not in UTF-16 units.
 */
export const PasswordSchema = z.string().min(1).max(PASSWORD_MAX_LENGTH);

export const LoginSchema = z.strictObject({
  org: OrgSlugSchema,
  email: z.email().max(254),
  password: PasswordSchema,
});

export const TotpLoginSchema = z.strictObject({
  challenge: z.string().min(1).max(200),
  /** Six digits from the app, or a recovery code (`XXXXX-XXXXX-XXXXX-XXXXX`). */
  code: z.string().min(6).max(40),
});

export const AcceptInvitationSchema = z.strictObject({
  org: OrgSlugSchema,
  token: z.string().min(1).max(200),
  password: PasswordSchema,
});

export const TokenSchema = z.object({ token: z.string() });

export const LoginAnswerSchema = z.union([
  TokenSchema,
  z.object({ totpRequired: z.literal(true), challenge: z.string() }),
]);

/** Mounts the sign-in routes. */
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
        200: {
          description:
            'A session token for `Authorization: Bearer`, or `{ totpRequired, challenge }` ' +
            'when the account has a second factor (then POST /api/auth/totp)',
          schema: LoginAnswerSchema,
        },
        401: 'The email or the password is wrong, or the account is paused',
      },
    },
    async (c) => {
      const body = await readJson(c, LoginSchema);

      const result = await c.env.ORGS.getByName(body.org).login({
        email: body.email,
        password: body.password,
      });
      if (!result.ok && result.code === 'totp_required') {
        return c.json({ totpRequired: true, challenge: result.challenge });
      }
      if (!result.ok) throw new ApiError('invalid_credentials', result.message);

      return c.json({ token: result.token });
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/totp',
      auth: 'public',
      tag: 'auth',
      summary: 'Complete a login with the code from the authenticator app or a recovery code',
      body: TotpLoginSchema,
      responses: {
        200: { description: 'A session token', schema: TokenSchema },
        401: 'The code is wrong, was used already, or the challenge has expired',
      },
    },
    async (c) => {
      const body = await readJson(c, TotpLoginSchema);
      const org = tokenOrg(body.challenge);
      if (!org) throw new ApiError('invalid_credentials', 'This sign-in has expired. Start again.');

      const result = await c.env.ORGS.getByName(org).completeTotpLogin(body);
      if (!result.ok) throw new ApiError('invalid_credentials', result.message);

      return c.json({ token: result.token });
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/accept-invitation',
      auth: 'public',
      tag: 'auth',
      summary: 'Set your password through a one-time invitation (valid 72 hours)',
      body: AcceptInvitationSchema,
      responses: {
        204: 'The password is set; log in with it',
        404: 'The invitation was used, has expired or does not exist',
        422: 'The password breaks the policy; `issues` says how',
      },
    },
    async (c) => {
      const body = await readJson(c, AcceptInvitationSchema);

      await acceptInvitation(c.env, body);

      return c.body(null, 204);
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/logout',
      auth: 'staff',
      action: 'own_account',
      enrolment: true,
      tag: 'auth',
      summary: 'End this session on the server',
      responses: { 204: 'The session is ended' },
    },
    async (c) => {
      await c.env.ORGS.getByName(c.get('user').org).logout(c.get('sessionToken'));

      return c.body(null, 204);
    },
  );
}
