/**
 * GET /api/machines, the reviewers' diagram source: every region with every state, every
 * transition with the named rules that guard it, each rule's meaning, and each event's schema.
 */
import { describe, expect, it } from 'vitest';

import { caseMachine } from '../../machines/case';
import { CASE_EVENT_TYPES } from '../../machines/events';
import { GUARD_MESSAGES } from '../../machines/guards';
import { api, createOrg } from './helpers';

interface Transition {
  event: string;
  source: string;
  target: string[];
  guards: string[];
}

describe('GET /api/machines', () => {
  it('lists every state of every region, and guarded transitions by rule name', async () => {
    const org = await createOrg();
    const res = await api('GET', '/api/machines', { token: org.users.reviewer!.token });
    expect(res.status).toBe(200);
    const [machine] = res.body.machines;

    for (const [region, node] of Object.entries(caseMachine.root.states)) {
      expect(machine.regions[region].states.sort()).toEqual(Object.keys(node.states).sort());
    }
    const transitions = machine.transitions as Transition[];
    for (const t of transitions) {
      for (const guard of t.guards) expect(Object.keys(GUARD_MESSAGES)).toContain(guard);
    }
    const closes = transitions.filter((t) => t.event === 'CLOSE');
    expect(closes.length).toBeGreaterThan(0);
    for (const t of closes) expect(t.guards).toContain('notOnHold');
    const purges = transitions.filter((t) => t.event === 'PURGE');
    for (const t of purges) expect(t.guards).toEqual(expect.arrayContaining(['purgeDue']));
    expect(Object.keys(machine.events).sort()).toEqual([...CASE_EVENT_TYPES].sort());
    expect(machine.guards).toEqual(GUARD_MESSAGES);
  });
});
