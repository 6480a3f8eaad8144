/**
 * Helpers for integration tests in workerd: fresh organisations (storage is shared within a
 * test file), staff sessions, and JSON requests through the Worker's own fetch handler.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env as looseEnv, exports as looseExports } from 'cloudflare:workers';

import type { StaffRole } from '../../src/auth/permissions';
import type { Env } from '../../src/env';

/** The Worker's bindings and default export with their declared types. */
const env = looseEnv as unknown as Env;
const worker = looseExports as unknown as {
  default: { fetch(request: Request): Promise<Response> };
};

export const PASSWORD = 'integration-test-password';

let counter = 0;

/** A unique organisation slug for this test. */
export function freshSlug(prefix = 'org'): string {
  counter += 1;

  return `${prefix}-${counter}-${crypto.randomUUID().slice(0, 8)}`;
}

export interface TestOrg {
  slug: string;
  users: Record<string, { id: string; email: string; token: string; role: StaffRole }>;
}

/** Creates an organisation with one user per named role and logs each in. */
export async function createOrg(
  options: {
    mode?: 'compliance' | 'team';
    units?: string[];
    staff?: Array<{ name: string; role: StaffRole; units?: string[] }>;
  } = {},
): Promise<TestOrg> {
  const slug = freshSlug();
  const org = env.ORGS.getByName(slug);
  await org.setup({
    slug,
    name: `Test ${slug}`,
    mode: options.mode ?? 'compliance',
    requireTotp: false,
    units: options.units ?? [],
  });
  const staff = options.staff ?? [
    { name: 'admin', role: 'admin' },
    { name: 'lead', role: 'compliance_lead' },
    { name: 'handler', role: 'handler' },
    { name: 'handler2', role: 'handler' },
    { name: 'reviewer', role: 'reviewer' },
  ];
  const users: TestOrg['users'] = {};
  for (const member of staff) {
    const email = `${member.name}@${slug}.test`;
    const { id } = await org.addUser({
      email,
      role: member.role,
      units: member.units ?? [],
      password: PASSWORD,
    });
    const login = await org.login({ email, password: PASSWORD });
    if (!login.ok) throw new Error(`login failed for ${email}`);
    users[member.name] = { id, email, token: login.token, role: member.role };
  }

  return { slug, users };
}

/**
 * A request to the Worker; `body` is sent as JSON. Each call through `exports.default.fetch`
 * costs more than the last within one test file (workers-sdk issue 15446, the pool's, not
 * the Worker's: `wrangler dev` stays flat), so request-heavy files call the Hono app
 * directly (engine-helpers.ts `appApi`) or split.
 */
export async function api(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse> {
  return readResponse(await worker.default.fetch(toRequest(method, path, options)));
}

/** What a test request may carry; an object `body` is sent as JSON. */
export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An answer with its body parsed as JSON where it is JSON. */
export interface ApiResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** The request a test means: bearer token, and a JSON body unless it is text or bytes. */
export function toRequest(method: string, path: string, options: RequestOptions = {}): Request {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const raw =
    options.body === undefined ||
    typeof options.body === 'string' ||
    options.body instanceof Uint8Array ||
    options.body instanceof ReadableStream;
  const body = raw ? (options.body as BodyInit | undefined) : JSON.stringify(options.body);

  return new Request(`http://whispr.test${path}`, { method, headers, body });
}

/** Reads an answer, parsing the body as JSON where it is JSON. */
export async function readResponse(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }

  return { status: response.status, body, headers: response.headers };
}

/** Rows of a table, as `SELECT *` returns them. */
export type Rows = Array<Record<string, unknown>>;

/** Every row of every table of a Durable Object, by table name (for "nothing was written"). */
export function tablesOf(stub: DurableObjectStub): Promise<Record<string, Rows>> {
  return runInDurableObject(stub, (_instance, state: DurableObjectState) => {
    const dump: Record<string, Rows> = {};
    const tables = state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((t) => t.name)
      .filter((name) => !name.startsWith('_cf') && !name.startsWith('sqlite'));
    for (const table of tables) {
      dump[table] = state.storage.sql.exec(`SELECT * FROM "${table}"`).toArray();
    }

    return dump;
  });
}

/** Submits a written report and returns the created case's id as the lead sees it. */
export async function submitCase(
  org: TestOrg,
  report: { category?: string; description?: string } = {},
): Promise<{ id: string; caseRef: string; mailbox: { token: string; returnCode: string } }> {
  const created = await api('POST', `/api/public/${org.slug}/reports`, {
    body: {
      category: report.category ?? 'fraud',
      description: report.description ?? 'Someone approves their own expense claims every month.',
    },
  });
  if (created.status !== 201) throw new Error(`submit failed: ${JSON.stringify(created.body)}`);
  const list = await api('GET', '/api/cases?limit=200', { token: org.users.lead!.token });
  const item = list.body.items.find((i: { caseRef: string }) => i.caseRef === created.body.caseRef);
  if (!item) throw new Error('created case not in the list');

  return { id: item.id, caseRef: created.body.caseRef, mailbox: created.body.mailbox };
}

/** Sends a case event as a staff member. */
export function sendEvent(token: string, caseId: string, event: Record<string, unknown>) {
  return api('POST', `/api/cases/${caseId}/events`, { token, body: event });
}

/**
 * Reads until `done` holds or `timeoutMs` passes, then returns the last value. Case objects
 * deliver their outbox (the KV read model among it) after answering, so a list read right
 * after an event may still show the case as it was; the product accepts that lag by design.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }

  return value;
}
