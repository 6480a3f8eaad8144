import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DEFAULT_INTAKE_POLICY,
  DEFAULT_RETENTION_POLICY,
  DEFAULT_ROUTING_POLICY,
  IntakePolicySchema,
  intakeSchemaFor,
  MAX_ANSWERS_LENGTH,
  MAX_ATTACHMENTS_TOTAL_BYTES,
  MAX_TEXT_ANSWER_LENGTH,
  RetentionPolicySchema,
  RoutingPolicySchema,
  textAnswerLimit,
  validateIntake,
  withAnswerLimits,
  type IntakePolicy,
  type IntakeQuestion,
  type IntakeResult,
} from '../../policies/index';
import { MAX_UPLOAD_BYTES, uploadLimit } from '../../src/reporter/request-body';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Day number (days since 1970-01-01) of a calendar date, avoiding Date.UTC's 0-99 quirk. */
function dayNumber(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() / DAY;
}

function formatDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

// The last calendar day that has begun somewhere on Earth (UTC+14) at `now`.
const lastBegunDay = (now: number) => Math.floor((now + 14 * HOUR) / DAY);

const slugArb = fc
  .array(
    fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
      minLength: 1,
      maxLength: 6,
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) => parts.join('-'));

const labelArb = fc
  .string({ minLength: 1, maxLength: 30 })
  .map((text) => text.trim())
  .filter((text) => text.length > 0);

const kindPartArb = fc.oneof(
  fc.record(
    {
      kind: fc.constantFrom('text' as const, 'longtext' as const),
      maxLength: fc.integer({ min: 1, max: 120 }),
    },
    { requiredKeys: ['kind'] },
  ),
  fc.record({
    kind: fc.constant('choice' as const),
    options: fc.uniqueArray(labelArb, { minLength: 1, maxLength: 5 }),
  }),
  fc.record({ kind: fc.constantFrom('date' as const, 'yesno' as const) }),
);

const questionArb = fc
  .tuple(slugArb, labelArb, fc.boolean(), kindPartArb)
  .map(([id, label, required, part]) => ({ id, label, required, ...part }));

const policyArb: fc.Arbitrary<IntakePolicy> = fc
  .record({
    version: fc.integer({ min: 1, max: 1000 }),
    categories: fc.uniqueArray(fc.record({ id: slugArb, label: labelArb }), {
      selector: (category) => category.id,
      minLength: 1,
      maxLength: 5,
    }),
    questions: fc.uniqueArray(questionArb, { selector: (question) => question.id, maxLength: 6 }),
    attachments: fc.constant({ maxFiles: 1, maxBytesPerFile: 1000, allowedTypes: ['text/plain'] }),
  })
  .map((policy) => IntakePolicySchema.parse(policy));

const nowArb = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });

const nonBlank = (text: string) => text.trim() !== '';

function validAnswerArb(question: IntakeQuestion, now: number): fc.Arbitrary<string> {
  switch (question.kind) {
    case 'text':
    case 'longtext':
      return fc.string({ minLength: 1, maxLength: question.maxLength ?? 300 }).filter(nonBlank);
    case 'choice':
      return fc.constantFrom(...question.options!);
    case 'yesno':
      return fc.constantFrom('yes', 'no');
    case 'date':
      return fc.integer({ min: dayNumber(1, 1, 1), max: lastBegunDay(now) }).map(formatDay);
  }
}

function futureDateArb(now: number): fc.Arbitrary<string> {
  return fc.integer({ min: lastBegunDay(now) + 1, max: dayNumber(9999, 12, 31) }).map(formatDay);
}

type Scenario = {
  policy: IntakePolicy;
  now: number;
  category: string;
  answers: Record<string, unknown>;
};

/** A policy, a time and a submission made to satisfy them. */
const scenarioArb: fc.Arbitrary<Scenario> = fc.tuple(policyArb, nowArb).chain(([policy, now]) => {
  const entries = policy.questions.map((question) => {
    const answer = validAnswerArb(question, now).map((value) => [question.id, value] as const);
    return question.required ? answer : fc.option(answer, { nil: undefined });
  });

  return fc.record({
    policy: fc.constant(policy),
    now: fc.constant(now),
    category: fc.constantFrom(...policy.categories.map((category) => category.id)),
    answers: fc
      .tuple(...entries)
      .map((pairs) => Object.fromEntries(pairs.filter((pair) => pair !== undefined))),
  });
});

/** A scenario plus one of its questions picked by `pick`, when one passes `filter`. */
function pickQuestion(
  scenario: Scenario,
  pick: number,
  filter: (question: IntakeQuestion) => boolean,
): IntakeQuestion {
  const candidates = scenario.policy.questions.filter(filter);
  fc.pre(candidates.length > 0);
  return candidates[pick % candidates.length]!;
}

function validate(scenario: Scenario, answers: unknown = scenario.answers): IntakeResult {
  return validateIntake(scenario.policy, { category: scenario.category, answers }, scenario.now);
}

function issuePaths(result: IntakeResult): string[] {
  expect(result.ok).toBe(false);
  if (result.ok) return [];

  for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(0);
  return result.issues.map((issue) => issue.path).sort();
}

describe('validateIntake', () => {
  it('accepts any submission made to satisfy the policy, unchanged', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        expect(validate(scenario)).toEqual({
          ok: true,
          value: { category: scenario.category, answers: scenario.answers },
        });
      }),
    );
  });

  it('refuses a submission missing a required answer, naming that question', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.nat(),
        fc.constantFrom('omit', 'blank', 'null'),
        (s, pick, how) => {
          const question = pickQuestion(s, pick, (candidate) => candidate.required);

          const answers = { ...s.answers };
          if (how === 'omit') delete answers[question.id];
          else answers[question.id] = how === 'blank' ? ' \t ' : null;
          expect(issuePaths(validate(s, answers))).toEqual([`answers.${question.id}`]);
        },
      ),
    );
  });

  it('refuses an answer to a question the form does not ask, naming it', () => {
    const unknownIdArb = fc.oneof(
      slugArb,
      fc.string(),
      fc.constantFrom('__proto__', 'constructor', 'toString'),
    );
    fc.assert(
      fc.property(scenarioArb, unknownIdArb, (s, id) => {
        fc.pre(!s.policy.questions.some((question) => question.id === id));

        // defineProperty, because assigning `__proto__` would change the prototype instead.
        const answers = Object.defineProperty({ ...s.answers }, id, {
          value: 'extra',
          enumerable: true,
        });
        expect(issuePaths(validate(s, answers))).toEqual([`answers.${id}`]);
      }),
    );
  });

  it('refuses a choice that is not among the options, naming the question', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), labelArb, (s, pick, choice) => {
        const question = pickQuestion(s, pick, (candidate) => candidate.kind === 'choice');
        fc.pre(!question.options!.includes(choice));

        const answers = { ...s.answers, [question.id]: choice };
        expect(issuePaths(validate(s, answers))).toEqual([`answers.${question.id}`]);
      }),
    );
  });

  it('refuses a date that has not yet begun anywhere, naming the question', () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((s) => fc.tuple(fc.constant(s), futureDateArb(s.now))),
        fc.nat(),
        ([s, future], pick) => {
          const question = pickQuestion(s, pick, (candidate) => candidate.kind === 'date');

          const answers = { ...s.answers, [question.id]: future };
          expect(issuePaths(validate(s, answers))).toEqual([`answers.${question.id}`]);
        },
      ),
    );
  });

  it('refuses a text longer than its maxLength, naming the question', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), fc.integer({ min: 1, max: 50 }), (s, pick, excess) => {
        const question = pickQuestion(s, pick, (candidate) => candidate.maxLength !== undefined);

        const answers = { ...s.answers, [question.id]: 'x'.repeat(question.maxLength! + excess) };
        expect(issuePaths(validate(s, answers))).toEqual([`answers.${question.id}`]);
      }),
    );
  });

  it('holds a text answer without a maxLength to the default cap, naming the question', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), fc.integer({ min: 1, max: 50 }), (s, pick, excess) => {
        const isText = (q: IntakeQuestion) => q.kind === 'text' || q.kind === 'longtext';
        const question = pickQuestion(s, pick, (q) => isText(q) && q.maxLength === undefined);
        const fits = { ...s.answers, [question.id]: 'x'.repeat(MAX_TEXT_ANSWER_LENGTH) };
        const over = { ...fits, [question.id]: 'x'.repeat(MAX_TEXT_ANSWER_LENGTH + excess) };

        expect(validate(s, fits).ok).toBe(true);
        expect(issuePaths(validate(s, over))).toEqual([`answers.${question.id}`]);
      }),
    );
  });

  it('holds a stored maxLength past the cap (published before it) to the cap', () => {
    const question = { id: 'q', label: 'Q', kind: 'longtext' as const, required: false };
    // Stored documents are read back as published, without the schema that now refuses this.
    const legacy = { ...DEFAULT_INTAKE_POLICY, questions: [{ ...question, maxLength: 100_000 }] };
    const answer = (length: number) =>
      validateIntake(legacy, { category: 'fraud', answers: { q: 'x'.repeat(length) } }, 0);

    expect(textAnswerLimit(legacy.questions[0]!)).toBe(MAX_TEXT_ANSWER_LENGTH);
    expect(answer(MAX_TEXT_ANSWER_LENGTH).ok).toBe(true);
    expect(issuePaths(answer(MAX_TEXT_ANSWER_LENGTH + 1))).toEqual(['answers.q']);
  });

  it('refuses answers longer than the total together, naming only the one that crosses it', () => {
    // Up to 50 text questions (the schema's most) without maxLength, each answered at any
    // length the per-question cap allows.
    const lengthsArb = fc.array(fc.integer({ min: 0, max: MAX_TEXT_ANSWER_LENGTH }), {
      minLength: 1,
      maxLength: 50,
    });

    fc.assert(
      fc.property(lengthsArb, (lengths) => {
        const questions = lengths.map((_, i) => ({
          id: `q${i}`,
          label: `Question ${i}`,
          kind: 'longtext' as const,
          required: false,
        }));
        const policy = IntakePolicySchema.parse({ ...DEFAULT_INTAKE_POLICY, questions });
        const answers = Object.fromEntries(lengths.map((n, i) => [`q${i}`, 'x'.repeat(n)]));
        const result = validateIntake(policy, { category: 'fraud', answers }, 0);

        let running = 0;
        const crossing = lengths.findIndex((n) => (running += n) > MAX_ANSWERS_LENGTH);
        if (crossing === -1) expect(result.ok).toBe(true);
        else expect(issuePaths(result)).toEqual([`answers.q${crossing}`]);
      }),
      { numRuns: 60 },
    );
  });

  it('names every problem in one answer, not only the first', () => {
    // Each question either keeps its valid answer or receives a fault that applies to its kind.
    const faultArb = (question: IntakeQuestion, now: number): fc.Arbitrary<unknown> => {
      const faults: fc.Arbitrary<unknown>[] = [fc.constantFrom(42, true, ['yes'], {})];
      if (question.required) faults.push(fc.constantFrom(undefined, '', '   '));
      if (question.kind === 'choice') {
        faults.push(labelArb.filter((label) => !question.options!.includes(label)));
      }
      if (question.kind === 'date') {
        faults.push(futureDateArb(now), fc.constantFrom('2023-02-29', '31.12.2020', '2023-1-1'));
      }
      if (question.kind === 'yesno') faults.push(fc.constantFrom('maybe', 'Yes', 'true'));
      if (question.maxLength !== undefined)
        faults.push(fc.constant('y'.repeat(question.maxLength + 1)));

      return fc.oneof(...faults);
    };

    const faultedArb = scenarioArb.chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.tuple(
          ...s.policy.questions.map((question) =>
            fc.option(faultArb(question, s.now), { nil: 'no fault' as const }),
          ),
        ),
        fc.uniqueArray(
          slugArb.map((id) => `unknown-${id}`),
          { maxLength: 3 },
        ),
        fc.boolean(),
      ),
    );

    fc.assert(
      fc.property(faultedArb, ([s, faults, unknownIds, badCategory]) => {
        const answers: Record<string, unknown> = { ...s.answers };
        const expected: string[] = [];
        s.policy.questions.forEach((question, index) => {
          const fault = faults[index];
          if (fault === 'no fault') return;

          expected.push(`answers.${question.id}`);
          if (fault === undefined) delete answers[question.id];
          else answers[question.id] = fault;
        });
        for (const id of unknownIds) {
          answers[id] = 'extra';
          expected.push(`answers.${id}`);
        }
        if (badCategory) expected.push('category');

        const category = badCategory ? 'not-a-category-in-any-policy' : s.category;
        const result = validateIntake(s.policy, { category, answers }, s.now);
        if (expected.length === 0) expect(result.ok).toBe(true);
        else expect(issuePaths(result)).toEqual(expected.sort());
      }),
    );
  });

  it('refuses a category the policy does not offer, and answers that are not an object', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        fc.constantFrom<unknown>('text', 7, ['a'], true),
        (s, category, answers) => {
          fc.pre(!s.policy.categories.some((offered) => offered.id === category));

          const result = validateIntake(s.policy, { category, answers }, s.now);
          expect(issuePaths(result)).toEqual(['answers', 'category']);
        },
      ),
    );
  });

  it('treats absent or null answers as no answers', () => {
    for (const answers of [undefined, null]) {
      const result = validateIntake(DEFAULT_INTAKE_POLICY, { category: 'fraud', answers }, 0);

      expect(result).toEqual({ ok: true, value: { category: 'fraud', answers: {} } });
    }
  });

  it('drops blank optional answers from the value', () => {
    const answers = { where: '   ', 'who-else-knows': '', ongoing: 'no' };

    const result = validateIntake(DEFAULT_INTAKE_POLICY, { category: 'other', answers }, 0);
    expect(result).toEqual({ ok: true, value: { category: 'other', answers: { ongoing: 'no' } } });
  });

  it('accepts the next calendar day only once it has begun in UTC+14', () => {
    const check = (date: string, now: number) =>
      validateIntake(DEFAULT_INTAKE_POLICY, { category: 'other', answers: { when: date } }, now).ok;

    expect(check('2024-06-16', Date.UTC(2024, 5, 15, 10, 0))).toBe(true);
    expect(check('2024-06-16', Date.UTC(2024, 5, 15, 9, 59))).toBe(false);
    expect(check('2024-06-17', Date.UTC(2024, 5, 15, 23, 59))).toBe(false);
  });

  it('refuses dates that do not exist and accepts ones that do', () => {
    const now = Date.UTC(2025, 0, 1);
    const check = (date: string) =>
      validateIntake(DEFAULT_INTAKE_POLICY, { category: 'other', answers: { when: date } }, now).ok;

    expect(check('2024-02-29')).toBe(true);
    expect(check('0099-01-01')).toBe(true);
    for (const date of ['2023-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '24-01-01']) {
      expect(check(date)).toBe(false);
    }
  });
});

describe('intakeSchemaFor', () => {
  it('accepts the submissions validateIntake accepts', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const schema = intakeSchemaFor(s.policy, s.now);

        expect(schema.safeParse({ category: s.category, answers: s.answers }).success).toBe(true);
      }),
    );
  });

  it('refuses unknown questions, unknown categories and future dates', () => {
    const now = Date.UTC(2025, 0, 1);
    const schema = intakeSchemaFor(DEFAULT_INTAKE_POLICY, now);

    expect(schema.safeParse({ category: 'other', answers: { extra: 'x' } }).success).toBe(false);
    expect(schema.safeParse({ category: 'nope', answers: {} }).success).toBe(false);
    expect(schema.safeParse({ category: 'other', answers: { when: '2025-01-03' } }).success).toBe(
      false,
    );
    expect(schema.safeParse({ category: 'other', answers: { when: '2024-12-31' } }).success).toBe(
      true,
    );
  });

  it('converts to JSON Schema for OpenAPI documentation', () => {
    const json = z.toJSONSchema(intakeSchemaFor(DEFAULT_INTAKE_POLICY, 0));

    const questions = Object.fromEntries(
      DEFAULT_INTAKE_POLICY.questions.map((question) => [
        question.id,
        expect.objectContaining({ description: question.label }),
      ]),
    );
    expect(json).toMatchObject({ properties: { answers: { properties: questions } } });
  });
});

describe('default policies', () => {
  it('parse through their own schemas unchanged', () => {
    expect(IntakePolicySchema.parse(DEFAULT_INTAKE_POLICY)).toEqual(DEFAULT_INTAKE_POLICY);
    expect(RoutingPolicySchema.parse(DEFAULT_ROUTING_POLICY)).toEqual(DEFAULT_ROUTING_POLICY);
    expect(RetentionPolicySchema.parse(DEFAULT_RETENTION_POLICY)).toEqual(DEFAULT_RETENTION_POLICY);
  });

  it('ask the default questions and allow five 10 MiB files of common types', () => {
    const kinds = Object.fromEntries(
      DEFAULT_INTAKE_POLICY.questions.map((question) => [question.id, question.kind]),
    );

    expect(kinds).toMatchObject({
      when: 'date',
      ongoing: 'yesno',
      'who-else-knows': 'longtext',
      'how-learned': 'choice',
    });
    expect(DEFAULT_INTAKE_POLICY.attachments).toEqual({
      maxFiles: 5,
      maxBytesPerFile: 5 * 1024 * 1024,
      allowedTypes: ['application/pdf', 'image/jpeg', 'image/png', 'text/plain'],
    });
  });
});

describe('withAnswerLimits', () => {
  it('gives each text question the limit validateIntake applies, and changes nothing else', () => {
    fc.assert(
      fc.property(policyArb, (policy) => {
        const shown = withAnswerLimits(policy);

        expect(IntakePolicySchema.parse(shown)).toEqual(shown);
        shown.questions.forEach((question, i) => {
          const original = policy.questions[i]!;
          if (question.kind === 'text' || question.kind === 'longtext') {
            expect(question).toEqual({ ...original, maxLength: textAnswerLimit(original) });
          } else {
            expect(question).toEqual(original);
          }
        });
        expect({ ...shown, questions: [] }).toEqual({ ...policy, questions: [] });
      }),
    );
  });
});

describe('IntakePolicySchema', () => {
  const valid = DEFAULT_INTAKE_POLICY;
  const text = { id: 'q', label: 'Q', kind: 'text', required: false };

  function refusedAt(document: unknown): PropertyKey[][] {
    const result = IntakePolicySchema.safeParse(document);
    expect(result.success).toBe(false);
    return result.error?.issues.map((issue) => issue.path) ?? [];
  }

  it('refuses a document that repeats a category id', () => {
    fc.assert(
      fc.property(policyArb, fc.nat(), (policy, pick) => {
        const repeated = policy.categories[pick % policy.categories.length]!;

        const categories = [...policy.categories, { ...repeated, label: 'Again' }];
        expect(refusedAt({ ...policy, categories })).toContainEqual(['categories']);
      }),
    );
  });

  it('refuses a document that repeats a question id', () => {
    expect(refusedAt({ ...valid, questions: [text, { ...text, kind: 'date' }] })).toContainEqual([
      'questions',
    ]);
  });

  it('refuses a choice question without options, and options on any other kind', () => {
    const choice = { id: 'c', label: 'C', kind: 'choice', required: true };

    expect(refusedAt({ ...valid, questions: [choice] })).toContainEqual([
      'questions',
      0,
      'options',
    ]);
    expect(refusedAt({ ...valid, questions: [{ ...choice, options: [] }] })).toContainEqual([
      'questions',
      0,
      'options',
    ]);
    expect(refusedAt({ ...valid, questions: [{ ...text, options: ['a'] }] })).toContainEqual([
      'questions',
      0,
      'options',
    ]);
    expect(
      refusedAt({ ...valid, questions: [{ ...choice, options: ['a', 'b', 'a'] }] }),
    ).toContainEqual(['questions', 0, 'options']);
  });

  it('refuses a maxLength on a question that is not text', () => {
    const date = { id: 'd', label: 'D', kind: 'date', required: false, maxLength: 10 };

    expect(refusedAt({ ...valid, questions: [date] })).toContainEqual([
      'questions',
      0,
      'maxLength',
    ]);
  });

  it('refuses a maxLength past the longest answer a text question may take', () => {
    const at = (maxLength: number) => ({ ...valid, questions: [{ ...text, maxLength }] });

    expect(IntakePolicySchema.safeParse(at(MAX_TEXT_ANSWER_LENGTH)).success).toBe(true);
    expect(refusedAt(at(MAX_TEXT_ANSWER_LENGTH + 1))).toContainEqual(['questions', 0, 'maxLength']);
  });

  it('refuses no categories, bad slugs, unknown kinds and unknown fields', () => {
    refusedAt({ ...valid, categories: [] });
    refusedAt({ ...valid, categories: [{ id: 'Health & Safety', label: 'H' }] });
    refusedAt({ ...valid, questions: [{ ...text, kind: 'file' }] });
    refusedAt({ ...valid, questions: [{ ...text, requried: true }] });
    refusedAt({ ...valid, extra: true });
  });

  it('accepts only attachment limits whose files fit one request as base64', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        (maxFiles, maxBytesPerFile) => {
          const attachments = { ...valid.attachments, maxFiles, maxBytesPerFile };
          const parsed = IntakePolicySchema.safeParse({ ...valid, attachments });
          const total = maxFiles * maxBytesPerFile;

          expect(parsed.success).toBe(
            total <= MAX_ATTACHMENTS_TOTAL_BYTES && maxBytesPerFile <= MAX_ATTACHMENTS_TOTAL_BYTES,
          );
          if (!parsed.success) return;
          // The request limit that follows from the policy is the policy's own, never the cap.
          for (const encoding of ['base64', 'binary'] as const) {
            expect(uploadLimit(parsed.data, encoding)).toBeLessThan(MAX_UPLOAD_BYTES);
          }
        },
      ),
    );
  });

  it('refuses attachment limits out of range and malformed MIME types', () => {
    const attachments = valid.attachments;

    refusedAt({ ...valid, attachments: { ...attachments, maxFiles: 21 } });
    refusedAt({ ...valid, attachments: { ...attachments, maxFiles: -1 } });
    refusedAt({ ...valid, attachments: { ...attachments, maxBytesPerFile: 0 } });
    refusedAt({ ...valid, attachments: { ...attachments, allowedTypes: ['PDF'] } });
    refusedAt({
      ...valid,
      attachments: { ...attachments, allowedTypes: ['text/plain', 'text/plain'] },
    });
  });
});
