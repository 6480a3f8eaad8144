import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { api, createOrg, sendEvent, submitCase, tablesOf } from './helpers';
import { PageClient } from './reporter-page-client';
import { b64, env, mailboxLogin, r2Keys } from './reporter-fixtures';

describe('mailbox thread', () => {
  it("shows a handler's reply and not an internal note", async () => {
    const org = await createOrg();
    const { lead } = org.users;
    const created = await submitCase(org);
    await sendEvent(lead!.token, created.id, { type: 'ACKNOWLEDGE' });
    await sendEvent(lead!.token, created.id, { type: 'REPLY', body: 'Thank you, we are on it.' });
    await sendEvent(lead!.token, created.id, { type: 'ADD_NOTE', body: 'NOTE: suspect is Bob' });
    const session = await mailboxLogin(created.mailbox);

    const view = await api('GET', '/api/mailbox', { token: session });

    expect(view.status).toBe(200);
    expect(view.body.status).toBe('acknowledged');
    expect(view.body.deadlines.acknowledgeBy).toBeNull();
    expect(view.body.deadlines.feedbackBy).toMatch(/^\d{4}-/);
    expect(view.body.messages).toEqual([
      expect.objectContaining({
        from: 'organisation',
        displayName: null,
        body: 'Thank you, we are on it.',
      }),
    ]);
    expect(JSON.stringify(view.body)).not.toContain('suspect is Bob');
  });

  it("signs a reply with the handler's chosen display name and nothing else", async () => {
    const org = await createOrg();
    const { lead } = org.users;
    const created = await submitCase(org);
    await sendEvent(lead!.token, created.id, { type: 'ACKNOWLEDGE' });
    await sendEvent(lead!.token, created.id, {
      type: 'REPLY',
      body: 'Could you say which month?',
      displayName: 'Case team',
    });
    const session = await mailboxLogin(created.mailbox);

    const view = await api('GET', '/api/mailbox', { token: session });

    expect(view.body.messages[0].displayName).toBe('Case team');
    expect(JSON.stringify(view.body)).not.toContain(lead!.id);
    expect(JSON.stringify(view.body)).not.toContain(lead!.email);
  });

  it('adds the reporter message, with a file, to the thread the handler reads', async () => {
    const org = await createOrg();
    const created = await submitCase(org);
    const session = await mailboxLogin(created.mailbox);

    const sent = await api('POST', '/api/mailbox/messages', {
      token: session,
      body: {
        body: 'It was in March.',
        attachments: [{ name: 'dates.txt', data: b64('3 March') }],
      },
    });
    const staff = await api('GET', `/api/cases/${created.id}`, { token: org.users.lead!.token });
    const mine = await api('GET', '/api/mailbox', { token: session });
    const fileId = mine.body.messages[0].attachments[0].id as string;
    const download = await api('GET', `/api/mailbox/attachments/${fileId}`, { token: session });

    expect(sent.status).toBe(201);
    expect(staff.body.content.messages).toEqual([
      expect.objectContaining({ author: 'reporter', body: 'It was in March.' }),
    ]);
    expect(mine.body.messages[0]).toMatchObject({ from: 'you', body: 'It was in March.' });
    expect(download.status).toBe(200);
    expect(download.body).toBe('3 March');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(download.headers.get('content-type')).toBe('text/plain');
  });

  it('answers a sent message with its id and time in the thread, and no audit seq', async () => {
    const org = await createOrg();
    const created = await submitCase(org);
    // Internal events between the reporter's messages: a seq would jump over them.
    await sendEvent(org.users.lead!.token, created.id, { type: 'ADD_NOTE', body: 'internal' });
    await sendEvent(org.users.lead!.token, created.id, { type: 'ACKNOWLEDGE' });
    const session = await mailboxLogin(created.mailbox);

    const sent = await api('POST', '/api/mailbox/messages', {
      token: session,
      body: { body: 'It was in March.' },
    });
    const view = await api('GET', '/api/mailbox', { token: session });

    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({ id: view.body.messages[0].id, at: view.body.messages[0].at });
    for (const answer of [sent, view]) expect(keysOf(answer.body)).not.toContain('seq');
  });

  it('refuses a message with a refused file: stores neither, counts against no limit', async () => {
    const org = await createOrg();
    const created = await submitCase(org);
    const session = await mailboxLogin(created.mailbox);
    const buckets = async () =>
      ((await tablesOf(env.MAILBOXES.getByName(`limit-${org.slug}`))).windows ?? []).map(
        (w) => `${w.bucket}:${w.count}`,
      );

    const res = await api('POST', '/api/mailbox/messages', {
      token: session,
      body: { body: 'See file', attachments: [{ name: 'x.svg', data: b64('<svg onload=x()>') }] },
    });
    const mine = await api('GET', '/api/mailbox', { token: session });
    const refusedCounts = await buckets();
    await api('POST', '/api/mailbox/messages', { token: session, body: { body: 'Plain text' } });

    expect(res.status).toBe(415);
    expect(mine.body.messages).toEqual([]);
    expect(await r2Keys(org.slug)).toEqual([]);
    expect(refusedCounts).toEqual(['report:1']);
    expect(await buckets()).toEqual(['report:1', 'message:1']);
  });

  it('refuses a message to a closed case with 409 and removes its file', async () => {
    const org = await createOrg();
    const created = await submitCase(org);
    await sendEvent(org.users.lead!.token, created.id, { type: 'CLOSE', outcome: 'unfounded' });
    const session = await mailboxLogin(created.mailbox);

    const res = await api('POST', '/api/mailbox/messages', {
      token: session,
      body: { body: 'One more thing', attachments: [{ name: 'a.txt', data: b64('more') }] },
    });
    const view = await api('GET', '/api/mailbox', { token: session });

    expect(res.status).toBe(409);
    expect(view.body.status).toBe('closed');
    expect(await r2Keys(org.slug)).toEqual([]);
  });

  it('refuses a file of another case, even with a live session', async () => {
    const org = await createOrg();
    const a = await submitCase(org);
    const b = await submitCase(org);
    const sa = await mailboxLogin(a.mailbox);
    const sb = await mailboxLogin(b.mailbox);
    await api('POST', '/api/mailbox/messages', {
      token: sa,
      body: { body: 'file', attachments: [{ name: 'a.txt', data: b64('secret of a') }] },
    });
    const fileId = (await api('GET', '/api/mailbox', { token: sa })).body.messages[0].attachments[0]
      .id as string;

    const res = await api('GET', `/api/mailbox/attachments/${fileId}`, { token: sb });

    expect(res.status).toBe(404);
  });

  it('never lets a marker from notes, handlers or decisions reach the mailbox', async () => {
    // Handler details are markers too: every staff id and email is unique to this test.
    const org = await createOrg({
      staff: [
        { name: 'lead', role: 'compliance_lead' },
        { name: 'handler', role: 'handler' },
      ],
    });
    const staffIds = Object.values(org.users).map((u) => u.id);
    const staffEmails = Object.values(org.users).map((u) => u.email);

    type Step =
      | { kind: 'note' | 'reply' | 'feedback' | 'hold' | 'recuse' | 'reopen'; marker: number }
      | { kind: 'ack' | 'assign' | 'close' | 'release' | 'investigate' | 'message' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constantFrom('note', 'reply', 'feedback', 'hold', 'recuse', 'reopen'),
        marker: fc.nat(1_000_000),
      }) as fc.Arbitrary<Step>,
      fc.record({
        kind: fc.constantFrom('ack', 'assign', 'close', 'release', 'investigate', 'message'),
      }) as fc.Arbitrary<Step>,
    );

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const created = await submitCase(org);
        const lead = org.users.lead!;
        const handler = org.users.handler!;
        const markers = [...staffIds, ...staffEmails];
        const session = await mailboxLogin(created.mailbox);
        for (const s of steps) {
          const m = 'marker' in s ? `INTERNAL-${s.marker}-${created.id}` : '';
          if ('marker' in s && s.kind !== 'reply' && s.kind !== 'feedback') markers.push(m);
          const send = (token: string, event: Record<string, unknown>) =>
            sendEvent(token, created.id, event);
          if (s.kind === 'note') await send(lead.token, { type: 'ADD_NOTE', body: m });
          if (s.kind === 'reply') await send(lead.token, { type: 'REPLY', body: 'Reply' });
          if (s.kind === 'feedback')
            await send(lead.token, { type: 'GIVE_FEEDBACK', body: 'Done' });
          if (s.kind === 'hold') await send(lead.token, { type: 'PLACE_HOLD', reason: m });
          if (s.kind === 'release') await send(lead.token, { type: 'RELEASE_HOLD', reason: 'ok' });
          if (s.kind === 'recuse') await send(handler.token, { type: 'RECUSE', reason: m });
          if (s.kind === 'reopen') await send(lead.token, { type: 'REOPEN', reason: m });
          if (s.kind === 'ack') await send(lead.token, { type: 'ACKNOWLEDGE' });
          if (s.kind === 'investigate') await send(lead.token, { type: 'START_INVESTIGATION' });
          if (s.kind === 'assign') await send(lead.token, { type: 'ASSIGN', assignee: handler.id });
          if (s.kind === 'close') await send(lead.token, { type: 'CLOSE', outcome: 'referred' });
          const answers = [await api('GET', '/api/mailbox', { token: session })];
          if (s.kind === 'message') {
            answers.push(
              await api('POST', '/api/mailbox/messages', {
                token: session,
                body: { body: 'More' },
              }),
            );
          }

          for (const answer of answers) {
            const text = JSON.stringify(answer.body);
            for (const marker of markers) expect(text).not.toContain(marker);
            expect(keysOf(answer.body)).not.toContain('seq');
          }
        }
        const page = await mailboxPageHtml(org.slug, created.mailbox);
        expect(page).toContain(created.caseRef);
        for (const marker of markers) expect(page).not.toContain(marker);
      }),
      { numRuns: 12 },
    );
  });
});

/** Every property name anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value === null || typeof value !== 'object') return [];

  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
}

/** The mailbox page's HTML after logging in through the form, as a browser would. */
async function mailboxPageHtml(
  org: string,
  credentials: { token: string; returnCode: string },
): Promise<string> {
  const client = new PageClient();
  await client.logIn(org, credentials);

  return (await client.get(`/r/${org}/mailbox`)).text;
}
