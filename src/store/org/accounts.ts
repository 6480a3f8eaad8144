/**
 * Staff accounts as stored (table `users`) and as the rest of the Worker sees them: row
 * lookups, the mapping to `StaffUser` / `StaffAccount`, and the facts that guard account
 * changes (known units, the count of enabled admins). Read-only: writes live in the modules
 * that own each change (staff.ts, invitations.ts, totp.ts, login-throttle.ts, login.ts).
 */
import type { StaffRole } from '../../auth/permissions';
import type { RoleSet } from '../../auth/roles';
import { caseRoleOf, primaryRole } from '../../auth/roles';
import type { Failure } from './failure';
import { readSettings } from './settings';

/** A staff member as every request sees them. */
export interface StaffUser {
  id: string;
  org: string;
  email: string;
  displayName: string | null;
  /** The case role, else admin: what the API shows as `role` and case events record. */
  role: StaffRole;
  /** Every role the account holds: one role, or admin and one case role (a `RoleSet`). */
  roles: readonly StaffRole[];
  units: string[];
  totpEnabled: boolean;
}

/** A staff member as the admin API lists them. */
export interface StaffAccount extends StaffUser {
  disabled: boolean;
  /** `invited` until the invitation is accepted and a password set. */
  status: 'invited' | 'active' | 'disabled';
}

/** A row of `users`. Secrets in it are hashes (password) or stay in the object (TOTP). */
export type UserRow = {
  id: string;
  email: string;
  display_name: string | null;
  /** The case role, or `admin` for an account with no case role. */
  role: string;
  /** 1 when the account is an admin (always so when `role` is `admin`). */
  admin: number;
  units: string;
  password_hash: string | null;
  disabled: number;
  failed_logins: number;
  locked_until: number;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: number | null;
};

/** The answer for an account id that does not exist. */
export const NO_USER = { ok: false, code: 'not_found', message: 'No such user.' } as const;

/** The account with this email (already lower-cased), if any. */
export function userByEmail(sql: SqlStorage, email: string): UserRow | undefined {
  return sql.exec<UserRow>('SELECT * FROM users WHERE email = ?', email).toArray()[0];
}

/** The account with this id, if any. */
export function userById(sql: SqlStorage, id: string): UserRow | undefined {
  return sql.exec<UserRow>('SELECT * FROM users WHERE id = ?', id).toArray()[0];
}

/** Every account, ordered by email. */
export function listAccounts(sql: SqlStorage): StaffAccount[] {
  return sql
    .exec<UserRow>('SELECT * FROM users ORDER BY email')
    .toArray()
    .map((row) => toAccount(sql, row));
}

/** The roles a row holds. */
export function rowRoles(row: Pick<UserRow, 'role' | 'admin'>): RoleSet {
  const role = row.role as StaffRole;
  const caseRole = caseRoleOf([role]);
  if (caseRole === null) return ['admin'];

  return row.admin === 1 ? ['admin', caseRole] : [caseRole];
}

/** The columns that store a set of roles: `role` (case role, else admin) and `admin`. */
export function roleColumns(roles: RoleSet): { role: StaffRole; admin: 0 | 1 } {
  return { role: primaryRole(roles), admin: roles.includes('admin') ? 1 : 0 };
}

/** The row as a `StaffUser`, stamped with the organisation's slug. */
export function toUser(sql: SqlStorage, row: UserRow): StaffUser {
  return {
    id: row.id,
    org: readSettings(sql)?.slug ?? '',
    email: row.email,
    displayName: row.display_name,
    role: primaryRole(rowRoles(row)),
    roles: rowRoles(row),
    units: JSON.parse(row.units) as string[],
    totpEnabled: row.totp_secret !== null,
  };
}

/** The row as a `StaffAccount`, with its status for the admin API. */
export function toAccount(sql: SqlStorage, row: UserRow): StaffAccount {
  const disabled = row.disabled === 1;

  return {
    ...toUser(sql, row),
    disabled,
    status: disabled ? 'disabled' : row.password_hash ? 'active' : 'invited',
  };
}

/**
 * An account's region states for audit records: role (as the API shows it), every role
 * (`admin+handler`), status and second factor; no secrets.
 */
export function userStates(row: UserRow): Record<string, string> {
  return {
    role: row.role,
    roles: rowRoles(row).join('+'),
    status: row.disabled ? 'disabled' : row.password_hash ? 'active' : 'invited',
    totp: row.totp_secret ? 'on' : 'off',
  };
}

/** A validation failure naming the units the organisation does not have, or null. */
export function unknownUnits(
  sql: SqlStorage,
  units: string[],
): Failure<'validation_failed'> | null {
  const known = new Set(readSettings(sql)?.units ?? []);
  const unknown = units.filter((unit) => !known.has(unit));
  if (unknown.length === 0) return null;

  return {
    ok: false,
    code: 'validation_failed',
    message: `Unknown units: ${unknown.join(', ')}. Use units the organisation has.`,
  };
}

/** Can this account act as an admin now: an admin, not disabled, its invitation accepted? */
export function isActiveAdmin(row: UserRow): boolean {
  return row.admin === 1 && row.disabled === 0 && row.password_hash !== null;
}

/**
 * How many admins can act now: not disabled, and with a password. An invited admin who never
 * accepted cannot sign in, so counting them would let the last real admin step down.
 */
export function activeAdmins(sql: SqlStorage): number {
  return (
    sql
      .exec<{ n: number }>(
        'SELECT COUNT(*) AS n FROM users WHERE admin = 1 AND disabled = 0 ' +
          'AND password_hash IS NOT NULL',
      )
      .toArray()[0]?.n ?? 0
  );
}
