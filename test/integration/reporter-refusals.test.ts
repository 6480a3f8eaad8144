/**
 * The "no stray key" rule for a refused public report that carries files: whatever refuses it
 * (too many files, a file too large, a refused or damaged type, an intake answer or category the
 * policy refuses, while a valid file rides along), nothing is left behind: no R2 object, no KV
 * key, no case Durable Object, no mailbox directory entry, no change to the organisation's
 * object, and no count in the organisation's rate-limit window: only a report that passed every
 * check counts (submit-report.ts asks `admit` after the intake and the files are checked), so
 * refused reports cannot use up the organisation's allowance.
 *
 * Storage is shared by the tests of this file, so every probe reads the whole bucket, namespace
 * and class and compares before with after. A valid submission is the control: the same probes
 * must see each of its writes, or a clean "after" would prove nothing.
 */
import { listDurableObjectIds } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

import { appApi } from './engine-helpers';
import type { Rows, TestOrg } from './helpers';
import { createOrg, tablesOf } from './helpers';
import { b64, env } from './reporter-fixtures';

const REPORT = { category: 'fraud', description: 'Expense claims are approved by the claimant.' };
const VALID_FILE = { name: 'evidence.txt', data: b64('The approvals log for March.') };
const MIB = 1024 * 1024;

async function allR2Keys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await env.ATTACHMENTS.list({ cursor });
    keys.push(...page.objects.map((o) => o.key));
    if (!page.truncated) return keys.sort();
    cursor = page.cursor;
  }
}

async function allKvKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await env.CASES_KV.list({ cursor });
    keys.push(...page.keys.map((k) => k.name));
    if (page.list_complete) return keys.sort();
    cursor = page.cursor;
  }
}

/** What the reporter channel could have written anywhere, read whole. */
async function everything(org: TestOrg) {
  const limiterId = env.MAILBOXES.idFromName(`limit-${org.slug}`).toString();
  const mailboxes: Rows = [];
  const windows: Record<string, Rows> = {};
  for (const id of await listDurableObjectIds(env.MAILBOXES)) {
    const tables = await tablesOf(env.MAILBOXES.get(id));
    mailboxes.push(...(tables.mailboxes ?? []));
    if ((tables.windows ?? []).length > 0) windows[id.toString()] = tables.windows!;
  }
  const { [limiterId]: limiter = [], ...otherWindows } = windows;

  return {
    r2: await allR2Keys(),
    kv: await allKvKeys(),
    cases: (await listDurableObjectIds(env.CASES)).map((id) => id.toString()).sort(),
    mailboxes: mailboxes.map((row) => JSON.stringify(row)).sort(),
    otherWindows,
    org: await tablesOf(env.ORGS.getByName(org.slug)),
    /** This organisation's rate-limit buckets: name → count. */
    limit: Object.fromEntries(limiter.map((row) => [row.bucket as string, row.count as number])),
  };
}

/** A JPEG by its magic bytes whose first segment claims more bytes than the file has. */
const DAMAGED_JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x40, 0x00, 0x4a, 0x46, 0x49, 0x46]);

const REFUSALS: Array<{
  what: string;
  body: Record<string, unknown>;
  status: number;
  /** A path the answer's issues must name. */
  path: string;
}> = [
  {
    what: 'too many files (six valid ones; the policy allows five)',
    body: { ...REPORT, attachments: Array.from({ length: 6 }, () => VALID_FILE) },
    status: 422,
    path: 'attachments',
  },
  {
    what: 'a file over the size limit beside a valid one',
    body: {
      ...REPORT,
      attachments: [VALID_FILE, { name: 'big.txt', data: b64('a'.repeat(10 * MIB + 1)) }],
    },
    status: 413,
    path: 'attachments.1',
  },
  {
    what: 'HTML named like a photo beside a valid file',
    body: {
      ...REPORT,
      attachments: [VALID_FILE, { name: 'photo.jpg', data: b64('<html><script>x()</script>') }],
    },
    status: 415,
    path: 'attachments.1',
  },
  {
    what: 'a damaged JPEG beside a valid file (refused while cleaning, after the type check)',
    body: { ...REPORT, attachments: [VALID_FILE, { name: 'scan.jpg', data: b64(DAMAGED_JPEG) }] },
    status: 415,
    path: 'attachments.1',
  },
  {
    what: 'an intake answer the policy refuses, with a valid file',
    body: { ...REPORT, answers: { when: 'yesterday' }, attachments: [VALID_FILE] },
    status: 422,
    path: 'answers.when',
  },
  {
    what: 'an unknown category, with a valid file',
    body: { ...REPORT, category: 'no-such-category', attachments: [VALID_FILE] },
    status: 422,
    path: 'category',
  },
  {
    what: 'a file that is not base64, beside a valid one',
    body: { ...REPORT, attachments: [VALID_FILE, { name: 'x.txt', data: 'not base64!' }] },
    status: 422,
    path: 'attachments.1.data',
  },
  {
    what: 'an unknown field, with a valid file (refused by the schema)',
    body: { ...REPORT, attachments: [VALID_FILE], reporterEmail: 'me@example.test' },
    status: 422,
    path: 'reporterEmail',
  },
];

describe('a refused public report with files', () => {
  it('is seen by the probes when accepted: object, key, case, mailbox entry, count', async () => {
    const org = await createOrg();
    const before = await everything(org);

    const res = await appApi('POST', `/api/public/${org.slug}/reports`, {
      body: { ...REPORT, attachments: [VALID_FILE] },
    });
    const after = await everything(org);

    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const newObjects = after.r2.filter((key) => !before.r2.includes(key));
    expect(newObjects).toHaveLength(1);
    expect(newObjects[0]).toMatch(new RegExp(`^org/${org.slug}/case/c_[0-9A-Z]{20}/att/a_`));
    expect(after.kv.filter((key) => !before.kv.includes(key))).toHaveLength(1);
    expect(after.cases.filter((id) => !before.cases.includes(id))).toHaveLength(1);
    expect(after.mailboxes.filter((row) => !before.mailboxes.includes(row))).toHaveLength(1);
    expect(after.limit).toEqual({ report: 1 });
  });

  for (const refusal of REFUSALS) {
    it(`leaves no stray key after refusing ${refusal.what}`, async () => {
      const org = await createOrg();
      const before = await everything(org);

      const res = await appApi('POST', `/api/public/${org.slug}/reports`, { body: refusal.body });
      const after = await everything(org);

      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(refusal.status);
      expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      expect(res.body.error).not.toBe('internal');
      expect((res.body.issues as Array<{ path: string }>).map((i) => i.path)).toContain(
        refusal.path,
      );
      expect(after.r2, 'no R2 object').toEqual(before.r2);
      expect(after.kv, 'no KV key').toEqual(before.kv);
      expect(after.cases, 'no case Durable Object').toEqual(before.cases);
      expect(after.mailboxes, 'no mailbox directory entry').toEqual(before.mailboxes);
      expect(after.otherWindows, "no other organisation's window").toEqual(before.otherWindows);
      expect(after.org, "no change to the organisation's object").toEqual(before.org);
      expect(before.limit).toEqual({});
      expect(after.limit, 'no count against the limit').toEqual({});
    });
  }
});
