/**
 * The reporter's mailbox inside a case's Durable Object: the digests of the credentials, the
 * lockout counters (meta key 'mailbox') and the live sessions (`mailbox_sessions`). Used only
 * by CaseObject, inside its own request handling; synchronous, so a check and the write that
 * follows it cannot be interleaved by another request (PLATFORM.md, "Input gate").
 */
import { hmacSha256Hex, randomToken, timingSafeEqual } from '../auth/tokens';
import { lockoutPeriod, MAX_LOGIN_FAILURES } from '../mailbox/lockout';

/** Idle timeout of a mailbox session: 30 minutes without a request. */
export const MAILBOX_SESSION_IDLE_MS = 30 * 60 * 1000;
/** Absolute lifetime of a mailbox session: 4 hours, whatever the activity. */
export const MAILBOX_SESSION_LIFETIME_MS = 4 * 60 * 60 * 1000;

/** The stored mailbox credentials of a case: digests and lockout state. */
export interface MailboxMeta {
  tokenDigest: string;
  codeDigest: string;
  /** Consecutive failed logins since the last success or lockout. */
  failures: number;
  /** Epoch ms until which logins are refused; 0 when not locked. */
  lockedUntil: number;
  /** Lockouts so far; each one doubles the next period. */
  lockouts: number;
}

/** What a login attempt comes to, before the case records anything. */
export type LoginCheck =
  | { kind: 'opened'; secret: string; expiresAt: number }
  | { kind: 'wrong' }
  | { kind: 'locked'; until: number }
  /** This attempt was the last failure allowed: the case records MAILBOX_LOCKED. */
  | { kind: 'now_locked'; until: number };

// Compared against on the decoy path so that an unknown token costs the same work.
const DECOY_DIGEST = '0'.repeat(64);

export class CaseMailbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: DurableObjectStorage,
    private readonly serverSecret: string,
  ) {}

  /** Stores the digests of a new case's credentials. */
  create(digests: { tokenDigest: string; codeDigest: string }): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES ('mailbox', ?)",
      JSON.stringify({ ...digests, failures: 0, lockedUntil: 0, lockouts: 0 }),
    );
  }

  /** The stored credentials, or null (a decoy object, or a case created without them). */
  load(): MailboxMeta | null {
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'mailbox'")
      .toArray()[0];

    return row ? (JSON.parse(row.value) as MailboxMeta) : null;
  }

  /**
   * Checks a login. `live` is false for a decoy or a purged case: the same reads, comparisons
   * and a write still happen, and the answer is that of a wrong code. While locked, no code
   * is checked at all; after MAX_LOGIN_FAILURES consecutive failures the mailbox locks for a
   * period that doubles with each lockout.
   */
  checkLogin(
    digests: { tokenDigest: string; codeDigest: string },
    live: boolean,
    now: number,
  ): LoginCheck {
    // Read on every path, the decoy's included, so that both cost the same.
    const loaded = this.load();
    const stored = live ? loaded : null;
    if (stored && stored.lockedUntil > now) return { kind: 'locked', until: stored.lockedUntil };

    const tokenMatches = timingSafeEqual(stored?.tokenDigest ?? DECOY_DIGEST, digests.tokenDigest);
    const codeMatches = timingSafeEqual(stored?.codeDigest ?? DECOY_DIGEST, digests.codeDigest);
    if (!stored) {
      this.sql.exec(
        "INSERT INTO meta (key, value) VALUES ('decoy', '0') " +
          'ON CONFLICT(key) DO UPDATE SET value = value',
      );
      return { kind: 'wrong' };
    }

    if (!tokenMatches || !codeMatches) {
      const failures = stored.failures + 1;
      if (failures < MAX_LOGIN_FAILURES) {
        this.save({ ...stored, failures });
        return { kind: 'wrong' };
      }
      const lockouts = stored.lockouts + 1;
      const lockedUntil = now + lockoutPeriod(lockouts);
      this.save({ ...stored, failures: 0, lockouts, lockedUntil });

      return { kind: 'now_locked', until: lockedUntil };
    }

    const secret = randomToken(32);
    const expiresAt = now + MAILBOX_SESSION_LIFETIME_MS;
    this.storage.transactionSync(() => {
      this.save({ ...stored, failures: 0 });
      this.sql.exec(
        'DELETE FROM mailbox_sessions WHERE expires_at <= ? OR last_seen_at < ?',
        now,
        now - MAILBOX_SESSION_IDLE_MS,
      );
      this.sql.exec(
        'INSERT INTO mailbox_sessions (token_hash, created_at, last_seen_at, expires_at) ' +
          'VALUES (?, ?, ?, ?)',
        this.sessionHash(secret),
        now,
        now,
        expiresAt,
      );
    });

    return { kind: 'opened', secret, expiresAt };
  }

  /** True for a live session; moves its idle deadline. An expired one is deleted. */
  touchSession(secret: string): boolean {
    if (typeof secret !== 'string' || secret.length === 0) return false;
    const now = Date.now();
    const hash = this.sessionHash(secret);
    const session = this.sql
      .exec<{ last_seen_at: number; expires_at: number }>(
        'SELECT last_seen_at, expires_at FROM mailbox_sessions WHERE token_hash = ?',
        hash,
      )
      .toArray()[0];
    if (!session) return false;
    if (now >= session.expires_at || now - session.last_seen_at > MAILBOX_SESSION_IDLE_MS) {
      this.sql.exec('DELETE FROM mailbox_sessions WHERE token_hash = ?', hash);
      return false;
    }
    this.sql.exec('UPDATE mailbox_sessions SET last_seen_at = ? WHERE token_hash = ?', now, hash);

    return true;
  }

  /** Ends one session. */
  endSession(secret: string): void {
    this.sql.exec('DELETE FROM mailbox_sessions WHERE token_hash = ?', this.sessionHash(secret));
  }

  /** Ends every session (the case was purged). */
  endAllSessions(): void {
    this.sql.exec('DELETE FROM mailbox_sessions');
  }

  private save(value: MailboxMeta): void {
    this.sql.exec("UPDATE meta SET value = ? WHERE key = 'mailbox'", JSON.stringify(value));
  }

  private sessionHash(secret: string): string {
    return hmacSha256Hex(this.serverSecret, `mailbox-session:${secret}`);
  }
}
