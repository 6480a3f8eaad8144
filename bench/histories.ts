/**
 * Seeded histories for the pure benchmark: cases that begin as the Durable Object creates them
 * (CREATE, then ROUTE by the system) and go on with events the case machine accepts.
 *
 * Pure and deterministic: the same seed gives the same histories on every run. The machine
 * itself filters the candidates while generating, so every event of a history is one it
 * accepts; the hand-written reducer is then checked against these histories before timing.
 */
import type { CaseInput } from '../machines/context';
import type { CaseEnvelope } from '../machines/engine';
import { createCase, decide, envelope, restore, statesOf } from '../machines/engine';
import type { Actor, CaseEvent } from '../machines/events';
import { OUTCOMES } from '../machines/events';
import { DAY_MS } from '../machines/time';
import type { AuditRecord } from '../src/audit/chain';
import { appendRecord } from '../src/audit/chain';
import { auditDraft } from '../src/cases/decide-event';

/** One case: its stored form after ROUTE, its newest audit record, and the events to replay. */
export interface History {
  initial: CaseEnvelope;
  lastRecord: AuditRecord;
  events: CaseEvent[];
}

/** A small, fast, seedable PRNG (mulberry32); quality is ample for picking events. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const LEAD: Actor = { id: 'u_lead', role: 'compliance_lead', units: [] };
export const SYSTEM: Actor = { id: 'system', role: 'system', units: [] };
const STAFF = ['u_lead', 'u_hal', 'u_hana'];

type Pick = (random: () => number, at: number, closedAt: number | null) => CaseEvent;

const body = (random: () => number) => 'x'.repeat(20 + Math.floor(random() * 200));
const choose = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** Candidate events with weights: notes and replies dominate, as they do in real case work. */
const CANDIDATES: Array<[number, Pick]> = [
  [3, (_, at) => ({ type: 'ACKNOWLEDGE', at, actor: LEAD })],
  [2, (_, at) => ({ type: 'START_INVESTIGATION', at, actor: LEAD })],
  [6, (r, at) => ({ type: 'REPLY', body: body(r), at, actor: LEAD })],
  [8, (r, at) => ({ type: 'ADD_NOTE', body: body(r), at, actor: LEAD })],
  [2, (r, at) => ({ type: 'GIVE_FEEDBACK', body: body(r), at, actor: LEAD })],
  [1, (_, at) => ({ type: 'PLACE_HOLD', reason: 'litigation pending', at, actor: LEAD })],
  [2, (_, at) => ({ type: 'RELEASE_HOLD', reason: 'litigation settled', at, actor: LEAD })],
  [1, (r, at) => ({ type: 'CLOSE', outcome: choose(r, OUTCOMES), at, actor: LEAD })],
  [2, (_, at) => ({ type: 'REOPEN', reason: 'new evidence', at, actor: LEAD })],
  [2, (r, at) => ({ type: 'ASSIGN', assignee: choose(r, STAFF), at, actor: LEAD })],
  [1, (_, at) => ({ type: 'EXPORT', at, actor: LEAD })],
  [1, (_, at) => ({ type: 'TICK', at, actor: SYSTEM })],
  [
    1,
    (r, at, closedAt) => ({
      type: 'SET_RETENTION',
      until: new Date((closedAt ?? at) + (1 + Math.floor(r() * 900)) * DAY_MS).toISOString(),
      reason: 'kept for the appeal period',
      at,
      actor: LEAD,
    }),
  ],
];
const TOTAL_WEIGHT = CANDIDATES.reduce((sum, [weight]) => sum + weight, 0);

function pickCandidate(random: () => number): Pick {
  let roll = random() * TOTAL_WEIGHT;
  for (const [weight, pick] of CANDIDATES) {
    roll -= weight;
    if (roll < 0) return pick;
  }

  return CANDIDATES[0]![1];
}

const RETENTION = { policyVersion: 1, closedCaseDays: 1095, oralRecordDays: 730, byOutcome: {} };

/** The case as the Durable Object stores it right after creation: CREATE and ROUTE applied. */
function createdCase(index: number, receivedAt: number): Omit<History, 'events'> {
  const input: CaseInput = {
    caseId: `c_BENCH${String(index).padStart(15, '0')}`,
    orgId: 'bench',
    caseRef: `BENCH-${index}`,
    mode: 'compliance',
    channel: 'written',
    category: 'fraud',
    receivedAt,
    retention: RETENTION,
  };
  const created = createCase(input);
  const first = appendRecord(null, {
    at: new Date(receivedAt).toISOString(),
    actor: { id: 'reporter', role: 'reporter' },
    type: 'CREATE',
    before: null,
    after: { ...statesOf(created) },
    details: { channel: 'written', category: 'fraud' },
  });
  const route: CaseEvent = {
    type: 'ROUTE',
    team: 'compliance',
    assignee: null,
    ruleId: null,
    policyVersion: 1,
    at: receivedAt,
    actor: SYSTEM,
  };
  const routed = decide(created, route);
  if (!routed.ok) throw new Error(`ROUTE refused: ${routed.message}`);
  const second = appendRecord(first, auditDraft(route, routed.before, routed.after));

  return { initial: envelope(routed.snapshot, second.seq), lastRecord: second };
}

/**
 * `count` histories of `length` accepted events each. Time moves forward between events by a
 * few minutes to a few days, now and then by weeks, so that deadlines pass and TICK is taken.
 */
export function generateHistories(seed: number, count: number, length: number): History[] {
  const random = prng(seed);
  const histories: History[] = [];

  for (let index = 0; index < count; index++) {
    let at = Date.UTC(2026, 0, 1) + Math.floor(random() * 300) * DAY_MS;
    const start = createdCase(index, at);
    let snapshot = restore(start.initial.snapshot);
    const events: CaseEvent[] = [];

    // Bounded: a candidate the machine refuses is dropped and another drawn, at most 100 times.
    for (let tries = 0; events.length < length && tries < length * 100; tries++) {
      const step = random() < 0.05 ? 14 * DAY_MS : random() * 2 * DAY_MS;
      const event = pickCandidate(random)(random, at + Math.floor(step), snapshot.context.closedAt);
      const decision = decide(snapshot, event);
      if (!decision.ok) continue;
      events.push(event);
      snapshot = decision.snapshot;
      at = event.at;
    }
    if (events.length < length) throw new Error(`history ${index} stuck at ${events.length}`);
    histories.push({ ...start, events });
  }

  return histories;
}
