/**
 * Enrolment of a staff member's second factor (columns `users.totp_secret`,
 * `totp_pending_secret`, `totp_last_step`) and its reset by an admin. Issues and removes
 * recovery codes, ends sessions on a reset, and audits both changes. The sign-in step that
 * checks a code is in login.ts. Touches `users`, `recovery_codes`, `sessions`, `audit`.
 */
import type { AuditActor } from '../../audit/chain';
import { burnPasswordCheck, verifyPassword } from '../../auth/password';
import { createRecoveryCodes, createTotpSecret, totpUri, verifyTotp } from '../../auth/totp';
import { NO_USER, userById, userStates } from './accounts';
import type { Failure } from './failure';
import { appendOrgAudit } from './org-audit';
import { deleteRecoveryCodes, RECOVERY_CODES, replaceRecoveryCodes } from './recovery-codes';
import { endSessions } from './sessions';
import { readSettings } from './settings';

/**
 * Starts (or restarts) enrolment of a second factor: a fresh secret from a CSPRNG, pending
 * until `confirmTotp` sees a first valid code. Needs the password again: a stolen session
 * must not be able to bind the account to an attacker's phone.
 */
export async function startTotp(
  sql: SqlStorage,
  userId: string,
  password: string,
): Promise<{ ok: true; secret: string; uri: string } | Failure<'invalid_credentials'>> {
  const row = userById(sql, userId);
  const check = row?.password_hash
    ? await verifyPassword(password, row.password_hash)
    : await burnPasswordCheck(password);
  const settings = readSettings(sql);
  if (!row || !check.ok || !settings) {
    return { ok: false, code: 'invalid_credentials', message: 'The password is wrong.' };
  }

  const secret = createTotpSecret();
  sql.exec('UPDATE users SET totp_pending_secret = ? WHERE id = ?', secret, userId);

  return {
    ok: true,
    secret,
    uri: totpUri({ secret, account: row.email, issuer: settings.name }),
  };
}

/**
 * Switches the pending second factor on after a first valid code, and issues recovery codes
 * (returned once, stored as keyed hashes). Replaces any earlier factor and its codes. The
 * pending secret is read again after the await, so a restarted enrolment is not switched on
 * with a code for the secret it replaced.
 */
export async function confirmTotp(
  storage: DurableObjectStorage,
  serverSecret: string,
  userId: string,
  code: string,
  actor: AuditActor,
): Promise<{ ok: true; recoveryCodes: string[] } | Failure<'no_enrolment' | 'invalid_code'>> {
  const sql = storage.sql;
  const row = userById(sql, userId);
  const pending = row?.totp_pending_secret;
  if (!row || !pending) {
    return {
      ok: false,
      code: 'no_enrolment',
      message: 'Start with POST /api/me/totp, then confirm with a code.',
    };
  }

  const now = Date.now();
  const verdict = await verifyTotp({ secret: pending, code, now, lastTimeStep: null });

  const fresh = userById(sql, userId);
  if (!verdict.ok || fresh?.totp_pending_secret !== pending) {
    return { ok: false, code: 'invalid_code', message: 'The code is wrong. Try the next one.' };
  }
  const codes = createRecoveryCodes(RECOVERY_CODES);
  storage.transactionSync(() => {
    sql.exec(
      'UPDATE users SET totp_secret = ?, totp_pending_secret = NULL, totp_last_step = ?, updated_at = ? WHERE id = ?',
      pending,
      verdict.timeStep,
      now,
      userId,
    );
    replaceRecoveryCodes(sql, serverSecret, userId, codes, now);
    appendOrgAudit(
      sql,
      actor,
      'TOTP_ENABLED',
      userStates(row),
      userStates(userById(sql, userId)!),
      {
        userId,
      },
    );
  });

  return { ok: true, recoveryCodes: codes };
}

/**
 * Removes an account's second factor and recovery codes (an admin helping someone who lost
 * their phone) and ends their sessions; they enrol again at their next login.
 */
export function resetTotp(
  storage: DurableObjectStorage,
  id: string,
  actor: AuditActor,
): { ok: true } | Failure<'not_found'> {
  const sql = storage.sql;
  const row = userById(sql, id);
  if (!row) return NO_USER;

  const now = Date.now();
  storage.transactionSync(() => {
    sql.exec(
      'UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL, updated_at = ? WHERE id = ?',
      now,
      id,
    );
    deleteRecoveryCodes(sql, id);
    endSessions(sql, id, 'totp_reset', now);
    appendOrgAudit(sql, actor, 'TOTP_RESET', userStates(row), userStates(userById(sql, id)!), {
      userId: id,
    });
  });

  return { ok: true };
}
