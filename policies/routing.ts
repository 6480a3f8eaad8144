/**
 * The routing policy: which team (and optionally which person) a new case is queued for,
 * decided from the report's category and the channel it arrived through.
 * Pure: no I/O, no clock.
 */
import { z } from 'zod';
import { duplicates, PolicyVersionSchema, SlugSchema } from './common';

/** The channels a report can arrive through (EU Directive 2019/1937 Art. 9(2): written or oral). */
export const ChannelSchema = z.enum(['written', 'oral']);

/** A reporting channel. */
export type Channel = z.infer<typeof ChannelSchema>;

const TeamSchema = z.string().trim().min(1).max(100);

// Strict objects: a misspelt key in `when` (say `catgories`) would otherwise be dropped and turn
// the rule into one that matches every case.
const RoutingRuleSchema = z.strictObject({
  id: SlugSchema,
  when: z.strictObject({
    categories: z.array(SlugSchema).optional(),
    channels: z.array(ChannelSchema).optional(),
  }),
  team: TeamSchema,
  assignee: z.string().trim().min(1).max(200).optional(),
});

/** A routing policy document; rule ids are unique so a decision can name the rule that made it. */
export const RoutingPolicySchema = z
  .strictObject({
    version: PolicyVersionSchema,
    rules: z.array(RoutingRuleSchema).max(200),
    fallback: z.strictObject({ team: TeamSchema }),
  })
  .superRefine((policy, ctx) => {
    for (const id of duplicates(policy.rules.map((rule) => rule.id))) {
      ctx.addIssue({ code: 'custom', path: ['rules'], message: `Rule id "${id}" is used twice.` });
    }
  });

/** A routing policy document. */
export type RoutingPolicy = z.infer<typeof RoutingPolicySchema>;

/** What routing looks at: the facts of a new report. */
export type RoutingInput = { category: string; channel: Channel };

/** Where a case goes, which rule sent it there (null for the fallback) and under which version. */
export type RoutingDecision = {
  team: string;
  assignee: string | null;
  ruleId: string | null;
  policyVersion: number;
};

function matches<T>(allowed: readonly T[] | undefined, value: T): boolean {
  return allowed === undefined || allowed.length === 0 || allowed.includes(value);
}

/**
 * First matching rule wins; none matching → fallback (ruleId null). A rule's `when` with an
 * omitted or empty list matches any value.
 */
export function routeCase(policy: RoutingPolicy, input: RoutingInput): RoutingDecision {
  const rule = policy.rules.find(
    ({ when }) => matches(when.categories, input.category) && matches(when.channels, input.channel),
  );

  if (rule === undefined) {
    return {
      team: policy.fallback.team,
      assignee: null,
      ruleId: null,
      policyVersion: policy.version,
    };
  }

  return {
    team: rule.team,
    assignee: rule.assignee ?? null,
    ruleId: rule.id,
    policyVersion: policy.version,
  };
}
