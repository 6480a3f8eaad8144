import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import type { Env } from '../../src/env';
import { api, createOrg, eventually, sendEvent, submitCase } from './helpers';

// `env` from cloudflare:workers is typed without this project's bindings.
const ORGS = (env as unknown as Env).ORGS;

describe('case scope', () => {
  it('shows a handler in compliance mode only the cases assigned to them', async () => {
    const org = await createOrg();
    const { lead, handler, handler2 } = org.users;
    const mine = await submitCase(org);
    const theirs = await submitCase(org);
    await sendEvent(lead!.token, mine.id, { type: 'ASSIGN', assignee: handler!.id });
    await sendEvent(lead!.token, theirs.id, { type: 'ASSIGN', assignee: handler2!.id });

    expect((await api('GET', `/api/cases/${mine.id}`, { token: handler!.token })).status).toBe(200);
    expect((await api('GET', `/api/cases/${theirs.id}`, { token: handler!.token })).status).toBe(
      404,
    );
    // The list reads the KV read model, which the assignment reaches just after its answer.
    const list = await eventually(
      () => api('GET', '/api/cases?limit=200', { token: handler!.token }),
      (res) => res.body.items.length === 1,
    );
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([mine.id]);
  });

  it('shows a handler in team mode the cases of their units', async () => {
    const org = await createOrg({
      mode: 'team',
      units: ['finance', 'operations'],
      staff: [
        { name: 'lead', role: 'compliance_lead' },
        { name: 'handler', role: 'handler', units: ['finance'] },
        { name: 'outsider', role: 'handler', units: ['operations'] },
      ],
    });
    const created = await submitCase(org, { category: 'fraud' });
    const view = await api('GET', `/api/cases/${created.id}`, { token: org.users.lead!.token });
    const team = view.body.team as string;
    const member = team === 'finance' ? org.users.handler! : org.users.outsider!;
    const other = team === 'finance' ? org.users.outsider! : org.users.handler!;

    expect((await api('GET', `/api/cases/${created.id}`, { token: member.token })).status).toBe(
      200,
    );
    expect((await api('GET', `/api/cases/${created.id}`, { token: other.token })).status).toBe(404);
  });

  it('takes the case away from a handler who recuses themselves', async () => {
    const org = await createOrg();
    const { lead, handler } = org.users;
    const created = await submitCase(org);
    await sendEvent(lead!.token, created.id, { type: 'ASSIGN', assignee: handler!.id });

    const recused = await sendEvent(handler!.token, created.id, {
      type: 'RECUSE',
      reason: 'I know the person named in the report.',
    });
    expect(recused.status).toBe(200);

    expect((await api('GET', `/api/cases/${created.id}`, { token: handler!.token })).status).toBe(
      404,
    );
    const note = await sendEvent(handler!.token, created.id, { type: 'ADD_NOTE', body: 'x' });
    expect(note.status).toBe(404);
    // The lead who takes the case over reads why, as an internal note; the trail has no text.
    const view = await api('GET', `/api/cases/${created.id}`, { token: lead!.token });
    expect(view.body.content.notes.map((n: { body: string }) => n.body)).toEqual([
      'Recused: I know the person named in the report.',
    ]);
    const audit = await api('GET', `/api/cases/${created.id}/audit`, { token: lead!.token });
    expect(JSON.stringify(audit.body.records)).not.toContain('I know the person');
    const denials = await ORGS.getByName(org.slug).denials();
    expect(
      denials.filter((d) => d.userId === handler!.id && d.reason === 'not_found'),
    ).toHaveLength(2);
  });

  it('shows a reviewer states, deadlines and the trail, no content and no events', async () => {
    const org = await createOrg();
    const created = await submitCase(org, { description: 'A very specific and sensitive text.' });
    const { reviewer, lead } = org.users;

    const view = await api('GET', `/api/cases/${created.id}`, { token: reviewer!.token });
    expect(view.status).toBe(200);
    expect(view.body.states).toBeDefined();
    expect(view.body.deadlines.acknowledgeBy).toEqual(expect.any(String));
    expect(view.body).not.toHaveProperty('content');
    expect(view.body.nextEvents).toEqual([]);
    expect(JSON.stringify(view.body)).not.toContain('sensitive text');
    expect(
      (await api('GET', `/api/cases/${created.id}/audit`, { token: reviewer!.token })).status,
    ).toBe(200);

    const leadView = await api('GET', `/api/cases/${created.id}`, { token: lead!.token });
    expect(JSON.stringify(leadView.body.content)).toContain('sensitive text');
    expect(leadView.body.nextEvents).toContain('ASSIGN');
  });

  it('offers a handler in nextEvents only what the API accepts from them', async () => {
    const org = await createOrg();
    const { lead, handler } = org.users;
    const created = await submitCase(org);
    await sendEvent(lead!.token, created.id, { type: 'ASSIGN', assignee: handler!.id });

    const view = await api('GET', `/api/cases/${created.id}`, { token: handler!.token });
    expect(view.body.nextEvents).toContain('ACKNOWLEDGE');
    expect(view.body.nextEvents).not.toContain('ASSIGN');
    expect(view.body.nextEvents).not.toContain('PLACE_HOLD');
    const hold = await sendEvent(handler!.token, created.id, { type: 'PLACE_HOLD', reason: 'x' });
    expect(hold.status).toBe(403);
  });
});
