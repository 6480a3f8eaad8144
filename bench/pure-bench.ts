/**
 * Part (a) of `npm run bench`: the pure decide step per event, as the case's Durable Object
 * runs it minus SQL (restore, decide, append the audit record, persist), against a
 * hand-written reducer over the same histories with the same audit record. Measurement only:
 * it prints numbers and asserts nothing about them.
 *
 * Runs in Node after bench/run.mjs bundles it with esbuild. Pure apart from the clock it
 * reads (`performance.now()`) and the lines it prints.
 */
import { decide, envelope, restore } from '../machines/engine';
import type { CaseEnvelope } from '../machines/engine';
import { canonicalJson } from '../src/audit/canonical';
import type { AuditRecord } from '../src/audit/chain';
import { appendRecord } from '../src/audit/chain';
import { auditDraft, decideEvent } from '../src/cases/decide-event';
import { handDecide } from './hand-reducer';
import type { History } from './histories';
import { generateHistories } from './histories';

/** What one side of the comparison measured, in nanoseconds per event. */
export interface PureSide {
  p50: number;
  mean: number;
  /**
   * The p50 of each phase, and of the whole step without the audit record, from a separate
   * pass that reads the clock between phases.
   */
  phases: Record<string, number>;
}

export interface PureResult {
  /** p50 of two back-to-back clock reads, ns: the floor under every per-event figure. */
  clockNs: number;
  histories: number;
  events: number;
  machine: PureSide;
  hand: PureSide;
}

type Step = (
  current: CaseEnvelope,
  prev: AuditRecord,
  event: History['events'][number],
) => {
  next: CaseEnvelope;
  record: AuditRecord;
};

/** What the DO does per event between reading and writing SQL (case-object.ts). */
const machineStep: Step = (current, prev, event) => {
  const decision = decideEvent(current, prev, event, event.actor, event.at);
  if (!decision.ok) throw new Error(`machine refused ${event.type}: ${decision.message}`);

  return { next: decision.envelope, record: decision.record };
};

/** The same step with the hand-written reducer in place of restore, decide and persist. */
const handStep: Step = (current, prev, event) => {
  const decision = handDecide(current.snapshot, event);
  if (!decision.ok) throw new Error(`hand reducer refused ${event.type}: ${decision.reason}`);
  const record = appendRecord(prev, auditDraft(event, decision.before, decision.after));
  const next = { machine: 'case', version: current.version, snapshot: decision.next };

  return { next: { ...next, seq: record.seq } as CaseEnvelope, record };
};

/** Replays every history once; with `samples`, records each event's time in ms. */
function replay(histories: History[], step: Step, samples?: Float64Array): number {
  let index = 0;
  for (const history of histories) {
    let current = history.initial;
    let prev = history.lastRecord;
    for (const event of history.events) {
      const started = performance.now();
      const result = step(current, prev, event);
      if (samples) samples[index] = performance.now() - started;
      index++;
      current = result.next;
      prev = result.record;
    }
  }

  return index;
}

/**
 * Replays both sides side by side and fails when they differ anywhere: accepted events, stored
 * form and audit chain. A ratio between two sides that did different work would mean nothing.
 */
function checkAgreement(histories: History[]): void {
  for (const [h, history] of histories.entries()) {
    let machine = { next: history.initial, record: history.lastRecord };
    let hand = machine;
    for (const [i, event] of history.events.entries()) {
      machine = machineStep(machine.next, machine.record, event);
      hand = handStep(hand.next, hand.record, event);
      if (
        canonicalJson(machine.next) !== canonicalJson(hand.next) ||
        machine.record.hash !== hand.record.hash
      ) {
        throw new Error(`history ${h}, event ${i} (${event.type}): the two sides disagree`);
      }
    }
  }
}

/** Per-event times (ms) of each phase, and of everything but the audit record. */
class PhaseSamples {
  private readonly samples: Record<string, Float64Array> = {};
  private index = 0;

  constructor(
    private readonly names: string[],
    private readonly count: number,
  ) {
    for (const name of [...names, 'withoutAudit']) this.samples[name] = new Float64Array(count);
  }

  /** Records one event from the clock readings around its phases (one more than phases). */
  add(clock: number[]): void {
    let withoutAudit = 0;
    for (const [p, name] of this.names.entries()) {
      const ms = clock[p + 1]! - clock[p]!;
      this.samples[name]![this.index] = ms;
      if (name !== 'appendRecord') withoutAudit += ms;
    }
    this.samples.withoutAudit![this.index] = withoutAudit;
    this.index++;
  }

  /** The p50 of each phase in ns. */
  p50s(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.samples).map(([name, values]) => [name, summarise(values).p50]),
    );
  }
}

/** Per-phase p50s (ns) of the machine path, reading the clock between phases. */
function machinePhases(histories: History[], events: number): Record<string, number> {
  const phases = new PhaseSamples(['restore', 'decide', 'appendRecord', 'persist'], events);
  for (const history of histories) {
    let current = history.initial;
    let prev = history.lastRecord;
    for (const event of history.events) {
      const t0 = performance.now();
      const snapshot = restore(current.snapshot);
      const t1 = performance.now();
      const decision = decide(snapshot, event);
      const t2 = performance.now();
      if (!decision.ok) throw new Error(decision.message);
      const record = appendRecord(prev, auditDraft(event, decision.before, decision.after));
      const t3 = performance.now();
      current = envelope(decision.snapshot, record.seq);
      phases.add([t0, t1, t2, t3, performance.now()]);
      prev = record;
    }
  }

  return phases.p50s();
}

/** Per-phase p50s (ns) of the hand-written path. */
function handPhases(histories: History[], events: number): Record<string, number> {
  const phases = new PhaseSamples(['reduce', 'appendRecord', 'persist'], events);
  for (const history of histories) {
    let current = history.initial;
    let prev = history.lastRecord;
    for (const event of history.events) {
      const t0 = performance.now();
      const decision = handDecide(current.snapshot, event);
      const t1 = performance.now();
      if (!decision.ok) throw new Error(decision.reason);
      const record = appendRecord(prev, auditDraft(event, decision.before, decision.after));
      const t2 = performance.now();
      current = { ...current, snapshot: decision.next, seq: record.seq };
      phases.add([t0, t1, t2, performance.now()]);
      prev = record;
    }
  }

  return phases.p50s();
}

function summarise(samples: Float64Array): { p50: number; mean: number } {
  const sorted = Float64Array.from(samples).sort();
  const sum = sorted.reduce((total, value) => total + value, 0);

  return { p50: sorted[Math.floor(sorted.length / 2)]! * 1e6, mean: (sum / sorted.length) * 1e6 };
}

/**
 * Generates the histories, checks that both sides agree on them, warms both up, then times
 * `rounds` alternating passes of each (the order flips every round, so neither side always
 * runs on a warmer heap).
 */
export function runPureBench(options: {
  seed: number;
  histories: number;
  length: number;
  rounds: number;
}): PureResult {
  const histories = generateHistories(options.seed, options.histories, options.length);
  checkAgreement(histories);
  replay(histories, machineStep);
  replay(histories, handStep);

  const events = options.histories * options.length;
  const machine = new Float64Array(events * options.rounds);
  const hand = new Float64Array(events * options.rounds);
  for (let round = 0; round < options.rounds; round++) {
    const machineSlice = machine.subarray(round * events, (round + 1) * events);
    const handSlice = hand.subarray(round * events, (round + 1) * events);
    if (round % 2 === 0) {
      replay(histories, machineStep, machineSlice);
      replay(histories, handStep, handSlice);
    } else {
      replay(histories, handStep, handSlice);
      replay(histories, machineStep, machineSlice);
    }
  }

  const clock = new Float64Array(100_000);
  for (let i = 0; i < clock.length; i++) clock[i] = -performance.now() + performance.now();

  return {
    clockNs: summarise(clock).p50,
    histories: options.histories,
    events,
    machine: { ...summarise(machine), phases: machinePhases(histories, events) },
    hand: { ...summarise(hand), phases: handPhases(histories, events) },
  };
}
