/**
 * The policy API (src/http/routes/policies.ts): compliance leads publish new versions of the
 * routing, retention and intake policies; leads and reviewers read them. A publication is one
 * record in the organisation's audit trail; cases created afterwards use the new version while
 * earlier cases keep the one they were decided under. Fresh organisation per test.
 */
import { describe, expect, it } from 'vitest';

import { DAY_MS } from '../../policies';
import type { TestOrg } from './helpers';
import { api, createOrg, sendEvent, submitCase } from './helpers';

const publish = (token: string, kind: string, document: unknown) =>
  api('PUT', `/api/policies/${kind}`, { token, body: { document } });

/** Takes a case from receipt to closed as the lead, who assigns it to themself. */
async function close(org: TestOrg, caseId: string): Promise<void> {
  const lead = org.users.lead!;
  for (const event of [
    { type: 'ASSIGN', assignee: lead.id },
    { type: 'ACKNOWLEDGE' },
    { type: 'START_INVESTIGATION' },
    { type: 'GIVE_FEEDBACK', body: 'Measures were taken.' },
    { type: 'CLOSE', outcome: 'substantiated' },
  ]) {
    const res = await sendEvent(lead.token, caseId, event);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

async function retentionOf(org: TestOrg, caseId: string) {
  const view = await api('GET', `/api/cases/${caseId}`, { token: org.users.lead!.token });
  expect(view.status).toBe(200);

  return {
    closedAt: Date.parse(view.body.closedAt),
    until: Date.parse(view.body.retention.until),
    policyVersion: view.body.retention.policyVersion,
  };
}

async function orgAudit(org: TestOrg) {
  const res = await api('GET', '/api/org/audit', { token: org.users.lead!.token });
  expect(res.status).toBe(200);

  return res.body as {
    records: Array<{ type: string; actor: { id: string }; details: Record<string, unknown> }>;
    verification: { valid: boolean };
  };
}

describe('policy API', () => {
  it('serves the defaults as version 1 to leads and reviewers, not to others', async () => {
    const org = await createOrg();

    for (const name of ['lead', 'reviewer']) {
      const res = await api('GET', '/api/policies', { token: org.users[name]!.token });
      expect(res.status, name).toBe(200);
      expect(res.body.retention.version).toBe(1);
      expect(res.body.retention.document.closedCaseDays).toBe(1095);
      expect(res.body.routing.version).toBe(1);
      expect(res.body.intake.version).toBe(1);
    }
    for (const name of ['admin', 'handler']) {
      const res = await api('GET', '/api/policies', { token: org.users[name]!.token });
      expect(res.status, name).toBe(403);
    }
    const versions = await api('GET', '/api/policies/retention/versions', {
      token: org.users.reviewer!.token,
    });
    expect(versions.status).toBe(200);
    expect(versions.body.items).toEqual([]);
  });

  it('applies a published retention policy to cases created afterwards only', async () => {
    const org = await createOrg();
    const lead = org.users.lead!;
    const before = await submitCase(org);

    // The body's version is ignored: the server numbers versions itself.
    const res = await publish(lead.token, 'retention', {
      version: 99,
      closedCaseDays: 30,
      oralRecordDays: 30,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: 'retention', version: 2, createdBy: lead.id });
    expect(res.body.document).toEqual({ version: 2, closedCaseDays: 30, oralRecordDays: 30 });

    const current = await api('GET', '/api/policies', { token: lead.token });
    expect(current.body.retention).toEqual({
      version: 2,
      document: { version: 2, closedCaseDays: 30, oralRecordDays: 30 },
    });
    expect(current.body.routing.version).toBe(1);

    const after = await submitCase(org);
    await close(org, before.id);
    await close(org, after.id);

    const old = await retentionOf(org, before.id);
    expect(old.policyVersion).toBe(1);
    expect(old.until - old.closedAt).toBe(1095 * DAY_MS);
    const fresh = await retentionOf(org, after.id);
    expect(fresh.policyVersion).toBe(2);
    expect(fresh.until - fresh.closedAt).toBe(30 * DAY_MS);
  });

  it('routes the next report by a newly published rule and records its version', async () => {
    const org = await createOrg();
    const lead = org.users.lead!;
    const before = await submitCase(org, { category: 'fraud' });

    const res = await publish(lead.token, 'routing', {
      rules: [{ id: 'fraud-to-operations', when: { categories: ['fraud'] }, team: 'operations' }],
      fallback: { team: 'compliance' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.version).toBe(2);

    const after = await submitCase(org, { category: 'fraud' });
    const routeOf = async (caseId: string) => {
      const audit = await api('GET', `/api/cases/${caseId}/audit`, { token: lead.token });
      expect(audit.status).toBe(200);
      const view = await api('GET', `/api/cases/${caseId}`, { token: lead.token });

      return {
        team: view.body.team,
        details: audit.body.records.find((r: { type: string }) => r.type === 'ROUTE').details,
      };
    };

    expect(await routeOf(before.id)).toMatchObject({
      team: 'finance',
      details: { team: 'finance', ruleId: 'financial', policyVersion: 1 },
    });
    expect(await routeOf(after.id)).toMatchObject({
      team: 'operations',
      details: { team: 'operations', ruleId: 'fraud-to-operations', policyVersion: 2 },
    });
  });

  it('refuses invalid documents with 422 naming the fields, storing nothing', async () => {
    const org = await createOrg();
    const lead = org.users.lead!;
    const ok = await publish(lead.token, 'retention', { closedCaseDays: 60, oralRecordDays: 60 });
    expect(ok.status).toBe(201);
    const versionsBefore = await api('GET', '/api/policies/retention/versions', {
      token: lead.token,
    });
    const auditBefore = await orgAudit(org);

    const cases: Array<[string, unknown, string[]]> = [
      [
        'retention',
        { closedCaseDays: 0, oralRecordDays: 'long' },
        ['document.closedCaseDays', 'document.oralRecordDays'],
      ],
      [
        'retention',
        { closedCaseDays: 30, oralRecordDays: 30, keepForever: true },
        ['document.keepForever'],
      ],
      [
        'routing',
        {
          rules: [
            { id: 'twice', when: {}, team: 'a' },
            { id: 'twice', when: { catgories: ['fraud'] }, team: 'b' },
          ],
          fallback: { team: 'compliance' },
        },
        ['document.rules', 'document.rules.1.when.catgories'],
      ],
      [
        'intake',
        { categories: [], questions: [] },
        ['document.categories', 'document.attachments'],
      ],
      ['retention', 'thirty days', ['document']],
      ['retention', [30], ['document']],
    ];
    for (const [kind, document, paths] of cases) {
      const res = await publish(lead.token, kind, document);
      const label = `${kind} ${JSON.stringify(document)}`;
      expect(res.status, label).toBe(422);
      expect(res.body.error).toBe('validation_failed');
      const got = res.body.issues.map((i: { path: string }) => i.path);
      for (const path of paths) expect(got, label).toContain(path);
    }
    const missing = await api('PUT', '/api/policies/retention', { token: lead.token, body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.issues.map((i: { path: string }) => i.path)).toContain('document');

    const versionsAfter = await api('GET', '/api/policies/retention/versions', {
      token: lead.token,
    });
    expect(versionsAfter.body).toEqual(versionsBefore.body);
    const routing = await api('GET', '/api/policies/routing/versions', { token: lead.token });
    expect(routing.body.items).toEqual([]);
    expect((await orgAudit(org)).records).toHaveLength(auditBefore.records.length);
  });

  it('answers 404 for an unknown kind, 403 to anyone but a lead publishing', async () => {
    const org = await createOrg();
    const document = { closedCaseDays: 30, oralRecordDays: 30 };

    expect((await publish(org.users.lead!.token, 'billing', document)).status).toBe(404);
    expect(
      (await api('GET', '/api/policies/billing/versions', { token: org.users.lead!.token })).status,
    ).toBe(404);
    for (const name of ['handler', 'reviewer', 'admin']) {
      const res = await publish(org.users[name]!.token, 'retention', document);
      expect(res.status, name).toBe(403);
    }
    const current = await api('GET', '/api/policies', { token: org.users.lead!.token });
    expect(current.body.retention.version).toBe(1);
    expect((await orgAudit(org)).records.map((r) => r.type)).toEqual(['ORG_CREATED']);
  });

  it('keeps every version, newest first, one verified record per publication', async () => {
    const org = await createOrg();
    const other = await createOrg();
    const lead = org.users.lead!;

    for (const days of [30, 60, 90]) {
      const res = await publish(lead.token, 'retention', {
        closedCaseDays: days,
        oralRecordDays: days,
      });
      expect(res.status).toBe(201);
    }
    const routing = await publish(lead.token, 'routing', {
      rules: [],
      fallback: { team: 'compliance' },
    });
    expect(routing.body.version).toBe(2);

    const versions = await api('GET', '/api/policies/retention/versions', {
      token: org.users.reviewer!.token,
    });
    expect(versions.status).toBe(200);
    expect(
      versions.body.items.map((v: { version: number; document: { closedCaseDays: number } }) => [
        v.version,
        v.document.closedCaseDays,
      ]),
    ).toEqual([
      [4, 90],
      [3, 60],
      [2, 30],
    ]);

    const audit = await orgAudit(org);
    expect(audit.verification.valid).toBe(true);
    const published = audit.records.filter((r) => r.type === 'POLICY_PUBLISHED');
    expect(published.map((r) => r.details)).toEqual([
      { kind: 'retention', version: 2 },
      { kind: 'retention', version: 3 },
      { kind: 'retention', version: 4 },
      { kind: 'routing', version: 2 },
    ]);
    for (const record of published) expect(record.actor.id).toBe(lead.id);

    // Another organisation is untouched.
    const elsewhere = await api('GET', '/api/policies', { token: other.users.lead!.token });
    expect(elsewhere.body.retention.version).toBe(1);
    expect(elsewhere.body.routing.version).toBe(1);
  });
});
