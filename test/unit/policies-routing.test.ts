import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INTAKE_POLICY,
  DEFAULT_ROUTING_POLICY,
  RoutingPolicySchema,
  routeCase,
  type RoutingInput,
  type RoutingPolicy,
} from '../../policies/index';

type Rule = RoutingPolicy['rules'][number];

// Small pools so that generated rules and inputs meet often enough to exercise matching.
const CATEGORIES = ['fraud', 'corruption', 'environment', 'other', 'data-protection'];
const TEAMS = ['finance', 'operations', 'compliance', 'legal', 'hr'];

const whenArb = fc.record(
  {
    categories: fc.uniqueArray(fc.constantFrom(...CATEGORIES), { maxLength: 3 }),
    channels: fc.uniqueArray(fc.constantFrom('written' as const, 'oral' as const), {
      maxLength: 2,
    }),
  },
  { requiredKeys: [] },
);

const ruleArb = fc.record(
  {
    id: fc.stringMatching(/^[a-z]{1,8}$/),
    when: whenArb,
    team: fc.constantFrom(...TEAMS),
    assignee: fc.constantFrom('ana', 'ben', 'chloé'),
  },
  { requiredKeys: ['id', 'when', 'team'] },
);

const policyArb: fc.Arbitrary<RoutingPolicy> = fc
  .record({
    version: fc.integer({ min: 1, max: 1000 }),
    rules: fc.uniqueArray(ruleArb, { selector: (rule) => rule.id, maxLength: 8 }),
    fallback: fc.record({ team: fc.constantFrom(...TEAMS) }),
  })
  .map((policy) => RoutingPolicySchema.parse(policy));

const inputArb: fc.Arbitrary<RoutingInput> = fc.record({
  category: fc.oneof(fc.constantFrom(...CATEGORIES), fc.string()),
  channel: fc.constantFrom('written' as const, 'oral' as const),
});

/** The requirement as written: an omitted or empty list matches anything. */
function ruleMatches(rule: Rule, input: RoutingInput): boolean {
  const { categories = [], channels = [] } = rule.when;
  return (
    (categories.length === 0 || categories.includes(input.category)) &&
    (channels.length === 0 || channels.includes(input.channel))
  );
}

describe('routeCase', () => {
  it('always decides for a team named in the policy, with its version', () => {
    fc.assert(
      fc.property(policyArb, inputArb, (policy, input) => {
        const decision = routeCase(policy, input);

        const teams = [policy.fallback.team, ...policy.rules.map((rule) => rule.team)];
        expect(teams).toContain(decision.team);
        expect(decision.policyVersion).toBe(policy.version);
      }),
    );
  });

  it('takes the first rule that matches, with that rule’s team and assignee', () => {
    fc.assert(
      fc.property(policyArb, inputArb, (policy, input) => {
        const decision = routeCase(policy, input);

        const first = policy.rules.find((rule) => ruleMatches(rule, input));
        fc.pre(first !== undefined);
        expect(decision).toEqual({
          team: first!.team,
          assignee: first!.assignee ?? null,
          ruleId: first!.id,
          policyVersion: policy.version,
        });
      }),
    );
  });

  it('lets a rule placed earlier win over a later one that also matches', () => {
    fc.assert(
      fc.property(policyArb, inputArb, (policy, input) => {
        const decided = routeCase(policy, input);
        fc.pre(decided.ruleId !== null);

        const winner = policy.rules.find((rule) => rule.id === decided.ruleId)!;
        const early = { ...winner, id: 'early-bird', team: 'moved-ahead' };
        const reordered = { ...policy, rules: [early, ...policy.rules] };
        expect(routeCase(reordered, input).ruleId).toBe('early-bird');
        expect(routeCase(reordered, input).team).toBe('moved-ahead');
      }),
    );
  });

  it('matches every case with a rule that has no conditions', () => {
    const emptyWhens = fc.constantFrom<Rule['when']>(
      {},
      { categories: [] },
      { channels: [] },
      {
        categories: [],
        channels: [],
      },
    );
    fc.assert(
      fc.property(policyArb, inputArb, emptyWhens, (policy, input, when) => {
        const catchAll = { id: 'catch-all', when, team: 'triage' };
        const withCatchAll = { ...policy, rules: [catchAll, ...policy.rules] };

        expect(routeCase(withCatchAll, input)).toMatchObject({
          team: 'triage',
          ruleId: 'catch-all',
          assignee: null,
        });
      }),
    );
  });

  it('falls back, naming no rule, when no rule matches', () => {
    fc.assert(
      fc.property(policyArb, inputArb, (policy, input) => {
        fc.pre(!policy.rules.some((rule) => ruleMatches(rule, input)));

        expect(routeCase(policy, input)).toEqual({
          team: policy.fallback.team,
          assignee: null,
          ruleId: null,
          policyVersion: policy.version,
        });
      }),
    );
  });

  it('falls back for a category that no rule names', () => {
    fc.assert(
      fc.property(policyArb, inputArb, (policy, input) => {
        const onlyNamed = policy.rules.filter((rule) => (rule.when.categories ?? []).length > 0);
        const unnamed = { ...input, category: 'never-named-in-any-rule' };

        expect(routeCase({ ...policy, rules: onlyNamed }, unnamed).ruleId).toBeNull();
      }),
    );
  });

  it('decides the same way every time, and for a copy of the policy', () => {
    fc.assert(
      fc.property(policyArb, inputArb, (policy, input) => {
        const first = routeCase(policy, input);

        expect(routeCase(policy, input)).toEqual(first);
        expect(routeCase(structuredClone(policy), { ...input })).toEqual(first);
      }),
    );
  });
});

describe('DEFAULT_ROUTING_POLICY', () => {
  it('sends money matters to finance, physical risks to operations, the rest to compliance', () => {
    const route = (category: string, channel: 'written' | 'oral' = 'written') =>
      routeCase(DEFAULT_ROUTING_POLICY, { category, channel }).team;

    expect(route('fraud')).toBe('finance');
    expect(route('corruption', 'oral')).toBe('finance');
    expect(route('health-and-safety')).toBe('operations');
    expect(route('environment', 'oral')).toBe('operations');
    expect(route('data-protection')).toBe('compliance');
    expect(route('discrimination-harassment')).toBe('compliance');
    expect(route('other')).toBe('compliance');
  });

  it('names only categories the default intake form offers', () => {
    const offered = DEFAULT_INTAKE_POLICY.categories.map((category) => category.id);

    for (const rule of DEFAULT_ROUTING_POLICY.rules) {
      for (const category of rule.when.categories ?? []) expect(offered).toContain(category);
    }
  });
});

describe('RoutingPolicySchema', () => {
  const valid = { version: 1, rules: [], fallback: { team: 'compliance' } };

  it('accepts a policy with no rules', () => {
    expect(RoutingPolicySchema.safeParse(valid).success).toBe(true);
  });

  it('refuses two rules with the same id', () => {
    const rule = { id: 'same', when: {}, team: 'finance' };

    const result = RoutingPolicySchema.safeParse({ ...valid, rules: [rule, rule] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['rules']);
  });

  it('refuses a misspelt condition rather than matching everything', () => {
    const rule = { id: 'typo', when: { catgories: ['fraud'] }, team: 'finance' };

    expect(RoutingPolicySchema.safeParse({ ...valid, rules: [rule] }).success).toBe(false);
  });

  it('refuses an unknown channel, a blank team and version 0', () => {
    const badChannel = { id: 'x', when: { channels: ['fax'] }, team: 'finance' };

    expect(RoutingPolicySchema.safeParse({ ...valid, rules: [badChannel] }).success).toBe(false);
    expect(RoutingPolicySchema.safeParse({ ...valid, fallback: { team: '  ' } }).success).toBe(
      false,
    );
    expect(RoutingPolicySchema.safeParse({ ...valid, version: 0 }).success).toBe(false);
  });
});
