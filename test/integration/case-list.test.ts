import { describe, expect, it } from 'vitest';

import { api, createOrg, eventually, sendEvent, submitCase } from './helpers';

describe('case list', () => {
  it('pages through every visible case exactly once, never more than the limit at a time', async () => {
    const org = await createOrg();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i += 1) ids.add((await submitCase(org)).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await api('GET', `/api/cases?limit=2${query}`, { token: org.users.lead!.token });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i: { id: string }) => i.id));
      cursor = page.body.cursor;
      pages += 1;
    } while (cursor && pages < 10);

    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('shows a handler in compliance mode only their cases, across pages of others', async () => {
    const org = await createOrg();
    const { lead, handler } = org.users;
    const others = [await submitCase(org), await submitCase(org), await submitCase(org)];
    const mine = await submitCase(org);
    await sendEvent(lead!.token, mine.id, { type: 'ASSIGN', assignee: handler!.id });

    const page = await eventually(
      () => api('GET', '/api/cases?limit=1', { token: handler!.token }),
      (res) => res.body.items.length === 1,
    );

    expect(page.body.items.map((i: { id: string }) => i.id)).toEqual([mine.id]);
    expect(others.map((c) => c.id)).not.toContain(mine.id);
  });

  it('refuses a limit out of range, naming it', async () => {
    const org = await createOrg();

    const res = await api('GET', '/api/cases?limit=0', { token: org.users.lead!.token });

    expect(res.status).toBe(422);
    expect(res.body.issues[0].path).toBe('limit');
  });
});
