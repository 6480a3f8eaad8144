/**
 * The pure decide step the host runs for every event: restore, transition, explain.
 * Pure: no I/O, no clock. The host (src/store) commits what this returns.
 *
 * XState's `transition()` is used as a function, never through a running actor, so a
 * decision is a deterministic function of (snapshot, event) that Node can test by the
 * thousand.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom, StateValue } from 'xstate';

import { caseMachine, CASE_MACHINE_VERSION } from './case';
import type { CaseContext, CaseInput } from './context';
import { pendingDeadlines } from './context';
import type { CaseEvent, CaseEventType } from './events';
import { CASE_EVENT_TYPES } from './events';
import type { GuardName } from './guards';
import { GUARD_MESSAGES, guards } from './guards';
import { DAY_MS } from './time';

export type CaseSnapshot = SnapshotFrom<typeof caseMachine>;

/** The state of each of the four regions. */
export interface RegionStates {
  lifecycle: string;
  routing: string;
  hold: string;
  retention: string;
}

/** What is stored of a snapshot: its state value and context, both plain JSON. */
export interface PersistedCase {
  value: RegionStates;
  context: CaseContext;
}

/** A snapshot inside the envelope that names the machine and its version (ARCHITECTURE.md). */
export interface CaseEnvelope {
  machine: 'case';
  version: number;
  snapshot: PersistedCase;
  /** The number of audit records committed so far; the next record's seq is seq + 1. */
  seq: number;
}

/** Why an event was refused: the rule's name and words for the person refused. */
export interface Refusal {
  ok: false;
  code: 'transition_refused';
  guard: GuardName | 'stateAllows';
  message: string;
}

export type Decision =
  { ok: true; snapshot: CaseSnapshot; before: RegionStates; after: RegionStates } | Refusal;

/** The four region states of a snapshot. */
export function statesOf(snapshot: CaseSnapshot): RegionStates {
  const value = snapshot.value as Record<string, StateValue>;

  return {
    lifecycle: String(value.lifecycle),
    routing: String(value.routing),
    hold: String(value.hold),
    retention: String(value.retention),
  };
}

/** A new case in its initial states. */
export function createCase(input: CaseInput): CaseSnapshot {
  const [snapshot] = initialTransition(caseMachine, input);

  return snapshot;
}

/** The stored form of a snapshot. */
export function persist(snapshot: CaseSnapshot): PersistedCase {
  return structuredClone({ value: statesOf(snapshot), context: snapshot.context });
}

/** A snapshot from its stored form. */
export function restore(persisted: PersistedCase): CaseSnapshot {
  return caseMachine.resolveState({
    value: { ...persisted.value },
    context: structuredClone(persisted.context),
  });
}

/** An envelope for a snapshot at a given audit length. */
export function envelope(snapshot: CaseSnapshot, seq: number): CaseEnvelope {
  return { machine: 'case', version: CASE_MACHINE_VERSION, snapshot: persist(snapshot), seq };
}

/**
 * Applies an event. An accepted event yields the next snapshot and the region states before
 * and after; a refused one yields the rule that refused it and changes nothing.
 */
export function decide(snapshot: CaseSnapshot, event: CaseEvent): Decision {
  // XState returns the very same snapshot when no transition is enabled, which spares a
  // second evaluation of every guard through `snapshot.can` (the bench measures this step).
  const [next] = transition(caseMachine, snapshot, event);
  if (next === snapshot) return explain(snapshot, event);

  return { ok: true, snapshot: next, before: statesOf(snapshot), after: statesOf(next) };
}

type GuardRef = string | { type: string } | { guards: GuardRef[] };

/** Flattens a transition's guard (a name, or `and([...names])`) into rule names in order. */
export function guardNames(guard: unknown): GuardName[] {
  if (guard === undefined) return [];
  if (typeof guard === 'string') return [guard as GuardName];
  const ref = guard as GuardRef;
  if (typeof ref === 'object' && 'type' in ref) return [ref.type as GuardName];
  if ('guards' in (ref as object))
    return (ref as { guards: GuardRef[] }).guards.flatMap(guardNames);

  return [];
}

/** The candidate transitions for an event in the active states, innermost first. */
function candidates(snapshot: CaseSnapshot, type: CaseEventType): unknown[][] {
  const regions = statesOf(snapshot);
  const root = caseMachine.root;
  const found: unknown[][] = [];
  for (const [region, state] of Object.entries(regions)) {
    const regionNode = root.states[region];
    const path = [regionNode?.states[state], regionNode];
    for (const node of path) {
      const transitions = node?.on[type];
      if (transitions && transitions.length > 0) {
        found.push(transitions.map((t) => t.guard));
        break;
      }
    }
  }
  const rootTransitions = root.on[type];
  if (rootTransitions) found.push(rootTransitions.map((t) => t.guard));

  return found;
}

/**
 * Names the rule that refuses an event: the first failing rule of the most general
 * candidate transition, or `stateAllows` when no active state takes the event at all.
 */
export function explain(snapshot: CaseSnapshot, event: CaseEvent): Refusal {
  const args = { context: snapshot.context, event };
  for (const group of candidates(snapshot, event.type)) {
    const last = group[group.length - 1];
    const failing = guardNames(last).find((name) => !guards[name](args));
    if (failing)
      return {
        ok: false,
        code: 'transition_refused',
        guard: failing,
        message: GUARD_MESSAGES[failing],
      };
  }
  const states = statesOf(snapshot);

  return {
    ok: false,
    code: 'transition_refused',
    guard: 'stateAllows',
    message: `${event.type} is not possible while the case is ${describe(states)}.`,
  };
}

function describe(states: RegionStates): string {
  if (states.retention === 'purged') return 'purged';
  const parts = [states.lifecycle];
  if (states.hold === 'active') parts.push('under legal hold');

  return parts.join(', ');
}

/**
 * A representative event of a type, used to ask the machine whether an actor could send
 * it now (for `nextEvents`). Payload-dependent rules are satisfied where a real payload
 * could satisfy them.
 */
export function sampleEvent(
  type: CaseEventType,
  context: CaseContext,
  actor: CaseEvent['actor'],
  at: number,
): CaseEvent {
  const base = { at, actor };
  const after = Math.max(at, context.closedAt ?? at) + DAY_MS;
  const samples: { [K in CaseEventType]: Omit<Extract<CaseEvent, { type: K }>, 'at' | 'actor'> } = {
    ACKNOWLEDGE: { type: 'ACKNOWLEDGE' },
    START_INVESTIGATION: { type: 'START_INVESTIGATION' },
    REPLY: { type: 'REPLY', body: '-' },
    ADD_NOTE: { type: 'ADD_NOTE', body: '-' },
    GIVE_FEEDBACK: { type: 'GIVE_FEEDBACK', body: '-' },
    CLOSE: { type: 'CLOSE', outcome: 'unfounded' },
    REOPEN: { type: 'REOPEN', reason: '-' },
    ROUTE: { type: 'ROUTE', team: '-', assignee: null, ruleId: null, policyVersion: 1 },
    ASSIGN: { type: 'ASSIGN', assignee: '\u0000someone-else' },
    RECUSE: { type: 'RECUSE', reason: '-' },
    PLACE_HOLD: { type: 'PLACE_HOLD', reason: '-' },
    RELEASE_HOLD: { type: 'RELEASE_HOLD', reason: '-' },
    SET_RETENTION: { type: 'SET_RETENTION', until: new Date(after).toISOString(), reason: '-' },
    PURGE: { type: 'PURGE' },
    EXPORT: { type: 'EXPORT' },
    TICK: { type: 'TICK' },
    REPORTER_MESSAGE: { type: 'REPORTER_MESSAGE', body: '-' },
    AMEND_RECORD: { type: 'AMEND_RECORD', minutes: '-' },
    CONFIRM_RECORD: { type: 'CONFIRM_RECORD' },
    REQUEST_CORRECTION: { type: 'REQUEST_CORRECTION', body: '-' },
    MAILBOX_LOCKED: { type: 'MAILBOX_LOCKED', until: at + DAY_MS },
    ACCESS_ATTACHMENT: {
      type: 'ACCESS_ATTACHMENT',
      attachment: { id: 'a_sample-attachment-identifier', type: 'text/plain', size: 1 },
    },
  };

  return { ...samples[type], ...base } as CaseEvent;
}

/** The event types this actor could send now, by asking the machine itself. */
export function acceptedEvents(
  snapshot: CaseSnapshot,
  actor: CaseEvent['actor'],
  at: number,
): CaseEventType[] {
  return CASE_EVENT_TYPES.filter((type) =>
    snapshot.can(sampleEvent(type, snapshot.context, actor, at)),
  );
}

/**
 * When the host should next wake the case: the first instant at which a TICK or PURGE is
 * accepted. That is 1 ms after the earliest unmet deadline (a deadline is missed once it has
 * passed: `deadlinePassed`), or the retention date itself of a purge that is scheduled, or due
 * and not held (`purgeDue`); null when nothing is pending.
 */
export function nextTimer(snapshot: CaseSnapshot): number | null {
  const context = snapshot.context;
  const times = pendingDeadlines(context).map((deadline) => deadline + 1);
  const { retention, hold } = statesOf(snapshot);
  const purgeWaiting = retention === 'scheduled' || (retention === 'due' && hold === 'none');
  if (purgeWaiting && context.retention.until !== null) times.push(context.retention.until);
  if (times.length === 0) return null;

  return Math.min(...times);
}
