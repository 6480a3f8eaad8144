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
import { auditDetails, fileFact } from '../../machines/events';
import type { AuditActor, AuditDraft, AuditRecord, ChainVerification } from '../audit/chain';
import { appendRecord, verifyChain } from '../audit/chain';
import type { StaffPrincipal } from '../auth/permissions';
import { canSeeCase, mayRead } from '../auth/permissions';
import { hmacSha256Hex, randomToken, timingSafeEqual } from '../auth/tokens';
import type { Env } from '../env';
import { configureLogging, logEvent } from '../log';
import { lockoutPeriod, MAX_LOGIN_FAILURES } from '../mailbox/lockout';
import type { MailboxView } from '../mailbox/present-mailbox';
import { presentMailbox } from '../mailbox/present-mailbox';
import {
  contentOf,
  purgeContent,
  readAttachment,
  readContent,
  readReporterContent,
  writeContent,
} from './case-content';
import type { AttachmentInfo, CaseContent, ReportContent } from './case-content';
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

/** Idle timeout of a mailbox session: 30 minutes without a request. */
export const MAILBOX_SESSION_IDLE_MS = 30 * 60 * 1000;
/** Absolute lifetime of a mailbox session: 4 hours, whatever the activity. */
export const MAILBOX_SESSION_LIFETIME_MS = 4 * 60 * 60 * 1000;

/** The stored mailbox credentials of a case (meta key 'mailbox'): digests and lockout state. */
interface MailboxMeta {
  tokenDigest: string;
  codeDigest: string;
  /** Consecutive failed logins since the last success or lockout. */
  failures: number;
  /** Epoch ms until which logins are refused; 0 when not locked. */
  lockedUntil: number;
  /** Lockouts so far; each one doubles the next period. */
  lockouts: number;
}

/** The answer to a mailbox login; a wrong token and a wrong code both give `invalid`. */
export type MailboxLoginResult =
  | { ok: true; secret: string; expiresAt: number }
  | { ok: false; code: 'invalid_credentials' }
  | { ok: false; code: 'locked'; until: number };

/** The answer to a request inside a mailbox session. */
export type MailboxResult<T> =
  ({ ok: true } & T) | { ok: false; code: 'unauthenticated' } | CaseFailure;

/** What the reporter may send from the mailbox. */
export type MailboxCommand = Extract<
  CaseCommand,
  { type: 'REPORTER_MESSAGE' | 'CONFIRM_RECORD' | 'REQUEST_CORRECTION' }
>;

// Compared against on the decoy path so that an unknown token costs the same work.
const DECOY_DIGEST = '0'.repeat(64);

export class CaseObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly outbox: Outbox;
  /**
   * In-memory copies of the envelope, the newest audit record and the armed alarm. This
   * object is the only writer of its storage, so they stay true; a write invalidates them
   * and a committed transaction sets them, so a rolled-back one cannot leave them wrong.
   */
  private envelopeCache: CaseEnvelope | null | undefined;
  private lastRecordCache: AuditRecord | null | undefined;
  private armedAlarm: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    configureLogging(env.LOG_LEVEL);
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
      details: {
        channel: request.input.channel,
        category: request.input.category,
        ...(request.report.oral ? { medium: request.report.oral.medium } : {}),
        ...(request.report.attachments?.length
          ? { attachments: request.report.attachments.map(fileFact) }
          : {}),
      },
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
      this.outbox.enqueue(effectsOf(route, next), at, next.seq);
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

  /**
   * Checks a return code for this case's mailbox and opens a session. A case without a
   * mailbox (the decoy object an unknown token is sent to) does the same reads, comparison
   * and write and answers like a wrong code, so the two cannot be told apart by answer or
   * by work. After MAX_LOGIN_FAILURES consecutive failures the mailbox locks for a period
   * that doubles with each lockout, and the case's audit trail records MAILBOX_LOCKED (the
   * time, never the guesses). While locked, no code is checked at all.
   */
  async mailboxLogin(request: {
    tokenDigest: string;
    codeDigest: string;
    requestId?: string;
  }): Promise<MailboxLoginResult> {
    const now = Date.now();
    const mailbox = this.loadMailbox();
    const current = this.loadEnvelope();
    const live = mailbox !== null && current !== null && current.snapshot.context.purgedAt === null;
    const stored = live ? mailbox : null;
    if (stored && stored.lockedUntil > now)
      return { ok: false, code: 'locked', until: stored.lockedUntil };

    const tokenMatches = timingSafeEqual(stored?.tokenDigest ?? DECOY_DIGEST, request.tokenDigest);
    const codeMatches = timingSafeEqual(stored?.codeDigest ?? DECOY_DIGEST, request.codeDigest);
    if (!stored) {
      this.sql.exec(
        "INSERT INTO meta (key, value) VALUES ('decoy', '0') ON CONFLICT(key) DO UPDATE SET value = value",
      );
      return { ok: false, code: 'invalid_credentials' };
    }

    if (!tokenMatches || !codeMatches) {
      const failures = stored.failures + 1;
      if (failures < MAX_LOGIN_FAILURES) {
        this.saveMailbox({ ...stored, failures });
        return { ok: false, code: 'invalid_credentials' };
      }
      const lockouts = stored.lockouts + 1;
      const lockedUntil = now + lockoutPeriod(lockouts);
      this.saveMailbox({ ...stored, failures: 0, lockouts, lockedUntil });
      const system = { id: 'system', role: 'system' as const, units: [] };
      const locked = this.decideAndCommit(
        { type: 'MAILBOX_LOCKED', until: lockedUntil },
        system,
        request.requestId,
        now,
      );
      if (locked.ok) await this.afterCommit(locked.envelope);

      return { ok: false, code: 'invalid_credentials' };
    }

    const secret = randomToken(32);
    const expiresAt = now + MAILBOX_SESSION_LIFETIME_MS;
    this.ctx.storage.transactionSync(() => {
      this.saveMailbox({ ...stored, failures: 0 });
      this.sql.exec(
        'DELETE FROM mailbox_sessions WHERE expires_at <= ? OR last_seen_at < ?',
        now,
        now - MAILBOX_SESSION_IDLE_MS,
      );
      this.sql.exec(
        'INSERT INTO mailbox_sessions (token_hash, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?)',
        this.sessionHash(secret),
        now,
        now,
        expiresAt,
      );
    });

    return { ok: true, secret, expiresAt };
  }

  /** Ends a mailbox session. */
  async mailboxLogout(secret: string): Promise<void> {
    this.sql.exec('DELETE FROM mailbox_sessions WHERE token_hash = ?', this.sessionHash(secret));
  }

  /**
   * The reporter's view of the case, for a live mailbox session: shaped here by
   * `presentMailbox` from reporter-visible content only, so nothing internal leaves the
   * object on this path.
   */
  async mailboxView(secret: string): Promise<MailboxResult<{ view: MailboxView }>> {
    const current = this.loadEnvelope();
    if (!current || !this.touchSession(secret)) return { ok: false, code: 'unauthenticated' };

    return { ok: true, view: presentMailbox(current, readReporterContent(this.sql)) };
  }

  /** Sends the reporter's event (a message, a confirmation, a correction request). */
  async mailboxSend(
    secret: string,
    command: MailboxCommand,
    requestId?: string,
  ): Promise<MailboxResult<{ seq: number }>> {
    if (!this.loadEnvelope() || !this.touchSession(secret)) {
      return { ok: false, code: 'unauthenticated' };
    }

    const reporter = { id: 'reporter', role: 'reporter' as const, units: [] };
    const result = this.decideAndCommit(command, reporter, requestId);
    if (!result.ok) return result;
    await this.afterCommit(result.envelope);

    return { ok: true, seq: result.envelope.seq };
  }

  /** A file of this case, for the reporter's own mailbox session. */
  async mailboxAttachment(
    secret: string,
    id: string,
  ): Promise<MailboxResult<{ file: AttachmentInfo }>> {
    if (!this.loadEnvelope() || !this.touchSession(secret)) {
      return { ok: false, code: 'unauthenticated' };
    }
    const file = readAttachment(this.sql, id);

    return file ? { ok: true, file } : NOT_FOUND;
  }

  /**
   * A file of this case for a staff member who may read its content. Each access is the
   * machine's ACCESS_ATTACHMENT event, so it has an audit record like any event (id, type and
   * size; never the name) and is refused on a purged case or outside the person's scope.
   */
  async attachmentForStaff(request: {
    id: string;
    scope: StaffPrincipal;
    requestId?: string;
  }): Promise<CaseResult<{ file: AttachmentInfo }>> {
    const current = this.loadEnvelope();
    if (!current || !canSeeCase(current.snapshot.context, request.scope)) return NOT_FOUND;
    if (!mayRead(request.scope.role, 'content')) return NOT_FOUND;
    const file = readAttachment(this.sql, request.id);
    if (!file) return NOT_FOUND;

    const accessed = this.decideAndCommit(
      { type: 'ACCESS_ATTACHMENT', attachment: fileFact(file) },
      { id: request.scope.id, role: request.scope.role, units: request.scope.units },
      request.requestId,
    );
    if (!accessed.ok) return NOT_FOUND;
    await this.afterCommit(accessed.envelope);

    return { ok: true, file };
  }

  /**
   * The cron's safety net for a lost or never-armed alarm: runs what the alarm would when
   * something is due, and otherwise arms the alarm anew from stored state.
   */
  async wake(): Promise<{ ok: true; ran: boolean }> {
    const current = this.loadEnvelope();
    if (!current) return { ok: true, ran: false };

    const due = nextTimer(restore(current.snapshot));
    if (due !== null && due <= Date.now()) {
      await this.alarm();
      return { ok: true, ran: true };
    }
    this.armedAlarm = undefined;
    await this.afterCommit(current);

    return { ok: true, ran: false };
  }

  /** Deadlines and purges: TICK, then PURGE when due; then outbox retries. */
  override async alarm(): Promise<void> {
    // A delivered alarm is spent: the next afterCommit arms the next one.
    this.armedAlarm = null;
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
    now = Date.now(),
  ): { ok: true; envelope: CaseEnvelope } | CaseFailure {
    const current = this.loadEnvelope();
    if (!current) return NOT_FOUND;

    const snapshot = restore(current.snapshot);
    const at = Math.max(now, snapshot.context.lastEventAt);
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
      this.outbox.enqueue(effectsOf(event, next), at, next.seq);
      if (event.type === 'PURGE') {
        // Files and the mailbox go with the content: the R2 objects and the directory entry
        // are removed through the outbox, the sessions here and now.
        const mailbox = this.loadMailbox();
        this.outbox.enqueue(
          [
            { kind: 'purge_attachments' },
            ...(mailbox
              ? [{ kind: 'unregister_mailbox' as const, tokenDigest: mailbox.tokenDigest }]
              : []),
          ],
          at,
        );
        purgeContent(this.sql);
        this.sql.exec('DELETE FROM mailbox_sessions');
      }
    });
    this.envelopeCache = next;
    this.lastRecordCache = record;
    logEvent({ requestId, orgId: next.snapshot.context.orgId, record });

    return { ok: true, envelope: next };
  }

  /** Delivers the outbox and arms the alarm for the next deadline or retry. */
  private async afterCommit(current: CaseEnvelope): Promise<void> {
    const retryAt = await this.outbox.deliver(() => this.loadEnvelope());
    const times = [nextTimer(restore(current.snapshot)), retryAt].filter(
      (t): t is number => t !== null,
    );
    const wanted = times.length === 0 ? null : Math.min(...times);
    if (this.armedAlarm === undefined) this.armedAlarm = await this.ctx.storage.getAlarm();
    if (wanted === this.armedAlarm) return;

    this.armedAlarm = wanted;
    if (wanted === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(wanted);
  }

  /** True for a live session; moves its idle deadline. An expired one is deleted. */
  private touchSession(secret: string): boolean {
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

  private sessionHash(secret: string): string {
    return hmacSha256Hex(this.env.SERVER_SECRET, `mailbox-session:${secret}`);
  }

  private loadMailbox(): MailboxMeta | null {
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'mailbox'")
      .toArray()[0];

    return row ? (JSON.parse(row.value) as MailboxMeta) : null;
  }

  private saveMailbox(value: MailboxMeta): void {
    this.sql.exec("UPDATE meta SET value = ? WHERE key = 'mailbox'", JSON.stringify(value));
  }

  /** The stored envelope; treat it as immutable (it may be the cached copy). */
  private loadEnvelope(): CaseEnvelope | null {
    if (this.envelopeCache !== undefined) return this.envelopeCache;
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'envelope'")
      .toArray()[0];
    this.envelopeCache = row ? (JSON.parse(row.value) as CaseEnvelope) : null;

    return this.envelopeCache;
  }

  private saveEnvelope(value: CaseEnvelope): void {
    this.envelopeCache = undefined;
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES ('envelope', ?) " +
        'ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      JSON.stringify(value),
    );
  }

  private lastRecord(): AuditRecord | null {
    if (this.lastRecordCache !== undefined) return this.lastRecordCache;
    const row = this.sql
      .exec<{ record: string }>('SELECT record FROM audit ORDER BY seq DESC LIMIT 1')
      .toArray()[0];
    this.lastRecordCache = row ? (JSON.parse(row.record) as AuditRecord) : null;

    return this.lastRecordCache;
  }

  private insertRecord(record: AuditRecord): void {
    this.lastRecordCache = undefined;
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
