/**
 * Use case: an invited staff member sets their password through the one-time link. Touches
 * only the organisation's Durable Object.
 */
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { tokenOrg } from '../http/middleware/staff-auth';

/** Input of `acceptInvitation`: the token from the link's fragment and the new password. */
export interface AcceptInvitationOptions {
  org: string;
  token: string;
  password: string;
}

/**
 * Sets the password; a used, expired, unknown or other organisation's token answers 404, all
 * alike. A password that breaks the policy is a 422 naming the field and saying why.
 */
export async function acceptInvitation(env: Env, options: AcceptInvitationOptions): Promise<void> {
  if (tokenOrg(options.token) !== options.org) throw invalid();

  const result = await env.ORGS.getByName(options.org).acceptInvitation({
    token: options.token,
    password: options.password,
  });
  if (result.ok) return;
  if (result.code === 'password_policy') {
    throw new ApiError('validation_failed', result.message, {
      issues: [{ path: 'password', message: result.message }],
    });
  }

  throw invalid();
}

function invalid(): ApiError {
  return new ApiError(
    'not_found',
    'This invitation is not valid: it was used or has expired. Ask an admin for a new one.',
  );
}
