/**
 * The demo workspace, for local development only: two organisations so that isolation can
 * be tried at once, their staff, and a few cases in different states. Switched on by the
 * DEMO_SEED=true variable that `npm start` passes to `wrangler dev`; a deployment never sets
 * it. Idempotent: an organisation that exists is left as it is.
 */
import type { StaffRole } from '../auth/permissions';
import { caseStub } from '../cases/case-stub';
import { submitReport } from '../cases/submit-report';
import type { Env } from '../env';
import { log } from '../log';

/** The password of every demo account. */
export const DEMO_PASSWORD = 'correct-horse-demo';

interface DemoOrg {
  slug: string;
  name: string;
  mode: 'compliance' | 'team';
  units: string[];
  staff: Array<{ email: string; role: StaffRole; units?: string[]; displayName: string }>;
}

export const DEMO_ORGS: DemoOrg[] = [
  {
    slug: 'demo',
    name: 'Demo Manufacturing GmbH',
    mode: 'compliance',
    units: [],
    staff: [
      { email: 'admin@demo.test', role: 'admin', displayName: 'Ada Admin' },
      { email: 'lead@demo.test', role: 'compliance_lead', displayName: 'Lea Lead' },
      { email: 'handler@demo.test', role: 'handler', displayName: 'Hal Handler' },
      { email: 'handler2@demo.test', role: 'handler', displayName: 'Hana Handler' },
      { email: 'reviewer@demo.test', role: 'reviewer', displayName: 'Rey Reviewer' },
    ],
  },
  {
    slug: 'northwind',
    name: 'Northwind Traders',
    mode: 'team',
    units: ['finance', 'operations'],
    staff: [
      { email: 'admin@northwind.test', role: 'admin', displayName: 'Nora Admin' },
      { email: 'lead@northwind.test', role: 'compliance_lead', displayName: 'Nils Lead' },
      {
        email: 'handler@northwind.test',
        role: 'handler',
        units: ['finance'],
        displayName: 'Finn Handler',
      },
    ],
  },
];

let seeded: Promise<void> | null = null;

/** Seeds once per isolate when DEMO_SEED is "true"; a no-op otherwise. */
export function ensureDemoSeeded(env: Env): Promise<void> {
  if (env.DEMO_SEED !== 'true') return Promise.resolve();
  seeded ??= seedDemo(env).catch((error: unknown) => {
    seeded = null;
    log('error', 'demo_seed_failed', { error: error instanceof Error ? error.message : 'unknown' });
  });

  return seeded;
}

async function seedDemo(env: Env): Promise<void> {
  for (const org of DEMO_ORGS) {
    const stub = env.ORGS.getByName(org.slug);
    const { created } = await stub.setup({
      slug: org.slug,
      name: org.name,
      mode: org.mode,
      requireTotp: false,
      units: org.units,
      demo: true,
    });
    const ids: Record<string, string> = {};
    for (const member of org.staff) {
      const { id } = await stub.addUser({ ...member, password: DEMO_PASSWORD });
      ids[member.email] = id;
    }
    if (created) await seedCases(env, org, ids);
  }
  log('info', 'demo_seeded', { orgs: DEMO_ORGS.map((o) => o.slug) });
}

/** A few cases so that lists, deadlines and diagrams have something to show. */
async function seedCases(env: Env, org: DemoOrg, ids: Record<string, string>): Promise<void> {
  const lead = Object.entries(ids).find(([email]) => email.startsWith('lead@'))?.[1];
  const handler = Object.entries(ids).find(([email]) => email.startsWith('handler@'))?.[1];
  if (!lead || !handler) return;
  const leadActor = { id: lead, role: 'compliance_lead' as const, units: [] };
  const reporter = { id: 'reporter', role: 'reporter' };

  const fresh = await submitReport(env, {
    org: org.slug,
    channel: 'written',
    category: 'fraud',
    description: 'Invoices from a supplier are approved twice and paid to two different accounts.',
    answers: {},
    actor: reporter,
  });
  const working = await submitReport(env, {
    org: org.slug,
    channel: 'written',
    category: 'health-and-safety',
    description: 'The emergency exit in hall 3 has been blocked with pallets for two weeks.',
    answers: {},
    actor: reporter,
  });
  const stub = caseStub(env, org.slug, working.caseId);
  await stub.dispatch({ command: { type: 'ASSIGN', assignee: handler }, actor: leadActor });
  await stub.dispatch({ command: { type: 'ACKNOWLEDGE' }, actor: leadActor });
  await stub.dispatch({ command: { type: 'START_INVESTIGATION' }, actor: leadActor });
  await stub.dispatch({
    command: {
      type: 'REPLY',
      body: 'Thank you. We have sent someone to inspect hall 3 this week.',
    },
    actor: leadActor,
  });
  await stub.dispatch({
    command: { type: 'ADD_NOTE', body: 'Facility manager informed; photos requested.' },
    actor: leadActor,
  });
  log('info', 'demo_cases_seeded', { org: org.slug, cases: [fresh.caseRef, working.caseRef] });
}
