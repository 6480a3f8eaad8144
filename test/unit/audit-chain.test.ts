// Properties of the audit hash chain and of the canonical JSON it hashes: what the chain detects,
// and, asserted just as exactly, what it cannot detect without the writer's head (count and hash).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical';
import {
  appendRecord,
  GENESIS_HASH,
  hashRecord,
  verifyAnchored,
  verifyChain,
  type AuditDraft,
  type AuditRecord,
  type RegionStates,
} from '../../src/audit/chain';

const RUNS = { numRuns: 1_000 };

// ---------------------------------------------------------------------------------------------
// Generators

const instant = fc
  .date({
    min: new Date('2020-01-01T00:00:00.000Z'),
    max: new Date('2100-01-01T00:00:00.000Z'),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString());

const caseStates: fc.Arbitrary<RegionStates> = fc.record({
  lifecycle: fc.constantFrom('received', 'acknowledged', 'investigating', 'closed', 'reopened'),
  routing: fc.constantFrom('unrouted', 'queued', 'assigned', 'reassigned'),
  hold: fc.constantFrom('none', 'active'),
  retention: fc.constantFrom('retained', 'scheduled', 'purged'),
});

// Organisation trails name their own regions.
const otherStates: fc.Arbitrary<RegionStates> = fc.dictionary(
  fc.string({ maxLength: 10 }),
  fc.string({ maxLength: 10 }),
  { maxKeys: 4 },
);

const regionStates = fc.oneof(caseStates, otherStates);

const draft: fc.Arbitrary<AuditDraft> = fc.record({
  at: instant,
  actor: fc.record({
    id: fc.string({ maxLength: 12 }),
    role: fc.constantFrom('handler', 'compliance_lead', 'admin', 'reporter', 'system'),
  }),
  type: fc.constantFrom('CREATE', 'ACKNOWLEDGE', 'ASSIGN', 'CLOSE', 'REOPEN', 'PLACE_HOLD'),
  before: fc.option(regionStates, { nil: null }),
  after: regionStates,
  details: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
    maxKeys: 4,
  }),
});

function buildChain(drafts: readonly AuditDraft[], from: AuditRecord | null = null): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const item of drafts) records.push(appendRecord(records.at(-1) ?? from, item));

  return records;
}

const chain = (minLength: number) =>
  fc.array(draft, { minLength, maxLength: 10 }).map((drafts) => buildChain(drafts));

// ---------------------------------------------------------------------------------------------
// Tampering with JSON values by path. Objects are written with defineProperty so that a key named
// "__proto__" (which the generators produce) stays an ordinary own property.

type Step = string | number;
type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container =>
  typeof value === 'object' && value !== null;

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function getAt(root: unknown, path: readonly Step[]): unknown {
  let node = root;
  for (const step of path) node = (node as Record<Step, unknown>)[step];

  return node;
}

function setIn(container: Container, step: Step, value: unknown): void {
  if (Array.isArray(container)) container[step as number] = value;
  else
    Object.defineProperty(container, step, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

function removeFrom(container: Container, step: Step): void {
  if (Array.isArray(container)) container.splice(step as number, 1);
  else delete container[step as string];
}

function descendants(node: unknown, prefix: readonly Step[]): Step[][] {
  if (!isContainer(node)) return [];
  const steps: Step[] = Array.isArray(node) ? node.map((_, index) => index) : Object.keys(node);

  return steps.flatMap((step) => {
    const path = [...prefix, step];

    return [path, ...descendants(getAt(node, [step]), path)];
  });
}

const differentJson = (old: unknown) =>
  fc.jsonValue({ maxDepth: 2 }).filter((value) => canonicalJson(value) !== canonicalJson(old));

/**
 * Applies one generated change to a copy of `record`: replaces, slightly alters, removes or adds a
 * value at any depth of one of `fields`, or (when `newField`) adds a top-level field the record
 * did not have. Every change alters the record's canonical JSON. Returns the copy and the
 * top-level field that changed.
 */
function tamper(
  g: fc.GeneratorValue,
  record: AuditRecord,
  fields: readonly string[],
  newField = true,
): { tampered: AuditRecord; field: string } {
  const tampered = clone(record);
  const root = tampered as unknown as Record<string, unknown>;

  if (newField && g(fc.nat, { max: 9 }) === 0) {
    const name = g(() => fc.string({ maxLength: 8 }).filter((key) => !Object.hasOwn(root, key)));
    setIn(root, name, g(fc.jsonValue, { maxDepth: 2 }));

    return { tampered, field: name };
  }

  const field = g(fc.constantFrom, ...fields);
  const path = g(fc.constantFrom, [field], ...descendants(root[field], [field]));
  const parent = getAt(root, path.slice(0, -1)) as Container;
  const step = path.at(-1) as Step;
  const node = getAt(root, path);

  const kinds = ['replace', 'remove'];
  if (isContainer(node)) kinds.push('grow');
  const nudgeable = (typeof node === 'string' && node.length > 0) || typeof node === 'number';
  if (nudgeable) kinds.push('nudge');
  const kind = g(fc.constantFrom, ...kinds);

  if (kind === 'replace') setIn(parent, step, g(differentJson, node));
  else if (kind === 'remove') removeFrom(parent, step);
  else if (kind === 'nudge') setIn(parent, step, nudge(g, node as string | number));
  else if (Array.isArray(node)) node.push(g(fc.jsonValue, { maxDepth: 1 }));
  else {
    const name = g(() =>
      fc.string({ maxLength: 8 }).filter((key) => !Object.hasOwn(node as object, key)),
    );
    setIn(node as Container, name, g(fc.jsonValue, { maxDepth: 1 }));
  }

  return { tampered, field };
}

/** The smallest plausible forgery: one character or one unit different. */
function nudge(g: fc.GeneratorValue, value: string | number): string | number {
  if (typeof value === 'number') return value + 1 === value ? -value - 1 : value + 1;

  const index = g(fc.nat, { max: value.length - 1 });
  const unit = value.charCodeAt(index);
  const replacement = String.fromCharCode(unit === 0x30 ? 0x31 : 0x30);

  return value.slice(0, index) + replacement + value.slice(index + 1);
}

function withHashRecomputed(record: AuditRecord): AuditRecord {
  const { hash: _stale, ...content } = record;

  return { ...content, hash: hashRecord(content) };
}

const ALL_FIELDS = ['seq', 'prevHash', 'at', 'actor', 'type', 'before', 'after', 'details', 'hash'];
const CONTENT_FIELDS = ['at', 'actor', 'type', 'before', 'after', 'details'];

// ---------------------------------------------------------------------------------------------

describe('audit chain: building and verifying', () => {
  it('verifies every chain built by appendRecord, from seq 1 and the genesis hash', () => {
    fc.assert(
      fc.property(chain(1), (records) => {
        expect(verifyChain(records)).toEqual({
          valid: true,
          brokenAt: null,
          length: records.length,
        });
        expect(records.map((record) => record.seq)).toEqual(records.map((_, index) => index + 1));
        expect(records[0]?.prevHash).toBe(GENESIS_HASH);
        expect(records[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
      }),
      RUNS,
    );
  });

  it('verifies an empty trail', () => {
    expect(verifyChain([])).toEqual({ valid: true, brokenAt: null, length: 0 });
  });

  it('starts every chain from a genesis hash of 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('still verifies after an export round trip through JSON text', () => {
    fc.assert(
      fc.property(chain(1), (records) => {
        const exported = JSON.parse(JSON.stringify(records)) as AuditRecord[];

        expect(verifyChain(exported).valid).toBe(true);
      }),
      RUNS,
    );
  });

  it('keeps a record intact when the caller changes its draft afterwards', () => {
    fc.assert(
      fc.property(draft, fc.string(), (item, extra) => {
        const record = appendRecord(null, item);

        item.details[`added ${extra}`] = extra;
        item.actor.id = `${item.actor.id}!`;
        item.after['added region'] = extra;

        expect(verifyChain([record])).toEqual({ valid: true, brokenAt: null, length: 1 });
      }),
      RUNS,
    );
  });

  it('hashes the SHA-256 of the canonical text of the record without its hash', async () => {
    const content: Omit<AuditRecord, 'hash'> = {
      seq: 1,
      prevHash: GENESIS_HASH,
      at: '2025-03-01T09:30:00.000Z',
      actor: { id: 'u-1', role: 'handler' },
      type: 'CREATE',
      before: null,
      after: { lifecycle: 'received', routing: 'unrouted', hold: 'none', retention: 'retained' },
      details: { channel: 'web', ü: [1, 0.5] },
    };
    // Written out by hand, independently of canonicalJson: keys sorted, no whitespace.
    const text =
      '{"actor":{"id":"u-1","role":"handler"},' +
      '"after":{"hold":"none","lifecycle":"received",' +
      '"retention":"retained","routing":"unrouted"},' +
      '"at":"2025-03-01T09:30:00.000Z","before":null,"details":{"channel":"web","ü":[1,0.5]},' +
      `"prevHash":"${GENESIS_HASH}","seq":1,"type":"CREATE"}`;
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    const expected = Array.from(new Uint8Array(digest), (byte) =>
      byte.toString(16).padStart(2, '0'),
    );

    expect(hashRecord(content)).toBe(expected.join(''));
    expect(hashRecord({ ...content, hash: 'f'.repeat(64) } as Omit<AuditRecord, 'hash'>)).toBe(
      expected.join(''),
    );
    expect(appendRecord(null, content).hash).toBe(expected.join(''));
  });

  it('refuses a draft whose details JSON cannot carry', () => {
    const item: AuditDraft = {
      at: '2025-03-01T09:30:00.000Z',
      actor: { id: 'u-1', role: 'system' },
      type: 'NOTE',
      before: null,
      after: { lifecycle: 'received' },
      details: { ratio: Number.NaN },
    };

    expect(() => appendRecord(null, item)).toThrow(TypeError);
  });
});

describe('audit chain: what it detects', () => {
  it('detects any single change to any field of any record, at that record', () => {
    fc.assert(
      fc.property(chain(1), fc.gen(), (records, g) => {
        const index = g(fc.nat, { max: records.length - 1 });
        const { tampered, field } = tamper(g, records[index] as AuditRecord, ALL_FIELDS);
        const altered = records.with(index, tampered);

        // Checked in this order at each record: seq, then prevHash, then the record's own hash.
        const reason =
          field === 'seq'
            ? 'seq_gap'
            : field === 'prevHash'
              ? 'prev_hash_mismatch'
              : 'hash_mismatch';

        expect(verifyChain(altered)).toEqual({
          valid: false,
          brokenAt: index + 1,
          reason,
          length: records.length,
        });
      }),
      RUNS,
    );
  });

  it('detects a change whose own hash was recomputed, at the record after it', () => {
    fc.assert(
      fc.property(chain(2), fc.gen(), (records, g) => {
        const index = g(fc.nat, { max: records.length - 2 });
        const { tampered } = tamper(g, records[index] as AuditRecord, CONTENT_FIELDS);
        const altered = records.with(index, withHashRecomputed(tampered));

        // The rewritten record is self-consistent; its successor still names the old hash.
        expect(verifyChain(altered)).toEqual({
          valid: false,
          brokenAt: index + 2,
          reason: 'prev_hash_mismatch',
          length: records.length,
        });
      }),
      RUNS,
    );
  });

  it('detects the deletion of any record but the newest, at its position', () => {
    fc.assert(
      fc.property(chain(2), fc.gen(), (records, g) => {
        const index = g(fc.nat, { max: records.length - 2 });
        const altered = records.toSpliced(index, 1);

        expect(verifyChain(altered)).toEqual({
          valid: false,
          brokenAt: index + 1,
          reason: 'seq_gap',
          length: records.length - 1,
        });
      }),
      RUNS,
    );
  });

  it('detects a forged record inserted before any record, even a correctly chained one', () => {
    fc.assert(
      fc.property(chain(1), draft, fc.gen(), (records, forgedDraft, g) => {
        const index = g(fc.nat, { max: records.length - 1 });
        const forged = appendRecord(records[index - 1] ?? null, forgedDraft);
        const altered = records.toSpliced(index, 0, forged);

        // The forgery itself passes; the genuine record it displaced now sits one place late.
        expect(verifyChain(altered)).toEqual({
          valid: false,
          brokenAt: index + 2,
          reason: 'seq_gap',
          length: records.length + 1,
        });
      }),
      RUNS,
    );
  });

  it('detects two records swapped, at the earlier position', () => {
    fc.assert(
      fc.property(chain(2), fc.gen(), (records, g) => {
        const first = g(fc.nat, { max: records.length - 2 });
        const second = g(fc.integer, { min: first + 1, max: records.length - 1 });
        const swapped = records
          .with(first, records[second] as AuditRecord)
          .with(second, records[first] as AuditRecord);

        expect(verifyChain(swapped)).toEqual({
          valid: false,
          brokenAt: first + 1,
          reason: 'seq_gap',
          length: records.length,
        });

        // Renumbering the swapped pair does not help: their links point at the wrong records.
        const renumbered = swapped.map((record, index) => ({ ...record, seq: index + 1 }));

        expect(verifyChain(renumbered)).toEqual({
          valid: false,
          brokenAt: first + 1,
          reason: 'prev_hash_mismatch',
          length: records.length,
        });
      }),
      RUNS,
    );
  });

  it('detects records removed from the front, at position 1', () => {
    fc.assert(
      fc.property(chain(2), fc.gen(), (records, g) => {
        const dropped = g(fc.integer, { min: 1, max: records.length - 1 });
        const rest = records.slice(dropped);

        expect(verifyChain(rest)).toEqual({
          valid: false,
          brokenAt: 1,
          reason: 'seq_gap',
          length: rest.length,
        });

        const renumbered = rest.map((record, index) => ({ ...record, seq: index + 1 }));

        expect(verifyChain(renumbered)).toEqual({
          valid: false,
          brokenAt: 1,
          reason: 'prev_hash_mismatch',
          length: rest.length,
        });
      }),
      RUNS,
    );
  });
});

// Nothing in the chain is secret, so whoever can write the trail can also change its end and hash
// again. These tests pin that limit down; the writer's count and head hash, carried beside an
// export, are what catch it.
describe('audit chain: what only the writer’s head (count and newest hash) can detect', () => {
  it('verifies a trail truncated at the end, reporting the shorter length', () => {
    fc.assert(
      fc.property(chain(1), fc.gen(), (records, g) => {
        const kept = g(fc.nat, { max: records.length });

        expect(verifyChain(records.slice(0, kept))).toEqual({
          valid: true,
          brokenAt: null,
          length: kept,
        });
      }),
      RUNS,
    );
  });

  it('verifies the newest record rewritten with its hash recomputed', () => {
    fc.assert(
      fc.property(chain(1), fc.gen(), (records, g) => {
        const last = records.length - 1;
        const { tampered } = tamper(g, records[last] as AuditRecord, CONTENT_FIELDS);
        const altered = records.with(last, withHashRecomputed(tampered));

        expect(verifyChain(altered).valid).toBe(true);
        expect(altered.at(-1)?.hash).not.toBe(records.at(-1)?.hash);
      }),
      RUNS,
    );
  });

  it('verifies a forged record appended at the end', () => {
    fc.assert(
      fc.property(chain(1), draft, (records, forgedDraft) => {
        const altered = [...records, appendRecord(records.at(-1) ?? null, forgedDraft)];

        expect(verifyChain(altered)).toEqual({
          valid: true,
          brokenAt: null,
          length: records.length + 1,
        });
      }),
      RUNS,
    );
  });

  it('verifies a rewritten suffix, but its newest hash differs from the writer’s head', () => {
    fc.assert(
      fc.property(chain(1), fc.gen(), (records, g) => {
        const from = g(fc.nat, { max: records.length - 1 });
        // No new top-level field: appendRecord copies only the declared ones.
        const { tampered } = tamper(g, records[from] as AuditRecord, CONTENT_FIELDS, false);
        const { seq: _seq, prevHash: _prevHash, hash: _hash, ...firstDraft } = tampered;
        const rewritten = buildChain(
          [firstDraft, ...records.slice(from + 1)],
          records[from - 1] ?? null,
        );
        const altered = [...records.slice(0, from), ...rewritten];

        expect(verifyChain(altered)).toEqual({
          valid: true,
          brokenAt: null,
          length: records.length,
        });
        expect(altered.at(-1)?.hash).not.toBe(records.at(-1)?.hash);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------

const anyJson = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });

/** Copies `value` with every object's keys inserted in a generated order. */
function reorderKeys(g: fc.GeneratorValue, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => reorderKeys(g, item));
  if (!isContainer(value)) return value;

  const keys = Object.keys(value);
  const order = g(fc.shuffledSubarray, keys, { minLength: keys.length, maxLength: keys.length });
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Container;
  for (const key of order) setIn(copy, key, reorderKeys(g, getAt(value, [key])));

  return copy;
}

/** JSON has one zero: -0 is written as 0 (RFC 8785 §3.2.2.3) and parses back as 0. */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (!isContainer(value)) return value;

  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) setIn(copy, key, withoutNegativeZero(item));

  return copy;
}

describe('audit chain anchored at the writer’s count', () => {
  it('detects a trail truncated at the end, at the first missing seq', () => {
    fc.assert(
      fc.property(chain(1), fc.gen(), (records, g) => {
        const kept = g(fc.nat, { max: records.length - 1 });

        expect(verifyAnchored(records.slice(0, kept), { length: records.length })).toEqual({
          valid: false,
          brokenAt: kept + 1,
          reason: 'missing_records',
          length: kept,
        });
      }),
      RUNS,
    );
  });

  it('detects a forged record appended at the end, at its seq', () => {
    fc.assert(
      fc.property(chain(1), draft, (records, forgedDraft) => {
        const altered = [...records, appendRecord(records.at(-1) ?? null, forgedDraft)];

        expect(verifyAnchored(altered, { length: records.length })).toMatchObject({
          valid: false,
          brokenAt: records.length + 1,
          reason: 'unexpected_records',
        });
      }),
      RUNS,
    );
  });

  it('agrees with verifyChain on a complete trail, and on any break inside it', () => {
    fc.assert(
      fc.property(chain(0), (records) => {
        expect(verifyAnchored(records, { length: records.length })).toEqual(verifyChain(records));
        if (records.length > 1) {
          const swapped = [records[1]!, records[0]!, ...records.slice(2)];
          expect(verifyAnchored(swapped, { length: records.length })).toEqual(verifyChain(swapped));
        }
      }),
      RUNS,
    );
  });
});

describe('canonicalJson', () => {
  it('writes the same text whatever order the keys were inserted in', () => {
    fc.assert(
      fc.property(anyJson, fc.gen(), (value, g) => {
        expect(canonicalJson(reorderKeys(g, value))).toBe(canonicalJson(value));
      }),
      RUNS,
    );
  });

  it('writes text that parses back to an equal value and is its own canonical form', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const text = canonicalJson(value);

        expect(JSON.parse(text)).toEqual(withoutNegativeZero(value));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      RUNS,
    );
  });

  it('throws a TypeError for a non-finite number anywhere in the value', () => {
    const nonFinite = fc.constantFrom(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    );

    fc.assert(
      fc.property(anyJson, nonFinite, fc.gen(), (value, bad, g) => {
        const copy = clone(value);
        const paths = descendants(copy, []);
        if (paths.length === 0) {
          expect(() => canonicalJson(bad)).toThrow(TypeError);
          return;
        }

        const path = g(fc.constantFrom, ...paths);
        setIn(getAt(copy, path.slice(0, -1)) as Container, path.at(-1) as Step, bad);

        expect(() => canonicalJson(copy)).toThrow(TypeError);
      }),
      RUNS,
    );
  });

  it('omits object keys whose value is undefined', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), anyJson),
        fc.uniqueArray(fc.string()),
        (object, absent) => {
          const padded = { ...object };
          for (const key of absent) if (!Object.hasOwn(padded, key)) setIn(padded, key, undefined);

          expect(canonicalJson(padded)).toBe(canonicalJson(object));
        },
      ),
      RUNS,
    );
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('writes no whitespace and keeps arrays in order', () => {
    expect(canonicalJson({ b: [3, 1, 'x y'], a: { d: null, c: true } })).toBe(
      '{"a":{"c":true,"d":null},"b":[3,1,"x y"]}',
    );
  });

  it('sorts keys by UTF-16 code units: U+1F600 precedes U+FB33 (RFC 8785 §3.2.3)', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const expected = order.map(
      (key) => `${JSON.stringify(key)}:${JSON.stringify(value[key as keyof typeof value])}`,
    );

    expect(canonicalJson(value)).toBe(`{${expected.join(',')}}`);
  });

  it('writes numbers as ECMAScript does (RFC 8785 §3.2.2.3)', () => {
    expect(canonicalJson([-0, 1e21, 1e-7, 0.1, 123456789012345680000])).toBe(
      '[0,1e+21,1e-7,0.1,123456789012345680000]',
    );
  });

  it('escapes a lone surrogate so the text stays well-formed Unicode', () => {
    expect(canonicalJson('\ud800')).toBe('"\\ud800"');
  });

  it('refuses values JSON would drop, coerce or lose', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    for (const value of [
      undefined,
      [undefined],
      [1, , 3],
      10n,
      Symbol('s'),
      () => 1,
      new Date(0),
      new Map(),
      cyclic,
    ]) {
      expect(() => canonicalJson(value), String(value)).toThrow(TypeError);
    }
  });

  it('accepts one object referenced twice, which is not a cycle', () => {
    const shared = { k: 1 };

    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"k":1},"b":[{"k":1}]}');
  });
});
