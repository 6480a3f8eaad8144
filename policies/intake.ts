/**
 * The intake policy: the categories a reporter chooses from, the questions the report form asks,
 * and what may be attached; with the checks that hold a submitted report to it.
 * Pure: no I/O, no clock (the current time arrives as an argument).
 */
import { z } from 'zod';
import { duplicates, PolicyVersionSchema, SlugSchema } from './common';

/** The kinds of question a form can ask; `yesno` answers are the strings `yes` and `no`. */
export const QuestionKindSchema = z.enum(['text', 'longtext', 'choice', 'date', 'yesno']);

/** A kind of question. */
export type QuestionKind = z.infer<typeof QuestionKindSchema>;

const LabelSchema = z.string().trim().min(1).max(200);

/**
 * The longest answer a text question takes, in UTF-16 code units (as the HTML maxlength
 * attribute counts them): the cap where a question sets no maxLength, and the most it may set.
 * As long as the report's description may be.
 */
export const MAX_TEXT_ANSWER_LENGTH = 20_000;

/**
 * The most a report's answers may hold together, in UTF-16 code units. The answers are stored
 * as JSON in the report's one SQLite row, and a Durable Object refuses a string or row over
 * 2 MB (durable-objects/platform/limits.mdx); JSON escaping makes one unit at most 6 bytes
 * (`\u001f`), so this is at most 600 kB, beside a description of 20,000 characters.
 */
export const MAX_ANSWERS_LENGTH = 100_000;

// RFC 6838 §4.2 restricted-name for type and subtype, lower-cased so comparison is exact.
const MimeTypeSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/,
    'Use a MIME type.',
  );

const CategorySchema = z.strictObject({
  id: SlugSchema,
  label: LabelSchema,
  description: z.string().max(2000).optional(),
});

const QuestionSchema = z
  .strictObject({
    id: SlugSchema,
    label: LabelSchema,
    help: z.string().max(2000).optional(),
    kind: QuestionKindSchema,
    required: z.boolean(),
    options: z.array(LabelSchema).min(1).max(50).optional(),
    maxLength: z.number().int().min(1).max(MAX_TEXT_ANSWER_LENGTH).optional(),
  })
  .superRefine((question, ctx) => {
    if (question.kind === 'choice' && question.options === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'A choice question needs options.',
      });
    }

    if (question.kind !== 'choice' && question.options !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'Only choice questions have options.',
      });
    }

    for (const option of duplicates(question.options ?? [])) {
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: `Option "${option}" is listed twice.`,
      });
    }

    // A limit the validator would ignore is a limit nobody should believe is enforced.
    if (
      question.maxLength !== undefined &&
      question.kind !== 'text' &&
      question.kind !== 'longtext'
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxLength'],
        message: 'Only text questions have a maxLength.',
      });
    }
  });

/** A question on the report form. */
export type IntakeQuestion = z.infer<typeof QuestionSchema>;

/**
 * The longest answer a text question takes: its maxLength, else MAX_TEXT_ANSWER_LENGTH. Capped
 * even when the question says more, because stored policy documents are read back as they
 * were published, and one published before the cap may allow longer answers than fit.
 */
export function textAnswerLimit(question: IntakeQuestion): number {
  return Math.min(question.maxLength ?? MAX_TEXT_ANSWER_LENGTH, MAX_TEXT_ANSWER_LENGTH);
}

/**
 * The most all of a report's files may add up to, in bytes: 28 MiB. The reporter channel
 * reads at most 40 MiB per request (a Worker holds the body whole within its 128 MB), and the
 * API carries files as base64 (4/3 of their size) beside the report's text; a policy whose
 * files could not fit one request would turn a reporter away after they chose them.
 */
export const MAX_ATTACHMENTS_TOTAL_BYTES = 28 * 1024 * 1024;

const AttachmentsSchema = z
  .strictObject({
    maxFiles: z.number().int().min(0).max(20),
    maxBytesPerFile: z.number().int().min(1).max(MAX_ATTACHMENTS_TOTAL_BYTES),
    allowedTypes: z.array(MimeTypeSchema).max(50),
  })
  .refine((a) => a.maxFiles * a.maxBytesPerFile <= MAX_ATTACHMENTS_TOTAL_BYTES, {
    path: ['maxBytesPerFile'],
    message: `maxFiles × maxBytesPerFile may be at most ${MAX_ATTACHMENTS_TOTAL_BYTES} bytes`,
  });

/** An intake policy document: categories and question ids are each unique within it. */
export const IntakePolicySchema = z
  .strictObject({
    version: PolicyVersionSchema,
    categories: z.array(CategorySchema).min(1).max(100),
    questions: z.array(QuestionSchema).max(50),
    attachments: AttachmentsSchema,
  })
  .superRefine((policy, ctx) => {
    for (const id of duplicates(policy.categories.map((category) => category.id))) {
      ctx.addIssue({
        code: 'custom',
        path: ['categories'],
        message: `Category id "${id}" is used twice.`,
      });
    }

    for (const id of duplicates(policy.questions.map((question) => question.id))) {
      ctx.addIssue({
        code: 'custom',
        path: ['questions'],
        message: `Question id "${id}" is used twice.`,
      });
    }

    for (const type of duplicates(policy.attachments.allowedTypes)) {
      ctx.addIssue({
        code: 'custom',
        path: ['attachments', 'allowedTypes'],
        message: `"${type}" is listed twice.`,
      });
    }
  });

/** An intake policy document. */
export type IntakePolicy = z.infer<typeof IntakePolicySchema>;

/**
 * The policy as a form shows it: every text question's maxLength made explicit (its own,
 * capped, or the default), so that the form's maxlength and `validateIntake` agree.
 */
export function withAnswerLimits(policy: IntakePolicy): IntakePolicy {
  return {
    ...policy,
    questions: policy.questions.map((question) =>
      question.kind === 'text' || question.kind === 'longtext'
        ? { ...question, maxLength: textAnswerLimit(question) }
        : question,
    ),
  };
}

/** One problem with a submission; `path` is `category`, `answers` or `answers.<question id>`. */
export type IntakeIssue = { path: string; message: string };

/** A submission that satisfies the policy; answers left blank are omitted. */
export type IntakeSubmission = { category: string; answers: Record<string, string> };

/** The outcome of checking a submission: the clean value, or every problem found. */
export type IntakeResult =
  | { ok: true; value: IntakeSubmission }
  | { ok: false; code: 'invalid_intake'; message: string; issues: IntakeIssue[] };

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const TOO_LONG_TOGETHER =
  `Your answers are longer than ${MAX_ANSWERS_LENGTH} characters together: ` +
  'shorten this one or another.';

// UTC+14 (Line Islands) is the first place a calendar day begins, so a date counts as future
// only once it has not yet begun anywhere; a reporter east of UTC is never told "today" is ahead.
const EARLIEST_OFFSET_MS = 14 * 3_600_000;

/** UTC midnight of a `YYYY-MM-DD` calendar date in epoch ms, or null if there is no such date. */
function parseDate(text: string): number | null {
  const match = DATE_PATTERN.exec(text);
  if (match === null) return null;

  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // setUTCFullYear rather than Date.UTC, which maps years 0 to 99 onto 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  const exists =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;

  return exists ? date.getTime() : null;
}

function isFutureDate(dayStart: number, now: number): boolean {
  return dayStart - EARLIEST_OFFSET_MS > now;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The problem with one present, non-blank answer, or null if it fits its question. */
function answerProblem(question: IntakeQuestion, answer: string, now: number): string | null {
  switch (question.kind) {
    case 'text':
    case 'longtext': {
      // UTF-16 code units, as the HTML maxlength attribute counts them, so the form and the
      // server agree on what fits.
      const limit = textAnswerLimit(question);

      return answer.length > limit ? `Shorten this answer to at most ${limit} characters.` : null;
    }
    case 'choice':
      return question.options?.includes(answer) === true
        ? null
        : `Choose one of: ${(question.options ?? []).join(', ')}.`;
    case 'yesno':
      return answer === 'yes' || answer === 'no' ? null : 'Answer yes or no.';
    case 'date': {
      const dayStart = parseDate(answer);
      if (dayStart === null) return 'Give the date as YYYY-MM-DD, for example 2024-03-31.';

      return isFutureDate(dayStart, now) ? 'Give a date that is not in the future.' : null;
    }
  }
}

/**
 * Validates a reporter's category and answers against the policy: unknown question ids refused,
 * required answers present, choice in options, date 'YYYY-MM-DD' and not in the future relative
 * to `now` (epoch ms), text within `textAnswerLimit`, and all answers together within
 * MAX_ANSWERS_LENGTH (the answer that crosses it is named). An absent, null or blank answer
 * counts as none. Returns the clean submission, or every problem found, each with the path of
 * the field it concerns.
 */
export function validateIntake(
  policy: IntakePolicy,
  input: { category: unknown; answers: unknown },
  now: number,
): IntakeResult {
  const issues: IntakeIssue[] = [];

  const category = policy.categories.find((candidate) => candidate.id === input.category);
  if (category === undefined) {
    const ids = policy.categories.map((candidate) => candidate.id).join(', ');
    issues.push({ path: 'category', message: `Choose one of the categories: ${ids}.` });
  }

  const raw = input.answers ?? {};
  const answers: Record<string, string> = {};
  if (!isRecord(raw)) {
    issues.push({
      path: 'answers',
      message: 'Send the answers as an object keyed by question id.',
    });
  } else {
    const known = new Set(policy.questions.map((question) => question.id));
    for (const id of Object.keys(raw)) {
      if (!known.has(id)) {
        issues.push({
          path: `answers.${id}`,
          message: 'This form has no such question; remove it.',
        });
      }
    }

    let total = 0;
    for (const question of policy.questions) {
      const path = `answers.${question.id}`;
      const answer = Object.hasOwn(raw, question.id) ? raw[question.id] : undefined;
      if (answer !== undefined && answer !== null && typeof answer !== 'string') {
        issues.push({ path, message: 'Send this answer as text.' });
        continue;
      }

      if (answer === undefined || answer === null || answer.trim() === '') {
        if (question.required) issues.push({ path, message: `Answer "${question.label}".` });
        continue;
      }

      const problem = answerProblem(question, answer, now);
      if (problem !== null) {
        issues.push({ path, message: problem });
        continue;
      }
      // Named once, at the answer that crosses the total; later ones are not at fault alone.
      const before = total;
      total += answer.length;
      if (before <= MAX_ANSWERS_LENGTH && total > MAX_ANSWERS_LENGTH) {
        issues.push({ path, message: TOO_LONG_TOGETHER });
      }
      answers[question.id] = answer;
    }
  }

  if (category === undefined || issues.length > 0) {
    return {
      ok: false,
      code: 'invalid_intake',
      message: 'Correct the fields listed in issues and send the report again.',
      issues,
    };
  }

  return { ok: true, value: { category: category.id, answers } };
}

function answerSchema(question: IntakeQuestion, now: number): z.ZodType<string> {
  switch (question.kind) {
    case 'text':
    case 'longtext':
      return z.string().max(textAnswerLimit(question));
    case 'choice':
      return z.enum(question.options as [string, ...string[]]);
    case 'yesno':
      return z.enum(['yes', 'no']);
    case 'date':
      return z
        .string()
        .regex(DATE_PATTERN)
        .refine((text) => {
          const dayStart = parseDate(text);
          return dayStart !== null && !isFutureDate(dayStart, now);
        }, 'Give a real date that is not in the future.');
  }
}

/**
 * A zod schema built from the policy for the same check, for OpenAPI documentation. It is
 * approximate: it does not treat a blank answer as absent, so a blank optional choice or date
 * fails here but passes `validateIntake`, which is the check that decides.
 */
export function intakeSchemaFor(policy: IntakePolicy, now: number) {
  const categoryIds = policy.categories.map((category) => category.id) as [string, ...string[]];
  const answerShape: Record<string, z.ZodType<string | undefined>> = {};
  for (const question of policy.questions) {
    const schema = answerSchema(question, now).describe(question.label);
    answerShape[question.id] = question.required ? schema : schema.optional();
  }

  return z.strictObject({
    category: z.enum(categoryIds),
    answers: z.strictObject(answerShape),
  });
}
