/**
 * Lifecycle region: where the case stands with the reporter. Pure: no I/O.
 *
 * received → acknowledged → investigating ⇄ feedbackGiven → closed → reopened → …
 * Directive 2019/1937 Art. 9(1): acknowledge within 7 days, give feedback within 3 months.
 */
import { and } from 'xstate';

import type { CaseContext } from './context';
import { retentionUntil } from '../policies/retention';
import { FEEDBACK_WITHIN_MONTHS } from './context';
import type { CaseEventOf } from './events';
import { addMonths } from './time';

/** Guards of every staff action on a case's content: not purged, a case worker, in scope. */
export const WORK = ['notPurged', 'isCaseWorker', 'isAssignee'] as const;
/** Guards of closing: as work, and no legal hold. */
export const CLOSE_GUARDS = [...WORK, 'notOnHold'] as const;

const work = and([...WORK]);
const reply = { guard: work, actions: 'touch' } as const;
const feedback = { guard: work, actions: 'giveFeedback' } as const;
const close = { guard: and([...CLOSE_GUARDS]), actions: 'close' } as const;
const reporterMessage = {
  guard: and(['notPurged', 'isReporter']),
  actions: 'touch',
} as const;

/** Context updates of this region, as pure functions of the context and the event. */
export const lifecycleUpdates = {
  touch: (_: CaseContext, e: { at: number }) => ({ lastEventAt: e.at }),
  /** A late acknowledgement records the miss itself, whether or not a TICK came first. */
  acknowledge: (c: CaseContext, e: CaseEventOf<'ACKNOWLEDGE'>) => ({
    acknowledgedAt: e.at,
    overdue: {
      ...c.overdue,
      acknowledgement: c.overdue.acknowledgement || e.at > c.deadlines.acknowledgeBy,
    },
    lastEventAt: e.at,
  }),
  /** Art. 9(1)(f): the three months run from the acknowledgement once there is one. */
  acknowledgeDeadlines: (c: CaseContext, e: CaseEventOf<'ACKNOWLEDGE'>) => ({
    deadlines: { ...c.deadlines, feedbackBy: addMonths(e.at, FEEDBACK_WITHIN_MONTHS) },
  }),
  giveFeedback: (c: CaseContext, e: CaseEventOf<'GIVE_FEEDBACK'>) => ({
    feedbackGivenAt: c.feedbackGivenAt ?? e.at,
    overdue: {
      ...c.overdue,
      feedback: c.overdue.feedback || (c.feedbackGivenAt === null && e.at > c.deadlines.feedbackBy),
    },
    lastEventAt: e.at,
  }),
  close: (c: CaseContext, e: CaseEventOf<'CLOSE'>) => ({
    closedAt: e.at,
    outcome: e.outcome,
    lastEventAt: e.at,
    retention: {
      ...c.retention,
      until: retentionUntil(
        {
          version: c.retention.policyVersion,
          closedCaseDays: c.retention.closedCaseDays,
          oralRecordDays: c.retention.oralRecordDays,
          byOutcome: c.retention.byOutcome,
        },
        { closedAt: e.at, outcome: e.outcome, channel: c.channel },
      ),
      reason: `policy v${c.retention.policyVersion}: ${e.outcome}`,
    },
  }),
  reopen: (c: CaseContext, e: CaseEventOf<'REOPEN'>) => ({
    closedAt: null,
    outcome: null,
    lastEventAt: e.at,
    retention: { ...c.retention, until: null, reason: null },
  }),
  markOverdue: (c: CaseContext, e: CaseEventOf<'TICK'>) => ({
    overdue: {
      acknowledgement:
        c.overdue.acknowledgement ||
        (c.acknowledgedAt === null && e.at > c.deadlines.acknowledgeBy),
      feedback: c.overdue.feedback || (c.feedbackGivenAt === null && e.at > c.deadlines.feedbackBy),
    },
    lastEventAt: e.at,
  }),
  amendRecord: (_: CaseContext, e: CaseEventOf<'AMEND_RECORD'>) => ({
    oralRecord: 'unconfirmed' as const,
    lastEventAt: e.at,
  }),
  confirmRecord: (_: CaseContext, e: CaseEventOf<'CONFIRM_RECORD'>) => ({
    oralRecord: 'confirmed' as const,
    lastEventAt: e.at,
  }),
  requestCorrection: (_: CaseContext, e: CaseEventOf<'REQUEST_CORRECTION'>) => ({
    oralRecord: 'correction_requested' as const,
    lastEventAt: e.at,
  }),
};

/** The lifecycle region's state configuration. */
export const lifecycleRegion = {
  initial: 'received',
  on: {
    ADD_NOTE: { guard: work, actions: 'touch' },
    TICK: { guard: and(['notPurged', 'isSystem', 'deadlinePassed']), actions: 'markOverdue' },
    AMEND_RECORD: { guard: and([...WORK, 'isOralRecord']), actions: 'amendRecord' },
    CONFIRM_RECORD: {
      guard: and(['notPurged', 'isReporter', 'isOralRecord', 'recordUnconfirmed']),
      actions: 'confirmRecord',
    },
    REQUEST_CORRECTION: {
      guard: and(['notPurged', 'isReporter', 'isOralRecord', 'recordUnconfirmed']),
      actions: 'requestCorrection',
    },
  },
  states: {
    received: {
      on: {
        ACKNOWLEDGE: {
          target: 'acknowledged',
          guard: work,
          actions: ['acknowledge', 'acknowledgeDeadlines'],
        },
        CLOSE: { ...close, target: 'closed' },
        REPORTER_MESSAGE: reporterMessage,
      },
    },
    acknowledged: {
      on: {
        START_INVESTIGATION: { target: 'investigating', guard: work, actions: 'touch' },
        REPLY: reply,
        GIVE_FEEDBACK: { ...feedback, target: 'feedbackGiven' },
        CLOSE: { ...close, target: 'closed' },
        REPORTER_MESSAGE: reporterMessage,
      },
    },
    investigating: {
      on: {
        REPLY: reply,
        GIVE_FEEDBACK: { ...feedback, target: 'feedbackGiven' },
        CLOSE: { ...close, target: 'closed' },
        REPORTER_MESSAGE: reporterMessage,
      },
    },
    feedbackGiven: {
      on: {
        START_INVESTIGATION: { target: 'investigating', guard: work, actions: 'touch' },
        REPLY: reply,
        GIVE_FEEDBACK: { guard: work, actions: 'giveFeedback' },
        CLOSE: { ...close, target: 'closed' },
        REPORTER_MESSAGE: reporterMessage,
      },
    },
    closed: {
      on: {
        REOPEN: { target: 'reopened', guard: work, actions: 'reopen' },
      },
    },
    reopened: {
      on: {
        // A case closed before it was acknowledged can still be acknowledged once reopened.
        ACKNOWLEDGE: {
          guard: and([...WORK, 'notYetAcknowledged']),
          actions: ['acknowledge', 'acknowledgeDeadlines'],
        },
        START_INVESTIGATION: { target: 'investigating', guard: work, actions: 'touch' },
        REPLY: reply,
        GIVE_FEEDBACK: { ...feedback, target: 'feedbackGiven' },
        CLOSE: { ...close, target: 'closed' },
        REPORTER_MESSAGE: reporterMessage,
      },
    },
  },
} as const;
