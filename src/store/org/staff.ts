/**
 * Changes to staff accounts made by an admin (and by the demo seed): adding an account with a
 * password, and changing its roles, units or the disabled flag. Invitations are in
 * invitations.ts, a member's own changes in own-account.ts. Touches `users`, `sessions`,
 * `audit`.
 */
import type { AuditActor } from '../../audit/chain';
import { hashPassword } from '../../auth/password';
import type { StaffRole } from '../../auth/permissions';
import type { RoleSet } from '../../auth/roles';
import { randomToken } from '../../auth/tokens';
import type { StaffAccount } from './accounts';
import {
  activeAdmins,
  isActiveAdmin,
  NO_USER,
  roleColumns,
  rowRoles,
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
  roles?: RoleSet | undefined;
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
    /** One role, or admin and a case role. */
    role: StaffRole | RoleSet;
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
  const { role, admin } = roleColumns(typeof user.role === 'string' ? [user.role] : user.role);
  sql.exec(
    'INSERT OR IGNORE INTO users (id, email, display_name, role, admin, units, password_hash, ' +
      'created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    id,
    email,
    user.displayName ?? null,
    role,
    admin,
    JSON.stringify(user.units ?? []),
    passwordHash,
    now,
    now,
  );
  const stored = userByEmail(sql, email);

  return { id: stored?.id ?? id, created: stored?.id === id };
}

/**
 * Changes an account's roles, units or disabled flag. A change of the set of roles and a
 * disabling end every session of the account at once. Nobody changes their own roles or
 * units or disables themselves: an admin could otherwise give themselves a case role and
 * read every case, or widen their own scope, with no second person involved. The last active
 * admin cannot be demoted or disabled, so an organisation cannot lock itself out of its own
 * settings.
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
  const before = rowRoles(row);
  const roles = changes.roles ?? before;
  const units = changes.units ?? (JSON.parse(row.units) as string[]);
  const disabled = changes.disabled ?? row.disabled === 1;
  const rolesChange = roles.join('+') !== before.join('+');
  const unitsChange = JSON.stringify(units) !== row.units;
  if (actor.id === id && (rolesChange || unitsChange || (disabled && !row.disabled))) {
    return {
      ok: false,
      code: 'forbidden',
      message: 'You cannot change your own roles or units, or disable yourself. Ask another admin.',
    };
  }
  if (changes.units) {
    const unknown = unknownUnits(sql, changes.units);
    if (unknown) return unknown;
  }
  const { role, admin } = roleColumns(roles);
  const losesAdmin = isActiveAdmin(row) && (admin === 0 || disabled);
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
      'UPDATE users SET role = ?, admin = ?, units = ?, disabled = ?, updated_at = ? WHERE id = ?',
      role,
      admin,
      JSON.stringify(units),
      disabled ? 1 : 0,
      now,
      id,
    );
    if (disabled && !row.disabled) endSessions(sql, id, 'user_disabled', now);
    else if (rolesChange) endSessions(sql, id, 'role_changed', now);
    const after = userById(sql, id)!;
    appendOrgAudit(sql, actor, 'USER_UPDATED', userStates(row), userStates(after), {
      userId: id,
      ...(changes.units ? { units: changes.units } : {}),
    });
  });

  return { ok: true, user: toAccount(sql, userById(sql, id)!) };
}
