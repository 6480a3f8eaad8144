/**
 * One event of a stored case, decided and recorded: restore the envelope, let the machine
 * decide, and build the audit record and the next envelope. Pure: no I/O, and no clock (the
 * caller passes the time it read).
 *
 * The case's Durable Object runs exactly this between reading its journal and committing, so
 * the property tests and the benchmark, which run it in Node over thousands of histories,
 * test and time the step the object takes.
 */
import type { CaseEnvelope, CaseSnapshot, Refusal, RegionStates } from '../../machines/engine';
import { decide, envelope, restore } from '../../machines/engine';
import type { Actor, CaseCommand, CaseEvent } from '../../machines/events';
import { auditDetails } from '../../machines/events';
import type { AuditDraft, AuditRecord } from '../audit/chain';
import { appendRecord } from '../audit/chain';

/** An accepted event: what to commit, together, in one transaction. */
export interface AcceptedEvent {
  ok: true;
  /** The event as the machine received it, stamped with its time and actor. */
  event: CaseEvent;
  record: AuditRecord;
  envelope: CaseEnvelope;
  snapshot: CaseSnapshot;
}

/**
 * Decides `command` from `actor` at `now` against the stored envelope. The event's time is
 * never before the case's last event, so the trail's times never go backwards even when
 * the clock does. A refusal names the rule and carries nothing to commit.
 */
export function decideEvent(
  current: CaseEnvelope,
  last: AuditRecord | null,
  command: CaseCommand,
  actor: Actor,
  now: number,
): AcceptedEvent | Refusal {
  const snapshot = restore(current.snapshot);
  const at = Math.max(now, snapshot.context.lastEventAt);
  const event = { ...command, at, actor } as CaseEvent;
  const decision = decide(snapshot, event);
  if (!decision.ok) return decision;

  const record = appendRecord(last, auditDraft(event, decision.before, decision.after));

  return {
    ok: true,
    event,
    record,
    envelope: envelope(decision.snapshot, record.seq),
    snapshot: decision.snapshot,
  };
}

/** The audit record of an event before it is chained: server time, actor, states, details. */
export function auditDraft(
  event: CaseEvent,
  before: RegionStates,
  after: RegionStates,
): AuditDraft {
  return {
    at: new Date(event.at).toISOString(),
    actor: { id: event.actor.id, role: event.actor.role },
    type: event.type,
    before: { ...before },
    after: { ...after },
    details: auditDetails(event),
  };
}
