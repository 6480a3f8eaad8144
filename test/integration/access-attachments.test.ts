/**
 * Who may download a case's file (`GET /api/cases/:id/attachments/:attachmentId`), on cases that
 * really hold one: every role × same or other organisation × in scope or not (compliance mode:
 * assigned or not; team mode: member of the case's unit or not; recused). The route matrix
 * (access-matrix.test.ts) sends this route to cases without files, so it only shows that no one
 * gets a file there; this file exercises the allow path.
 *
 * Each answer is checked with its side effects: a 200 carries the stored bytes as a download and
 * adds exactly one ACCESS_ATTACHMENT record (by the caller) to the case's trail; a refusal adds
 * no record and exactly one row to the caller's organisation's `denials`. Reads only, apart from
 * the requests themselves; files are submitted through the public intake API.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';

import type { StaffRole } from '../../src/auth/permissions';
import { app } from '../../src/http/app';
import { appApi, appEvent, auditOf, bindings } from './engine-helpers';
import type { TestOrg } from './helpers';
import { createOrg } from './helpers';
import { b64 } from './reporter-fixtures';

const ROUTE = '/api/cases/:id/attachments/:attachmentId';

/** A case of an organisation with one file, as stored. */
interface FileCase {
  org: TestOrg;
  caseId: string;
  fileId: string;
  bytes: Uint8Array;
  name: string;
}

/** A download through the Hono app, with the body kept as bytes. */
async function download(token: string, file: { caseId: string; fileId: string }) {
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`http://whispr.test/api/cases/${file.caseId}/attachments/${file.fileId}`, {
      headers: { authorization: `Bearer ${token}` },
    }),
    bindings,
    ctx,
  );
  const bytes = new Uint8Array(await response.arrayBuffer());
  await waitOnExecutionContext(ctx);

  return { status: response.status, headers: response.headers, bytes };
}

/** Submits a written report with one text file and finds the case and the file's id. */
async function submitWithFile(org: TestOrg, name: string): Promise<FileCase> {
  // Distinct bytes per case, so a file served from the wrong case would show.
  const text = `Ledger extract for ${org.slug}, ${crypto.randomUUID()}.`;
  const created = await appApi('POST', `/api/public/${org.slug}/reports`, {
    body: {
      category: 'fraud',
      description: 'Invoices are approved by the person who submits them.',
      attachments: [{ name, data: b64(text) }],
    },
  });
  if (created.status !== 201) throw new Error(`submit failed: ${JSON.stringify(created.body)}`);
  const list = await appApi('GET', '/api/cases?limit=200', { token: org.users.lead!.token });
  const item = (list.body.items as Array<{ id: string; caseRef: string }>).find(
    (i) => i.caseRef === created.body.caseRef,
  );
  if (!item) throw new Error('created case not in the list');
  // The CREATE record lists the files (id, type, size), so no read of the content is needed.
  const create = (await auditOf(org.slug, item.id)).records[0]!;
  const files = (create.details as { attachments: Array<{ id: string }> }).attachments;
  if (files.length !== 1) throw new Error('expected one file on the case');

  return {
    org,
    caseId: item.id,
    fileId: files[0]!.id,
    bytes: new TextEncoder().encode(text),
    name,
  };
}

async function must(answer: Promise<{ status: number; body: unknown }>) {
  const res = await answer;
  if (res.status !== 200) throw new Error(`setup step failed: ${JSON.stringify(res.body)}`);
}

interface Caller {
  label: string;
  org: TestOrg;
  user: string;
  role: StaffRole;
}

interface Scenario {
  caller: Caller;
  file: () => FileCase;
  expect: 200 | 403 | 404;
  why: string;
}

let compliance: TestOrg;
let team: TestOrg;
let other: TestOrg;
let assignedCase: FileCase;
let recusedCase: FileCase;
let teamCase: FileCase;
let foreignCase: FileCase;

beforeAll(async () => {
  compliance = await createOrg({
    staff: [
      { name: 'admin', role: 'admin' },
      { name: 'lead', role: 'compliance_lead' },
      { name: 'lead2', role: 'compliance_lead' },
      { name: 'handler', role: 'handler' },
      { name: 'handler2', role: 'handler' },
      { name: 'recuser', role: 'handler' },
      { name: 'reviewer', role: 'reviewer' },
    ],
  });
  // Team mode: the default routing policy sends fraud to the finance team.
  team = await createOrg({
    mode: 'team',
    units: ['finance', 'operations'],
    staff: [
      { name: 'admin', role: 'admin' },
      { name: 'lead', role: 'compliance_lead' },
      { name: 'member', role: 'handler', units: ['finance'] },
      { name: 'outsider', role: 'handler', units: ['operations'] },
      { name: 'reviewer', role: 'reviewer' },
    ],
  });
  other = await createOrg();

  assignedCase = await submitWithFile(compliance, 'ledger.txt');
  await must(
    appEvent(compliance.users.lead!.token, assignedCase.caseId, {
      type: 'ASSIGN',
      assignee: compliance.users.handler!.id,
    }),
  );

  // Two people step away from this case: a handler it was assigned to, then a lead.
  recusedCase = await submitWithFile(compliance, 'minutes.txt');
  for (const who of ['recuser', 'lead2']) {
    await must(
      appEvent(compliance.users.lead!.token, recusedCase.caseId, {
        type: 'ASSIGN',
        assignee: compliance.users[who]!.id,
      }),
    );
    await must(
      appEvent(compliance.users[who]!.token, recusedCase.caseId, {
        type: 'RECUSE',
        reason: 'I know the person named in the report.',
      }),
    );
  }

  teamCase = await submitWithFile(team, 'invoice.txt');
  foreignCase = await submitWithFile(other, 'foreign.txt');
  const routed = await appApi('GET', `/api/cases/${teamCase.caseId}`, {
    token: team.users.lead!.token,
  });
  if (routed.body.team !== 'finance') throw new Error('team case was not routed to finance');
});

const as = (org: () => TestOrg, user: string, role: StaffRole, label = user): (() => Caller) => {
  return () => ({ label, org: org(), user, role });
};

/** Every scenario with the status the code answers and why. */
function scenarios(): Array<Omit<Scenario, 'caller'> & { caller: () => Caller }> {
  const c = () => compliance;
  const t = () => team;
  const o = () => other;

  return [
    // Compliance mode, the file's own organisation.
    {
      caller: as(c, 'lead', 'compliance_lead'),
      file: () => assignedCase,
      expect: 200,
      why: 'a lead sees every case',
    },
    { caller: as(c, 'handler', 'handler'), file: () => assignedCase, expect: 200, why: 'assigned' },
    {
      caller: as(c, 'handler2', 'handler'),
      file: () => assignedCase,
      expect: 404,
      why: 'not assigned',
    },
    {
      caller: as(c, 'recuser', 'handler'),
      file: () => recusedCase,
      expect: 404,
      why: 'recused handler',
    },
    {
      caller: as(c, 'lead2', 'compliance_lead'),
      file: () => recusedCase,
      expect: 404,
      why: 'recused lead',
    },
    {
      caller: as(c, 'lead', 'compliance_lead'),
      file: () => recusedCase,
      expect: 200,
      why: 'a lead who did not recuse',
    },
    // Admins read no case at all and reviewers read no content (permissions.ts): see the
    // comment on the role test below for why both answer 404 rather than 403.
    {
      caller: as(c, 'admin', 'admin'),
      file: () => assignedCase,
      expect: 403,
      why: 'admins read no cases',
    },
    {
      caller: as(c, 'reviewer', 'reviewer'),
      file: () => assignedCase,
      expect: 403,
      why: 'reviewers read no content',
    },
    // Team mode.
    {
      caller: as(t, 'member', 'handler'),
      file: () => teamCase,
      expect: 200,
      why: "member of the case's unit",
    },
    {
      caller: as(t, 'outsider', 'handler'),
      file: () => teamCase,
      expect: 404,
      why: 'member of another unit',
    },
    {
      caller: as(t, 'lead', 'compliance_lead'),
      file: () => teamCase,
      expect: 200,
      why: 'a lead sees every case',
    },
    {
      caller: as(t, 'admin', 'admin'),
      file: () => teamCase,
      expect: 403,
      why: 'admins read no cases',
    },
    {
      caller: as(t, 'reviewer', 'reviewer'),
      file: () => teamCase,
      expect: 403,
      why: 'reviewers read no content',
    },
    // Another organisation's file, by its real ids: every role of every organisation gets 404.
    ...(['admin', 'lead', 'handler', 'reviewer'] as const).map((user) => ({
      caller: as(c, user, roleOf(user), `${user} of another organisation`),
      file: () => foreignCase,
      // A role that reads no content is refused before any case is looked up.
      expect: user === 'admin' || user === 'reviewer' ? (403 as const) : (404 as const),
      why: 'other organisation',
    })),
    ...(['lead', 'member', 'reviewer'] as const).map((user) => ({
      caller: as(t, user, roleOf(user), `${user} of another organisation`),
      file: () => assignedCase,
      expect: user === 'reviewer' ? (403 as const) : (404 as const),
      why: 'other organisation',
    })),
    {
      caller: as(o, 'lead', 'compliance_lead', 'lead of another organisation'),
      file: () => assignedCase,
      expect: 404,
      why: 'other organisation',
    },
    {
      caller: as(o, 'handler', 'handler', 'handler of another organisation'),
      file: () => teamCase,
      expect: 404,
      why: 'other organisation',
    },
  ];
}

function roleOf(user: string): StaffRole {
  if (user === 'admin') return 'admin';
  if (user === 'lead') return 'compliance_lead';
  if (user === 'reviewer') return 'reviewer';

  return 'handler';
}

type AccessRecord = {
  type: string;
  actor: { id: string; role: string };
  details: Record<string, unknown>;
};

describe('staff download of a case file', () => {
  it('serves the file to leads and in-scope handlers and refuses everyone else with 404, auditing each download once and each refusal never', async () => {
    const wrong: string[] = [];

    for (const make of scenarios()) {
      const scenario = { ...make, caller: make.caller() };
      const { caller } = scenario;
      const file = scenario.file();
      const user = caller.org.users[caller.user]!;
      expect(user.role, caller.label).toBe(caller.role);
      const label = `${caller.label} (${caller.role}, ${caller.org.slug}) on ${file.org.slug}: ${scenario.why}`;
      const trailBefore = (await auditOf(file.org.slug, file.caseId)).records.length;
      const denialsBefore = (await bindings.ORGS.getByName(caller.org.slug).denials(5000)).length;

      const res = await download(user.token, file);

      const trail = (await auditOf(file.org.slug, file.caseId)).records as AccessRecord[];
      const added = trail.slice(trailBefore);
      const denials = await bindings.ORGS.getByName(caller.org.slug).denials(5000);
      if (res.status !== scenario.expect) {
        wrong.push(`${label}: got ${res.status}, expected ${scenario.expect}`);
        continue;
      }

      if (scenario.expect === 200) {
        expect(res.bytes, label).toEqual(file.bytes);
        expect(res.headers.get('content-type'), label).toBe('text/plain');
        expect(res.headers.get('content-disposition'), label).toMatch(
          new RegExp(`^attachment; filename="${file.name.replace('.', '\\.')}"`),
        );
        expect(added, label).toHaveLength(1);
        expect(added[0]!.type, label).toBe('ACCESS_ATTACHMENT');
        expect(added[0]!.actor, label).toMatchObject({ id: user.id, role: caller.role });
        expect(added[0]!.details, label).toEqual({
          id: file.fileId,
          type: 'text/plain',
          size: file.bytes.byteLength,
        });
        // The trail records the access, never the file's name.
        expect(JSON.stringify(added[0]), label).not.toContain(file.name);
        expect(denials.length, `${label}: no denial for an allowed download`).toBe(denialsBefore);
      } else {
        // Nothing of the file, no record; a 404 is the answer to a file that does not exist.
        expect(res.headers.get('content-disposition'), label).toBeNull();
        expect(new TextDecoder().decode(res.bytes), label).not.toContain('Ledger extract');
        expect(added, `${label}: a refusal adds no audit record`).toEqual([]);
        expect(denials.length, `${label}: one denial per refusal`).toBe(denialsBefore + 1);
        expect(denials[0], label).toMatchObject({
          userId: user.id,
          role: caller.role,
          method: 'GET',
          route: ROUTE,
          reason: scenario.expect === 404 ? 'not_found' : 'forbidden',
        });
        expect(JSON.stringify(denials[0]), label).not.toMatch(/c_[0-9A-Z]{20}|a_[A-Za-z0-9_-]{22}/);
      }
    }

    expect(wrong).toEqual([]);
    for (const file of [assignedCase, recusedCase, teamCase, foreignCase]) {
      expect((await auditOf(file.org.slug, file.caseId)).verification.valid).toBe(true);
    }
  });

  it('answers a file id that does not exist exactly like a file the caller may not see', async () => {
    const lead = compliance.users.lead!;
    const trailBefore = (await auditOf(compliance.slug, assignedCase.caseId)).records.length;

    const missing = await download(lead.token, {
      caseId: assignedCase.caseId,
      fileId: `a_${'A'.repeat(22)}`,
    });
    const hidden = await download(compliance.users.handler2!.token, assignedCase);

    expect(missing.status).toBe(404);
    expect(hidden.status).toBe(404);
    expect(new TextDecoder().decode(hidden.bytes)).toBe(new TextDecoder().decode(missing.bytes));
    expect((await auditOf(compliance.slug, assignedCase.caseId)).records).toHaveLength(trailBefore);
  });

  /*
   * Admins and reviewers read no case content (permissions.ts), so the route refuses their role
   * before it looks for a case or a file: 403, as GET /api/cases/:id answers an admin. A 404
   * ("No such file") would not be true for a reviewer, who can read the file's id in the trail.
   */
  it('refuses admins and reviewers the file of a case in their organisation with 403, by their role', async () => {
    const reviewer = compliance.users.reviewer!;
    const audit = await appApi('GET', `/api/cases/${assignedCase.caseId}/audit`, {
      token: reviewer.token,
    });
    const listed = JSON.stringify(audit.body);

    const asReviewer = await download(reviewer.token, assignedCase);
    const asAdmin = await download(compliance.users.admin!.token, assignedCase);
    const caseAsAdmin = await appApi('GET', `/api/cases/${assignedCase.caseId}`, {
      token: compliance.users.admin!.token,
    });

    expect(audit.status).toBe(200);
    expect(listed, 'the reviewer can see the file id in the trail').toContain(assignedCase.fileId);
    expect(asReviewer.status).toBe(403);
    expect(asAdmin.status).toBe(403);
    expect(caseAsAdmin.status, 'the case itself is a role refusal').toBe(403);
  });
});
