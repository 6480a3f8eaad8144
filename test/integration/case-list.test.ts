import { describe, expect, it } from 'vitest';

import { settledSummary } from './engine-helpers';
import { api, createOrg, eventually, sendEvent, submitCase } from './helpers';

describe('case list', () => {
  it('pages through every visible case once, never more than the limit at a time', async () => {
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

  it('hides a case from a sixth recused lead, though metadata holds only five', async () => {
    // lead0 … lead5 step away in turn; `lead`, who records the report, never does.
    const leads = ['lead', ...Array.from({ length: 6 }, (_, i) => `lead${i}`)].map((name) => ({
      name,
      role: 'compliance_lead' as const,
    }));
    const org = await createOrg({ staff: leads });
    const created = await submitCase(org);
    // Each lead in turn is assigned the case and steps away from it.
    for (let i = 0; i < 6; i += 1) {
      const lead = org.users[`lead${i}`]!;
      const next = org.users.lead!;
      const assigned = await sendEvent(next.token, created.id, {
        type: 'ASSIGN',
        assignee: lead.id,
      });
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
      const recused = await sendEvent(lead.token, created.id, { type: 'RECUSE', reason: 'known' });
      expect(recused.status, JSON.stringify(recused.body)).toBe(200);
    }
    const list = (who: string) =>
      api('GET', '/api/cases', { token: org.users[who]!.token }).then((res) =>
        res.body.items.map((i: { id: string }) => i.id),
      );

    // Once the read model holds the last recusal, its value lists all six, its metadata five.
    const summary = await settledSummary(org.slug, created.id);
    expect(summary?.excluded).toHaveLength(6);
    expect(await list('lead')).toEqual([created.id]);
    for (let i = 0; i < 6; i += 1) expect(await list(`lead${i}`), `lead${i}`).toEqual([]);
  });

  it('refuses a limit out of range, naming it', async () => {
    const org = await createOrg();

    const res = await api('GET', '/api/cases?limit=0', { token: org.users.lead!.token });

    expect(res.status).toBe(422);
    expect(res.body.issues[0].path).toBe('limit');
  });
});
