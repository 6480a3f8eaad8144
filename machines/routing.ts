/**
 * Routing region: who works the case. Pure: no I/O.
 *
 * unrouted → queued (for a team) → assigned → reassigned; a recusal sends the case back to
 * the queue and excludes the person who stepped away, for good.
 */
import { and } from 'xstate';

import type { CaseContext } from './context';
import type { CaseEventOf } from './events';

const assign = {
  guard: and(['notPurged', 'isLead', 'assigneeNotExcluded']),
  actions: 'assign',
} as const;
const reassign = {
  target: 'reassigned',
  guard: and(['notPurged', 'isLead', 'assigneeNotExcluded', 'assigneeChanges']),
  actions: 'assign',
} as const;
const recuse = {
  target: 'queued',
  guard: and(['notPurged', 'isCaseWorker', 'isCurrentAssignee']),
  actions: 'recuse',
} as const;

/** Context updates of this region. */
export const routingUpdates = {
  route: (_: CaseContext, e: CaseEventOf<'ROUTE'>) => ({
    team: e.team,
    assignee: e.assignee,
    lastEventAt: e.at,
  }),
  assign: (_: CaseContext, e: CaseEventOf<'ASSIGN'>) => ({
    assignee: e.assignee,
    lastEventAt: e.at,
  }),
  recuse: (c: CaseContext, e: CaseEventOf<'RECUSE'>) => ({
    assignee: null,
    excluded: c.excluded.includes(e.actor.id) ? c.excluded : [...c.excluded, e.actor.id],
    lastEventAt: e.at,
  }),
};

/** The routing region's state configuration. */
export const routingRegion = {
  initial: 'unrouted',
  states: {
    unrouted: {
      on: {
        ROUTE: [
          {
            target: 'assigned',
            guard: and(['notPurged', 'isSystem', 'routeNamesAssignee']),
            actions: 'route',
          },
          { target: 'queued', guard: and(['notPurged', 'isSystem']), actions: 'route' },
        ],
        ASSIGN: { ...assign, target: 'assigned' },
      },
    },
    queued: { on: { ASSIGN: { ...assign, target: 'assigned' } } },
    assigned: { on: { ASSIGN: reassign, RECUSE: recuse } },
    reassigned: { on: { ASSIGN: reassign, RECUSE: recuse } },
  },
} as const;
