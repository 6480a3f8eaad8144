/**
 * The mailbox directory: from the keyed digest of a mailbox token to the case it opens.
 * A reporter logs in with a token and a return code and nothing else, so the token itself
 * must find its organisation and case.
 *
 * Sharded by the first two hex characters of the digest (256 objects), so that no single
 * object carries every organisation's logins. It stores digests only; the return code's
 * digest and the lockout live in the case's own object.
 *
 * The same class also counts the reporter channel's per-organisation rate limits (objects
 * named by `intakeLimiter`): a strongly consistent counter keyed on the organisation, never on
 * the client, so abuse control needs nothing that identifies a reporter. A dedicated binding
 * would be tidier; it would need a new Durable Object migration for no change in behaviour.
 */
import { DurableObject } from 'cloudflare:workers';

import type { Env } from '../env';
import { resolveEnv } from '../env';
import { configureLogging } from '../log';

/** The directory shard that holds a token digest. */
export function directoryShard(env: Env, tokenDigest: string) {
  return env.MAILBOXES.getByName(`shard-${tokenDigest.slice(0, 2)}`);
}

/** The object that counts an organisation's reporter-channel requests. */
export function intakeLimiter(env: Env, org: string) {
  return env.MAILBOXES.getByName(`limit-${org}`);
}

export interface MailboxEntry {
  org: string;
  caseId: string;
}

export class MailboxDirectory extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, bindings: Env) {
    const env = resolveEnv(bindings).env;
    super(ctx, env);
    configureLogging(env.LOG_LEVEL);
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS mailboxes (token_digest TEXT PRIMARY KEY, org TEXT NOT NULL, ' +
        'case_id TEXT NOT NULL)',
    );
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS windows (bucket TEXT PRIMARY KEY, starts_at INTEGER NOT NULL, ' +
        'count INTEGER NOT NULL)',
    );
  }

  /**
   * Counts one request in a fixed window and says whether it is within `limit`. A refused
   * request is not counted, so a flood does not extend its own refusal.
   */
  async admit(
    bucket: string,
    limit: number,
    windowMs: number,
  ): Promise<{ ok: true } | { ok: false; retryAfter: number }> {
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    const row = sql
      .exec<{ starts_at: number; count: number }>(
        'SELECT starts_at, count FROM windows WHERE bucket = ?',
        bucket,
      )
      .toArray()[0];
    const fresh = !row || now - row.starts_at >= windowMs;
    if (!fresh && row.count >= limit) {
      return { ok: false, retryAfter: Math.ceil((row.starts_at + windowMs - now) / 1000) };
    }
    if (fresh) {
      sql.exec(
        'INSERT INTO windows (bucket, starts_at, count) VALUES (?, ?, 1) ' +
          'ON CONFLICT(bucket) DO UPDATE SET starts_at = excluded.starts_at, count = 1',
        bucket,
        now,
      );
    } else {
      sql.exec('UPDATE windows SET count = count + 1 WHERE bucket = ?', bucket);
    }

    return { ok: true };
  }

  /** Records a token digest; idempotent, as outbox deliveries may repeat. */
  async register(tokenDigest: string, entry: MailboxEntry): Promise<void> {
    this.ctx.storage.sql.exec(
      'INSERT OR IGNORE INTO mailboxes (token_digest, org, case_id) VALUES (?, ?, ?)',
      tokenDigest,
      entry.org,
      entry.caseId,
    );
  }

  /** The case a token digest opens, or null. */
  async lookup(tokenDigest: string): Promise<MailboxEntry | null> {
    const row = this.ctx.storage.sql
      .exec<{ org: string; case_id: string }>(
        'SELECT org, case_id FROM mailboxes WHERE token_digest = ?',
        tokenDigest,
      )
      .toArray()[0];

    return row ? { org: row.org, caseId: row.case_id } : null;
  }

  /** Forgets a token digest (the case was purged). */
  async remove(tokenDigest: string): Promise<void> {
    this.ctx.storage.sql.exec('DELETE FROM mailboxes WHERE token_digest = ?', tokenDigest);
  }
}
