/**
 * A case's journal: its envelope (meta key 'envelope') and its audit trail (`audit`), read
 * and committed together. Used only by CaseObject. Synchronous, so a caller can restore,
 * decide and commit without an await in between (PLATFORM.md, "Input gate").
 *
 * It keeps the envelope and the newest record in memory: the case's object is the only
 * writer of this storage, so the copies stay true. A commit clears them before it writes and
 * sets them only after its transaction has committed, so a rolled-back transaction cannot
 * leave them wrong.
 */
import type { CaseEnvelope } from '../../machines/engine';
import { upgradeEnvelope } from '../../machines/migrations';
import { hasTable } from './sqlite';
import type { AuditRecord } from '../audit/chain';

export class CaseJournal {
  private envelope: CaseEnvelope | null | undefined;
  private newest: AuditRecord | null | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: DurableObjectStorage,
  ) {}

  /**
   * The stored envelope in the current machine version, or null before the case exists.
   * Treat it as immutable. An envelope written under an earlier version is upgraded here
   * (machines/migrations.ts) and stored in the new version with the next commit; one this
   * build cannot read is an operator's problem (a rollback past a machine change), not a
   * client's, and throws.
   */
  load(): CaseEnvelope | null {
    if (this.envelope !== undefined) return this.envelope;
    // An object no case was created in has no tables (case-object.ts): nothing to read, and
    // not cached, since `create` may make them next.
    if (!hasTable(this.sql, 'meta')) return null;
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'envelope'")
      .toArray()[0];
    if (!row) return (this.envelope = null);
    const upgraded = upgradeEnvelope(JSON.parse(row.value) as CaseEnvelope);
    if (!upgraded.ok) throw new Error(upgraded.message);
    this.envelope = upgraded.envelope;

    return this.envelope;
  }

  /** The newest audit record, which the next one chains to. */
  lastRecord(): AuditRecord | null {
    if (this.newest !== undefined) return this.newest;
    const row = this.sql
      .exec<{ record: string }>('SELECT record FROM audit ORDER BY seq DESC LIMIT 1')
      .toArray()[0];
    this.newest = row ? (JSON.parse(row.record) as AuditRecord) : null;

    return this.newest;
  }

  /** The whole trail, in order. */
  records(): AuditRecord[] {
    return this.sql
      .exec<{ record: string }>('SELECT record FROM audit ORDER BY seq')
      .toArray()
      .map((row) => JSON.parse(row.record) as AuditRecord);
  }

  /**
   * Commits a new envelope, its audit records and whatever else `alongside` writes (content,
   * outbox) in one transaction: all of it, or, if anything throws, none of it.
   */
  commit(next: CaseEnvelope, records: AuditRecord[], alongside: () => void): void {
    this.envelope = undefined;
    this.newest = undefined;
    this.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO meta (key, value) VALUES ('envelope', ?) " +
          'ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        JSON.stringify(next),
      );
      for (const record of records) {
        this.sql.exec(
          'INSERT INTO audit (seq, hash, record) VALUES (?, ?, ?)',
          record.seq,
          record.hash,
          JSON.stringify(record),
        );
      }
      alongside();
    });
    this.envelope = next;
    this.newest = records.at(-1) ?? null;
  }
}
