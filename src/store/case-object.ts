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
import { fileFact } from '../../machines/events';
import type { AuditActor, AuditRecord, ChainVerification } from '../audit/chain';
import { appendRecord, verifyAnchored } from '../audit/chain';
import type { StaffPrincipal } from '../auth/permissions';
import { auditDraft, decideEvent } from '../cases/decide-event';
import { canSeeCase, mayRead } from '../auth/permissions';
import type { Env } from '../env';
import { resolveEnv } from '../env';
import { configureLogging, log, logEvent } from '../log';
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
import { CaseJournal } from './case-journal';
import { CaseMailbox } from './case-mailbox';
import { CASE_SCHEMA } from './case-schema';
import type { OutboxRow } from './outbox';
import { effectsOf } from './case-effects';
import { Outbox } from './outbox';
import { hasTable } from './sqlite';

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

/** The answer to a mailbox login; a wrong token and a wrong code both give `invalid`. */
export type MailboxLoginResult =
  | { ok: true; secret: string; expiresAt: number }
  | { ok: false; code: 'invalid_credentials' }
  | { ok: false; code: 'locked'; until: number };

/** The answer to a request inside a mailbox session. */
export type MailboxResult<T> =
  ({ ok: true } & T) | { ok: false; code: 'unauthenticated' } | CaseFailure;

/**
 * What the reporter is told of an accepted mailbox event. Never the event's `seq`: it counts
 * every audited event, so its jumps would show the reporter internal activity between theirs.
 */
export interface MailboxReceipt {
  /** The message the event added to the thread (its id and time as the thread shows them). */
  message: { id: string; at: string } | null;
}

/** What the reporter may send from the mailbox. */
export type MailboxCommand = Extract<
  CaseCommand,
  { type: 'REPORTER_MESSAGE' | 'CONFIRM_RECORD' | 'REQUEST_CORRECTION' }
>;

export class CaseObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly outbox: Outbox;
  private readonly mailbox: CaseMailbox;
  private readonly journal: CaseJournal;
  /** The alarm this object last armed; it alone arms it, so the copy stays true. */
  private armedAlarm: number | null | undefined;
  /**
   * Whether this object has its tables. The object of an id no case was created under (a
   * staff member's typo, an id of another organisation) gets none, so asking about it stores
   * nothing; `create` and the decoy login path, which must write, make them.
   */
  private hasTables: boolean;

  constructor(ctx: DurableObjectState, bindings: Env) {
    const env = resolveEnv(bindings).env;
    super(ctx, env);
    configureLogging(env.LOG_LEVEL);
    this.sql = ctx.storage.sql;
    this.hasTables = hasTable(this.sql, 'meta');
    // Run on every start of a case that exists, so that tables added since it was created appear.
    if (this.hasTables) this.sql.exec(CASE_SCHEMA);
    this.outbox = new Outbox(ctx.storage, env);
    this.journal = new CaseJournal(this.sql, ctx.storage);
    this.mailbox = new CaseMailbox(this.sql, ctx.storage, env.SERVER_SECRET);
  }

  /** Creates the case: its CREATE record, then ROUTE from the routing decision. */
  async create(
    request: CreateCaseRequest,
  ): Promise<CaseResult<{ states: RegionStates; seq: number }>> {
    this.makeTables();
    if (this.journal.load()) {
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
    const second = appendRecord(first, auditDraft(route, routed.before, routed.after));
    const next = envelope(routed.snapshot, second.seq);

    let claimed: OutboxRow[] = [];
    this.journal.commit(next, [first, second], () => {
      writeContent(this.sql, { kind: 'report', report: request.report }, first.seq, at);
      this.mailbox.create(request.mailbox);
      this.outbox.enqueue(effectsOf(route, next, null), at, next.seq);
      this.outbox.enqueue(
        [
          { kind: 'register_mailbox', tokenDigest: request.mailbox.tokenDigest },
          { kind: 'notify', template: 'case_received', to: 'leads' },
        ],
        at,
      );
      claimed = this.outbox.claimDue(at);
    });
    logEvent({ requestId: request.requestId, orgId: request.input.orgId, record: first });
    logEvent({ requestId: request.requestId, orgId: request.input.orgId, record: second });

    await this.afterCommit(claimed);

    return { ok: true, states: statesOf(routed.snapshot), seq: second.seq };
  }

  /** Decides one event and, when the machine accepts it, commits it. */
  async dispatch(
    request: DispatchRequest,
  ): Promise<CaseResult<{ states: RegionStates; seq: number }>> {
    const current = this.journal.load();
    if (!current) return NOT_FOUND;
    if (request.scope && !canSeeCase(current.snapshot.context, request.scope)) return NOT_FOUND;

    const result = this.decideAndCommit(request.command, request.actor, request.requestId);
    if (!result.ok) return result;

    this.afterCommitInBackground(result.claimed);

    return { ok: true, states: result.envelope.snapshot.value, seq: result.envelope.seq };
  }

  /** The authoritative envelope and states, for access decisions and views. */
  async state(): Promise<CaseResult<CaseState>> {
    const current = this.journal.load();
    if (!current) return NOT_FOUND;

    return { ok: true, envelope: current, states: current.snapshot.value };
  }

  /** The content of the case (report, thread, notes); empty after a purge. */
  async content(): Promise<CaseResult<{ content: CaseContent }>> {
    if (!this.journal.load()) return NOT_FOUND;

    return { ok: true, content: readContent(this.sql) };
  }

  /** The audit trail with its verification and the writer's own count, to anchor the end. */
  async audit(): Promise<
    CaseResult<{ records: AuditRecord[]; verification: ChainVerification; seq: number }>
  > {
    const current = this.journal.load();
    if (!current) return NOT_FOUND;

    const records = this.journal.records();

    return {
      ok: true,
      records,
      verification: verifyAnchored(records, { length: current.seq }),
      seq: current.seq,
    };
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
    // A decoy (an unknown token's shard) writes its failure count like a real case does.
    this.makeTables();
    const now = Date.now();
    const current = this.journal.load();
    const live = current !== null && current.snapshot.context.purgedAt === null;

    const check = this.mailbox.checkLogin(request, live, now);
    if (check.kind === 'opened')
      return { ok: true, secret: check.secret, expiresAt: check.expiresAt };
    if (check.kind === 'locked') return { ok: false, code: 'locked', until: check.until };
    if (check.kind === 'now_locked') {
      // Recorded without the guesses: only the time until which the mailbox is locked.
      const system = { id: 'system', role: 'system' as const, units: [] };
      const locked = this.decideAndCommit(
        { type: 'MAILBOX_LOCKED', until: check.until },
        system,
        request.requestId,
        now,
      );
      if (locked.ok) this.afterCommitInBackground(locked.claimed);
    }

    return { ok: false, code: 'invalid_credentials' };
  }

  /** Ends a mailbox session. */
  async mailboxLogout(secret: string): Promise<void> {
    if (this.journal.load()) this.mailbox.endSession(secret);
  }

  /**
   * The reporter's view of the case, for a live mailbox session: shaped here by
   * `presentMailbox` from reporter-visible content only, so nothing internal leaves the
   * object on this path.
   */
  async mailboxView(secret: string): Promise<MailboxResult<{ view: MailboxView }>> {
    const current = this.journal.load();
    if (!current || !this.mailbox.touchSession(secret))
      return { ok: false, code: 'unauthenticated' };

    return { ok: true, view: presentMailbox(current, readReporterContent(this.sql)) };
  }

  /**
   * Whether a mailbox session is live, keeping it so: asked before a request reads an upload
   * or counts against the organisation's limit, so that an ended session costs neither.
   */
  async mailboxCheck(secret: string): Promise<MailboxResult<object>> {
    if (!this.journal.load() || !this.mailbox.touchSession(secret)) {
      return { ok: false, code: 'unauthenticated' };
    }

    return { ok: true };
  }

  /** Sends the reporter's event (a message, a confirmation, a correction request). */
  async mailboxSend(
    secret: string,
    command: MailboxCommand,
    requestId?: string,
  ): Promise<MailboxResult<{ receipt: MailboxReceipt }>> {
    if (!this.journal.load() || !this.mailbox.touchSession(secret)) {
      return { ok: false, code: 'unauthenticated' };
    }

    const reporter = { id: 'reporter', role: 'reporter' as const, units: [] };
    const result = this.decideAndCommit(command, reporter, requestId);
    if (!result.ok) return result;
    const message = this.sql
      .exec<{ id: number; at: number }>(
        'SELECT id, at FROM messages WHERE seq = ?',
        result.envelope.seq,
      )
      .toArray()[0];
    this.afterCommitInBackground(result.claimed);

    return {
      ok: true,
      receipt: { message: message ? { id: String(message.id), at: iso(message.at) } : null },
    };
  }

  /**
   * A file of this case, for the reporter's own mailbox session. Not an audited event, unlike
   * a staff download: the trail is read by staff, and the moments a reporter opens the
   * mailbox could be matched against who was at work then. The reporter's own reads leave no
   * record, as reading the thread does not.
   */
  async mailboxAttachment(
    secret: string,
    id: string,
  ): Promise<MailboxResult<{ file: AttachmentInfo }>> {
    if (!this.journal.load() || !this.mailbox.touchSession(secret)) {
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
    const current = this.journal.load();
    if (!current || !canSeeCase(current.snapshot.context, request.scope)) return NOT_FOUND;
    if (!mayRead(request.scope.roles, 'content')) return NOT_FOUND;
    const file = readAttachment(this.sql, request.id);
    if (!file) return NOT_FOUND;

    const accessed = this.decideAndCommit(
      { type: 'ACCESS_ATTACHMENT', attachment: fileFact(file) },
      { id: request.scope.id, role: request.scope.role, units: request.scope.units },
      request.requestId,
    );
    if (!accessed.ok) return NOT_FOUND;
    this.afterCommitInBackground(accessed.claimed);

    return { ok: true, file };
  }

  /**
   * The cron's safety net for a lost or never-armed alarm: runs what the alarm would when
   * something is due, and otherwise arms the alarm anew from stored state.
   */
  async wake(): Promise<{ ok: true; ran: boolean }> {
    const current = this.journal.load();
    if (!current) return { ok: true, ran: false };

    const due = nextTimer(restore(current.snapshot));
    if (due !== null && due <= Date.now()) {
      await this.alarm();
      return { ok: true, ran: true };
    }
    this.armedAlarm = undefined;
    await this.afterCommit();

    return { ok: true, ran: false };
  }

  /** Deadlines and purges: TICK, then PURGE when due; then outbox retries. */
  override async alarm(): Promise<void> {
    // A delivered alarm is spent: the next afterCommit arms the next one.
    this.armedAlarm = null;
    const current = this.journal.load();
    if (!current) return;

    const system = { id: 'system', role: 'system' as const, units: [] };
    let latest = current;
    let claimed: OutboxRow[] | undefined;
    const tick = this.decideAndCommit({ type: 'TICK' }, system);
    if (tick.ok) [latest, claimed] = [tick.envelope, tick.claimed];
    if (latest.snapshot.value.retention === 'due') {
      const purge = this.decideAndCommit({ type: 'PURGE' }, system);
      if (purge.ok) [latest, claimed] = [purge.envelope, [...(claimed ?? []), ...purge.claimed]];
    }

    // Without a commit, the outbox's due retries are claimed and delivered now.
    await this.afterCommit(claimed);
  }

  /** Creates the tables of a case here, once. */
  private makeTables(): void {
    if (this.hasTables) return;
    this.sql.exec(CASE_SCHEMA);
    this.hasTables = true;
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
  ): { ok: true; envelope: CaseEnvelope; claimed: OutboxRow[] } | CaseFailure {
    const current = this.journal.load();
    if (!current) return NOT_FOUND;

    const decision = decideEvent(current, this.journal.lastRecord(), command, actor, now);
    if (!decision.ok) return decision;
    const { event, record, envelope: next } = decision;
    const at = event.at;

    let claimed: OutboxRow[] = [];
    this.journal.commit(next, [record], () => {
      const content = contentOf(event);
      if (content) writeContent(this.sql, content, record.seq, at);
      this.outbox.enqueue(effectsOf(event, next, current), at, next.seq);
      if (event.type === 'PURGE') {
        // Files and the mailbox go with the content: the R2 objects and the directory entry
        // are removed through the outbox, the sessions here and now.
        const mailbox = this.mailbox.load();
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
        this.mailbox.endAllSessions();
      }
      claimed = this.outbox.claimDue(at);
    });
    logEvent({ requestId, orgId: next.snapshot.context.orgId, record });

    return { ok: true, envelope: next, claimed };
  }

  /**
   * The same, after the answer has gone: an event is committed once its transaction is, and
   * its effects (KV mirror, notifications) are the outbox's to deliver, retried by the alarm
   * if this attempt fails. Awaiting them would add a KV write to every request for nothing a
   * reader could rely on: KV elsewhere lags by up to a minute anyway.
   */
  private afterCommitInBackground(claimed: OutboxRow[]): void {
    this.ctx.waitUntil(
      this.afterCommit(claimed).catch((error: unknown) =>
        log('warn', 'after_commit_failed', {
          error: error instanceof Error ? error.message : 'unknown',
        }),
      ),
    );
  }

  /**
   * Delivers the outbox and arms the alarm for the next deadline or retry. The alarm time is
   * computed from the envelope as it is when the alarm is set, not as it was at the commit
   * that called this: another commit may have come in during the awaits.
   */
  private async afterCommit(claimed?: OutboxRow[]): Promise<void> {
    const retryAt = await this.outbox.deliver(() => this.journal.load(), claimed);
    if (this.armedAlarm === undefined) this.armedAlarm = await this.ctx.storage.getAlarm();
    const current = this.journal.load();
    if (!current) return;

    const times = [nextTimer(restore(current.snapshot)), retryAt].filter(
      (t): t is number => t !== null,
    );
    const wanted = times.length === 0 ? null : Math.min(...times);
    if (wanted === this.armedAlarm) return;
    this.armedAlarm = wanted;
    if (wanted === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(wanted);
  }
}

function iso(at: number): string {
  return new Date(at).toISOString();
}
