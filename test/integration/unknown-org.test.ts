/**
 * A name nobody set up: every route a stranger can reach with an organisation's slug (pages,
 * intake, sign-in, invitations, a forged session's prefix) answers as for nobody, and nothing
 * is stored for it: the name's object holds no table, and no case or mailbox object appears.
 * (Miniflare lists every object that was ever opened, so the organisation's own is judged by
 * what it holds.)
 */
import { listDurableObjectIds, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

import { appApi, bindings } from './engine-helpers';
import { freshSlug } from './helpers';

async function objects() {
  const ids = async (ns: DurableObjectNamespace) =>
    (await listDurableObjectIds(ns)).map((id) => id.toString()).sort();

  return {
    cases: await ids(bindings.CASES as unknown as DurableObjectNamespace),
    mailboxes: await ids(bindings.MAILBOXES as unknown as DurableObjectNamespace),
  };
}

describe('an organisation that does not exist', () => {
  it('answers 4xx on every entry a stranger can reach, and leaves no object behind', async () => {
    const slug = freshSlug('nobody');
    const before = await objects();
    const secret = 'A'.repeat(43);

    const answers = [
      await appApi('GET', `/r/${slug}`),
      await appApi('GET', `/r/${slug}/mailbox`),
      await appApi('GET', `/api/public/${slug}/intake`),
      await appApi('POST', `/api/public/${slug}/reports`, {
        body: { category: 'fraud', description: 'Invoices approved by their own submitter.' },
      }),
      await appApi('POST', '/api/auth/login', {
        body: { org: slug, email: 'someone@example.test', password: 'a-long-enough-password' },
      }),
      await appApi('POST', '/api/auth/totp', {
        body: { challenge: `${slug}.${secret}`, code: '123456' },
      }),
      await appApi('POST', '/api/auth/accept-invitation', {
        body: { org: slug, token: secret, password: 'a-long-enough-password' },
      }),
      await appApi('GET', '/api/me', { token: `${slug}.${secret}` }),
      await appApi('GET', '/api/cases', { token: `${slug}.${secret}` }),
      await appApi('POST', '/api/auth/logout', { token: `${slug}.${secret}` }),
    ];

    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    }
    expect(await objects()).toEqual(before);
    const tables = await runInDurableObject(bindings.ORGS.getByName(slug), (_, state) =>
      state.storage.sql.exec('SELECT name FROM sqlite_master').toArray(),
    );
    expect(tables).toEqual([]);
  });
});
