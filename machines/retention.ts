/**
 * Retention region: how long a closed case is kept. Pure: no I/O.
 *
 * retained (open) → scheduled (closed, purge date set) → due (date reached) → purged.
 * Directive 2019/1937 Art. 18(1): records are kept no longer than necessary and
 * proportionate; a legal hold suspends the purge.
 */
import { and } from 'xstate';

import type { CaseContext } from './context';
import type { CaseEventOf } from './events';
import { CLOSE_GUARDS, WORK } from './lifecycle';

const purge = {
  target: 'purged',
  guard: and(['notPurged', 'isSystem', 'notOnHold', 'purgeDue']),
  actions: 'purge',
} as const;
const setRetention = {
  target: 'scheduled',
  guard: and(['notPurged', 'isLead', 'isClosed', 'retentionAfterClosure']),
  actions: 'setRetention',
} as const;
const reopen = { target: 'retained', guard: and([...WORK]) } as const;

/** Context updates of this region. */
export const retentionUpdates = {
  setRetention: (c: CaseContext, e: CaseEventOf<'SET_RETENTION'>) => ({
    retention: { ...c.retention, until: Date.parse(e.until), reason: e.reason },
    lastEventAt: e.at,
  }),
  purge: (_: CaseContext, e: CaseEventOf<'PURGE'>) => ({
    purgedAt: e.at,
    lastEventAt: e.at,
  }),
};

/** The retention region's state configuration. */
export const retentionRegion = {
  initial: 'retained',
  states: {
    retained: {
      on: {
        CLOSE: { target: 'scheduled', guard: and([...CLOSE_GUARDS]) },
        SET_RETENTION: setRetention,
        PURGE: purge,
      },
    },
    scheduled: {
      on: {
        TICK: { target: 'due', guard: and(['isSystem', 'retentionElapsed']), actions: 'touch' },
        SET_RETENTION: setRetention,
        REOPEN: reopen,
        PURGE: purge,
      },
    },
    due: {
      on: {
        SET_RETENTION: setRetention,
        REOPEN: reopen,
        PURGE: purge,
      },
    },
    purged: {},
  },
} as const;
