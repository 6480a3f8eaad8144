/**
 * Invitations of staff (table `invitations`): the only way a real account is created. The
 * account exists without a password until its one-time link is accepted. Only the token's
 * keyed hash is stored. Touches `users`, `invitations`, `audit`.
 */
import type { AuditActor } from '../../audit/chain';
import { checkPasswordPolicy, hashPassword } from '../../auth/password';
import type { RoleSet } from '../../auth/roles';
import { randomToken } from '../../auth/tokens';
import type { StaffAccount } from './accounts';
import {
  roleColumns,
  toAccount,
  unknownUnits,
  userByEmail,
  userById,
  userStates,
} from './accounts';
import type { Failure } from './failure';
import { keyedHash } from './keyed-hash';
import { appendOrgAudit } from './org-audit';
import { readSettings } from './settings';

/** Validity of an invitation link: 72 hours. */
export const INVITATION_LIFETIME_MS = 72 * 60 * 60 * 1000;

/** The unused, unexpired invitation with this token hash, if any. */
function findInvitation(sql: SqlStorage, tokenHash: string): { user_id: string } | undefined {
  return sql
    .exec<{ user_id: string }>(
      'SELECT user_id FROM invitations WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?',
      tokenHash,
      Date.now(),
    )
    .toArray()[0];
}

/**
 * Invites a staff member: the account exists without a password until they accept the
 * one-time invitation (72 hours). Only the token's keyed hash is stored; the caller shows
 * the token once.
 */
export function inviteUser(
  storage: DurableObjectStorage,
  serverSecret: string,
  input: { email: string; roles: RoleSet; units: string[] },
  actor: AuditActor,
):
  | { ok: true; user: StaffAccount; token: string; expiresAt: number }
  | Failure<'already_exists' | 'validation_failed' | 'not_found'> {
  const sql = storage.sql;
  const settings = readSettings(sql);
  if (!settings) return { ok: false, code: 'not_found', message: 'No such organisation.' };
  const email = input.email.toLowerCase();
  if (userByEmail(sql, email)) {
    return { ok: false, code: 'already_exists', message: 'A user with this email exists.' };
  }
  const unknown = unknownUnits(sql, input.units);
  if (unknown) return unknown;

  const id = `u_${randomToken(16)}`;
  const token = `${settings.slug}.${randomToken(32)}`;
  const now = Date.now();
  const expiresAt = now + INVITATION_LIFETIME_MS;
  const { role, admin } = roleColumns(input.roles);
  storage.transactionSync(() => {
    sql.exec(
      'INSERT INTO users (id, email, role, admin, units, created_at, updated_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?)',
      id,
      email,
      role,
      admin,
      JSON.stringify(input.units),
      now,
      now,
    );
    sql.exec(
      'INSERT INTO invitations (token_hash, user_id, expires_at) VALUES (?, ?, ?)',
      keyedHash(serverSecret, 'invite', token),
      id,
      expiresAt,
    );
    const row = userById(sql, id)!;
    appendOrgAudit(sql, actor, 'USER_INVITED', null, userStates(row), {
      userId: id,
      units: input.units,
    });
  });

  return { ok: true, user: toAccount(sql, userById(sql, id)!), token, expiresAt };
}

/** One answer for an unknown, used or expired invitation. */
export const INVALID_INVITATION = {
  ok: false,
  code: 'invalid_invitation',
  message: 'This invitation is not valid: it was used or has expired. Ask for a new one.',
} as const;

/**
 * Sets the password of an invited account; the invitation works once, within 72 hours. The
 * invitation is looked up again after the password derivation (the only await), so of two
 * concurrent acceptances only one sets a password.
 */
export async function acceptInvitation(
  storage: DurableObjectStorage,
  serverSecret: string,
  input: { token: string; password: string },
): Promise<{ ok: true } | Failure<'invalid_invitation' | 'password_policy'>> {
  const sql = storage.sql;
  const invalid = INVALID_INVITATION;
  const tokenHash = keyedHash(serverSecret, 'invite', input.token);
  const invitation = findInvitation(sql, tokenHash);
  const row = invitation && userById(sql, invitation.user_id);
  if (!invitation || !row || row.password_hash || row.disabled) return invalid;
  const policy = checkPasswordPolicy(input.password, { email: row.email });
  if (!policy.ok) return { ok: false, code: 'password_policy', message: policy.message };

  const passwordHash = await hashPassword(input.password);

  const still = findInvitation(sql, tokenHash);
  if (!still) return invalid;
  storage.transactionSync(() => {
    const now = Date.now();
    sql.exec('UPDATE invitations SET used_at = ? WHERE token_hash = ?', now, tokenHash);
    sql.exec(
      'UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash IS NULL',
      passwordHash,
      now,
      row.id,
    );
    const after = userById(sql, row.id)!;
    appendOrgAudit(
      sql,
      { id: row.id, role: row.role },
      'INVITATION_ACCEPTED',
      userStates(row),
      { ...userStates(after) },
      { userId: row.id },
    );
  });

  return { ok: true };
}
