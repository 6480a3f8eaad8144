import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

import { caseObject } from './engine-helpers';
import { api, createOrg, sendEvent, submitCase } from './helpers';

describe('case API', () => {
  it('takes a report through its life with a verifiable audit trail', async () => {
    const org = await createOrg();
    const { lead, handler } = org.users;
    const created = await submitCase(org);

    expect(created.mailbox.token).toMatch(/^MBX-/);
    const assign = await sendEvent(lead!.token, created.id, {
      type: 'ASSIGN',
      assignee: handler!.id,
    });
    expect(assign.status).toBe(200);
    expect(assign.body.states.routing).toBe('assigned');

    for (const event of [
      { type: 'ACKNOWLEDGE' },
      { type: 'START_INVESTIGATION' },
      { type: 'REPLY', body: 'We are looking into it.' },
      { type: 'ADD_NOTE', body: 'internal' },
      { type: 'GIVE_FEEDBACK', body: 'Measures were taken.' },
      { type: 'CLOSE', outcome: 'substantiated' },
    ]) {
      const res = await sendEvent(handler!.token, created.id, event);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }

    const view = await api('GET', `/api/cases/${created.id}`, { token: handler!.token });
    expect(view.status).toBe(200);
    expect(view.body.states).toEqual({
      lifecycle: 'closed',
      routing: 'assigned',
      hold: 'none',
      retention: 'scheduled',
    });
    expect(view.body.nextEvents).toContain('REOPEN');
    expect(view.body.content.notes).toHaveLength(1);

    const audit = await api('GET', `/api/cases/${created.id}/audit`, { token: lead!.token });
    expect(audit.body.verification).toEqual({ valid: true, brokenAt: null, length: 9 });
    expect(audit.body.records.map((r: { type: string }) => r.type)).toEqual([
      'CREATE',
      'ROUTE',
      'ASSIGN',
      'ACKNOWLEDGE',
      'START_INVESTIGATION',
      'REPLY',
      'ADD_NOTE',
      'GIVE_FEEDBACK',
      'CLOSE',
    ]);
  });

  it('reports a trail whose newest record was removed from storage as broken there', async () => {
    const org = await createOrg();
    const { lead } = org.users;
    const created = await submitCase(org);
    await sendEvent(lead!.token, created.id, { type: 'ACKNOWLEDGE' });

    await runInDurableObject(caseObject(org.slug, created.id), async (_, state) => {
      state.storage.sql.exec('DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)');
    });
    const audit = await api('GET', `/api/cases/${created.id}/audit`, { token: lead!.token });

    expect(audit.body.seq).toBe(3);
    expect(audit.body.records).toHaveLength(2);
    expect(audit.body.verification).toEqual({
      valid: false,
      brokenAt: 3,
      reason: 'missing_records',
      length: 2,
    });
  });

  it('answers 404 for an id no case was created under, and stores nothing for it', async () => {
    const org = await createOrg();
    const { lead } = org.users;
    const id = 'c_0000000000000000000Z';

    for (const [method, path, body] of [
      ['GET', `/api/cases/${id}`, undefined],
      ['GET', `/api/cases/${id}/audit`, undefined],
      ['GET', `/api/cases/${id}/attachments/a_nothing`, undefined],
      ['POST', `/api/cases/${id}/events`, { type: 'ACKNOWLEDGE' }],
    ] as const) {
      const res = await api(method, path, { token: lead!.token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
    const tables = await runInDurableObject(caseObject(org.slug, id), (_, state) =>
      state.storage.sql.exec('SELECT name FROM sqlite_master').toArray(),
    );
    expect(tables).toEqual([]);
  });

  it('refuses to close a case under legal hold, naming the rule', async () => {
    const org = await createOrg();
    const { lead } = org.users;
    const created = await submitCase(org);

    expect(
      (await sendEvent(lead!.token, created.id, { type: 'PLACE_HOLD', reason: 'litigation' }))
        .status,
    ).toBe(200);
    const refused = await sendEvent(lead!.token, created.id, {
      type: 'CLOSE',
      outcome: 'unfounded',
    });

    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'transition_refused', guard: 'notOnHold' });
    const audit = await api('GET', `/api/cases/${created.id}/audit`, { token: lead!.token });
    expect(audit.body.records).toHaveLength(3);
  });

  it('answers 404 for a case of another organisation, as for one that does not exist', async () => {
    const a = await createOrg();
    const b = await createOrg();
    const created = await submitCase(a);

    const foreign = await api('GET', `/api/cases/${created.id}`, { token: b.users.lead!.token });
    const missing = await api('GET', '/api/cases/c_00000000000000000000', {
      token: b.users.lead!.token,
    });

    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
  });
});
