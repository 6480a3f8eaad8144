/**
 * Every state of every region of the case machine, reached through the HTTP API in workerd by
 * paths that `xstate/graph` computes from the machine itself. Staff steps are POSTs to the
 * case's events; the system's TICK and PURGE are the case object's alarm, as in production.
 *
 * The model is the machine as the host runs it: a case starts routed (ROUTE is part of
 * intake), a retention date that has passed is followed by the alarm before anything else (the
 * object arms it for that date), and the alarm purges in the same run in which TICK makes a
 * purge due unless a hold stands. Reporter events (REPORTER_MESSAGE, CONFIRM_RECORD,
 * REQUEST_CORRECTION) come through the mailbox, not the staff API, and change no region state,
 * so they are left out of the model.
 */
import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getShortestPaths } from 'xstate/graph';

import { caseMachine } from '../../machines/case';
import type { CaseEnvelope, CaseSnapshot } from '../../machines/engine';
import { createCase, decide, restore } from '../../machines/engine';
import type { CaseEvent } from '../../machines/events';
import type { AuditRecord } from '../../src/audit/chain';
import { appApi, appSubmitCase, caseObject, inputOf } from './engine-helpers';
import type { TestOrg } from './helpers';
import { createOrg } from './helpers';

/** Every state of every region, as declared in machines/*.ts. */
const REGION_STATES = {
  lifecycle: ['received', 'acknowledged', 'investigating', 'feedbackGiven', 'closed', 'reopened'],
  routing: ['unrouted', 'queued', 'assigned', 'reassigned'],
  hold: ['none', 'active'],
  retention: ['retained', 'scheduled', 'due', 'purged'],
} as const;

type Region = keyof typeof REGION_STATES;
type Step = { event: CaseEvent; state: CaseSnapshot };
type Path = { state: CaseSnapshot; steps: Step[] };

const regionsOf = (snapshot: CaseSnapshot) => snapshot.value as Record<Region, string>;

/** A retention date that the object's alarm will act on as soon as it runs. */
function retentionPassed(snapshot: CaseSnapshot): boolean {
  const { until } = snapshot.context.retention;

  return until !== null && until <= snapshot.context.lastEventAt + 1;
}

/** True when the host's alarm is what happens next to this case. */
function alarmPending(snapshot: CaseSnapshot): boolean {
  const { retention, hold } = regionsOf(snapshot);

  return (
    (retention === 'scheduled' && retentionPassed(snapshot)) ||
    (retention === 'due' && hold === 'none')
  );
}

/** Shortest paths from a freshly routed case to every reachable configuration. */
function modelPaths(org: TestOrg): { start: CaseSnapshot; paths: Path[] } {
  const { lead, handler, handler2 } = org.users;
  const staff = (id: string, role: 'compliance_lead' | 'handler') => ({ id, role, units: [] });
  const asLead = staff(lead!.id, 'compliance_lead');
  const system = { id: 'system', role: 'system' as const, units: [] };
  const reporter = { id: 'reporter', role: 'reporter' as const, units: [] };
  const input = inputOf(
    {
      at: new Date(Date.UTC(2026, 0, 5)).toISOString(),
      details: { channel: 'written', category: 'fraud' },
    } as unknown as AuditRecord,
    { caseId: 'c_MODEL', orgId: org.slug, caseRef: 'MODEL' },
  );
  const created = createCase(input);
  const routed = decide(created, {
    type: 'ROUTE',
    team: 'finance',
    assignee: null,
    ruleId: 'financial',
    policyVersion: 1,
    at: input.receivedAt,
    actor: system,
  });
  if (!routed.ok) throw new Error('the model could not route');

  const events = (snapshot: CaseSnapshot): CaseEvent[] => {
    const at = snapshot.context.lastEventAt + 1;
    const closedAt = snapshot.context.closedAt;
    const commands = [
      { type: 'ACKNOWLEDGE', actor: asLead },
      { type: 'START_INVESTIGATION', actor: asLead },
      { type: 'GIVE_FEEDBACK', body: 'Measures were taken.', actor: asLead },
      { type: 'CLOSE', outcome: 'unfounded', actor: asLead },
      { type: 'REOPEN', reason: 'new facts', actor: asLead },
      { type: 'ASSIGN', assignee: handler!.id, actor: asLead },
      { type: 'ASSIGN', assignee: handler2!.id, actor: asLead },
      { type: 'RECUSE', reason: 'conflict', actor: staff(handler!.id, 'handler') },
      { type: 'PLACE_HOLD', reason: 'litigation', actor: asLead },
      { type: 'RELEASE_HOLD', reason: 'settled', actor: asLead },
      ...(closedAt === null
        ? []
        : [
            {
              type: 'SET_RETENTION',
              until: new Date(closedAt + 1).toISOString(),
              reason: 'early',
              actor: asLead,
            },
          ]),
      { type: 'TICK', actor: system },
      { type: 'PURGE', actor: system },
      { type: 'REPORTER_MESSAGE', body: 'hello', actor: reporter },
    ];

    return commands.map((c) => ({ ...c, at }) as CaseEvent);
  };

  const filterEvents = (snapshot: CaseSnapshot, event: CaseEvent) => {
    // The graph adds a bare `{ type }` for every event the state lists that we do not supply.
    if (!('actor' in event)) return false;
    if (event.actor.role === 'reporter') return false;
    const pending = alarmPending(snapshot);
    if (event.actor.role !== 'system') return !pending;
    if (!pending) return false;
    // The alarm's TICK that makes a purge due is followed by PURGE unless a hold stands.
    return event.type === 'PURGE' || regionsOf(snapshot).hold === 'active';
  };

  const paths = getShortestPaths(caseMachine, {
    fromState: routed.snapshot,
    events,
    filterEvents: filterEvents as never,
    serializeState: (snapshot) =>
      JSON.stringify({
        value: snapshot.value,
        assignee: snapshot.context.assignee,
        excluded: snapshot.context.excluded,
        retentionPassed: retentionPassed(snapshot as CaseSnapshot),
      }),
  }) as unknown as Path[];

  // Each path opens with the graph's own `xstate.init` step at the start state; drop it.
  return {
    start: routed.snapshot,
    paths: paths.map((p) => ({ ...p, steps: p.steps.filter((s) => 'actor' in s.event) })),
  };
}

/** Runs the case object's alarm and waits until its records are in the trail. */
async function runAlarm(org: TestOrg, caseId: string, seqBefore: number): Promise<void> {
  const stub = caseObject(org.slug, caseId);
  // The alarm is armed for the retention date, which lies in the past: it may already have run.
  await runDurableObjectAlarm(stub);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const audit = (await stub.audit()) as unknown as { ok: boolean; seq: number };
    if (audit.ok && audit.seq > seqBefore) return;
    await scheduler.wait(10);
    await runDurableObjectAlarm(stub);
  }
  throw new Error('the alarm left no record');
}

/** Walks a model path through the API; returns the case id. */
async function walk(org: TestOrg, path: Path): Promise<string> {
  const lead = org.users.lead!;
  const tokens = new Map(Object.values(org.users).map((u) => [u.id, u.token]));
  const created = await appSubmitCase(org);
  // The seq of the last record a staff step wrote; the alarm's records come after it.
  let lastSeq = 2;

  for (const step of path.steps) {
    const view = await appApi('GET', `/api/cases/${created.id}`, { token: lead.token });
    if (step.event.actor.role === 'system') {
      // The alarm acts on Date.now(); let the clock pass the retention date (closedAt + 1 ms).
      const until = Date.parse(view.body.retention.until);
      while (Date.now() <= until) await scheduler.wait(2);
      await runAlarm(org, created.id, lastSeq);
    } else {
      const { at: _at, actor, ...command } = step.event as CaseEvent & Record<string, unknown>;
      if (command.type === 'SET_RETENTION') {
        command.until = new Date(Date.parse(view.body.closedAt) + 1).toISOString();
      }
      const sent = await appApi('POST', `/api/cases/${created.id}/events`, {
        token: tokens.get(actor.id)!,
        body: command,
      });
      expect(sent.status, `${command.type}: ${JSON.stringify(sent.body)}`).toBe(200);
      lastSeq = sent.body.seq;
    }
    // A state the alarm is due to leave is transient: the object armed the alarm for a date
    // already past, so it may have run by now. The next step (the alarm) checks it.
    if (alarmPending(step.state)) continue;
    const after = await appApi('GET', `/api/cases/${created.id}`, { token: lead.token });
    expect(after.body.states, `after ${step.event.type}`).toEqual(step.state.value);
  }

  return created.id;
}

describe('case machine states through the HTTP API', () => {
  it('reaches every state of every region by paths generated from the machine', async () => {
    const org = await createOrg();
    const lead = org.users.lead!;
    const { start, paths } = modelPaths(org);
    const targets = (Object.keys(REGION_STATES) as Region[]).flatMap((region) =>
      REGION_STATES[region].filter((s) => s !== 'unrouted').map((state) => ({ region, state })),
    );

    const chosen = new Map<string, Path>();
    for (const { region, state } of targets) {
      const candidates = paths
        .filter((p) => regionsOf(p.state)[region] === state)
        .sort((a, b) => a.steps.length - b.steps.length);
      expect(candidates.length, `the model reaches ${region}.${state}`).toBeGreaterThan(0);
      chosen.set(`${region}.${state}`, candidates[0]!);
    }
    expect(regionsOf(start)).toEqual({
      lifecycle: 'received',
      routing: 'queued',
      hold: 'none',
      retention: 'retained',
    });

    const reached = new Set<string>();
    for (const [target, path] of chosen) {
      const caseId = await walk(org, path);
      const view = await appApi('GET', `/api/cases/${caseId}`, { token: lead.token });
      expect(view.body.states, target).toEqual(path.state.value);
      for (const [region, state] of Object.entries(view.body.states as Record<string, string>)) {
        reached.add(`${region}.${state}`);
      }
      const audit = await appApi('GET', `/api/cases/${caseId}/audit`, { token: lead.token });
      expect(audit.body.verification.valid, target).toBe(true);
      // ROUTE is part of intake: 'unrouted' is the state the CREATE record leaves.
      const [create] = audit.body.records as AuditRecord[];
      expect(create!.after.routing).toBe('unrouted');
      reached.add('routing.unrouted');
    }

    const all = (Object.keys(REGION_STATES) as Region[]).flatMap((r) =>
      REGION_STATES[r].map((s) => `${r}.${s}`),
    );
    expect([...reached].sort()).toEqual(all.sort());
  });

  it('moves a held case to due and refuses its purge, naming the hold', async () => {
    const org = await createOrg();
    const lead = org.users.lead!;
    const created = await appSubmitCase(org);
    await appApi('POST', `/api/cases/${created.id}/events`, {
      token: lead.token,
      body: { type: 'CLOSE', outcome: 'unfounded' },
    });
    await appApi('POST', `/api/cases/${created.id}/events`, {
      token: lead.token,
      body: { type: 'PLACE_HOLD', reason: 'litigation' },
    });
    const closed = await appApi('GET', `/api/cases/${created.id}`, { token: lead.token });
    const until = Date.parse(closed.body.closedAt) + 1;

    const set = await appApi('POST', `/api/cases/${created.id}/events`, {
      token: lead.token,
      body: { type: 'SET_RETENTION', until: new Date(until).toISOString(), reason: 'early' },
    });
    while (Date.now() <= until) await scheduler.wait(2);
    await runAlarm(org, created.id, set.body.seq);

    const view = await appApi('GET', `/api/cases/${created.id}`, { token: lead.token });
    expect(view.body.states).toEqual({
      lifecycle: 'closed',
      routing: 'queued',
      hold: 'active',
      retention: 'due',
    });
    expect(view.body.content.report).not.toBeNull();
    const audit = await appApi('GET', `/api/cases/${created.id}/audit`, { token: lead.token });
    const types = (audit.body.records as AuditRecord[]).map((r) => r.type);
    expect(types.slice(-1)).toEqual(['TICK']);
    expect(types).not.toContain('PURGE');
    // The alarm's PURGE was refused: the machine names the hold as the rule that refuses it.
    const state = (await caseObject(org.slug, created.id).state()) as unknown as {
      envelope: CaseEnvelope;
    };
    const purge = decide(restore(state.envelope.snapshot), {
      type: 'PURGE',
      at: Date.now(),
      actor: { id: 'system', role: 'system', units: [] },
    });
    expect(purge).toMatchObject({ ok: false, guard: 'notOnHold' });
  });

  it('purges content at the retention date and keeps a verifiable audit trail', async () => {
    const org = await createOrg();
    const lead = org.users.lead!;
    const created = await appSubmitCase(org);
    await appApi('POST', `/api/cases/${created.id}/events`, {
      token: lead.token,
      body: { type: 'ADD_NOTE', body: 'internal' },
    });
    await appApi('POST', `/api/cases/${created.id}/events`, {
      token: lead.token,
      body: { type: 'CLOSE', outcome: 'unfounded' },
    });
    const closed = await appApi('GET', `/api/cases/${created.id}`, { token: lead.token });
    const until = Date.parse(closed.body.closedAt) + 1;

    const set = await appApi('POST', `/api/cases/${created.id}/events`, {
      token: lead.token,
      body: { type: 'SET_RETENTION', until: new Date(until).toISOString(), reason: 'early' },
    });
    while (Date.now() <= until) await scheduler.wait(2);
    await runAlarm(org, created.id, set.body.seq);

    const view = await appApi('GET', `/api/cases/${created.id}`, { token: lead.token });
    expect(view.body.states.retention).toBe('purged');
    expect(view.body.content.report).toBeNull();
    expect(view.body.content.messages).toEqual([]);
    expect(view.body.content.notes).toEqual([]);
    const audit = await appApi('GET', `/api/cases/${created.id}/audit`, { token: lead.token });
    expect(audit.status).toBe(200);
    expect(audit.body.verification).toMatchObject({
      valid: true,
      length: audit.body.records.length,
    });
    expect((audit.body.records as AuditRecord[]).map((r) => r.type)).toEqual([
      'CREATE',
      'ROUTE',
      'ADD_NOTE',
      'CLOSE',
      'SET_RETENTION',
      'TICK',
      'PURGE',
    ]);
  });
});
