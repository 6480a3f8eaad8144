/**
 * Use case: an admin invites a staff member. The account exists at once, without a password;
 * the answer carries a one-time link, valid 72 hours and shown this once. Touches only the
 * organisation's Durable Object.
 */
import type { AuditActor } from '../audit/chain';
import type { RoleSet } from '../auth/roles';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import type { StaffAccount } from '../store/org-object';

/** Input of `inviteUser`, after the role titles were normalised at the edge. */
export interface InviteUserOptions {
  org: string;
  email: string;
  roles: RoleSet;
  units: string[];
  actor: AuditActor;
}

/** The new account and its invitation. */
export interface Invitation {
  user: StaffAccount;
  invitation: { url: string; expiresAt: string };
}

/**
 * Creates the account and its invitation. The token travels in the URL's fragment, which
 * browsers never send to a server, so it cannot end up in an access log (RFC 3986 §3.5).
 */
export async function inviteUser(env: Env, options: InviteUserOptions): Promise<Invitation> {
  const result = await env.ORGS.getByName(options.org).inviteUser(
    { email: options.email, roles: options.roles, units: options.units },
    options.actor,
  );
  if (!result.ok) {
    if (result.code === 'already_exists') throw new ApiError('already_exists', result.message);
    if (result.code === 'validation_failed') {
      throw new ApiError('validation_failed', result.message, {
        issues: [{ path: 'units', message: result.message }],
      });
    }
    throw new ApiError('not_found', result.message);
  }

  return {
    user: result.user,
    invitation: {
      url: `/invite#${result.token}`,
      expiresAt: new Date(result.expiresAt).toISOString(),
    },
  };
}
