/**
 * Use case: an admin changes a staff member's roles, units or disabled flag. New roles or a
 * disabling end all their sessions at once (org-object.ts). Touches only the organisation's
 * Durable Object.
 */
import type { AuditActor } from '../audit/chain';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import type { StaffAccount, UserChanges } from '../store/org-object';

/** Input of `updateUser`. */
export interface UpdateUserOptions {
  org: string;
  id: string;
  changes: UserChanges;
  actor: AuditActor;
}

/**
 * Applies the changes; an id of another organisation answers 404 like a missing one, a change
 * to one's own account 403.
 */
export async function updateUser(env: Env, options: UpdateUserOptions): Promise<StaffAccount> {
  const result = await env.ORGS.getByName(options.org).updateUser(
    options.id,
    options.changes,
    options.actor,
  );
  if (result.ok) return result.user;
  if (result.code === 'not_found') throw notFound('user');
  if (result.code === 'forbidden') throw new ApiError('forbidden', result.message);
  if (result.code === 'last_admin') throw new ApiError('transition_refused', result.message);

  throw new ApiError('validation_failed', result.message, {
    issues: [{ path: 'units', message: result.message }],
  });
}
