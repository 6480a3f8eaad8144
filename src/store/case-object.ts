/**
 * The case's Durable Object: the only writer of a case.
 *
 * Every change is an event decided by the pure machine (machines/engine.ts) and committed in
 * one storage transaction together with its audit record, the content it carries and the
 * outbox of its side effects. Decide-and-commit contains no `await`, so the object's input
 * gate keeps concurrent requests from interleaving (PLATFORM.md, "Input gate"). Side
 * effects leave afterwards through the outbox (outbox.ts). Tables: LAYOUT.md.
 *
 * Public methods are called over RPC and return result values; they never throw for an
 * expected failure (workers-sdk issue 14736).
 */
import { DurableObject } from 'cloudflare:workers';

import type { CaseInput } from '../../machines/context';
import type { CaseEnvelope, RegionStates } from '../../machines/engine';
import { createCase, decide, envelope, nextTimer, restore, statesOf } from '../../machines/engine';
import type { CaseCommand, CaseEvent } from '../../machines/events';
import { auditDetails } from '../../machines/events';
import type { AuditActor, AuditDraft, AuditRecord, ChainVerification } from '../audit/chain';
import { appendRecord, verifyChain } from '../audit/chain';
import type { StaffPrincipal } from '../auth/permissions';
import { canSeeCase } from '../auth/permissions';
import type { Env } from '../env';
import { logEvent } from '../log';
import { contentOf, purgeContent, readContent, writeContent } from './case-content';
import type { CaseContent, ReportContent } from './case-content';
import { CASE_SCHEMA } from './case-schema';
import { effectsOf, Outbox } from './outbox';

/** What the host supplies to create a case. */
export interface CreateCaseRequest {
  input: CaseInput;
  actor: AuditActor;
  report: ReportContent;
  routing: { team: string; assignee: string | null; ruleId: string | null; policyVersion: number };
  /** Keyed digests of the reporter's mailbox credentials; the credentials are never stored. */
  mailbox: { tokenDigest: string; codeDigest: string };
  requestId?: string;
}

export type CaseFailure =
  | { ok: false; code: 'not_found'; message: string }
  | { ok: false; code: 'already_exists'; message: string }
  | { ok: false; code: 'transition_refused'; guard: string; message: string };

export type CaseResult<T> = ({ ok: true } & T) | CaseFailure;

/** An event as the host asks for it: the server stamps the time here, inside the writer. */
export interface DispatchRequest {
  command: CaseCommand;
  actor: CaseEvent['actor'];
  /**
   * The staff member on whose behalf the event is sent: a case they may not see answers
   * not_found, checked here against the authoritative context rather than a lagging copy.
   */
  scope?: StaffPrincipal;
  requestId?: string;
}

/** The authoritative state of a case for the HTTP layer to shape by permission. */
export interface CaseState {
  envelope: CaseEnvelope;
  states: RegionStates;
}

const NOT_FOUND = { ok: false, code: 'not_found', message: 'No such case.' } as const;

export class CaseObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly outbox: Outbox;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(CASE_SCHEMA);
    this.outbox = new Outbox(ctx.storage, env);
  }

  /** Creates the case: its CREATE record, then ROUTE from the routing decision. */
  async create(
    request: CreateCaseRequest,
  ): Promise<CaseResult<{ states: RegionStates; seq: number }>> {
    if (this.loadEnvelope()) {
      return { ok: false, code: 'already_exists', message: 'This case exists already.' };
    }

    const at = request.input.receivedAt;
    const created = createCase(request.input);
    const first = appendRecord(null, {
      at: iso(at),
      actor: request.actor,
      type: 'CREATE',
      before: null,
      after: { ...statesOf(created) },
      details: { channel: request.input.channel, category: request.input.category },
    });
    const route: CaseEvent = {
      type: 'ROUTE',
      ...request.routing,
      at,
      actor: { id: 'system', role: 'system', units: [] },
    };
    const routed = decide(created, route);
    if (!routed.ok) return routed;
    const second = appendRecord(first, draftOf(route, routed.before, routed.after));
    const next = envelope(routed.snapshot, second.seq);

    this.ctx.storage.transactionSync(() => {
      this.saveEnvelope(next);
      this.insertRecord(first);
      this.insertRecord(second);
      writeContent(this.sql, { kind: 'report', report: request.report }, first.seq, at);
      this.sql.exec(
        "INSERT INTO meta (key, value) VALUES ('mailbox', ?)",
        JSON.stringify({ ...request.mailbox, failures: 0, lockedUntil: 0, lockouts: 0 }),
      );
      this.outbox.enqueue(effectsOf(route, next), at);
      this.outbox.enqueue(
        [
          { kind: 'register_mailbox', tokenDigest: request.mailbox.tokenDigest },
          { kind: 'notify', template: 'case_received', to: 'leads' },
        ],
        at,
      );
    });
    logEvent({ requestId: request.requestId, orgId: request.input.orgId, record: first });
    logEvent({ requestId: request.requestId, orgId: request.input.orgId, record: second });

    await this.afterCommit(next);

    return { ok: true, states: statesOf(routed.snapshot), seq: second.seq };
  }

  /** Decides one event and, when the machine accepts it, commits it. */
  async dispatch(
    request: DispatchRequest,
  ): Promise<CaseResult<{ states: RegionStates; seq: number }>> {
    const current = this.loadEnvelope();
    if (!current) return NOT_FOUND;
    if (request.scope && !canSeeCase(current.snapshot.context, request.scope)) return NOT_FOUND;

    const result = this.decideAndCommit(request.command, request.actor, request.requestId);
    if (!result.ok) return result;

    await this.afterCommit(result.envelope);

    return { ok: true, states: result.envelope.snapshot.value, seq: result.envelope.seq };
  }

  /** The authoritative envelope and states, for access decisions and views. */
  async state(): Promise<CaseResult<CaseState>> {
    const current = this.loadEnvelope();
    if (!current) return NOT_FOUND;

    return { ok: true, envelope: current, states: current.snapshot.value };
  }

  /** The content of the case (report, thread, notes); empty after a purge. */
  async content(): Promise<CaseResult<{ content: CaseContent }>> {
    if (!this.loadEnvelope()) return NOT_FOUND;

    return { ok: true, content: readContent(this.sql) };
  }

  /** The audit trail with its verification and the writer's own count, to anchor the end. */
  async audit(): Promise<
    CaseResult<{ records: AuditRecord[]; verification: ChainVerification; seq: number }>
  > {
    const current = this.loadEnvelope();
    if (!current) return NOT_FOUND;

    const records = this.sql
      .exec<{ record: string }>('SELECT record FROM audit ORDER BY seq')
      .toArray()
      .map((row) => JSON.parse(row.record) as AuditRecord);

    return { ok: true, records, verification: verifyChain(records), seq: current.seq };
  }

  /** Deadlines and purges: TICK, then PURGE when due; then outbox retries. */
  override async alarm(): Promise<void> {
    const current = this.loadEnvelope();
    if (!current) return;

    const system = { id: 'system', role: 'system' as const, units: [] };
    let latest = current;
    const tick = this.decideAndCommit({ type: 'TICK' }, system);
    if (tick.ok) latest = tick.envelope;
    if (latest.snapshot.value.retention === 'due') {
      const purge = this.decideAndCommit({ type: 'PURGE' }, system);
      if (purge.ok) latest = purge.envelope;
    }

    await this.afterCommit(latest);
  }

  /**
   * Restore, decide, commit: synchronous from the read of the envelope to the end of the
   * transaction, so no other request of this case can interleave.
   */
  private decideAndCommit(
    command: CaseCommand,
    actor: CaseEvent['actor'],
    requestId?: string,
  ): { ok: true; envelope: CaseEnvelope } | CaseFailure {
    const current = this.loadEnvelope();
    if (!current) return NOT_FOUND;

    const snapshot = restore(current.snapshot);
    const at = Math.max(Date.now(), snapshot.context.lastEventAt);
    const event = { ...command, at, actor } as CaseEvent;
    const decision = decide(snapshot, event);
    if (!decision.ok) return decision;

    const record = appendRecord(this.lastRecord(), draftOf(event, decision.before, decision.after));
    const next = envelope(decision.snapshot, record.seq);
    this.ctx.storage.transactionSync(() => {
      this.saveEnvelope(next);
      this.insertRecord(record);
      const content = contentOf(event);
      if (content) writeContent(this.sql, content, record.seq, at);
      if (event.type === 'PURGE') purgeContent(this.sql);
      this.outbox.enqueue(effectsOf(event, next), at);
    });
    logEvent({ requestId, orgId: next.snapshot.context.orgId, record });

    return { ok: true, envelope: next };
  }

  /** Delivers the outbox and arms the alarm for the next deadline or retry. */
  private async afterCommit(current: CaseEnvelope): Promise<void> {
    const retryAt = await this.outbox.deliver(() => this.loadEnvelope());
    const times = [nextTimer(restore(current.snapshot)), retryAt].filter(
      (t): t is number => t !== null,
    );
    if (times.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }

    await this.ctx.storage.setAlarm(Math.min(...times));
  }

  private loadEnvelope(): CaseEnvelope | null {
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'envelope'")
      .toArray()[0];

    return row ? (JSON.parse(row.value) as CaseEnvelope) : null;
  }

  private saveEnvelope(value: CaseEnvelope): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES ('envelope', ?) " +
        'ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      JSON.stringify(value),
    );
  }

  private lastRecord(): AuditRecord | null {
    const row = this.sql
      .exec<{ record: string }>('SELECT record FROM audit ORDER BY seq DESC LIMIT 1')
      .toArray()[0];

    return row ? (JSON.parse(row.record) as AuditRecord) : null;
  }

  private insertRecord(record: AuditRecord): void {
    this.sql.exec(
      'INSERT INTO audit (seq, hash, record) VALUES (?, ?, ?)',
      record.seq,
      record.hash,
      JSON.stringify(record),
    );
  }
}

function iso(at: number): string {
  return new Date(at).toISOString();
}

function draftOf(event: CaseEvent, before: RegionStates, after: RegionStates): AuditDraft {
  return {
    at: iso(event.at),
    actor: { id: event.actor.id, role: event.actor.role },
    type: event.type,
    before: { ...before },
    after: { ...after },
    details: auditDetails(event),
  };
}
