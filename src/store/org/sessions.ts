/**
 * Staff sessions (tables `sessions` and `ended_sessions`): opening one after a sign-in,
 * answering who holds a token on every staff request, and ending sessions (logout, expiry,
 * a disabled account, a changed role, password or second factor). Tokens are stored only as
 * keyed hashes. Touches `sessions`, `ended_sessions`, `login_challenges` (an account's open
 * challenge goes with its sessions); reads `users`; writes `denials`.
 *
 * Every function is synchronous: `authenticate` checks and refreshes a session without an
 * await, so no other request can end the session between the check and the refresh.
 */
import { parseTotpEnforcement, totpRequired } from '../../auth/lockout';
import { randomToken } from '../../auth/tokens';
import { log } from '../../log';
import type { StaffUser } from './accounts';
import { toUser, userById } from './accounts';
import type { RequestInfo } from './denials';
import { denyUser } from './denials';
import { keyedHash } from './keyed-hash';
import { deleteChallengesOf } from './login-challenges';
import { readSettings } from './settings';

/** Idle timeout of a staff session: 30 minutes without a request. */

/** How precisely the idle timeout is measured, in ms (it is 30 minutes long). */
const IDLE_CLOCK_RESOLUTION_MS = 60_000;
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** Absolute lifetime of a staff session: 12 hours, whatever the activity. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** Who is calling, or why the session was refused (`session_ended:<why>`, `unknown_session`). */
export type AuthResult =
  { ok: true; user: StaffUser; mustEnrolTotp: boolean } | { ok: false; reason: string };

/** Opens a session for the account and returns its bearer token `<org>.<secret>`. */
export function openSession(
  sql: SqlStorage,
  serverSecret: string,
  userId: string,
  now: number,
): string {
  const token = `${readSettings(sql)?.slug}.${randomToken(32)}`;
  // Ended sessions are kept only while a request with them could still arrive.
  sql.exec('DELETE FROM ended_sessions WHERE ended_at < ?', now - SESSION_LIFETIME_MS);
  sql.exec(
    'INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ' +
      '?, ?, ?, ?)',
    keyedHash(serverSecret, 'session', token),
    userId,
    now,
    now,
    now + SESSION_LIFETIME_MS,
  );

  return token;
}

/** Ends one session, keeping whose it was and why so a later request with it can say so. */
export function endSession(
  sql: SqlStorage,
  hash: string,
  userId: string,
  reason: string,
  now: number,
): void {
  sql.exec('DELETE FROM sessions WHERE token_hash = ?', hash);
  sql.exec(
    'INSERT OR REPLACE INTO ended_sessions (token_hash, user_id, ended_at, reason) VALUES (?, ?, ' +
      '?, ?)',
    hash,
    userId,
    now,
    reason,
  );
}

/**
 * Ends every session of an account, and its open login challenge: whatever ended the sessions
 * (a new password, a disabling, a new role, a reset second factor) must not let a sign-in begun
 * before it finish after it.
 */
export function endSessions(sql: SqlStorage, userId: string, reason: string, now: number): void {
  deleteChallengesOf(sql, userId);
  const hashes = sql
    .exec<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE user_id = ?', userId)
    .toArray();
  for (const { token_hash } of hashes) endSession(sql, token_hash, userId, reason, now);
}

/**
 * Who holds this session token, read from the authoritative store. A refused session is
 * recorded in `denials` with whose it was, when the token names one of ours.
 */
export function authenticate(
  sql: SqlStorage,
  serverSecret: string,
  totpEnforcement: string | undefined,
  token: string,
  request: RequestInfo | undefined,
): AuthResult {
  const settings = readSettings(sql);
  if (!settings) return { ok: false, reason: 'unknown_organisation' };
  const now = Date.now();
  const hash = keyedHash(serverSecret, 'session', token);
  const session = sql
    .exec<{ user_id: string; last_seen_at: number; expires_at: number }>(
      'SELECT user_id, last_seen_at, expires_at FROM sessions WHERE token_hash = ?',
      hash,
    )
    .toArray()[0];
  if (!session) {
    const ended = sql
      .exec<{ user_id: string; reason: string }>(
        'SELECT user_id, reason FROM ended_sessions WHERE token_hash = ?',
        hash,
      )
      .toArray()[0];
    if (ended) denyUser(sql, ended.user_id, request, `session_ended:${ended.reason}`);
    else log('warn', 'unknown_session', { org: settings.slug, route: request?.route });
    return { ok: false, reason: ended ? `session_ended:${ended.reason}` : 'unknown_session' };
  }

  const row = userById(sql, session.user_id);
  let reason: string | null = null;
  if (now >= session.expires_at) reason = 'lifetime';
  else if (now - session.last_seen_at > SESSION_IDLE_MS) reason = 'idle';
  else if (!row || row.disabled) reason = 'user_disabled';
  if (reason !== null) {
    if (reason === 'user_disabled') endSessions(sql, session.user_id, reason, now);
    else endSession(sql, hash, session.user_id, reason, now);
    denyUser(sql, session.user_id, request, `session_ended:${reason}`);
    return { ok: false, reason: `session_ended:${reason}` };
  }
  // The idle clock moves at most once a minute: a write per request would make every staff
  // request a storage write on the organisation's one object, for no gain in precision.
  if (now - session.last_seen_at >= IDLE_CLOCK_RESOLUTION_MS) {
    sql.exec('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?', now, hash);
  }

  const user = toUser(sql, row!);
  const enforcement = parseTotpEnforcement(totpEnforcement);
  const mustEnrolTotp = totpRequired(enforcement, settings.requireTotp) && !user.totpEnabled;

  return { ok: true, user, mustEnrolTotp };
}

/** Ends the session holding this token, if it is open. */
export function logout(sql: SqlStorage, serverSecret: string, token: string): void {
  const hash = keyedHash(serverSecret, 'session', token);
  const session = sql
    .exec<{ user_id: string }>('SELECT user_id FROM sessions WHERE token_hash = ?', hash)
    .toArray()[0];
  if (session) endSession(sql, hash, session.user_id, 'logout', Date.now());
}
