/**
 * The signed-in staff member: who they are, their second factor, their password and email.
 * Changing the second factor, the password or the email asks for the password again.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { parseTotpEnforcement, totpRequired } from '../../auth/lockout';
import { ROLES } from '../../auth/roles';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../staff/enrol-totp';
import type { ConfirmPasswordFailure } from '../../store/org/confirm-password';
import { ApiError } from '../errors';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { readJson } from '../validate';
import { PasswordSchema } from './auth';

export const MeSchema = z.object({
  id: z.string(),
  org: z.string(),
  email: z.string(),
  /** The case role, else admin. */
  role: z.enum(ROLES),
  /** Every role: one, or admin and a case role. */
  roles: z.array(z.enum(ROLES)),
  units: z.array(z.string()),
  totpEnabled: z.boolean(),
  mustEnrolTotp: z.boolean(),
});

export const StartTotpSchema = z.strictObject({ password: PasswordSchema });
export const ConfirmTotpSchema = z.strictObject({ code: z.string().min(6).max(10) });
export const ChangePasswordSchema = z.strictObject({
  currentPassword: PasswordSchema,
  newPassword: PasswordSchema,
});
export const ChangeEmailSchema = z.strictObject({
  email: z.email().max(254),
  password: PasswordSchema,
});

const PAUSED = 'Too many wrong passwords or codes: the account is paused until `until`';

/** Mounts the routes about the caller's own account. */
export function meRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/me',
      auth: 'staff',
      action: 'own_account',
      enrolment: true,
      tag: 'auth',
      summary: 'Who is signed in, and whether they must set up a second factor first',
      responses: { 200: { description: 'The staff member', schema: MeSchema } },
    },
    async (c) => {
      const user = c.get('user');
      const settings = await c.env.ORGS.getByName(user.org).settings();
      const enforcement = parseTotpEnforcement(c.env.TOTP_ENFORCEMENT);
      const required = totpRequired(enforcement, settings?.requireTotp ?? false);

      return c.json({
        id: user.id,
        org: user.org,
        email: user.email,
        role: user.role,
        roles: user.roles,
        units: user.units,
        totpEnabled: user.totpEnabled,
        mustEnrolTotp: required && !user.totpEnabled,
      });
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/me/totp',
      auth: 'staff',
      action: 'own_account',
      enrolment: true,
      tag: 'auth',
      summary: 'Start setting up (or replacing) TOTP: a new secret, its otpauth URI and QR code',
      body: StartTotpSchema,
      responses: {
        200: 'The secret, `otpauth://` URI and an SVG QR code; confirm with a first code',
        401: 'The password is wrong',
        423: PAUSED,
      },
    },
    async (c) => {
      const body = await readJson(c, StartTotpSchema);
      const user = c.get('user');

      const enrolment = await startTotpEnrolment(c.env, {
        org: user.org,
        userId: user.id,
        password: body.password,
      });

      return c.json(enrolment);
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/me/totp/confirm',
      auth: 'staff',
      action: 'own_account',
      enrolment: true,
      tag: 'auth',
      summary: 'Switch TOTP on with a first valid code; returns recovery codes, shown once',
      body: ConfirmTotpSchema,
      responses: {
        200: 'TOTP is on: `recoveryCodes` are shown this once',
        409: 'No enrolment was started',
        422: 'The code is wrong',
      },
    },
    async (c) => {
      const body = await readJson(c, ConfirmTotpSchema);
      const user = c.get('user');

      const result = await confirmTotpEnrolment(c.env, {
        org: user.org,
        code: body.code,
        actor: { id: user.id, role: user.role },
      });

      return c.json(result);
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/me/password',
      auth: 'staff',
      action: 'own_account',
      tag: 'auth',
      summary: 'Change your password; every session ends, this one included',
      body: ChangePasswordSchema,
      responses: {
        204: 'Changed; log in again',
        401: 'The current password is wrong',
        422: 'The new password breaks the policy',
        423: PAUSED,
      },
    },
    async (c) => {
      const body = await readJson(c, ChangePasswordSchema);
      const user = c.get('user');

      const result = await c.env.ORGS.getByName(user.org).changePassword(user.id, {
        current: body.currentPassword,
        next: body.newPassword,
      });
      if (!result.ok && result.code === 'password_policy') {
        throw new ApiError('validation_failed', result.message, {
          issues: [{ path: 'newPassword', message: result.message }],
        });
      }
      if (!result.ok) throw passwordRefused(result);

      return c.body(null, 204);
    },
  );

  defineRoute(
    app,
    {
      method: 'put',
      path: '/api/me/email',
      auth: 'staff',
      action: 'own_account',
      tag: 'auth',
      summary: 'Change your email (unique in the organisation); needs your password',
      body: ChangeEmailSchema,
      responses: {
        200: 'The account with its new email',
        401: 'The password is wrong',
        409: 'Another account has this email',
        423: PAUSED,
      },
    },
    async (c) => {
      const body = await readJson(c, ChangeEmailSchema);
      const user = c.get('user');

      const result = await c.env.ORGS.getByName(user.org).changeEmail(user.id, body);
      if (!result.ok && result.code === 'already_exists') {
        throw new ApiError('already_exists', result.message);
      }
      if (!result.ok) throw passwordRefused(result);

      return c.json({ id: result.user.id, email: result.user.email });
    },
  );
}

/**
 * The error for a password asked again and refused: 401 when it is wrong, 423 with the time the
 * pause ends when the account is paused after too many wrong passwords or codes.
 */
function passwordRefused(result: ConfirmPasswordFailure): ApiError {
  if (result.code === 'locked') {
    return new ApiError('locked', result.message, { until: new Date(result.until).toISOString() });
  }

  return new ApiError('invalid_credentials', result.message);
}
