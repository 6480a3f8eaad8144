/**
 * The case machine: four parallel regions (lifecycle, routing, hold, retention), each
 * declared in its own file. Pure: it imports nothing from the store, bindings or the
 * clock; time arrives on every event as `at`.
 *
 * No `after`, `invoke` or spawned children: in-memory timers and children do not survive a
 * restore. Deadlines are timestamps in the context; the host arms a timer and sends TICK.
 */
import { and, assign, setup } from 'xstate';

import type { CaseContext, CaseInput } from './context';
import { initialContext } from './context';
import type { CaseEvent, CaseEventOf } from './events';
import { guards } from './guards';
import { holdRegion, holdUpdates } from './hold';
import { lifecycleRegion, lifecycleUpdates } from './lifecycle';
import { retentionRegion, retentionUpdates } from './retention';
import { routingRegion, routingUpdates } from './routing';

/**
 * The version of the machine's definition stored in every snapshot envelope. Raise it
 * when a change means stored snapshots no longer restore as they are, and add a migration
 * from the previous version in `migrations.ts`.
 */
export const CASE_MACHINE_VERSION = 1;

type Update = (context: CaseContext, event: never) => Partial<CaseContext>;

/** Updates of events that belong to no region. */
const caseUpdates = {
  lockMailbox: (_: CaseContext, e: CaseEventOf<'MAILBOX_LOCKED'>) => ({
    mailboxLockedUntil: e.until,
    lastEventAt: e.at,
  }),
};

const updates: Record<string, Update> = {
  ...caseUpdates,
  ...lifecycleUpdates,
  ...routingUpdates,
  ...holdUpdates,
  ...retentionUpdates,
};

/** Each pure update becomes an xstate `assign` action of the same name. */
const actions = Object.fromEntries(
  Object.entries(updates).map(([name, update]) => [
    name,
    assign<CaseContext, CaseEvent, undefined, CaseEvent, never>(({ context, event }) =>
      update(context, event as never),
    ),
  ]),
);

/** The case statechart. */
export const caseMachine = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseEvent,
    input: {} as CaseInput,
  },
  guards,
  actions,
}).createMachine({
  id: 'case',
  type: 'parallel',
  context: ({ input }) => initialContext(input),
  on: {
    EXPORT: { guard: and(['notPurged', 'isLead', 'notOnHold']), actions: 'touch' },
    MAILBOX_LOCKED: { guard: and(['notPurged', 'isSystem']), actions: 'lockMailbox' },
    ACCESS_ATTACHMENT: {
      guard: and(['notPurged', 'isCaseWorker', 'isAssignee']),
      actions: 'touch',
    },
  },
  states: {
    lifecycle: lifecycleRegion,
    routing: routingRegion,
    hold: holdRegion,
    retention: retentionRegion,
  } as never,
});
