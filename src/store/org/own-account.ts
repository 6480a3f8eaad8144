/**
 * Changes a staff member makes to their own account: password and email. Each needs the
 * current password; a wrong one and a missing account take the same one PBKDF2 derivation.
 * Touches `users`, `sessions`, `audit`.
 */
import {
  burnPasswordCheck,
  checkPasswordPolicy,
  hashPassword,
  verifyPassword,
} from '../../auth/password';
import type { StaffAccount } from './accounts';
import { toAccount, userByEmail, userById, userStates } from './accounts';
import type { Failure } from './failure';
import { appendOrgAudit } from './org-audit';
import { endSessions } from './sessions';

/** Changes one's own password (the current one is required); ends every session. */
export async function changePassword(
  storage: DurableObjectStorage,
  userId: string,
  input: { current: string; next: string },
): Promise<{ ok: true } | Failure<'invalid_credentials' | 'password_policy'>> {
  const sql = storage.sql;
  const row = userById(sql, userId);
  const check = row?.password_hash
    ? await verifyPassword(input.current, row.password_hash)
    : await burnPasswordCheck(input.current);
  if (!row || !check.ok) {
    return { ok: false, code: 'invalid_credentials', message: 'The current password is wrong.' };
  }
  const policy = checkPasswordPolicy(input.next, { email: row.email });
  if (!policy.ok) return { ok: false, code: 'password_policy', message: policy.message };

  const passwordHash = await hashPassword(input.next);

  const now = Date.now();
  storage.transactionSync(() => {
    sql.exec(
      'UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?',
      passwordHash,
      now,
      userId,
    );
    endSessions(sql, userId, 'password_changed', now);
    const states = userStates(row);
    appendOrgAudit(sql, { id: userId, role: row.role }, 'PASSWORD_CHANGED', states, states, {
      userId,
    });
  });

  return { ok: true };
}

/** Changes one's own email (the password is required); unique within the organisation. */
export async function changeEmail(
  storage: DurableObjectStorage,
  userId: string,
  input: { email: string; password: string },
): Promise<{ ok: true; user: StaffAccount } | Failure<'invalid_credentials' | 'already_exists'>> {
  const sql = storage.sql;
  const row = userById(sql, userId);
  const check = row?.password_hash
    ? await verifyPassword(input.password, row.password_hash)
    : await burnPasswordCheck(input.password);
  if (!row || !check.ok) {
    return { ok: false, code: 'invalid_credentials', message: 'The password is wrong.' };
  }
  const email = input.email.toLowerCase();
  const holder = userByEmail(sql, email);
  if (holder && holder.id !== userId) {
    return { ok: false, code: 'already_exists', message: 'A user with this email exists.' };
  }

  storage.transactionSync(() => {
    sql.exec('UPDATE users SET email = ?, updated_at = ? WHERE id = ?', email, Date.now(), userId);
    const states = userStates(row);
    appendOrgAudit(sql, { id: userId, role: row.role }, 'EMAIL_CHANGED', states, states, {
      userId,
    });
  });

  return { ok: true, user: toAccount(sql, userById(sql, userId)!) };
}
