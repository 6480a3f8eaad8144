/**
 * The mailbox directory: from the keyed digest of a mailbox token to the case it opens.
 * A reporter logs in with a token and a return code and nothing else, so the token itself
 * must find its organisation and case.
 *
 * Sharded by the first two hex characters of the digest (256 objects), so that no single
 * object carries every organisation's logins. It stores digests only; the return code's
 * digest and the lockout live in the case's own object.
 */
import { DurableObject } from 'cloudflare:workers';

import type { Env } from '../env';

/** The directory shard that holds a token digest. */
export function directoryShard(env: Env, tokenDigest: string) {
  return env.MAILBOXES.getByName(`shard-${tokenDigest.slice(0, 2)}`);
}

export interface MailboxEntry {
  org: string;
  caseId: string;
}

export class MailboxDirectory extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS mailboxes (token_digest TEXT PRIMARY KEY, org TEXT NOT NULL, case_id TEXT NOT NULL)',
    );
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
