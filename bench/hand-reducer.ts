/**
 * The baseline of the pure benchmark: the case's rules written by hand as one switch over the
 * event type, on the same stored form the engine uses (four region states and the context).
 * Pure: no I/O, no clock.
 *
 * It covers the events the benchmark's histories use and applies the same rule checks in the
 * same places as machines/*.ts (a hold blocks CLOSE, a closed case refuses REPLY, ...). It is
 * not a second implementation of the product: the benchmark checks it against the machine on
 * every generated event before timing, so that the two do the same work.
 */
import type { CaseContext } from '../machines/context';
import { FEEDBACK_WITHIN_MONTHS, pendingDeadlines } from '../machines/context';
import type { PersistedCase, RegionStates } from '../machines/engine';
import type { CaseEvent } from '../machines/events';
import { addMonths } from '../machines/time';
import { retentionUntil } from '../policies/retention';

export type HandDecision =
  | { ok: true; next: PersistedCase; before: RegionStates; after: RegionStates }
  | { ok: false; reason: string };

const WORKERS = new Set(['compliance_lead', 'handler']);
const OPEN = new Set(['acknowledged', 'investigating', 'feedbackGiven', 'reopened']);

/** Not purged, a case worker, and in scope: the guards of all staff work on a case. */
function mayWork(c: CaseContext, actor: CaseEvent['actor']): boolean {
  if (c.purgedAt !== null || !WORKERS.has(actor.role)) return false;
  if (c.excluded.includes(actor.id)) return false;
  if (actor.role === 'compliance_lead' || c.assignee === actor.id) return true;

  return c.mode === 'team' && c.team !== null && actor.units.includes(c.team);
}

const isLead = (c: CaseContext, e: CaseEvent) =>
  c.purgedAt === null && e.actor.role === 'compliance_lead';

/** Decides one event over the stored form and returns the next stored form; never mutates. */
export function handDecide(current: PersistedCase, e: CaseEvent): HandDecision {
  const s = current.value;
  const c = current.context;
  let value: RegionStates = s;
  let context: CaseContext = c;
  const refuse = (reason: string): HandDecision => ({ ok: false, reason });

  switch (e.type) {
    case 'ACKNOWLEDGE': {
      // A case closed before it was acknowledged may be acknowledged once reopened.
      const late = s.lifecycle === 'reopened' && c.acknowledgedAt === null;
      if ((s.lifecycle !== 'received' && !late) || !mayWork(c, e.actor))
        return refuse('ACKNOWLEDGE');
      if (!late) value = { ...s, lifecycle: 'acknowledged' };
      context = {
        ...c,
        acknowledgedAt: e.at,
        overdue: {
          ...c.overdue,
          acknowledgement: c.overdue.acknowledgement || e.at > c.deadlines.acknowledgeBy,
        },
        lastEventAt: e.at,
        deadlines: { ...c.deadlines, feedbackBy: addMonths(e.at, FEEDBACK_WITHIN_MONTHS) },
      };
      break;
    }
    case 'START_INVESTIGATION':
      if (!OPEN.has(s.lifecycle) || s.lifecycle === 'investigating' || !mayWork(c, e.actor))
        return refuse('START_INVESTIGATION');
      value = { ...s, lifecycle: 'investigating' };
      context = { ...c, lastEventAt: e.at };
      break;
    case 'REPLY':
      if (!OPEN.has(s.lifecycle) || !mayWork(c, e.actor)) return refuse('REPLY');
      context = { ...c, lastEventAt: e.at };
      break;
    case 'ADD_NOTE':
      if (!mayWork(c, e.actor)) return refuse('ADD_NOTE');
      context = { ...c, lastEventAt: e.at };
      break;
    case 'GIVE_FEEDBACK':
      if (!OPEN.has(s.lifecycle) || !mayWork(c, e.actor)) return refuse('GIVE_FEEDBACK');
      value = { ...s, lifecycle: 'feedbackGiven' };
      context = {
        ...c,
        feedbackGivenAt: c.feedbackGivenAt ?? e.at,
        overdue: {
          ...c.overdue,
          feedback:
            c.overdue.feedback || (c.feedbackGivenAt === null && e.at > c.deadlines.feedbackBy),
        },
        lastEventAt: e.at,
      };
      break;
    case 'CLOSE':
      if (s.lifecycle === 'closed' || !mayWork(c, e.actor) || c.hold !== null)
        return refuse('CLOSE');
      value = {
        ...s,
        lifecycle: 'closed',
        retention: s.retention === 'retained' ? 'scheduled' : s.retention,
      };
      context = {
        ...c,
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
      };
      break;
    case 'REOPEN':
      if (s.lifecycle !== 'closed' || !mayWork(c, e.actor)) return refuse('REOPEN');
      value = {
        ...s,
        lifecycle: 'reopened',
        retention: s.retention === 'scheduled' || s.retention === 'due' ? 'retained' : s.retention,
      };
      context = {
        ...c,
        closedAt: null,
        outcome: null,
        lastEventAt: e.at,
        retention: { ...c.retention, until: null, reason: null },
      };
      break;
    case 'ASSIGN': {
      if (!isLead(c, e) || c.excluded.includes(e.assignee)) return refuse('ASSIGN');
      const assigned = s.routing === 'assigned' || s.routing === 'reassigned';
      if (assigned && e.assignee === c.assignee) return refuse('ASSIGN');
      value = { ...s, routing: assigned ? 'reassigned' : 'assigned' };
      context = { ...c, assignee: e.assignee, lastEventAt: e.at };
      break;
    }
    case 'PLACE_HOLD':
      if (s.hold !== 'none' || !isLead(c, e)) return refuse('PLACE_HOLD');
      value = { ...s, hold: 'active' };
      context = {
        ...c,
        hold: { reason: e.reason, placedAt: e.at, placedBy: e.actor.id },
        lastEventAt: e.at,
      };
      break;
    case 'RELEASE_HOLD':
      if (s.hold !== 'active' || !isLead(c, e)) return refuse('RELEASE_HOLD');
      value = { ...s, hold: 'none' };
      context = { ...c, hold: null, lastEventAt: e.at };
      break;
    case 'SET_RETENTION': {
      const until = Date.parse(e.until);
      if (s.retention === 'purged' || !isLead(c, e) || c.closedAt === null || until <= c.closedAt)
        return refuse('SET_RETENTION');
      value = { ...s, retention: 'scheduled' };
      context = {
        ...c,
        retention: { ...c.retention, until, reason: e.reason },
        lastEventAt: e.at,
      };
      break;
    }
    case 'EXPORT':
      if (!isLead(c, e) || c.hold !== null) return refuse('EXPORT');
      context = { ...c, lastEventAt: e.at };
      break;
    case 'TICK': {
      if (e.actor.role !== 'system') return refuse('TICK');
      const overdue = c.purgedAt === null && pendingDeadlines(c).some((d) => e.at > d);
      const elapsed =
        s.retention === 'scheduled' && c.retention.until !== null && e.at >= c.retention.until;
      if (!overdue && !elapsed) return refuse('TICK');
      if (elapsed) {
        value = { ...s, retention: 'due' };
        context = { ...c, lastEventAt: e.at };
      }
      if (overdue)
        context = {
          ...c,
          overdue: {
            acknowledgement:
              c.overdue.acknowledgement ||
              (c.acknowledgedAt === null && e.at > c.deadlines.acknowledgeBy),
            feedback:
              c.overdue.feedback || (c.feedbackGivenAt === null && e.at > c.deadlines.feedbackBy),
          },
          lastEventAt: e.at,
        };
      break;
    }
    default:
      return refuse(`${e.type} is not covered by the hand-written baseline`);
  }

  return { ok: true, next: { value, context }, before: s, after: value };
}
