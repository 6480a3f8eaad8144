/**
 * Nothing that identifies a reporter is stored or logged: a submission and a mailbox visit,
 * through the API and through the pages, all with distinctive identifying headers, and then
 * every store the Worker writes is read whole (every case and mailbox-directory object, the
 * rate limiter and directory shards among them, the organisation's object with its denials,
 * KV, R2 objects with their bytes and metadata) together with every log line, and none of
 * the header values may appear. Storage is per test file, so "every object" is this file's.
 */
import { listDurableObjectIds } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { api, createOrg, tablesOf } from './helpers';
import { b64, env, jpegWithExif } from './reporter-fixtures';
import { PageClient } from './reporter-page-client';

/** Request headers that identify a client, each with a value found nowhere else. */
const IDENTIFYING = {
  'user-agent': 'Mozilla/5.0 (UA-FINGERPRINT-7731)',
  'x-forwarded-for': '198.51.100.77',
  'cf-connecting-ip': '203.0.113.199',
  'x-real-ip': '192.0.2.88',
  referer: 'https://intranet.example/REFERER-PATH-4410',
  'accept-language': 'xx-PRIVACY-LANG',
};
const NEEDLES = [
  'UA-FINGERPRINT-7731',
  '198.51.100.77',
  '203.0.113.199',
  '192.0.2.88',
  'REFERER-PATH-4410',
  'PRIVACY-LANG',
];

/** Every row of every table of every object of a namespace, as JSON text. */
async function everyObject<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
): Promise<string[]> {
  const ids = await listDurableObjectIds(namespace);

  return Promise.all(ids.map(async (id) => JSON.stringify(await tablesOf(namespace.get(id)))));
}

/** Every R2 object under an organisation: key, metadata and its bytes read as Latin-1. */
async function everyFile(org: string): Promise<string[]> {
  const listed = await env.ATTACHMENTS.list({ prefix: `org/${org}/` });

  return Promise.all(
    listed.objects.map(async (o) => {
      const object = await env.ATTACHMENTS.get(o.key);
      const bytes = new Uint8Array((await object?.arrayBuffer()) ?? new ArrayBuffer(0));
      const meta = [o.key, object?.httpMetadata, object?.customMetadata, object?.size];

      return `${JSON.stringify(meta)}\n${new TextDecoder('latin1').decode(bytes)}`;
    }),
  );
}

describe('nothing identifies the reporter', () => {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it('stores and logs no identifying header of submissions and mailbox visits', async () => {
    const org = await createOrg();

    // Through the API.
    const created = await api('POST', `/api/public/${org.slug}/reports`, {
      headers: IDENTIFYING,
      body: {
        category: 'fraud',
        description: 'Expense claims are approved by the claimant.',
        attachments: [{ name: 'notes.txt', data: b64('three claims in March') }],
      },
    });
    const login = await api('POST', '/api/mailbox/login', {
      headers: IDENTIFYING,
      body: created.body.mailbox,
    });
    const sent = await api('POST', '/api/mailbox/messages', {
      token: login.body.session,
      headers: IDENTIFYING,
      body: { body: 'More detail.', attachments: [{ name: 'b.txt', data: b64('more') }] },
    });

    // Through the pages, as a browser sends the same headers with every request.
    const browser = new PageClient('http://whispr.test', IDENTIFYING);
    await browser.get(`/r/${org.slug}`);
    const receipt = await browser.post(
      `/r/${org.slug}/report`,
      {
        category: 'fraud',
        description: 'Invoices are paid twice to accounts of the same supplier.',
        attachments: new File([jpegWithExif('CAMERA-SERIAL-5521')], 'photo.jpg'),
      },
      true,
    );
    const codes = [...receipt.text.matchAll(/<code class="credential">([^<]+)<\/code>/g)];
    await browser.logIn(org.slug, { token: codes[0]![1]!, returnCode: codes[1]![1]! });
    const replied = await browser.post(
      `/r/${org.slug}/mailbox/messages`,
      { body: 'The supplier is ACME.' },
      true,
    );
    await new PageClient('http://whispr.test', IDENTIFYING).logIn(org.slug, {
      token: 'MBX-0000-0000-0000-0000-0000',
      returnCode: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ',
    });
    // A refused staff request, so the organisation's denials table has a row to scan.
    const denied = await api('POST', '/api/cases', {
      token: org.users.reviewer!.token,
      headers: IDENTIFYING,
      body: { channel: 'oral', medium: 'phone', heardOn: '2026-01-15', category: 'fraud' },
    });

    const kv = await env.CASES_KV.list({ prefix: `org/${org.slug}/` });
    const kvValues = await Promise.all(kv.keys.map((k) => env.CASES_KV.get(k.name)));
    const cases = await everyObject(env.CASES);
    const mailboxes = await everyObject(env.MAILBOXES);
    const orgs = await everyObject(env.ORGS);
    const files = await everyFile(org.slug);
    const everything = [
      JSON.stringify(kv.keys),
      ...kvValues,
      ...cases,
      ...mailboxes,
      ...orgs,
      ...files,
      ...lines,
    ].join('\n');

    expect(created.status).toBe(201);
    expect(sent.status).toBe(201);
    expect(receipt.status).toBe(201);
    expect(replied.status).toBe(303);
    expect(denied.status).toBe(403);
    // The probes see what they are meant to: both reports, their files' bytes, the limiter's
    // windows, the directory's shards, and the log lines of the Worker and of the objects.
    expect(kv.keys).toHaveLength(2);
    expect(cases.join('\n')).toContain('Expense claims');
    expect(cases.join('\n')).toContain('Invoices are paid twice');
    expect(files).toHaveLength(3);
    expect(files.join('\n')).toContain('three claims in March');
    expect(mailboxes.join('\n')).toContain('"bucket":"report"');
    expect(mailboxes.join('\n')).toMatch(/"token_digest":"[0-9a-f]{64}"/);
    expect(orgs.join('\n')).toContain(org.slug);
    const denials = orgs.flatMap((o) => (JSON.parse(o) as { denials?: unknown[] }).denials ?? []);
    expect(denials.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('"message":"request"'))).toBe(true);
    expect(lines.some((l) => l.includes('"message":"event_committed"'))).toBe(true);
    for (const needle of NEEDLES) expect(everything).not.toContain(needle);
  });
});
