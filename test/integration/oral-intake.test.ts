import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

import { api, createOrg, sendEvent } from './helpers';
import { mailboxLogin, env } from './reporter-fixtures';
import { PageClient } from './reporter-page-client';

const ORAL = {
  channel: 'oral',
  medium: 'phone',
  heardOn: '2026-01-15',
  category: 'corruption',
  minutes: 'The caller said a buyer accepted gifts from a supplier in December.',
};

async function recordOral(org: Awaited<ReturnType<typeof createOrg>>, who = 'handler') {
  const res = await api('POST', '/api/cases', { token: org.users[who]!.token, body: ORAL });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));

  return res.body as {
    id: string;
    caseRef: string;
    mailbox: { token: string; returnCode: string };
  };
}

/**
 * Records an oral report and opens its mailbox page as the reporter: the page client, the
 * page, and the version of the minutes it shows, which a sign-off form sends back.
 */
async function openRecordPage(org: Awaited<ReturnType<typeof createOrg>>) {
  const created = await recordOral(org);
  const client = new PageClient();
  await client.logIn(org.slug, created.mailbox);
  const page = await client.get(`/r/${org.slug}/mailbox`);
  const recordedAt = /name="recorded_at"\s+value="([^"]+)"/.exec(page.text)?.[1] ?? '';

  return { created, client, page, recordedAt };
}

describe('oral reports', () => {
  it('records an oral report as an unconfirmed case the recording handler works', async () => {
    const org = await createOrg();

    const created = await recordOral(org);
    const view = await api('GET', `/api/cases/${created.id}`, { token: org.users.handler!.token });
    const audit = await api('GET', `/api/cases/${created.id}/audit`, {
      token: org.users.lead!.token,
    });

    expect(created.mailbox.token).toMatch(/^MBX-/);
    expect(view.body.channel).toBe('oral');
    expect(view.body.oralRecord).toBe('unconfirmed');
    expect(view.body.assignee).toBe(org.users.handler!.id);
    expect(view.body.content.report.minutes).toBe(ORAL.minutes);
    expect(view.body.content.report.oral).toMatchObject({ medium: 'phone', heardOn: '2026-01-15' });
    expect(audit.body.records[0]).toMatchObject({
      type: 'CREATE',
      actor: { id: org.users.handler!.id, role: 'handler' },
      details: { channel: 'oral', medium: 'phone' },
    });
  });

  it('keeps an oral record for the retention policy’s oral period once closed', async () => {
    const org = await createOrg();
    await runInDurableObject(env.ORGS.getByName(org.slug), (_o, state) => {
      const policy = { version: 2, closedCaseDays: 1095, oralRecordDays: 400 };
      state.storage.sql.exec(
        'INSERT INTO policies (kind, version, document, created_at, created_by) ' +
          "VALUES ('retention', 2, ?, 0, 'test')",
        JSON.stringify(policy),
      );
    });
    const created = await recordOral(org, 'lead');

    await sendEvent(org.users.lead!.token, created.id, { type: 'CLOSE', outcome: 'referred' });
    const view = await api('GET', `/api/cases/${created.id}`, { token: org.users.lead!.token });

    const days =
      (Date.parse(view.body.retention.until) - Date.parse(view.body.closedAt)) / 86_400_000;
    expect(days).toBe(400);
  });

  it('refuses oral recording by roles that handle no cases, and bad input (422)', async () => {
    const org = await createOrg();

    const reviewer = await api('POST', '/api/cases', {
      token: org.users.reviewer!.token,
      body: ORAL,
    });
    const future = await api('POST', '/api/cases', {
      token: org.users.handler!.token,
      body: { ...ORAL, heardOn: '2999-01-01' },
    });
    const noMinutes = await api('POST', '/api/cases', {
      token: org.users.handler!.token,
      body: { ...ORAL, minutes: '' },
    });
    const anonymous = await api('POST', '/api/cases', { body: ORAL });
    const list = await api('GET', '/api/cases', { token: org.users.lead!.token });

    expect(reviewer.status).toBe(403);
    expect(future.status).toBe(422);
    expect(noMinutes.status).toBe(422);
    expect(noMinutes.body.issues[0].path).toBe('minutes');
    expect(anonymous.status).toBe(401);
    expect(list.body.items).toHaveLength(0);
  });

  it('lets the reporter read and confirm the record, which the case records', async () => {
    const org = await createOrg();
    const created = await recordOral(org);
    const session = await mailboxLogin(created.mailbox);

    const before = await api('GET', '/api/mailbox', { token: session });
    const confirm = await api('POST', '/api/mailbox/record/confirm', {
      token: session,
      body: { recordedAt: before.body.oralRecord.recordedAt },
    });
    const after = await api('GET', '/api/mailbox', { token: session });
    const staff = await api('GET', `/api/cases/${created.id}`, { token: org.users.lead!.token });
    const audit = await api('GET', `/api/cases/${created.id}/audit`, {
      token: org.users.lead!.token,
    });

    expect(before.body.oralRecord).toMatchObject({ status: 'unconfirmed', minutes: ORAL.minutes });
    expect(confirm.status).toBe(200);
    // The status, and nothing of the audit trail (its seq would count internal events).
    expect(confirm.body).toEqual({ status: 'confirmed' });
    expect(after.body.oralRecord.status).toBe('confirmed');
    expect(staff.body.oralRecord).toBe('confirmed');
    expect(audit.body.records.at(-1)).toMatchObject({
      type: 'CONFIRM_RECORD',
      actor: { id: 'reporter', role: 'reporter' },
    });
  });

  it('takes a correction request, and a confirmation only of the amended minutes', async () => {
    const org = await createOrg();
    const created = await recordOral(org);
    const session = await mailboxLogin(created.mailbox);
    const first = await api('GET', '/api/mailbox', { token: session });

    const correction = await api('POST', '/api/mailbox/record/correction', {
      token: session,
      body: { body: 'It was November, not December.' },
    });
    const staff = await api('GET', `/api/cases/${created.id}`, { token: org.users.handler!.token });
    const amend = await sendEvent(org.users.handler!.token, created.id, {
      type: 'AMEND_RECORD',
      minutes: 'The caller said a buyer accepted gifts from a supplier in November.',
    });
    const stale = await api('POST', '/api/mailbox/record/confirm', {
      token: session,
      body: { recordedAt: first.body.oralRecord.recordedAt },
    });
    const amended = await api('GET', '/api/mailbox', { token: session });
    const confirm = await api('POST', '/api/mailbox/record/confirm', {
      token: session,
      body: { recordedAt: amended.body.oralRecord.recordedAt },
    });

    expect(correction.status).toBe(200);
    expect(correction.body).toEqual({ status: 'correction_requested' });
    expect(staff.body.oralRecord).toBe('correction_requested');
    expect(staff.body.content.messages[0]).toMatchObject({
      kind: 'correction_request',
      body: 'It was November, not December.',
    });
    expect(amend.status).toBe(200);
    expect(stale.status).toBe(409);
    expect(amended.body.oralRecord).toMatchObject({ status: 'unconfirmed' });
    expect(amended.body.oralRecord.minutes).toContain('November');
    expect(confirm.status).toBe(200);
  });

  it('refuses to confirm a written report, which has no record', async () => {
    const org = await createOrg();
    const created = await api('POST', `/api/public/${org.slug}/reports`, {
      body: { category: 'fraud', description: 'Expense claims are approved by the claimant.' },
    });
    const session = await mailboxLogin(created.body.mailbox);

    const res = await api('POST', '/api/mailbox/record/confirm', { token: session, body: {} });

    expect(res.status).toBe(404);
  });

  it('takes a correction request from the mailbox page without JavaScript', async () => {
    const org = await createOrg();
    const { created, client, recordedAt } = await openRecordPage(org);

    const res = await client.post(`/r/${org.slug}/mailbox/oral/correction`, {
      recorded_at: recordedAt,
      correction: 'The gifts were in November, not December.',
    });
    const after = await client.get(`/r/${org.slug}/mailbox?notice=correction`);
    const staff = await api('GET', `/api/cases/${created.id}`, { token: org.users.lead!.token });

    expect(recordedAt).not.toBe('');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/r/${org.slug}/mailbox?notice=correction`);
    expect(after.text).toContain('Your correction request has been sent.');
    expect(staff.body.oralRecord).toBe('correction_requested');
    expect(staff.body.content.messages).toEqual([
      expect.objectContaining({
        author: 'reporter',
        kind: 'correction_request',
        body: 'The gifts were in November, not December.',
      }),
    ]);
  });

  it('confirms the record from the mailbox page without JavaScript', async () => {
    const org = await createOrg();
    const { client, page, recordedAt } = await openRecordPage(org);

    const res = await client.post(`/r/${org.slug}/mailbox/oral/confirm`, {
      recorded_at: recordedAt,
    });
    const after = await client.get(`/r/${org.slug}/mailbox`);

    expect(page.text).toContain(ORAL.minutes);
    expect(res.status).toBe(303);
    expect(after.text).toContain('You confirmed this record.');
  });
});
