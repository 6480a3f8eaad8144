/**
 * Helpers for the case-engine integration tests (engine-*.test.ts): typed bindings, the case's
 * Durable Object read directly, the KV read model, and a replay of an audit trail through the
 * pure machine. Reads only; every write in these tests goes through the HTTP API or the DO's
 * own RPC methods and alarm.
 */
import {
  createExecutionContext,
  listDurableObjectIds,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';

import type { CaseInput, ProductMode } from '../../machines/context';
import type { CaseSnapshot, RegionStates } from '../../machines/engine';
import { createCase, decide, statesOf } from '../../machines/engine';
import type { CaseEvent } from '../../machines/events';
import { DEFAULT_RETENTION_POLICY } from '../../policies';
import type { AuditRecord } from '../../src/audit/chain';
import type { Env } from '../../src/env';
import { app } from '../../src/http/app';
import type { CaseSummary } from '../../src/store/kv-layout';
import type { ApiResponse, RequestOptions, Rows, TestOrg } from './helpers';
import { eventually, readResponse, tablesOf, toRequest } from './helpers';
import { caseKey, caseListPrefix } from '../../src/store/kv-layout';

/** The Worker's bindings with their declared types (cloudflare:workers types them loosely). */
export const bindings = env as unknown as Env;

/**
 * A request to the Worker's Hono app, like `api` in helpers.ts but without going through
 * `exports.default.fetch`: with vitest-pool-workers 0.15.1 each call through that entry point
 * costs more than the one before (50-request bursts of GET /api/health went from 90 ms to
 * 4.6 s over ten bursts, while `app.fetch` stayed at 1-7 ms), which puts bursts of hundreds
 * of requests out of reach. The app is the whole HTTP layer (middleware, routes, error
 * table); what it skips is the Worker's fetch wrapper, which only seeds the demo when
 * DEMO_SEED is "true" (it is "false" in tests).
 */
export async function appApi(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse> {
  const ctx = createExecutionContext();
  const response = await app.fetch(toRequest(method, path, options), bindings, ctx);
  await waitOnExecutionContext(ctx);

  return readResponse(response);
}

/** Sends a case event as a staff member, through `appApi`. */
export function appEvent(token: string, caseId: string, event: Record<string, unknown>) {
  return appApi('POST', `/api/cases/${caseId}/events`, { token, body: event });
}

/** Submits a written report through `appApi` and finds its case id in the lead's list. */
export async function appSubmitCase(
  org: { slug: string; users: Record<string, { token: string }> },
  report: { category?: string; description?: string } = {},
): Promise<{ id: string; caseRef: string }> {
  const created = await appApi('POST', `/api/public/${org.slug}/reports`, {
    body: {
      category: report.category ?? 'fraud',
      description: report.description ?? 'Someone approves their own expense claims every month.',
    },
  });
  if (created.status !== 201) throw new Error(`submit failed: ${JSON.stringify(created.body)}`);
  const list = await appApi('GET', '/api/cases?limit=200', { token: org.users.lead!.token });
  const item = (list.body.items as Array<{ id: string; caseRef: string }>).find(
    (i) => i.caseRef === created.body.caseRef,
  );
  if (!item) throw new Error('created case not in the list');

  return { id: item.id, caseRef: created.body.caseRef };
}

/** The case's Durable Object, named as the Worker names it. */
export function caseObject(org: string, caseId: string) {
  return bindings.CASES.getByName(`${org}/${caseId}`);
}

/** The audit trail as the writer holds it: records, verification and the writer's own count. */
export async function auditOf(org: string, caseId: string) {
  const audit = (await caseObject(org, caseId).audit()) as unknown as
    | { ok: true; records: AuditRecord[]; verification: { valid: boolean }; seq: number }
    | { ok: false };
  if (!audit.ok) throw new Error(`no audit for ${org}/${caseId}`);

  return audit;
}

/** The case's summary in the KV read model, or null. */
export async function kvSummary(org: string, caseId: string): Promise<CaseSummary | null> {
  return bindings.CASES_KV.get<CaseSummary>(caseKey(org, caseId), 'json');
}

/**
 * The case's KV summary once it shows the writer's newest seq. The outbox is delivered after
 * the answer; if it has not arrived within half the time, the alarm (the outbox's retry path)
 * is run once, as the platform would.
 */
export async function settledSummary(
  org: string,
  caseId: string,
  timeoutMs = 4_000,
): Promise<CaseSummary | null> {
  const seq = (await auditOf(org, caseId)).seq;
  const fresh = (s: CaseSummary | null) => s?.seq === seq;
  const first = await eventually(() => kvSummary(org, caseId), fresh, timeoutMs / 2);
  if (fresh(first)) return first;
  await runDurableObjectAlarm(caseObject(org, caseId));

  return eventually(() => kvSummary(org, caseId), fresh, timeoutMs / 2);
}

/** Every KV key of an organisation's cases with its metadata, in key order (all pages). */
export async function orgKeys(org: string): Promise<Array<{ name: string; metadata: unknown }>> {
  const keys: Array<{ name: string; metadata: unknown }> = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await bindings.CASES_KV.list({ prefix: caseListPrefix(org), cursor });
    keys.push(...page.keys.map((k) => ({ name: k.name, metadata: k.metadata ?? null })));
    if (page.list_complete) return keys;
    cursor = page.cursor;
  }
}

/**
 * The creation input of a case rebuilt from its CREATE record and what intake used: the
 * organisation's defaults (these tests never edit policies) and the case's ids.
 */
export function inputOf(
  create: AuditRecord,
  ids: { caseId: string; orgId: string; caseRef: string; mode?: ProductMode },
): CaseInput {
  const details = create.details as { channel: CaseInput['channel']; category: string };

  return {
    caseId: ids.caseId,
    orgId: ids.orgId,
    caseRef: ids.caseRef,
    mode: ids.mode ?? 'compliance',
    channel: details.channel,
    category: details.category,
    receivedAt: Date.parse(create.at),
    retention: {
      policyVersion: DEFAULT_RETENTION_POLICY.version,
      closedCaseDays: DEFAULT_RETENTION_POLICY.closedCaseDays,
      oralRecordDays: DEFAULT_RETENTION_POLICY.oralRecordDays,
      byOutcome: DEFAULT_RETENTION_POLICY.byOutcome ?? {},
    },
  };
}

/**
 * The event an audit record stands for: its type, actor and time, and its details as the
 * payload. Bodies are not in the trail (only their length), and no rule reads them, so a
 * body of the recorded length stands in.
 */
export function eventOf(record: AuditRecord): CaseEvent {
  const { chars, ...details } = record.details as { chars?: number } & Record<string, unknown>;
  const body = typeof chars === 'number' ? { body: 'x'.repeat(chars) } : {};

  return {
    ...details,
    ...body,
    type: record.type,
    at: Date.parse(record.at),
    actor: { id: record.actor.id, role: record.actor.role, units: [] },
  } as unknown as CaseEvent;
}

/** What a replay found: the final snapshot, and every record whose states disagree. */
export interface Replay {
  snapshot: CaseSnapshot;
  mismatches: Array<{ seq: number; type: string; problem: string }>;
}

/**
 * Runs a trail through the pure machine from its CREATE record: each event must be accepted
 * and lead from the record's `before` to its `after`.
 */
export function replay(records: AuditRecord[], input: CaseInput): Replay {
  const [create, ...rest] = records;
  if (!create || create.type !== 'CREATE') throw new Error('a trail starts with CREATE');
  let snapshot = createCase(input);
  const mismatches: Replay['mismatches'] = [];
  const differ = (a: object | null, b: RegionStates) =>
    JSON.stringify(sorted(a)) !== JSON.stringify(sorted(b));
  if (differ(create.after, statesOf(snapshot))) {
    mismatches.push({ seq: create.seq, type: create.type, problem: 'after differs' });
  }

  for (const record of rest) {
    const decision = decide(snapshot, eventOf(record));
    if (!decision.ok) {
      mismatches.push({
        seq: record.seq,
        type: record.type,
        problem: `refused: ${decision.guard}`,
      });
      continue;
    }
    if (differ(record.before, decision.before)) {
      mismatches.push({ seq: record.seq, type: record.type, problem: 'before differs' });
    }
    if (differ(record.after, decision.after)) {
      mismatches.push({ seq: record.seq, type: record.type, problem: 'after differs' });
    }
    snapshot = decision.snapshot;
  }

  return { snapshot, mismatches };
}

function sorted(states: object | null): Array<[string, unknown]> | null {
  return states && Object.entries(states).sort(([a], [b]) => a.localeCompare(b));
}

/**
 * The organisation's object, every table. `sessions.last_seen_at` is left out: the idle clock
 * moves at most once a minute on any authenticated request (sessions.ts `authenticate`), which
 * is the session being used, not the refused request writing.
 */
export async function orgTables(slug: string): Promise<Record<string, Rows>> {
  const tables = await tablesOf(bindings.ORGS.getByName(slug));
  tables.sessions = (tables.sessions ?? []).map(({ last_seen_at: _seen, ...row }) => row);

  return tables;
}

export async function r2Keys(slug: string): Promise<string[]> {
  const listed = await bindings.ATTACHMENTS.list({ prefix: `org/${slug}/` });

  return listed.objects.map((o) => o.key).sort();
}

/**
 * Everything a refused request must leave as it was: the organisation's tables, the case's
 * trail and content, the reporter channel's rate-limit windows, the KV keys, the R2 objects
 * and the list of case objects (a request must not create one).
 */
export async function storeState(org: TestOrg, caseId: string) {
  const audit = (await caseObject(org.slug, caseId).audit()) as unknown as {
    records: unknown[];
    seq: number;
  };
  const content = (await caseObject(org.slug, caseId).content()) as unknown as {
    content: { messages: unknown[]; notes: unknown[] };
  };
  const limiter = await tablesOf(bindings.MAILBOXES.getByName(`limit-${org.slug}`));

  return {
    org: await orgTables(org.slug),
    auditLength: audit.records.length,
    seq: audit.seq,
    messages: content.content.messages.length,
    notes: content.content.notes.length,
    windows: limiter.windows ?? [],
    kv: (await orgKeys(org.slug)).map((k) => k.name),
    r2: await r2Keys(org.slug),
    cases: (await listDurableObjectIds(bindings.CASES)).map((id) => id.toString()).sort(),
  };
}

/**
 * A store state without the organisation's record of denied requests: refusing a staff member
 * (401, 403, or 404 for what they may not see) is recorded by design, by route template and
 * without the request's values, which this checks.
 */
export function withoutDenials(state: Awaited<ReturnType<typeof storeState>>) {
  const { denials, ...tables } = state.org;
  for (const denial of denials ?? []) {
    if (!/^\/[a-zA-Z/:{}-]*$/.test(String(denial.route))) {
      throw new Error(`a denial records more than a route template: ${String(denial.route)}`);
    }
  }

  return { ...state, org: tables };
}
