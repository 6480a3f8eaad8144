/**
 * The organisation's own hash-chained audit trail (table `audit`): account, settings and
 * policy changes. The chain itself (hashing, verification) is src/audit/chain.ts; this module
 * only stores and reads it. Touches the `audit` table only.
 */
import type { AuditActor, AuditRecord, ChainVerification } from '../../audit/chain';
import { appendRecord, verifyChain } from '../../audit/chain';

/**
 * Appends one record to the organisation's chain. Call inside a transaction, together with
 * the change it records, so a change is never committed without its record or the reverse.
 */
export function appendOrgAudit(
  sql: SqlStorage,
  actor: AuditActor,
  type: string,
  before: Record<string, string> | null,
  after: Record<string, string>,
  details: Record<string, unknown>,
): void {
  const last = sql
    .exec<{ record: string }>('SELECT record FROM audit ORDER BY seq DESC LIMIT 1')
    .toArray()[0];
  const record = appendRecord(last ? (JSON.parse(last.record) as AuditRecord) : null, {
    at: new Date().toISOString(),
    actor: { id: actor.id, role: actor.role },
    type,
    before,
    after,
    details,
  });
  sql.exec(
    'INSERT INTO audit (seq, hash, record) VALUES (?, ?, ?)',
    record.seq,
    record.hash,
    JSON.stringify(record),
  );
}

/** The whole trail in order, with the verification of its hash chain. */
export function readOrgAuditTrail(sql: SqlStorage): {
  records: AuditRecord[];
  verification: ChainVerification;
  seq: number;
} {
  const records = sql
    .exec<{ record: string }>('SELECT record FROM audit ORDER BY seq')
    .toArray()
    .map((row) => JSON.parse(row.record) as AuditRecord);

  return { records, verification: verifyChain(records), seq: records.length };
}
