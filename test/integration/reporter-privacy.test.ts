import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { api, createOrg } from './helpers';
import { b64, dumpCase, mailboxLogin, env } from './reporter-fixtures';
import { PageClient } from './reporter-page-client';

/** Request headers that identify a client, each with a value found nowhere else. */
const IDENTIFYING = {
  'user-agent': 'Mozilla/5.0 (UA-FINGERPRINT-7731)',
  'x-forwarded-for': '198.51.100.77',
  'cf-connecting-ip': '203.0.113.199',
  referer: 'https://intranet.example/REFERER-PATH-4410',
  'accept-language': 'xx-PRIVACY-LANG',
};
const NEEDLES = [
  'UA-FINGERPRINT-7731',
  '198.51.100.77',
  '203.0.113.199',
  'REFERER-PATH-4410',
  'PRIVACY-LANG',
];

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

  it('stores and logs none of the identifying request headers of a submission and a mailbox visit', async () => {
    const org = await createOrg();

    const created = await api('POST', `/api/public/${org.slug}/reports`, {
      headers: IDENTIFYING,
      body: {
        category: 'fraud',
        description: 'Expense claims are approved by the claimant.',
        attachments: [{ name: 'notes.txt', data: b64('three claims in March') }],
      },
    });
    const session = await mailboxLogin(created.body.mailbox);
    await api('POST', '/api/mailbox/messages', {
      token: session,
      headers: IDENTIFYING,
      body: { body: 'More detail.', attachments: [{ name: 'b.txt', data: b64('more') }] },
    });
    const page = new PageClient();
    await page.logIn(org.slug, created.body.mailbox);
    const list = await api('GET', '/api/cases', { token: org.users.lead!.token });
    const caseId = list.body.items[0].id as string;

    const kv = await env.CASES_KV.list({ prefix: `org/${org.slug}/` });
    const kvValues = await Promise.all(kv.keys.map((k) => env.CASES_KV.get(k.name)));
    const r2 = await env.ATTACHMENTS.list({ prefix: `org/${org.slug}/` });
    const heads = await Promise.all(r2.objects.map((o) => env.ATTACHMENTS.head(o.key)));
    const everything = [
      JSON.stringify(kv.keys),
      ...kvValues,
      await dumpCase(org.slug, caseId),
      JSON.stringify(heads.map((o) => [o?.key, o?.httpMetadata, o?.customMetadata, o?.size])),
      ...lines,
    ].join('\n');

    expect(created.status).toBe(201);
    expect(kv.keys.length).toBeGreaterThan(0);
    expect(r2.objects).toHaveLength(2);
    expect(lines.some((l) => l.includes('"message":"request"'))).toBe(true);
    expect(everything).toContain('Expense claims');
    for (const needle of NEEDLES) expect(everything).not.toContain(needle);
  });
});
