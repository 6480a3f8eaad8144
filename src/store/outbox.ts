/**
 * The outbox of a case: side effects recorded in the same transaction as the event that
 * caused them, delivered afterwards, retried with backoff until they succeed. A crash
 * between commit and delivery loses nothing; a retry never doubles an effect, because
 * each effect is idempotent (the KV mirror writes the newest snapshot; a notification
 * carries a key its consumer delivers once).
 *
 * Rows are claimed before the await that delivers them, so two requests of the same case
 * never deliver the same row at once.
 */
import type { CaseEnvelope } from '../../machines/engine';
import { nextTimer, restore } from '../../machines/engine';
import type { Env } from '../env';
import { log } from '../log';
import { attachmentPrefix } from './attachment-keys';
import type { Effect } from './case-effects';
import { caseKey, listMetadata, summarise } from './kv-layout';
import { directoryShard } from './mailbox-directory';

/** How long a claimed row is left alone before another delivery may try it, in ms. */
const CLAIM_MS = 30_000;
/** Backoff after a failed delivery: 1 s doubling to at most 10 minutes. */
const retryDelay = (attempts: number) => Math.min(1000 * 2 ** attempts, 600_000);

/** A row of the outbox as delivery reads it. */
export type OutboxRow = {
  id: number;
  kind: string;
  payload: string;
  seq: number;
  attempts: number;
};

export class Outbox {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
  ) {}

  /**
   * Claims every due, unclaimed row for the delivery that follows, and returns them. Called
   * inside a commit's transaction, the claim costs no storage commit of its own; a delivery
   * that never happens (the object was evicted) leaves a claim that expires and an alarm
   * that retries.
   */
  claimDue(now: number): OutboxRow[] {
    const rows = this.storage.sql
      .exec<OutboxRow>(
        'SELECT id, kind, payload, seq, attempts FROM outbox ' +
          'WHERE next_attempt_at <= ? AND claimed_until <= ? ORDER BY id',
        now,
        now,
      )
      .toArray();
    for (const row of rows) {
      this.storage.sql.exec(
        'UPDATE outbox SET claimed_until = ? WHERE id = ?',
        now + CLAIM_MS,
        row.id,
      );
    }

    return rows;
  }

  /** Records effects. Call inside the transaction that commits their event. */
  enqueue(effects: Effect[], at: number, seq = 0): void {
    for (const effect of effects) {
      if (effect.kind === 'mirror') {
        // One pending mirror at most: it writes whatever is newest when it runs, which
        // also keeps the case's key under KV's one write per second.
        this.storage.sql.exec(
          'INSERT INTO outbox (dedupe_key, kind, payload, seq, next_attempt_at) VALUES ' +
            "('mirror', 'mirror', '{}', ?, ?) " +
            'ON CONFLICT(dedupe_key) DO UPDATE SET seq = max(seq, excluded.seq), attempts = 0, ' +
            'next_attempt_at = excluded.next_attempt_at',
          seq,
          at,
        );
        continue;
      }
      this.storage.sql.exec(
        'INSERT INTO outbox (kind, payload, next_attempt_at) VALUES (?, ?, ?)',
        effect.kind,
        JSON.stringify(effect),
        at,
      );
    }
  }

  /**
   * Delivers the rows a commit claimed, or else claims and delivers every row that is due
   * and unclaimed. Returns when the next retry is due, or null when the outbox is empty.
   */
  async deliver(load: () => CaseEnvelope | null, claimed?: OutboxRow[]): Promise<number | null> {
    const rows = claimed ?? this.claimDue(Date.now());

    for (const row of rows) {
      const current = load();
      if (!current) break;
      try {
        await this.deliverOne(row, current);
        // A mirror row that a newer commit bumped stays, unclaimed, for the next delivery.
        this.storage.sql.exec(
          "DELETE FROM outbox WHERE id = ? AND (kind != 'mirror' OR seq <= ?)",
          row.id,
          current.seq,
        );
        this.storage.sql.exec('UPDATE outbox SET claimed_until = 0 WHERE id = ?', row.id);
      } catch (error) {
        log('warn', 'outbox_delivery_failed', {
          kind: row.kind,
          attempts: row.attempts + 1,
          error: error instanceof Error ? error.message : 'unknown',
        });
        this.storage.sql.exec(
          'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, claimed_until = 0 ' +
            'WHERE id = ?',
          Date.now() + retryDelay(row.attempts),
          row.id,
        );
      }
    }

    const next = this.storage.sql
      .exec<{ at: number | null }>(
        'SELECT min(max(next_attempt_at, claimed_until)) AS at FROM outbox',
      )
      .toArray()[0];

    return next?.at ?? null;
  }

  private async deliverOne(row: OutboxRow, current: CaseEnvelope): Promise<void> {
    const context = current.snapshot.context;
    if (row.kind === 'mirror') {
      const wake = nextTimer(restore(current.snapshot));
      const summary = summarise(context, current.snapshot.value, current.seq, wake);
      await this.env.CASES_KV.put(caseKey(context.orgId, context.caseId), JSON.stringify(summary), {
        metadata: listMetadata(summary),
      });
      return;
    }

    if (row.kind === 'register_mailbox') {
      const { tokenDigest } = JSON.parse(row.payload) as { tokenDigest: string };
      await directoryShard(this.env, tokenDigest).register(tokenDigest, {
        org: context.orgId,
        caseId: context.caseId,
      });
      return;
    }

    if (row.kind === 'unregister_mailbox') {
      const { tokenDigest } = JSON.parse(row.payload) as { tokenDigest: string };
      await directoryShard(this.env, tokenDigest).remove(tokenDigest);
      return;
    }

    if (row.kind === 'purge_attachments') {
      // Listing by the case's prefix also finds an object whose commit failed after its
      // upload, so nothing of the case's files outlives the purge. Idempotent.
      const prefix = attachmentPrefix(context.orgId, context.caseId);
      let cursor: string | undefined;
      do {
        const page = await this.env.ATTACHMENTS.list({ prefix, cursor });
        if (page.objects.length > 0)
          await this.env.ATTACHMENTS.delete(page.objects.map((o) => o.key));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return;
    }

    const effect = JSON.parse(row.payload) as Extract<Effect, { kind: 'notify' }>;
    await this.env.EMAIL_QUEUE.send({
      id: `${context.orgId}/${context.caseId}/outbox/${row.id}`,
      orgId: context.orgId,
      caseId: context.caseId,
      caseRef: context.caseRef,
      template: effect.template,
      to:
        effect.to === 'assignee' && context.assignee
          ? { userId: context.assignee }
          : { role: 'compliance_lead' },
    });
  }
}
