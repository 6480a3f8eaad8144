/**
 * Changes to staff accounts made by an admin (and by the demo seed): adding an account with a
 * password, and changing a role, units or the disabled flag. Invitations are in
 * invitations.ts, a member's own changes in own-account.ts. Touches `users`, `sessions`,
 * `audit`.
 */
import type { AuditActor } from '../../audit/chain';
import { hashPassword } from '../../auth/password';
import type { StaffRole } from '../../auth/permissions';
import { randomToken } from '../../auth/tokens';
import type { StaffAccount } from './accounts';
import {
  activeAdmins,
  isActiveAdmin,
  NO_USER,
  toAccount,
  unknownUnits,
  userByEmail,
  userById,
  userStates,
} from './accounts';
import type { Failure } from './failure';
import { appendOrgAudit } from './org-audit';
import { endSessions } from './sessions';

/** Changes an admin may make to an account. */
export interface UserChanges {
  role?: StaffRole | undefined;
  units?: string[] | undefined;
  disabled?: boolean | undefined;
}

/**
 * Adds a staff member with a password, without an invitation: demo seeding and tests only
 * (real accounts come through `inviteUser`). Idempotent by email: `INSERT OR IGNORE` after
 * the await, so a concurrent add of the same email keeps the first account.
 */
export async function addUser(
  sql: SqlStorage,
  user: {
    email: string;
    role: StaffRole;
    units?: string[];
    displayName?: string;
    password: string;
  },
): Promise<{ id: string; created: boolean }> {
  const email = user.email.toLowerCase();
  const existing = userByEmail(sql, email);
  if (existing) return { id: existing.id, created: false };

  const passwordHash = await hashPassword(user.password);
  const id = `u_${randomToken(16)}`;
  const now = Date.now();
  sql.exec(
    'INSERT OR IGNORE INTO users (id, email, display_name, role, units, password_hash, ' +
      'created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    id,
    email,
    user.displayName ?? null,
    user.role,
    JSON.stringify(user.units ?? []),
    passwordHash,
    now,
    now,
  );
  const stored = userByEmail(sql, email);

  return { id: stored?.id ?? id, created: stored?.id === id };
}

/**
 * Changes an account's role, units or disabled flag. A change of role and a disabling end
 * every session of the account at once. Nobody changes their own role or units or disables
 * themselves: an admin could otherwise make themselves a compliance lead and read every case,
 * or widen their own scope, with no second person involved. The last active admin cannot be
 * demoted or disabled, so an organisation cannot lock itself out of its own settings.
 */
export function updateUser(
  storage: DurableObjectStorage,
  id: string,
  changes: UserChanges,
  actor: AuditActor,
):
  | { ok: true; user: StaffAccount }
  | Failure<'not_found' | 'forbidden' | 'last_admin' | 'validation_failed'> {
  const sql = storage.sql;
  const row = userById(sql, id);
  if (!row) return NO_USER;
  const roleChange = changes.role !== undefined && changes.role !== row.role;
  const unitsChange = changes.units !== undefined && JSON.stringify(changes.units) !== row.units;
  if (actor.id === id && (roleChange || unitsChange || (changes.disabled && !row.disabled))) {
    return {
      ok: false,
      code: 'forbidden',
      message: 'You cannot change your own role or units, or disable yourself. Ask another admin.',
    };
  }
  if (changes.units) {
    const unknown = unknownUnits(sql, changes.units);
    if (unknown) return unknown;
  }
  const role = changes.role ?? (row.role as StaffRole);
  const disabled = changes.disabled ?? row.disabled === 1;
  const losesAdmin = isActiveAdmin(row) && (role !== 'admin' || disabled);
  if (losesAdmin && activeAdmins(sql) <= 1) {
    return {
      ok: false,
      code: 'last_admin',
      message: 'This is the last active admin. Make someone else an admin first.',
    };
  }

  const now = Date.now();
  storage.transactionSync(() => {
    sql.exec(
      'UPDATE users SET role = ?, units = ?, disabled = ?, updated_at = ? WHERE id = ?',
      role,
      JSON.stringify(changes.units ?? JSON.parse(row.units)),
      disabled ? 1 : 0,
      now,
      id,
    );
    if (disabled && !row.disabled) endSessions(sql, id, 'user_disabled', now);
    else if (role !== row.role) endSessions(sql, id, 'role_changed', now);
    const after = userById(sql, id)!;
    appendOrgAudit(sql, actor, 'USER_UPDATED', userStates(row), userStates(after), {
      userId: id,
      ...(changes.units ? { units: changes.units } : {}),
    });
  });

  return { ok: true, user: toAccount(sql, userById(sql, id)!) };
}
