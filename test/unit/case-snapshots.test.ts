/// <reference types="vite/client" />
// Stored snapshots of the case machine: persisting then restoring is the identity (also through
// JSON), and every committed fixture of every machine version (test/fixtures/case-v*/, written
// by scripts/make-case-fixtures.ts) still restores into the states it was stored in.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CASE_MACHINE_VERSION, caseMachine } from '../../machines/case';
import type { CaseEnvelope, CaseSnapshot, PersistedCase } from '../../machines/engine';
import {
  acceptedEvents,
  decide,
  envelope,
  persist,
  restore,
  statesOf,
} from '../../machines/engine';
import { CASE_EVENT_TYPES } from '../../machines/events';
import { upgradeEnvelope } from '../../machines/migrations';
import { DAY_MS } from '../../machines/time';
import { ACTORS, historyArb, replay } from './arbitraries';

const RUNS = 150;

/** Property tests run for seconds, longer on a loaded machine. */
const SLOW = { timeout: 60_000 };

/** The same snapshot, by everything a host can observe of it. */
function expectSame(
  restored: CaseSnapshot,
  original: CaseSnapshot,
  actors: typeof ACTORS,
  at: number,
) {
  expect(statesOf(restored)).toEqual(statesOf(original));
  expect(restored.context).toEqual(original.context);
  for (const actor of actors) {
    expect(acceptedEvents(restored, actor, at)).toEqual(acceptedEvents(original, actor, at));
  }
}

describe('persist and restore', SLOW, () => {
  it('restores a persisted snapshot to the same states, context and offered events', () => {
    fc.assert(
      fc.property(
        historyArb(),
        fc.subarray([...ACTORS], { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 0, max: 120 * DAY_MS }),
        (history, actors, delta) => {
          for (const { before, event, decision } of replay(history).decided) {
            const stored = persist(before);
            const at = before.context.lastEventAt + delta;
            const direct = restore(stored);
            const viaJson = restore(JSON.parse(JSON.stringify(stored)) as PersistedCase);

            expectSame(direct, before, actors, at);
            expectSame(viaJson, before, actors, at);

            // The restored snapshot decides the next event exactly as the original did.
            const again = decide(viaJson, event);
            expect(again.ok).toBe(decision.ok);
            if (again.ok && decision.ok) {
              expect(persist(again.snapshot)).toEqual(persist(decision.snapshot));
            } else {
              expect(again).toEqual(decision);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

// -------------------------------------------------------------------------------------------
// Fixtures of every version.

const files = import.meta.glob('../fixtures/case-v*/*.json', { eager: true, import: 'default' });
const fixtures = Object.entries(files).map(([path, data]) => ({
  path: path.replace('../fixtures/', ''),
  envelope: data as CaseEnvelope,
}));

/** The persisted form of a stored envelope, upgraded as the case's object upgrades it. */
function upgrade(stored: CaseEnvelope): PersistedCase {
  const upgraded = upgradeEnvelope(stored);
  if (!upgraded.ok) throw new Error(upgraded.message);

  return upgraded.envelope.snapshot;
}

describe('stored fixtures', SLOW, () => {
  it('exist for the current version of the machine', () => {
    const current = fixtures.filter((f) => f.path.startsWith(`case-v${CASE_MACHINE_VERSION}/`));
    expect(current.length).toBeGreaterThanOrEqual(10);
  });

  it.each(fixtures.map((f) => [f.path, f.envelope] as const))('%s restores', (_, stored) => {
    expect(stored.machine).toBe('case');
    expect(Number.isInteger(stored.version)).toBe(true);
    expect(stored.version).toBeGreaterThanOrEqual(1);
    expect(stored.version).toBeLessThanOrEqual(CASE_MACHINE_VERSION);
    expect(Number.isInteger(stored.seq) && stored.seq >= 0).toBe(true);

    const snapshot = restore(upgrade(stored));
    expect(statesOf(snapshot)).toEqual(stored.snapshot.value);

    const at = snapshot.context.lastEventAt + DAY_MS;
    const offered = ACTORS.flatMap((actor) => acceptedEvents(snapshot, actor, at));
    for (const type of offered) expect(CASE_EVENT_TYPES).toContain(type);
    if (statesOf(snapshot).retention === 'purged') expect(offered).toEqual([]);
    else expect(offered.length).toBeGreaterThan(0);

    if (stored.version === CASE_MACHINE_VERSION) {
      expect(envelope(snapshot, stored.seq)).toEqual(stored);
    }
  });

  it('are refused when written by a newer machine version, or another machine', () => {
    const stored = fixtures[0]!.envelope;
    const newer = upgradeEnvelope({ ...stored, version: CASE_MACHINE_VERSION + 1 });
    expect(newer).toMatchObject({ ok: false, code: 'unknown_version' });
    const other = upgradeEnvelope({ ...stored, machine: 'hold' as 'case' });
    expect(other).toMatchObject({ ok: false, code: 'unknown_version' });
  });

  it('of the current version cover every state of every region and of the oral record', () => {
    const current = fixtures
      .filter((f) => f.envelope.version === CASE_MACHINE_VERSION)
      .map((f) => f.envelope.snapshot);

    for (const [region, node] of Object.entries(caseMachine.root.states)) {
      const stored = new Set(current.map((s) => s.value[region as keyof typeof s.value]));
      expect([...stored].sort(), region).toEqual(Object.keys(node.states).sort());
    }
    const records = new Set(current.map((s) => s.context.oralRecord));
    expect([...records].sort()).toEqual([
      'confirmed',
      'correction_requested',
      'none',
      'unconfirmed',
    ]);
  });
});
