/**
 * Enrolment of a staff member's second factor (columns `users.totp_secret`,
 * `totp_pending_secret`, `totp_last_step`) and its reset by an admin. Issues and removes
 * recovery codes, ends sessions on a reset, and audits both changes. The sign-in step that
 * checks a code is in login.ts. Touches `users`, `recovery_codes`, `sessions`, `audit`, and
 * `denials` for a wrong password (confirm-password.ts).
 *
 * Both secrets are stored sealed (`sealTotpSecret`): AES-256-GCM under a key derived from
 * SERVER_SECRET, bound to the organisation and the account, so a copy of the database alone
 * does not give anyone the codes. Rows written before that hold the base32 secret as is; they
 * are still read, and sealed on their next successful use.
 */
import type { AuditActor } from '../../audit/chain';
import { deriveSecretBoxKey, isSealed, openSecret, sealSecret } from '../../auth/secret-box';
import { createRecoveryCodes, createTotpSecret, totpUri, verifyTotp } from '../../auth/totp';
import { log } from '../../log';
import { NO_USER, userById, userStates } from './accounts';
import type { ConfirmPasswordFailure } from './confirm-password';
import { confirmPassword, REAUTH_ROUTES } from './confirm-password';
import type { Failure } from './failure';
import { appendOrgAudit } from './org-audit';
import { deleteRecoveryCodes, RECOVERY_CODES, replaceRecoveryCodes } from './recovery-codes';
import { endSessions } from './sessions';
import { readSettings } from './settings';

/** HKDF `info` of the key that seals TOTP secrets; a new scheme gets a new version. */
const TOTP_SECRET_PURPOSE = 'whispr totp secret v1';

/** A base32 secret as `createTotpSecret` wrote it before secrets were sealed (RFC 4648 §6). */
const LEGACY_SECRET = /^[A-Z2-7]+=*$/;

/** Whose secret a sealed value is, so a value copied to another account's row does not open. */
function totpSecretAad(orgSlug: string, userId: string): string {
  return JSON.stringify(['totp', orgSlug, userId]);
}

/** A TOTP secret sealed for this account, in the form stored in `users` (`v1.<iv>.<ct>`). */
export async function sealTotpSecret(
  serverSecret: string,
  orgSlug: string,
  userId: string,
  secret: string,
): Promise<string> {
  const key = await deriveSecretBoxKey(serverSecret, TOTP_SECRET_PURPOSE);

  return sealSecret(key, secret, totpSecretAad(orgSlug, userId));
}

/**
 * The base32 secret behind a stored `totp_secret` or `totp_pending_secret`. `legacy` marks a
 * row stored before sealing, for the caller to seal on its next successful use. A value that
 * does not open (another SERVER_SECRET, a changed byte, another account's row) is logged for
 * the operator and refused.
 */
export async function openTotpSecret(
  serverSecret: string,
  orgSlug: string,
  userId: string,
  stored: string,
): Promise<{ ok: true; secret: string; legacy: boolean } | { ok: false }> {
  if (!isSealed(stored)) {
    if (LEGACY_SECRET.test(stored)) return { ok: true, secret: stored, legacy: true };
    log('error', 'totp_secret_unreadable', { userId, reason: 'malformed' });
    return { ok: false };
  }

  const key = await deriveSecretBoxKey(serverSecret, TOTP_SECRET_PURPOSE);
  const opened = await openSecret(key, stored, totpSecretAad(orgSlug, userId));
  if (!opened.ok) {
    log('error', 'totp_secret_unreadable', { userId, reason: opened.reason });
    return { ok: false };
  }

  return { ok: true, secret: opened.plaintext, legacy: false };
}

/**
 * Starts (or restarts) enrolment of a second factor: a fresh secret from a CSPRNG, pending
 * until `confirmTotp` sees a first valid code. Needs the password again: a stolen session
 * must not be able to bind the account to an attacker's phone.
 */
export async function startTotp(
  sql: SqlStorage,
  serverSecret: string,
  userId: string,
  password: string,
): Promise<{ ok: true; secret: string; uri: string } | ConfirmPasswordFailure> {
  const wrong = 'The password is wrong.';
  const check = await confirmPassword(sql, userId, password, REAUTH_ROUTES.startTotp, wrong);
  const settings = readSettings(sql);
  if (!check.ok) return check;
  if (!settings) return { ok: false, code: 'invalid_credentials', message: wrong };

  const row = check.row;

  const secret = createTotpSecret();
  const sealed = await sealTotpSecret(serverSecret, settings.slug, userId, secret);
  sql.exec('UPDATE users SET totp_pending_secret = ? WHERE id = ?', sealed, userId);

  return {
    ok: true,
    secret,
    uri: totpUri({ secret, account: row.email, issuer: settings.name }),
  };
}

/**
 * Switches the pending second factor on after a first valid code, and issues recovery codes
 * (returned once, stored as keyed hashes). Replaces any earlier factor and its codes. The
 * pending secret is read again after the awaits, so a restarted enrolment is not switched on
 * with a code for the secret it replaced (each sealing has a fresh IV, so a restart changes
 * the stored value even in the same millisecond).
 */
export async function confirmTotp(
  storage: DurableObjectStorage,
  serverSecret: string,
  userId: string,
  code: string,
  actor: AuditActor,
): Promise<{ ok: true; recoveryCodes: string[] } | Failure<'no_enrolment' | 'invalid_code'>> {
  const sql = storage.sql;
  const settings = readSettings(sql);
  const row = userById(sql, userId);
  const pending = row?.totp_pending_secret;
  if (!settings || !row || !pending) {
    return {
      ok: false,
      code: 'no_enrolment',
      message: 'Start with POST /api/me/totp, then confirm with a code.',
    };
  }

  const now = Date.now();
  const opened = await openTotpSecret(serverSecret, settings.slug, userId, pending);
  if (!opened.ok) {
    return {
      ok: false,
      code: 'no_enrolment',
      message: 'This enrolment can no longer be read. Start again with POST /api/me/totp.',
    };
  }
  const verdict = await verifyTotp({ secret: opened.secret, code, now, lastTimeStep: null });
  const sealed =
    verdict.ok && opened.legacy
      ? await sealTotpSecret(serverSecret, settings.slug, userId, opened.secret)
      : pending;

  // Synchronous from here to the end: re-read what the awaits may have let others change.
  const fresh = userById(sql, userId);
  if (!verdict.ok || fresh?.totp_pending_secret !== pending) {
    return { ok: false, code: 'invalid_code', message: 'The code is wrong. Try the next one.' };
  }
  const codes = createRecoveryCodes(RECOVERY_CODES);
  storage.transactionSync(() => {
    sql.exec(
      'UPDATE users SET totp_secret = ?, totp_pending_secret = NULL, totp_last_step = ?, ' +
        'updated_at = ? WHERE id = ?',
      sealed,
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
      'UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL, ' +
        'updated_at = ? WHERE id = ?',
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
