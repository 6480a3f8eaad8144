/**
 * Malformed path and query parameters on every route of the route table, in workerd: the
 * answer is a 4xx that says what was wrong, never a 5xx, and nothing is written anywhere
 * (engine-helpers.ts `storeState`: the organisation's tables, the case, the rate-limit
 * windows, KV, R2 and the list of case objects) but the record of the denial itself. The
 * bodies, where a route takes one, are valid-looking, so that the parameters are judged.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

import { app } from '../../src/http/app';
import type { RouteSpec } from '../../src/http/route-table';
import { ROUTES } from '../../src/http/route-table';
import { appApi, appSubmitCase, storeState, withoutDenials } from './engine-helpers';
import type { TestOrg } from './helpers';
import { createOrg } from './helpers';

// Importing the app registers every route file in ROUTES.
void app;

/** Parameter values no route may take: wrong shapes, traversal, control and wide characters. */
const junk = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.constantFrom('..', '../..', '%00', ' ', 'c_', 'C_0000', 'a_', 'u_', '<script>', '\u0000'),
  fc.constant('x'.repeat(600)),
);

/** Query values of the wrong kind for any parameter a route declares. */
const badQueryValue = fc.oneof(
  fc.constantFrom('', '-1', '0', '1e9', 'NaN', 'abc', '1.5', '9999999999999999999'),
  fc.string({ maxLength: 30 }),
);

let org: TestOrg;
let caseId: string;

/** The store as a refused request must leave it (engine-helpers.ts). */
const storeWithoutDenials = async () => withoutDenials(await storeState(org, caseId));

beforeAll(async () => {
  org = await createOrg();
  caseId = (await appSubmitCase(org)).id;
});

/**
 * A 4xx; from the API, also the JSON error with a message. The reporter pages answer HTML,
 * and send a visitor without a mailbox session to the login page (303) before anything else.
 */
function expectClearRefusal(answer: Awaited<ReturnType<typeof appApi>>, what: string): void {
  const shown = `${what}: ${String(JSON.stringify(answer.body)).slice(0, 300)}`;
  const page = !what.split(' ')[1]!.startsWith('/api/');
  expect(answer.status, shown).toBeLessThan(500);
  if (page && answer.status === 303) return;
  expect(answer.status, shown).toBeGreaterThanOrEqual(400);
  if (page) return;
  expect(answer.body, what).toMatchObject({ error: expect.any(String) });
  expect(String(answer.body.message ?? '').length, what).toBeGreaterThan(5);
}

/** A body each body route would accept apart from its parameters. */
const bodyFor = (spec: RouteSpec) => (spec.body ? { type: 'ADD_NOTE', body: 'note' } : undefined);

describe('bad parameters on every route', () => {
  it('refuses malformed path parameters with a clear 4xx and writes nothing', async () => {
    const routes = ROUTES.filter((spec) => spec.path.includes('/:'));
    expect(routes.length).toBeGreaterThan(5);
    const before = await storeWithoutDenials();

    for (const spec of routes) {
      const tokens =
        spec.auth === 'staff' ? [org.users.lead!.token, org.users.admin!.token] : [undefined];
      await fc.assert(
        fc.asyncProperty(junk, fc.constantFrom(...tokens), async (value, token) => {
          // Every parameter but one keeps a value that exists, so each is judged on its own.
          const names = [...spec.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
          const target = names[names.length - 1]!;
          const good: Record<string, string> = {
            org: org.slug,
            id: spec.path.startsWith('/api/cases') ? caseId : org.users.handler!.id,
            kind: 'routing',
          };
          const path = spec.path.replace(/:([A-Za-z]+)/g, (_, name: string) =>
            encodeURIComponent(name === target ? value : (good[name] ?? value)),
          );
          const answer = await appApi(spec.method.toUpperCase(), path, {
            token,
            body: bodyFor(spec),
          });

          expectClearRefusal(answer, `${spec.method} ${spec.path} with ${target}=${value}`);
        }),
        { numRuns: 15 },
      );
    }

    expect(await storeWithoutDenials()).toEqual(before);
  });

  it('refuses malformed and unknown query parameters with a 422 that names them', async () => {
    const routes = ROUTES.filter((spec) => spec.query !== undefined);
    expect(routes.map((s) => s.path)).toContain('/api/cases');
    const before = await storeWithoutDenials();

    for (const spec of routes) {
      const declared = Object.keys((spec.query as { shape?: object }).shape ?? {});
      const token = spec.auth === 'staff' ? org.users.lead!.token : undefined;
      const problem = fc.oneof(
        fc.tuple(fc.constantFrom(...declared), badQueryValue),
        fc.tuple(
          fc.stringMatching(/^[a-z]{1,10}$/).filter((k) => !declared.includes(k)),
          fc.constant('1'),
        ),
      );
      await fc.assert(
        fc.asyncProperty(problem, async ([name, value]) => {
          const query = new URLSearchParams({ [name]: value });
          const answer = await appApi(spec.method.toUpperCase(), `${spec.path}?${query}`, {
            token,
          });
          // A value the schema happens to take (a cursor of any text, limit=1) is no problem.
          if (answer.status === 200) {
            expect(spec.query!.safeParse(Object.fromEntries(query)).success).toBe(true);
            return;
          }

          expectClearRefusal(answer, `${spec.method} ${spec.path}?${query}`);
          if (answer.status === 422) {
            const paths = (answer.body.issues as Array<{ path: string }>).map((i) => i.path);
            expect(paths.join(' ') + answer.body.message).toContain(name);
          }
        }),
        { numRuns: 40 },
      );
    }

    expect(await storeWithoutDenials()).toEqual(before);
  });
});
