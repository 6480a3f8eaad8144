/**
 * The retention policy: how long a closed case's records are kept before they may be purged.
 * Pure: no I/O, no clock (the closing time arrives as an argument).
 */
import { z } from 'zod';
import type { Channel } from './routing';
import { PolicyVersionSchema } from './common';

/** Milliseconds in a day. Epoch milliseconds carry no leap seconds or DST, so a day is fixed. */
export const DAY_MS = 86_400_000;

// Up to a hundred years: long enough for any statutory period, short enough that adding it to an
// epoch timestamp stays far inside the safe-integer range.
const DaysSchema = z.number().int().min(1).max(36_500);

// Outcome names come from the case machine; plain identifiers keep them usable as JSON keys.
const OutcomeSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'Use an outcome name.');

/** A retention policy document; every period is a whole number of days after the case closed. */
export const RetentionPolicySchema = z.strictObject({
  version: PolicyVersionSchema,
  closedCaseDays: DaysSchema,
  oralRecordDays: DaysSchema,
  byOutcome: z.record(OutcomeSchema, DaysSchema).optional(),
});

/** A retention policy document. */
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;

/** The facts of a closed case that decide its retention: when it closed, how, and its channel. */
export type RetentionInput = { closedAt: number; outcome: string; channel: Channel };

/**
 * Epoch ms after which a closed case may be purged: closedAt + days, where
 * days = byOutcome[outcome] ?? (oral ? oralRecordDays : closedCaseDays).
 */
export function retentionUntil(policy: RetentionPolicy, input: RetentionInput): number {
  const byOutcome = policy.byOutcome ?? {};
  // Own properties only: an outcome called `constructor` must not find Object.prototype's.
  const override = Object.hasOwn(byOutcome, input.outcome) ? byOutcome[input.outcome] : undefined;
  const days =
    override ?? (input.channel === 'oral' ? policy.oralRecordDays : policy.closedCaseDays);

  return input.closedAt + days * DAY_MS;
}
