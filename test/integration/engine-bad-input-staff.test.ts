/**
 * Field-level bad input on the staff, mailbox and second-factor body routes, in workerd:
 * POST /api/users, PATCH /api/users/:id, POST /api/me/password, PUT /api/me/email,
 * PATCH /api/org/settings, POST /api/cases (oral report), POST /api/mailbox/messages and
 * POST /api/auth/totp. engine-bad-input.test.ts covers the generic malformations of every body
 * route and field mutations of login, public reports and case events; this file does the same
 * for these routes.
 *
 * Schema-driven: each route's `body` zod schema is read from ROUTES and walked (fields,
 * required or not, type, length and item limits, strictness, nested objects in arrays), and
 * fast-check generates, per field and kind, values the schema refuses: a missing required field,
 * a wrong JSON type, a value outside an enum or literal, a malformed email or date, an empty or
 * over-long string, too many items, an unknown key on a strict object. Each body is checked
 * against the schema first, so only truly refused bodies are sent.
 *
 * The answer must be a 422 `validation_failed` whose `issues[].path` names the field, never a
 * 5xx, and nothing may be written: every table of the organisation's Durable Object (a 422 adds
 * no `denials` row: only a 403 or 404 after authentication does, staff-auth.ts), the case's
 * trail and content, the organisation's rate-limit windows, KV, R2 and the set of case objects.
 * Requests go to the Hono app directly (engine-helpers.ts `appApi`, workers-sdk issue 15446).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

import { app } from '../../src/http/app';
import { ROUTES } from '../../src/http/route-table';
import type { RouteSpec } from '../../src/http/route-table';
import { appApi, storeState } from './engine-helpers';
import type { TestOrg } from './helpers';
import { createOrg, PASSWORD } from './helpers';
import { b64 } from './reporter-fixtures';

// Importing the app registers every route file in ROUTES.
void app;

type Json = Record<string, unknown>;

/* ---------------------------------------------------------------------------------------------
 * The schema, as far as generating refused values needs it (zod 4 keeps it in `_zod.def`).
 * ------------------------------------------------------------------------------------------- */

type Kind = 'string' | 'boolean' | 'number' | 'array' | 'object' | 'record' | 'enum' | 'other';

interface Node {
  kind: Kind;
  required: boolean;
  minLength?: number;
  maxLength?: number;
  /** A string format zod checks (email, date). */
  format?: string;
  /** The values an enum or literal allows. */
  values?: unknown[];
  element?: Node;
  shape?: Record<string, Node>;
  strict?: boolean;
}

interface ZodLike {
  _zod: { def: Record<string, any> };
}

function lengthCheck(def: Record<string, any>, check: 'min_length' | 'max_length') {
  const found = (def.checks ?? []).find((c: ZodLike) => c._zod.def.check === check);
  if (!found) return undefined;

  return (check === 'min_length' ? found._zod.def.minimum : found._zod.def.maximum) as number;
}

/** Describes a zod schema: unwraps optional, default and transform pipes, then reads the type. */
function describeSchema(schema: ZodLike, required = true): Node {
  const def = schema._zod.def;
  switch (def.type) {
    case 'optional':
    case 'default':
      return describeSchema(def.innerType, false);
    case 'pipe':
      return describeSchema(def.in, required);
    case 'string':
      return {
        kind: 'string',
        required,
        minLength: lengthCheck(def, 'min_length'),
        maxLength: lengthCheck(def, 'max_length'),
        format: def.format,
      };
    case 'boolean':
    case 'number':
      return { kind: def.type, required };
    case 'enum':
      return { kind: 'enum', required, values: Object.values(def.entries) };
    case 'literal':
      return { kind: 'enum', required, values: def.values };
    case 'array':
      return {
        kind: 'array',
        required,
        maxLength: lengthCheck(def, 'max_length'),
        element: describeSchema(def.element),
      };
    case 'record':
      return { kind: 'record', required, element: describeSchema(def.valueType) };
    case 'object':
      return {
        kind: 'object',
        required,
        strict: def.catchall?._zod.def.type === 'never',
        shape: Object.fromEntries(
          Object.entries(def.shape as Record<string, ZodLike>).map(([k, v]) => [
            k,
            describeSchema(v),
          ]),
        ),
      };
    default:
      return { kind: 'other', required };
  }
}

/* ---------------------------------------------------------------------------------------------
 * Mutations: per field and kind, an arbitrary of bodies with that one field made invalid.
 * ------------------------------------------------------------------------------------------- */

interface Mutation {
  /** The dotted path of the field made invalid ('' for the body itself). */
  path: string;
  kind: string;
  body: unknown;
  /** For an unknown key: the key, which the answer names as the issue's path. */
  key?: string;
}

const JSON_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 8 }),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(fc.integer(), { maxLength: 2 }),
  object: fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.integer(), { maxKeys: 2 }),
};

/** JSON values of any type but the ones a node accepts. */
function wrongType(node: Node): fc.Arbitrary<unknown> {
  const accepted: Record<Kind, string[]> = {
    string: ['string'],
    boolean: ['boolean'],
    number: ['number'],
    array: ['array'],
    object: ['object'],
    record: ['object'],
    // An enum or literal of strings: a number, boolean, null, array or object is the wrong type.
    enum: ['string'],
    other: [],
  };
  const others = Object.entries(JSON_VALUES)
    .filter(([type]) => !accepted[node.kind].includes(type))
    .map(([, arbitrary]) => arbitrary);

  return fc.oneof(...others);
}

/** A copy of `value` with the value at `path` replaced (or removed for `undefined`). */
function setAt(value: unknown, path: Array<string | number>, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = setAt(copy[head as number], rest, next);
    return copy;
  }
  const copy = { ...(value as Json) };
  if (rest.length === 0 && next === undefined) delete copy[head as string];
  else copy[head as string] = setAt(copy[head as string], rest, next);

  return copy;
}

function getAt(value: unknown, path: Array<string | number>): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)?.[key], value);
}

/** Every field-level mutation family of `sample` under `node`, each with its own arbitrary. */
function mutationsOf(
  node: Node,
  sample: unknown,
  path: Array<string | number> = [],
): Array<fc.Arbitrary<Mutation>> {
  const name = path.join('.');
  const at = (kind: string, values: fc.Arbitrary<unknown>) =>
    values.map((v) => ({ path: name, kind, body: setAt(sample, path, v) }) as Mutation);
  const families: Array<fc.Arbitrary<Mutation>> = [];

  if (path.length > 0) families.push(at('wrong type', wrongType(node)));
  if (path.length > 0 && node.required) {
    families.push(
      fc.constant({ path: name, kind: 'missing', body: setAt(sample, path, undefined) }),
    );
  }
  const value = getAt(sample, path);

  switch (node.kind) {
    case 'string':
      if ((node.minLength ?? 0) > 0) families.push(at('empty', fc.constant('')));
      if (node.maxLength !== undefined) {
        families.push(
          at(
            'too long',
            fc
              .integer({ min: 1, max: 64 })
              .map((extra) => 'x'.repeat((node.maxLength as number) + extra)),
          ),
        );
      }
      if (node.format === 'email') {
        families.push(
          at('not an email', fc.constantFrom('no-at-sign', 'a@', '@b.test', 'a b@c.d')),
        );
      }
      if (node.format === 'date') {
        families.push(at('not a date', fc.constantFrom('2026-13-01', '01/02/2026', 'yesterday')));
      }
      break;
    case 'enum':
      families.push(
        at(
          'not an allowed value',
          fc.string({ maxLength: 12 }).filter((s) => !(node.values ?? []).includes(s)),
        ),
      );
      break;
    case 'array':
      if (node.maxLength !== undefined && Array.isArray(value) && value.length > 0) {
        families.push(
          at(
            'too many items',
            fc.constant(Array.from({ length: node.maxLength + 1 }, () => value[0])),
          ),
        );
      }
      if (Array.isArray(value) && value.length > 0 && node.element) {
        families.push(...mutationsOf(node.element, sample, [...path, 0]));
      }
      break;
    case 'record':
      families.push(
        fc
          .tuple(fc.stringMatching(/^[a-z][a-z-]{0,10}$/), wrongType(node.element!))
          .map(([key, v]) => ({
            path: `${name}.${key}`,
            kind: 'wrong type in record',
            body: setAt(sample, path, { ...(value as Json), [key]: v }),
          })),
      );
      break;
    case 'object': {
      const fields = Object.keys(node.shape ?? {});
      if (node.strict) {
        families.push(
          fc
            .stringMatching(/^[a-z][a-zA-Z]{0,12}$/)
            .filter((k) => !fields.includes(k) && k !== '__proto__')
            .map((key) => ({
              path: name || '(body)',
              kind: 'unknown key',
              key,
              body: setAt(sample, [...path, key], 'extra'),
            })),
        );
      }
      for (const [field, child] of Object.entries(node.shape ?? {})) {
        const childValue = (value as Json | undefined)?.[field];
        // An optional field absent from the sample is added, with a wrong value, by the
        // wrong-type family; its own content has nothing to mutate.
        if (childValue === undefined) {
          families.push(
            wrongType(child).map((v) => ({
              path: [...path, field].join('.'),
              kind: 'wrong type',
              body: setAt(sample, [...path, field], v),
            })),
          );
          continue;
        }
        families.push(...mutationsOf(child, sample, [...path, field]));
      }
      break;
    }
    default:
      break;
  }

  return families;
}

/** Does an issue of the answer name the mutated field? */
function names(issues: Array<{ path: string; message: string }>, mutation: Mutation): boolean {
  if (mutation.kind === 'unknown key') {
    // Reported at the key itself (validate.ts `fieldIssues`), inside the object that holds it.
    const at = mutation.path === '(body)' ? mutation.key! : `${mutation.path}.${mutation.key!}`;
    return issues.some((i) => i.path === at);
  }

  return issues.some((i) => i.path === mutation.path || i.path.startsWith(`${mutation.path}.`));
}

/* ---------------------------------------------------------------------------------------------
 * Fixtures and what a refused request must leave as it was.
 * ------------------------------------------------------------------------------------------- */

interface Target {
  route: string;
  path: string;
  token?: string;
  sample: Json;
}

let org: TestOrg;
let caseId: string;
let targets: Target[];

beforeAll(async () => {
  org = await createOrg();
  const report = await appApi('POST', `/api/public/${org.slug}/reports`, {
    body: {
      category: 'fraud',
      description: 'Invoices are approved by the person who submits them.',
    },
  });
  if (report.status !== 201) throw new Error(`submit failed: ${JSON.stringify(report.body)}`);
  const list = await appApi('GET', '/api/cases', { token: org.users.lead!.token });
  caseId = list.body.items[0].id as string;
  const login = await appApi('POST', '/api/mailbox/login', { body: report.body.mailbox });
  if (login.status !== 200) throw new Error(`mailbox login failed: ${JSON.stringify(login.body)}`);
  const { admin, handler, handler2 } = org.users;

  targets = [
    {
      route: 'post /api/users',
      path: '/api/users',
      token: admin!.token,
      sample: { email: `new-${org.slug}@example.test`, role: 'reviewer', units: ['finance'] },
    },
    {
      route: 'patch /api/users/:id',
      path: `/api/users/${handler2!.id}`,
      token: admin!.token,
      sample: { role: 'reviewer', units: ['finance'], disabled: false },
    },
    {
      route: 'post /api/me/password',
      path: '/api/me/password',
      token: handler!.token,
      sample: { currentPassword: PASSWORD, newPassword: 'a much longer passphrase for 2027' },
    },
    {
      route: 'put /api/me/email',
      path: '/api/me/email',
      token: handler!.token,
      sample: { email: `moved-${org.slug}@example.test`, password: PASSWORD },
    },
    {
      route: 'patch /api/org/settings',
      path: '/api/org/settings',
      token: admin!.token,
      sample: { requireTotp: true },
    },
    {
      route: 'post /api/cases',
      path: '/api/cases',
      token: handler!.token,
      sample: {
        channel: 'oral',
        medium: 'phone',
        heardOn: '2026-01-15',
        category: 'fraud',
        minutes: 'The caller described duplicate invoices approved by one manager.',
        summary: 'Duplicate invoices',
        answers: { where: 'Accounts payable' },
      },
    },
    {
      route: 'post /api/mailbox/messages',
      path: '/api/mailbox/messages',
      token: login.body.session as string,
      sample: {
        body: 'One more detail about the invoices.',
        attachments: [{ name: 'more.txt', data: b64('The second ledger page.') }],
      },
    },
    {
      route: 'post /api/auth/totp',
      path: '/api/auth/totp',
      sample: { challenge: `${org.slug}.${'A'.repeat(43)}`, code: '123456' },
    },
  ];
});

const specOf = (route: string): RouteSpec | undefined =>
  ROUTES.find((spec) => `${spec.method} ${spec.path}` === route);

describe('field-level bad input on the staff, mailbox and second-factor body routes', () => {
  it('has a body schema for every route here, and a sample each schema accepts', () => {
    for (const target of targets) {
      const spec = specOf(target.route);
      expect(spec?.body, `${target.route} is a body route`).toBeDefined();
      const parsed = spec!.body!.safeParse(target.sample);
      expect(parsed.success, `${target.route}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(describeSchema(spec!.body as unknown as ZodLike).kind).toBe('object');
    }
  });

  it('answers each generated refused body with a 422 naming the field, no write', async () => {
    const before = await storeState(org, caseId);
    const families: string[] = [];

    for (const target of targets) {
      const spec = specOf(target.route)!;
      const [method] = target.route.split(' ') as [string];
      const node = describeSchema(spec.body as unknown as ZodLike);
      const arbitraries = mutationsOf(node, target.sample);
      expect(arbitraries.length, target.route).toBeGreaterThan(2);

      for (const arbitrary of arbitraries) {
        await fc.assert(
          fc.asyncProperty(
            arbitrary.filter((m) => !spec.body!.safeParse(m.body).success),
            async (mutation) => {
              families.push(`${target.route} ${mutation.kind}`);
              const answer = await appApi(method.toUpperCase(), target.path, {
                token: target.token,
                body: mutation.body,
              });
              const shown = `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
              const what = `${target.route} ${mutation.kind} ${mutation.path}: ${shown}`;

              expect(answer.status, what).toBe(422);
              expect(answer.body, what).toMatchObject({
                error: 'validation_failed',
                message: expect.any(String),
                issues: expect.any(Array),
              });
              expect(names(answer.body.issues, mutation), what).toBe(true);
            },
          ),
          { numRuns: 3 },
        );
      }
    }

    expect(await storeState(org, caseId)).toEqual(before);
    // Every kind of mutation the routes' schemas call for was sent at least once.
    const kinds = new Set(families.map((f) => f.split(' ').slice(2).join(' ')));
    for (const kind of [
      'missing',
      'wrong type',
      'too long',
      'unknown key',
      'not an email',
      'not a date',
      'not an allowed value',
      'too many items',
      'wrong type in record',
      'empty',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('refuses a role before its body: a 403, one denial row, nothing else', async () => {
    const { handler, reviewer, admin } = org.users;
    const malformed = { unexpected: true };
    const refusals = [
      { method: 'POST', path: '/api/users', route: '/api/users', user: handler! },
      {
        method: 'PATCH',
        path: `/api/users/${org.users.handler2!.id}`,
        route: '/api/users/:id',
        user: reviewer!,
      },
      { method: 'PATCH', path: '/api/org/settings', route: '/api/org/settings', user: handler! },
      { method: 'POST', path: '/api/cases', route: '/api/cases', user: reviewer! },
      { method: 'POST', path: '/api/cases', route: '/api/cases', user: admin! },
    ];

    for (const refusal of refusals) {
      const before = await storeState(org, caseId);

      const answer = await appApi(refusal.method, refusal.path, {
        token: refusal.user.token,
        body: malformed,
      });

      const label = `${refusal.method} ${refusal.route} as ${refusal.user.role}`;
      expect(answer.status, label).toBe(403);
      expect(answer.body, label).toMatchObject({ error: 'forbidden', message: expect.any(String) });
      const after = await storeState(org, caseId);
      const { denials: denialsAfter, ...restAfter } = after.org;
      const { denials: denialsBefore, ...restBefore } = before.org;
      expect({ ...after, org: restAfter }, label).toEqual({ ...before, org: restBefore });
      expect(denialsAfter, label).toHaveLength(denialsBefore!.length + 1);
      const added = denialsAfter!.find((row) => !denialsBefore!.some((b) => b.id === row.id));
      expect(added, label).toMatchObject({
        user_id: refusal.user.id,
        role: refusal.user.role,
        method: refusal.method,
        route: refusal.route,
        reason: 'forbidden',
      });
    }
  });

  it('sees a write when there is one: a valid user change and message both show', async () => {
    const before = await storeState(org, caseId);
    const mailbox = targets.find((t) => t.route === 'post /api/mailbox/messages')!;

    const changed = await appApi('PATCH', `/api/users/${org.users.handler2!.id}`, {
      token: org.users.admin!.token,
      body: { units: [] },
    });
    const sent = await appApi('POST', mailbox.path, {
      token: mailbox.token,
      body: { body: 'A valid message, sent last.' },
    });
    const after = await storeState(org, caseId);

    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(after.org.audit!.length).toBe(before.org.audit!.length + 1);
    expect(after.auditLength).toBe(before.auditLength + 1);
    expect(after.messages).toBe(before.messages + 1);
    expect(after.windows).not.toEqual(before.windows);
  });
});
