import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  DEFAULT_RETENTION_POLICY,
  RetentionPolicySchema,
  retentionUntil,
  type RetentionPolicy,
} from '../../policies/index';

const OUTCOMES = ['unfounded', 'substantiated', 'withdrawn', 'out-of-scope'];
// Outcome names that a plain object lookup would find on Object.prototype.
const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'];

const daysArb = fc.integer({ min: 1, max: 36_500 });

const policyArb: fc.Arbitrary<RetentionPolicy> = fc
  .record(
    {
      version: fc.integer({ min: 1, max: 1000 }),
      closedCaseDays: daysArb,
      oralRecordDays: daysArb,
      byOutcome: fc.dictionary(fc.constantFrom(...OUTCOMES), daysArb, { maxKeys: 3 }),
    },
    { requiredKeys: ['version', 'closedCaseDays', 'oralRecordDays'] },
  )
  .map((policy) => RetentionPolicySchema.parse(policy));

// From 1970 to 2200: every plausible closing time, with room to add a century without overflow.
const closedAtArb = fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) });
const outcomeArb = fc.oneof(fc.constantFrom(...OUTCOMES, ...PROTOTYPE_NAMES), fc.string());
const channelArb = fc.constantFrom('written' as const, 'oral' as const);

function hasOverride(policy: RetentionPolicy, outcome: string): boolean {
  return policy.byOutcome !== undefined && Object.hasOwn(policy.byOutcome, outcome);
}

describe('retentionUntil', () => {
  it('is always later than the closing time, by a whole number of days', () => {
    fc.assert(
      fc.property(
        policyArb,
        closedAtArb,
        outcomeArb,
        channelArb,
        (policy, closedAt, outcome, channel) => {
          const until = retentionUntil(policy, { closedAt, outcome, channel });

          expect(until).toBeGreaterThan(closedAt);
          expect(Number.isSafeInteger(until)).toBe(true);
          expect((until - closedAt) % DAY_MS).toBe(0);
        },
      ),
    );
  });

  it('never moves earlier for a case that closed later', () => {
    fc.assert(
      fc.property(
        policyArb,
        closedAtArb,
        closedAtArb,
        outcomeArb,
        channelArb,
        (policy, a, b, outcome, channel) => {
          const [earlier, later] = a <= b ? [a, b] : [b, a];

          const untilEarlier = retentionUntil(policy, { closedAt: earlier, outcome, channel });
          const untilLater = retentionUntil(policy, { closedAt: later, outcome, channel });
          expect(untilEarlier).toBeLessThanOrEqual(untilLater);
        },
      ),
    );
  });

  it('uses the period set for the outcome, whatever the channel', () => {
    fc.assert(
      fc.property(policyArb, closedAtArb, channelArb, (policy, closedAt, channel) => {
        const outcomes = Object.keys(policy.byOutcome ?? {});
        fc.pre(outcomes.length > 0);

        for (const outcome of outcomes) {
          const until = retentionUntil(policy, { closedAt, outcome, channel });
          expect(until).toBe(closedAt + policy.byOutcome![outcome]! * DAY_MS);
        }
      }),
    );
  });

  it('keeps oral records for oralRecordDays and written cases for closedCaseDays', () => {
    fc.assert(
      fc.property(policyArb, closedAtArb, outcomeArb, (policy, closedAt, outcome) => {
        fc.pre(!hasOverride(policy, outcome));

        const oral = retentionUntil(policy, { closedAt, outcome, channel: 'oral' });
        const written = retentionUntil(policy, { closedAt, outcome, channel: 'written' });
        expect(oral).toBe(closedAt + policy.oralRecordDays * DAY_MS);
        expect(written).toBe(closedAt + policy.closedCaseDays * DAY_MS);
      }),
    );
  });

  it('does not mistake an outcome named like an Object property for an override', () => {
    const policy = RetentionPolicySchema.parse({
      version: 1,
      closedCaseDays: 10,
      oralRecordDays: 20,
      byOutcome: { unfounded: 5 },
    });

    for (const outcome of PROTOTYPE_NAMES) {
      expect(retentionUntil(policy, { closedAt: 0, outcome, channel: 'written' })).toBe(
        10 * DAY_MS,
      );
    }
  });
});

describe('DEFAULT_RETENTION_POLICY', () => {
  const closedAt = Date.UTC(2024, 0, 1);

  it('keeps a closed case three years (HinSchG §11(5)), oral or written', () => {
    for (const channel of ['written', 'oral'] as const) {
      const until = retentionUntil(DEFAULT_RETENTION_POLICY, {
        closedAt,
        outcome: 'substantiated',
        channel,
      });

      // 1095 days from 1 January 2024 ends on 31 December 2026, because 2024 is a leap year.
      expect(until).toBe(Date.UTC(2026, 11, 31));
    }
  });

  it('keeps an unfounded report for one year', () => {
    const until = retentionUntil(DEFAULT_RETENTION_POLICY, {
      closedAt,
      outcome: 'unfounded',
      channel: 'oral',
    });

    expect(until).toBe(Date.UTC(2024, 11, 31));
  });
});

describe('RetentionPolicySchema', () => {
  const valid = { version: 1, closedCaseDays: 1095, oralRecordDays: 1095 };

  it('refuses periods outside 1 to 36500 whole days', () => {
    for (const days of [0, -1, 36_501, 1.5, Number.NaN]) {
      expect(RetentionPolicySchema.safeParse({ ...valid, closedCaseDays: days }).success).toBe(
        false,
      );
      expect(RetentionPolicySchema.safeParse({ ...valid, oralRecordDays: days }).success).toBe(
        false,
      );
      expect(RetentionPolicySchema.safeParse({ ...valid, byOutcome: { x: days } }).success).toBe(
        false,
      );
    }
  });

  it('refuses an outcome key that is not a plain name, and unknown fields', () => {
    expect(RetentionPolicySchema.safeParse({ ...valid, byOutcome: { '': 5 } }).success).toBe(false);
    expect(RetentionPolicySchema.safeParse({ ...valid, byOutcome: { 'a b': 5 } }).success).toBe(
      false,
    );
    expect(RetentionPolicySchema.safeParse({ ...valid, closedDays: 5 }).success).toBe(false);
  });
});
