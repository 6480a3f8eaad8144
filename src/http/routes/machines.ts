/**
 * The machines as data, for reviewers' diagrams: every region's states and transitions with
 * the named rules that guard them, the rules' meanings, and the event schemas.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { caseMachine, CASE_MACHINE_VERSION } from '../../../machines/case';
import { guardNames } from '../../../machines/engine';
import { commandSchemas } from '../../../machines/events';
import { GUARD_MESSAGES } from '../../../machines/guards';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';

interface TransitionJson {
  event: string;
  source: string;
  target: string[];
  guards: string[];
}

/** Every transition of the machine, flattened, with its source, targets and rule names. */
export function machineGraph() {
  const transitions: TransitionJson[] = [];
  const regions: Record<string, { initial: string; states: string[] }> = {};
  const root = caseMachine.root;
  const visit = (node: typeof root) => {
    for (const [event, list] of Object.entries(node.on)) {
      for (const t of list) {
        transitions.push({
          event,
          source: node.path.join('.') || '(case)',
          target: (t.target ?? []).map((s) => s.path.join('.')),
          guards: guardNames(t.guard),
        });
      }
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(root);
  for (const [name, region] of Object.entries(root.states)) {
    const initial = region.config.initial;
    regions[name] = { initial: String(initial), states: Object.keys(region.states) };
  }

  return { id: 'case', version: CASE_MACHINE_VERSION, regions, transitions };
}

export function machineRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/machines',
      auth: 'staff',
      action: 'machines.read',
      tag: 'machines',
      summary: 'The case machine: regions, states, transitions, rules and event schemas',
      responses: { 200: 'The machine definitions', 403: 'Your roles do not read the machines' },
    },
    (c) =>
      c.json({
        machines: [
          {
            ...machineGraph(),
            guards: GUARD_MESSAGES,
            events: Object.fromEntries(
              Object.entries(commandSchemas).map(([type, schema]) => [
                type,
                z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
              ]),
            ),
          },
        ],
      }),
  );
}
