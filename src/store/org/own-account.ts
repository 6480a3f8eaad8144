/**
 * Changes a staff member makes to their own account: password and email. Each needs the
 * current password, checked on the sign-in throttle (confirm-password.ts).
 * Touches `users`, `sessions`, `login_challenges` (through `endSessions`), `audit`, `denials`.
 */
import { checkPasswordPolicy, hashPassword } from '../../auth/password';
import type { StaffAccount } from './accounts';
import { toAccount, userByEmail, userById, userStates } from './accounts';
import type { ConfirmPasswordFailure } from './confirm-password';
import { confirmPassword, REAUTH_ROUTES } from './confirm-password';
import type { Failure } from './failure';
import { appendOrgAudit } from './org-audit';
import { endSessions } from './sessions';

const WRONG_CURRENT = 'The current password is wrong.';
const WRONG_PASSWORD = 'The password is wrong.';

/** Changes one's own password (the current one is required); ends every session. */
export async function changePassword(
  storage: DurableObjectStorage,
  userId: string,
  input: { current: string; next: string },
): Promise<{ ok: true } | ConfirmPasswordFailure | Failure<'password_policy'>> {
  const sql = storage.sql;
  const route = REAUTH_ROUTES.changePassword;
  const check = await confirmPassword(sql, userId, input.current, route, WRONG_CURRENT);
  if (!check.ok) return check;
  const row = check.row;
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
): Promise<{ ok: true; user: StaffAccount } | ConfirmPasswordFailure | Failure<'already_exists'>> {
  const sql = storage.sql;
  const route = REAUTH_ROUTES.changeEmail;
  const check = await confirmPassword(sql, userId, input.password, route, WRONG_PASSWORD);
  if (!check.ok) return check;
  const row = check.row;
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
