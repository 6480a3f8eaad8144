/**
 * Shared fast-check generators for the case machine's tests: a small cast of actors, events
 * of every type with valid payloads, and histories whose times never go backwards. Test
 * support only; pure, no I/O.
 *
 * The pools are small on purpose: ids, teams and assignees must collide often for routing,
 * scope and recusal rules to be exercised, and retention periods are short (days, not years)
 * so that a forty-event history can reach a purge.
 */
import fc from 'fast-check';

import type { CaseInput } from '../../machines/context';
import type { Decision } from '../../machines/engine';
import { createCase, decide } from '../../machines/engine';
import type { CaseSnapshot } from '../../machines/engine';
import type { Actor, CaseCommand, CaseEvent, CaseEventType } from '../../machines/events';
import { CASE_EVENT_TYPES, OUTCOMES } from '../../machines/events';
import { DAY_MS } from '../../machines/time';

/** Teams (organisational units) a case can be routed to. */
export const TEAMS = ['finance', 'legal', 'hr'] as const;

/**
 * The people who act on generated cases. Reviewer and admin belong to a unit on purpose:
 * membership of the case's team must not let them act.
 */
export const CAST = {
  lead: { id: 'lena', role: 'compliance_lead', units: [] },
  lead2: { id: 'luis', role: 'compliance_lead', units: ['legal'] },
  hana: { id: 'hana', role: 'handler', units: ['finance'] },
  hugo: { id: 'hugo', role: 'handler', units: ['legal'] },
  hedy: { id: 'hedy', role: 'handler', units: ['finance', 'hr'] },
  reviewer: { id: 'rita', role: 'reviewer', units: ['finance'] },
  admin: { id: 'adam', role: 'admin', units: ['finance', 'legal', 'hr'] },
  reporter: { id: 'reporter', role: 'reporter', units: [] },
  system: { id: 'whispr', role: 'system', units: [] },
} as const satisfies Record<string, Actor>;

/** Every actor of the cast, in a fixed order. */
export const ACTORS: readonly Actor[] = Object.values(CAST).map((a) => ({
  ...a,
  units: [...a.units],
}));

const byRole = (...roles: Actor['role'][]) => ACTORS.filter((a) => roles.includes(a.role));

/** Staff who may be named as assignee: the case workers of the cast. */
export const ASSIGNEES = byRole('compliance_lead', 'handler').map((a) => a.id);

/** Any actor of the cast. */
export const actorArb: fc.Arbitrary<Actor> = fc.constantFrom(...ACTORS);

/** Who would plausibly send each event type; the rest of the cast is tried less often. */
const PLAUSIBLE: Record<CaseEventType, readonly Actor[]> = {
  ACKNOWLEDGE: byRole('compliance_lead', 'handler'),
  START_INVESTIGATION: byRole('compliance_lead', 'handler'),
  REPLY: byRole('compliance_lead', 'handler'),
  ADD_NOTE: byRole('compliance_lead', 'handler'),
  GIVE_FEEDBACK: byRole('compliance_lead', 'handler'),
  CLOSE: byRole('compliance_lead', 'handler'),
  REOPEN: byRole('compliance_lead', 'handler'),
  AMEND_RECORD: byRole('compliance_lead', 'handler'),
  RECUSE: byRole('compliance_lead', 'handler'),
  ROUTE: byRole('system'),
  PURGE: byRole('system'),
  TICK: byRole('system'),
  MAILBOX_LOCKED: byRole('system'),
  ASSIGN: byRole('compliance_lead'),
  PLACE_HOLD: byRole('compliance_lead'),
  RELEASE_HOLD: byRole('compliance_lead'),
  SET_RETENTION: byRole('compliance_lead'),
  EXPORT: byRole('compliance_lead'),
  REPORTER_MESSAGE: byRole('reporter'),
  CONFIRM_RECORD: byRole('reporter'),
  REQUEST_CORRECTION: byRole('reporter'),
  ACCESS_ATTACHMENT: byRole('compliance_lead', 'handler'),
};

/** An actor for an event type: usually one who may send it, sometimes anyone. */
export function actorFor(type: CaseEventType): fc.Arbitrary<Actor> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...PLAUSIBLE[type]) },
    { weight: 1, arbitrary: actorArb },
  );
}

const body = fc.constantFrom('-', 'Thank you for your report.', 'Gesprächsnotiz 2.');
const reason = fc.constantFrom('court order', 'conflict of interest', 'new evidence');

/**
 * A command whose payload is valid for its schema. Times inside payloads (SET_RETENTION's
 * `until`, MAILBOX_LOCKED's `until`) are offsets from the event's `at`, resolved by `stamp`.
 */
export interface CommandSpec {
  command: CaseCommand;
  /** For SET_RETENTION and MAILBOX_LOCKED: `until` = at + offset (ms). */
  offset: number;
}

const offsetArb = fc.integer({ min: -30 * DAY_MS, max: 90 * DAY_MS });

/** A command of the given type with a generated, schema-valid payload. */
export function commandArb(type: CaseEventType): fc.Arbitrary<CommandSpec> {
  const plain = (command: CaseCommand) => fc.constant({ command, offset: 0 });
  const withBody = (t: 'REPLY' | 'ADD_NOTE' | 'GIVE_FEEDBACK' | 'REPORTER_MESSAGE') =>
    body.map((b) => ({ command: { type: t, body: b }, offset: 0 }));
  const withReason = (t: 'REOPEN' | 'RECUSE' | 'PLACE_HOLD' | 'RELEASE_HOLD') =>
    reason.map((r) => ({ command: { type: t, reason: r }, offset: 0 }));

  switch (type) {
    case 'ACKNOWLEDGE':
    case 'START_INVESTIGATION':
    case 'PURGE':
    case 'EXPORT':
    case 'TICK':
    case 'CONFIRM_RECORD':
      return plain({ type } as CaseCommand);
    case 'REPLY':
    case 'ADD_NOTE':
    case 'GIVE_FEEDBACK':
    case 'REPORTER_MESSAGE':
      return withBody(type);
    case 'REOPEN':
    case 'RECUSE':
    case 'PLACE_HOLD':
    case 'RELEASE_HOLD':
      return withReason(type);
    case 'REQUEST_CORRECTION':
      return body.map((b) => ({ command: { type, body: b }, offset: 0 }));
    case 'AMEND_RECORD':
      return body.map((m) => ({ command: { type, minutes: m }, offset: 0 }));
    case 'CLOSE':
      return fc
        .constantFrom(...OUTCOMES)
        .map((outcome) => ({ command: { type, outcome }, offset: 0 }));
    case 'ROUTE':
      return fc
        .record({
          team: fc.constantFrom(...TEAMS),
          assignee: fc.option(fc.constantFrom(...ASSIGNEES), { nil: null }),
          ruleId: fc.option(fc.constantFrom('r1', 'r2'), { nil: null }),
          policyVersion: fc.integer({ min: 1, max: 9 }),
        })
        .map((r) => ({ command: { type, ...r }, offset: 0 }));
    case 'ASSIGN':
      return fc
        .constantFrom(...ASSIGNEES)
        .map((assignee) => ({ command: { type, assignee }, offset: 0 }));
    case 'SET_RETENTION':
      return fc.record({ reason, offset: offsetArb }).map(({ reason: r, offset }) => ({
        command: { type, until: new Date(0).toISOString(), reason: r },
        offset,
      }));
    case 'MAILBOX_LOCKED':
      return offsetArb.map((offset) => ({ command: { type, until: 0 }, offset }));
    case 'ACCESS_ATTACHMENT':
      return fc.constantFrom('image/jpeg', 'application/pdf').map((fileType) => ({
        command: { type, attachment: { id: 'a_generated-attachment-id', type: fileType, size: 9 } },
        offset: 0,
      }));
  }
}

/** How often each event type appears in generated histories (weights). */
const TYPE_WEIGHTS: Partial<Record<CaseEventType, number>> = {
  CLOSE: 3,
  TICK: 3,
  PURGE: 3,
  ASSIGN: 2,
  ACKNOWLEDGE: 2,
  RECUSE: 2,
  PLACE_HOLD: 2,
  RELEASE_HOLD: 2,
  REOPEN: 2,
};

/** An event type, weighted so that histories reach closure, holds and purges. */
export const eventTypeArb: fc.Arbitrary<CaseEventType> = fc.oneof(
  ...CASE_EVENT_TYPES.map((type) => ({
    weight: TYPE_WEIGHTS[type] ?? 1,
    arbitrary: fc.constant(type),
  })),
);

/** One thing a step may send: who, and what. */
export interface Try {
  actor: Actor;
  spec: CommandSpec;
}

/**
 * One step of a history: how long after the previous event, and one to three things to try.
 * The replay sends the first try the machine would accept, or the first try when it would
 * accept none; so histories go deep (closure, purge) and still carry refusals.
 */
export interface Step {
  /** Milliseconds since the previous event (0 allowed: two events in the same millisecond). */
  gap: number;
  tries: [Try, ...Try[]];
}

/** A gap between events: minutes, days or months, so deadlines are both met and missed. */
export const gapArb: fc.Arbitrary<number> = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 60 * 60 * 1000 }),
  fc.integer({ min: 1, max: 10 * DAY_MS }),
  fc.integer({ min: 10 * DAY_MS, max: 120 * DAY_MS }),
);

/** A try of a given type. */
export function tryOf(type: CaseEventType): fc.Arbitrary<Try> {
  return fc.record({ actor: actorFor(type), spec: commandArb(type) });
}

/** A try of any type. */
export const tryArb: fc.Arbitrary<Try> = eventTypeArb.chain(tryOf);

/** A step of any types. */
export const stepArb: fc.Arbitrary<Step> = fc.record({
  gap: gapArb,
  tries: fc
    .tuple(tryArb, fc.array(tryArb, { maxLength: 2 }))
    .map(([first, rest]) => [first, ...rest]) as fc.Arbitrary<[Try, ...Try[]]>,
});

const MIN_TIME = Date.UTC(2020, 0, 1);
const MAX_TIME = Date.UTC(2035, 0, 1);

/** A receipt time, epoch ms, between 2020 and 2035. */
export const timeArb: fc.Arbitrary<number> = fc.integer({ min: MIN_TIME, max: MAX_TIME });

/** The host's input for a new case, with short retention periods (0 to 60 days). */
export const caseInputArb: fc.Arbitrary<CaseInput> = fc.record({
  caseId: fc.uuid(),
  orgId: fc.constantFrom('org-a', 'org-b'),
  caseRef: fc.stringMatching(/^WB-[0-9]{4}$/),
  mode: fc.constantFrom('compliance' as const, 'team' as const),
  channel: fc.constantFrom('written' as const, 'oral' as const),
  category: fc.constantFrom('fraud', 'corruption', 'other'),
  receivedAt: timeArb,
  retention: fc.record({
    policyVersion: fc.integer({ min: 1, max: 5 }),
    closedCaseDays: fc.integer({ min: 0, max: 60 }),
    oralRecordDays: fc.integer({ min: 0, max: 60 }),
    byOutcome: fc.dictionary(fc.constantFrom(...OUTCOMES), fc.integer({ min: 0, max: 60 }), {
      maxKeys: 3,
    }),
  }),
});

/** A case's input and the steps sent to it. */
export interface History {
  input: CaseInput;
  steps: Step[];
}

/** A history of up to `maxLength` steps. */
export function historyArb(maxLength = 40): fc.Arbitrary<History> {
  return fc.record({ input: caseInputArb, steps: fc.array(stepArb, { maxLength, size: 'max' }) });
}

/** The event a step sends at time `at`: payload times resolved, server fields added. */
export function stamp(spec: CommandSpec, actor: Actor, at: number): CaseEvent {
  const command = spec.command;
  if (command.type === 'SET_RETENTION') {
    return { ...command, until: new Date(at + spec.offset).toISOString(), at, actor };
  }
  if (command.type === 'MAILBOX_LOCKED') {
    return { ...command, until: at + spec.offset, at, actor };
  }

  return { ...command, at, actor } as CaseEvent;
}

/** One decision of a replayed history, with the snapshot it was taken on. */
export interface Decided {
  before: CaseSnapshot;
  event: CaseEvent;
  decision: Decision;
}

/**
 * Sends steps to a snapshot, starting the clock at `start`; each step sends its first
 * accepted try, or its first try when the machine would accept none.
 */
export function replayFrom(
  snapshot: CaseSnapshot,
  start: number,
  steps: readonly Step[],
): { decided: Decided[]; final: CaseSnapshot } {
  let current = snapshot;
  let at = start;
  const decided: Decided[] = [];
  for (const step of steps) {
    at += step.gap;
    const events = step.tries.map((t) => stamp(t.spec, t.actor, at));
    const event = events.find((e) => current.can(e)) ?? events[0]!;
    const decision = decide(current, event);
    decided.push({ before: current, event, decision });
    if (decision.ok) current = decision.snapshot;
  }

  return { decided, final: current };
}

/** Sends a history to a new case. */
export function replay(history: History): { decided: Decided[]; final: CaseSnapshot } {
  return replayFrom(createCase(history.input), history.input.receivedAt, history.steps);
}

/** Every snapshot a replay passed through, the first and the last included. */
export function snapshotsOf(replayed: { decided: Decided[]; final: CaseSnapshot }): CaseSnapshot[] {
  return [...replayed.decided.map((d) => d.before), replayed.final];
}
