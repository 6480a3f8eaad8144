/**
 * Hold region: a legal hold freezes a case's closure, export and purge until it is
 * released. Pure: no I/O.
 */
import { and } from 'xstate';

import type { CaseContext } from './context';
import type { CaseEventOf } from './events';

/** Context updates of this region. */
export const holdUpdates = {
  placeHold: (_: CaseContext, e: CaseEventOf<'PLACE_HOLD'>) => ({
    hold: { reason: e.reason, placedAt: e.at, placedBy: e.actor.id },
    lastEventAt: e.at,
  }),
  releaseHold: (_: CaseContext, e: CaseEventOf<'RELEASE_HOLD'>) => ({
    hold: null,
    lastEventAt: e.at,
  }),
};

/** The hold region's state configuration. */
export const holdRegion = {
  initial: 'none',
  states: {
    none: {
      on: {
        PLACE_HOLD: {
          target: 'active',
          guard: and(['notPurged', 'isLead']),
          actions: 'placeHold',
        },
      },
    },
    active: {
      on: {
        RELEASE_HOLD: {
          target: 'none',
          guard: and(['notPurged', 'isLead']),
          actions: 'releaseHold',
        },
      },
    },
  },
} as const;
