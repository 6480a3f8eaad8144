import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

import { DEFAULT_INTAKE_POLICY, MAX_TEXT_ANSWER_LENGTH } from '../../policies';
import { api, createOrg, sendEvent, submitCase, tablesOf } from './helpers';
import { b64, bytesContain, dumpCase, jpegWithExif, r2Keys, env } from './reporter-fixtures';

const REPORT = { category: 'fraud', description: 'Expense claims are approved by the claimant.' };

describe('public intake API', () => {
  it('serves the form definition of the organisation, and 404 for an unknown one', async () => {
    const org = await createOrg();

    const form = await api('GET', `/api/public/${org.slug}/intake`);
    const missing = await api('GET', '/api/public/no-such-org-here/intake');

    expect(form.status).toBe(200);
    expect(form.body.org).toEqual({ slug: org.slug, name: `Test ${org.slug}` });
    expect(form.body.policy.categories.map((c: { id: string }) => c.id)).toContain('fraud');
    expect(form.body.policy.attachments.maxFiles).toBeGreaterThan(0);
    expect(missing.status).toBe(404);
  });

  it('creates the case and shows 100-bit credentials a person can copy', async () => {
    const org = await createOrg();

    const res = await api('POST', `/api/public/${org.slug}/reports`, { body: REPORT });

    expect(res.status).toBe(201);
    expect(res.body.caseRef).toMatch(/^WB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(res.body.mailbox.token).toMatch(/^MBX(-[0-9A-HJKMNP-TV-Z]{4}){5}$/);
    expect(res.body.mailbox.returnCode).toMatch(
      /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('stores only keyed digests of the credentials and never shows them again', async () => {
    const org = await createOrg();
    const created = await submitCase(org);
    const plainToken = created.mailbox.token.replace(/^MBX-/, '').replaceAll('-', '');
    const plainCode = created.mailbox.returnCode.replaceAll('-', '');

    const stored = await dumpCase(org.slug, created.id);
    const staffView = await api('GET', `/api/cases/${created.id}`, {
      token: org.users.lead!.token,
    });
    const login = await api('POST', '/api/mailbox/login', { body: created.mailbox });
    const mailbox = await api('GET', '/api/mailbox', { token: login.body.session });

    for (const text of [stored, JSON.stringify(staffView.body), JSON.stringify(mailbox.body)]) {
      expect(text).not.toContain(plainToken);
      expect(text).not.toContain(plainCode);
      expect(text).not.toContain(created.mailbox.returnCode);
    }
    expect(stored).toMatch(/codeDigest\\":\\"[0-9a-f]{64}/);
  });

  it('refuses a report that breaks the intake policy, naming the field; no write', async () => {
    const org = await createOrg();

    const res = await api('POST', `/api/public/${org.slug}/reports`, {
      body: { ...REPORT, category: 'no-such-category', answers: { when: 'yesterday' } },
    });
    const list = await api('GET', '/api/cases', { token: org.users.lead!.token });

    expect(res.status).toBe(422);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['category', 'answers.when']),
    );
    expect(list.body.items).toHaveLength(0);
  });

  it('refuses answers too long to store with 422 naming the fields, storing nothing', async () => {
    const org = await createOrg();
    // The schema's most questions, none with a maxLength: before the caps, their answers
    // together could pass the 2 MB a Durable Object stores in one row, and the report was a 500.
    const questions = Array.from({ length: 50 }, (_, i) => ({
      id: `q${i}`,
      label: `Question ${i}`,
      kind: 'longtext',
      required: false,
    }));
    const published = await api('PUT', '/api/policies/intake', {
      token: org.users.lead!.token,
      body: { document: { ...DEFAULT_INTAKE_POLICY, questions } },
    });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const answers = (count: number, length: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`q${i}`, 'x'.repeat(length)]));

    const form = await api('GET', `/api/public/${org.slug}/intake`);
    const huge = await api('POST', `/api/public/${org.slug}/reports`, {
      body: { ...REPORT, answers: answers(50, 45_000) },
    });
    const together = await api('POST', `/api/public/${org.slug}/reports`, {
      body: { ...REPORT, answers: answers(6, MAX_TEXT_ANSWER_LENGTH) },
    });
    const list = await api('GET', '/api/cases', { token: org.users.lead!.token });
    const limiter = await tablesOf(env.MAILBOXES.getByName(`limit-${org.slug}`));

    expect(form.body.policy.questions[0].maxLength).toBe(MAX_TEXT_ANSWER_LENGTH);
    expect(huge.status).toBe(422);
    expect(huge.body.issues.map((i: { path: string }) => i.path)).toEqual(
      questions.map((q) => `answers.${q.id}`),
    );
    expect(huge.body.issues[0].message).toContain(String(MAX_TEXT_ANSWER_LENGTH));
    expect(together.status).toBe(422);
    expect(together.body.issues).toEqual([
      { path: 'answers.q5', message: expect.stringContaining('together') },
    ]);
    expect(list.body.items).toHaveLength(0);
    expect(await r2Keys(org.slug)).toEqual([]);
    expect(limiter.windows ?? []).toEqual([]);
  });

  it('stores a photo without its Exif metadata and audits a handler opening it', async () => {
    const org = await createOrg();
    const photo = jpegWithExif('GPS-51.5074N-SERIAL-XK42');

    const res = await api('POST', `/api/public/${org.slug}/reports`, {
      body: { ...REPORT, attachments: [{ name: 'IMG_0001.jpg', data: b64(photo) }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const list = await api('GET', '/api/cases', { token: org.users.lead!.token });
    const caseId = list.body.items[0].id as string;
    const view = await api('GET', `/api/cases/${caseId}`, { token: org.users.lead!.token });
    const file = view.body.content.report.attachments[0];

    const [key] = await r2Keys(org.slug);
    const object = await env.ATTACHMENTS.get(key!);
    const stored = new Uint8Array(await object!.arrayBuffer());
    expect(bytesContain(photo, 'SERIAL-XK42')).toBe(true);
    expect(bytesContain(stored, 'SERIAL-XK42')).toBe(false);
    expect(key).toBe(`org/${org.slug}/case/${caseId}/att/${file.id}`);
    expect(object!.httpMetadata?.contentType).toBe('image/jpeg');
    expect(object!.customMetadata ?? {}).toEqual({});
    expect(file).toMatchObject({ name: 'IMG_0001.jpg', type: 'image/jpeg' });
    expect(file.removed).toContain('APP1');

    const download = await api('GET', `/api/cases/${caseId}/attachments/${file.id}`, {
      token: org.users.lead!.token,
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="IMG_0001.jpg"/,
    );
    const audit = await api('GET', `/api/cases/${caseId}/audit`, { token: org.users.lead!.token });
    const types = audit.body.records.map((r: { type: string }) => r.type);
    expect(types).toEqual(['CREATE', 'ROUTE', 'ACCESS_ATTACHMENT']);
    expect(audit.body.records[0].details.attachments).toEqual([
      { id: file.id, type: 'image/jpeg', size: file.size },
    ]);
    expect(audit.body.records[2].actor.id).toBe(org.users.lead!.id);
    expect(JSON.stringify(audit.body)).not.toContain('IMG_0001');
    expect(audit.body.verification.valid).toBe(true);
  });

  it('answers 404 for a file of a case the handler may not see, and records nothing', async () => {
    const org = await createOrg();
    const res = await api('POST', `/api/public/${org.slug}/reports`, {
      body: { ...REPORT, attachments: [{ name: 'a.txt', data: b64('plain words') }] },
    });
    expect(res.status).toBe(201);
    const list = await api('GET', '/api/cases', { token: org.users.lead!.token });
    const caseId = list.body.items[0].id as string;
    const view = await api('GET', `/api/cases/${caseId}`, { token: org.users.lead!.token });
    const fileId = view.body.content.report.attachments[0].id as string;

    const foreign = await api('GET', `/api/cases/${caseId}/attachments/${fileId}`, {
      token: org.users.handler!.token,
    });
    const audit = await api('GET', `/api/cases/${caseId}/audit`, { token: org.users.lead!.token });

    expect(foreign.status).toBe(404);
    expect(audit.body.records).toHaveLength(2);
  });

  it.each([
    [
      'too many files',
      Array.from({ length: 6 }, (_, i) => ({ name: `n${i}.txt`, data: b64('notes') })),
      422,
    ],
    [
      'a file over the size limit',
      [{ name: 'big.txt', data: b64('a'.repeat(10 * 1024 * 1024 + 1)) }],
      413,
    ],
    [
      'HTML named like a photo',
      [{ name: 'photo.jpg', data: b64('<html><script>x()</script>') }],
      415,
    ],
    ['a file that is not base64', [{ name: 'x.txt', data: 'not base64!' }], 422],
  ])(
    'refuses %s with a clear 4xx and leaves nothing stored',
    async (_what, attachments, status) => {
      const org = await createOrg();

      const res = await api('POST', `/api/public/${org.slug}/reports`, {
        body: { ...REPORT, attachments },
      });
      const list = await api('GET', '/api/cases', { token: org.users.lead!.token });

      expect(res.status).toBe(status);
      expect(res.body.message).toBeTruthy();
      expect(res.body.error).not.toBe('internal');
      expect(list.body.items).toHaveLength(0);
      expect(await r2Keys(org.slug)).toEqual([]);
    },
  );

  it('limits reports per organisation and answers 429 when the limit is reached', async () => {
    const org = await createOrg();
    const other = await createOrg();
    for (let i = 0; i < 30; i++) {
      await env.MAILBOXES.getByName(`limit-${org.slug}`).admit('report', 30, 10 * 60 * 1000);
    }

    const refused = await api('POST', `/api/public/${org.slug}/reports`, { body: REPORT });
    const elsewhere = await api('POST', `/api/public/${other.slug}/reports`, { body: REPORT });

    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(elsewhere.status).toBe(201);
  });
});

describe('purge', () => {
  it('deletes the files, the mailbox entry and its sessions with the case content', async () => {
    const org = await createOrg();
    const res = await api('POST', `/api/public/${org.slug}/reports`, {
      body: { ...REPORT, attachments: [{ name: 'a.txt', data: b64('evidence') }] },
    });
    const list = await api('GET', '/api/cases', { token: org.users.lead!.token });
    const caseId = list.body.items[0].id as string;
    const session = (await api('POST', '/api/mailbox/login', { body: res.body.mailbox })).body
      .session as string;
    await sendEvent(org.users.lead!.token, caseId, { type: 'CLOSE', outcome: 'unfounded' });
    const stub = env.CASES.getByName(`${org.slug}/${caseId}`);
    // Rather than wait a year: a lead sets the retention date to just after the closure.
    const closed = await api('GET', `/api/cases/${caseId}`, { token: org.users.lead!.token });
    const until = new Date(Date.parse(closed.body.closedAt) + 1).toISOString();
    const set = await sendEvent(org.users.lead!.token, caseId, {
      type: 'SET_RETENTION',
      until,
      reason: 'test: retention ends now',
    });
    expect(set.status).toBe(200);
    expect(await r2Keys(org.slug)).toHaveLength(1);

    await runDurableObjectAlarm(stub);
    const view = await api('GET', `/api/cases/${caseId}`, { token: org.users.lead!.token });
    const mailbox = await api('GET', '/api/mailbox', { token: session });
    const login = await api('POST', '/api/mailbox/login', { body: res.body.mailbox });

    expect(view.body.states.retention).toBe('purged');
    expect(await r2Keys(org.slug)).toEqual([]);
    expect(mailbox.status).toBe(401);
    expect(login.status).toBe(401);
  });
});
