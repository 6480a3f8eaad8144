/**
 * Writes the stored-snapshot fixtures of the case machine: one persisted envelope per scenario,
 * together covering every state of every region, into test/fixtures/case-v<version>/.
 * A Node developer script (it writes files); the fixtures are data, written once per machine
 * version and committed, so that test/unit/case-snapshots.test.ts can prove later versions
 * still restore them.
 *
 * Run from the repository root:
 *   npx esbuild scripts/make-case-fixtures.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/make-case-fixtures.mjs && node /tmp/make-case-fixtures.mjs
 *   npx prettier --write test/fixtures
 */
import { CASE_MACHINE_VERSION } from '../machines/case';
import type { CaseInput } from '../machines/context';
import type { CaseEnvelope, CaseSnapshot } from '../machines/engine';
import { createCase, decide, envelope } from '../machines/engine';
import type { Actor, CaseCommand } from '../machines/events';
import { DAY_MS } from '../machines/time';

/** The part of node:fs this script uses (the project carries no Node type definitions). */
interface FileSystem {
  mkdirSync(path: string, options: { recursive: true }): void;
  writeFileSync(path: string, data: string): void;
}

const lead: Actor = { id: 'lena', role: 'compliance_lead', units: [] };
const hana: Actor = { id: 'hana', role: 'handler', units: ['finance'] };
const hugo: Actor = { id: 'hugo', role: 'handler', units: ['legal'] };
const reporter: Actor = { id: 'reporter', role: 'reporter', units: [] };
const system: Actor = { id: 'whispr', role: 'system', units: [] };

/** 6 January 2025, 09:00 UTC: the receipt of every fixture case. */
const RECEIVED = Date.UTC(2025, 0, 6, 9);

const base: CaseInput = {
  caseId: '00000000-0000-4000-8000-000000000000',
  orgId: 'org-fixtures',
  caseRef: 'WB-0000',
  mode: 'compliance',
  channel: 'written',
  category: 'fraud',
  receivedAt: RECEIVED,
  retention: {
    policyVersion: 1,
    closedCaseDays: 730,
    oralRecordDays: 365,
    byOutcome: { unfounded: 90 },
  },
};

/** One step: days after receipt, who, what. */
type Step = [days: number, actor: Actor, command: CaseCommand];

interface Scenario {
  name: string;
  input: Partial<CaseInput>;
  steps: Step[];
}

const route = (team: string, assignee: string | null): CaseCommand => ({
  type: 'ROUTE',
  team,
  assignee,
  ruleId: 'fraud-to-finance',
  policyVersion: 1,
});
const ack: CaseCommand = { type: 'ACKNOWLEDGE' };
const close = (outcome: 'substantiated' | 'unfounded'): CaseCommand => ({ type: 'CLOSE', outcome });

const SCENARIOS: Scenario[] = [
  { name: 'received-unrouted', input: {}, steps: [] },
  {
    name: 'acknowledged-queued-team',
    input: { mode: 'team' },
    steps: [
      [0, system, route('finance', null)],
      [2, hana, ack],
    ],
  },
  {
    name: 'investigating-assigned',
    input: {},
    steps: [
      [0, system, route('finance', 'hana')],
      [1, hana, ack],
      [3, hana, { type: 'START_INVESTIGATION' }],
      [4, hana, { type: 'REPLY', body: 'Could you tell us when this happened?' }],
      [5, reporter, { type: 'REPORTER_MESSAGE', body: 'In March.' }],
    ],
  },
  {
    name: 'feedback-given-reassigned',
    input: {},
    steps: [
      [0, lead, { type: 'ASSIGN', assignee: 'hana' }],
      [1, lead, { type: 'ASSIGN', assignee: 'hugo' }],
      [2, hugo, ack],
      [40, hugo, { type: 'GIVE_FEEDBACK', body: 'We are investigating.' }],
    ],
  },
  {
    name: 'overdue-received',
    input: {},
    steps: [
      [8, system, { type: 'TICK' }],
      [120, system, { type: 'TICK' }],
    ],
  },
  {
    name: 'recused-queued',
    input: {},
    steps: [
      [0, system, route('finance', 'hana')],
      [1, hana, { type: 'RECUSE', reason: 'conflict of interest' }],
      [1, lead, ack],
    ],
  },
  {
    name: 'closed-scheduled',
    input: {},
    steps: [
      [0, system, route('legal', 'hugo')],
      [1, hugo, ack],
      [30, hugo, close('substantiated')],
    ],
  },
  {
    name: 'reopened-retained-hold',
    input: {},
    steps: [
      [0, lead, ack],
      [10, lead, close('unfounded')],
      [20, lead, { type: 'REOPEN', reason: 'new evidence' }],
      [21, lead, { type: 'PLACE_HOLD', reason: 'court order' }],
    ],
  },
  {
    name: 'due-under-hold',
    input: {},
    steps: [
      [0, lead, ack],
      [10, lead, close('unfounded')],
      [101, system, { type: 'TICK' }],
      [102, lead, { type: 'PLACE_HOLD', reason: 'court order' }],
    ],
  },
  {
    name: 'purged',
    input: {},
    steps: [
      [0, lead, ack],
      [10, lead, close('unfounded')],
      [101, system, { type: 'TICK' }],
      [101, system, { type: 'PURGE' }],
    ],
  },
  {
    name: 'oral-unconfirmed',
    input: { channel: 'oral', mode: 'team' },
    steps: [
      [0, system, route('finance', null)],
      [0, hana, { type: 'AMEND_RECORD', minutes: 'Minutes of the meeting of 6 January.' }],
      [1, hana, ack],
    ],
  },
  {
    name: 'oral-correction-requested',
    input: { channel: 'oral' },
    steps: [
      [1, lead, ack],
      [2, reporter, { type: 'REQUEST_CORRECTION', body: 'The date is wrong.' }],
      [3, system, { type: 'MAILBOX_LOCKED', until: RECEIVED + 4 * DAY_MS }],
    ],
  },
  {
    name: 'oral-confirmed-closed',
    input: { channel: 'oral' },
    steps: [
      [1, lead, ack],
      [2, reporter, { type: 'CONFIRM_RECORD' }],
      [50, lead, close('substantiated')],
      [51, lead, { type: 'SET_RETENTION', until: '2026-06-30T00:00:00.000Z', reason: 'audit' }],
    ],
  },
];

/** Plays a scenario; every step must be accepted, or the fixture would lie. */
function play(scenario: Scenario): CaseEnvelope {
  let snapshot: CaseSnapshot = createCase({ ...base, ...scenario.input });
  let seq = 0;
  for (const [days, actor, command] of scenario.steps) {
    const decision = decide(snapshot, { ...command, at: RECEIVED + days * DAY_MS, actor });
    if (!decision.ok) {
      throw new Error(`${scenario.name}: ${command.type} refused by ${decision.guard}`);
    }

    snapshot = decision.snapshot;
    seq += 1;
  }

  return envelope(snapshot, seq);
}

const fs = (await import('node:fs' as string)) as FileSystem;
const dir = `test/fixtures/case-v${CASE_MACHINE_VERSION}`;
fs.mkdirSync(dir, { recursive: true });
SCENARIOS.forEach((scenario, i) => {
  const file = `${dir}/${String(i + 1).padStart(2, '0')}-${scenario.name}.json`;
  fs.writeFileSync(file, `${JSON.stringify(play(scenario), null, 2)}\n`);
});
