/**
 * Structured logging: one JSON line per request (src/http) and one per committed event
 * (src/store). Nothing that could identify a reporter is logged: no IP address, no user
 * agent, no report text or message body. Audit records carry only non-sensitive details.
 */
import type { AuditRecord } from './audit/chain';

type Level = 'info' | 'warn' | 'error';

const RANK: Record<Level, number> = { info: 0, warn: 1, error: 2 };
let threshold = RANK.info;

/**
 * Sets the lowest level written, from the LOG_LEVEL variable ("info", the default, "warn" or
 * "error"). Called where the Worker and each Durable Object receive their env.
 */
export function configureLogging(level: string | undefined): void {
  threshold = level && level in RANK ? RANK[level as Level] : RANK.info;
}

/** Writes one JSON line. `fields` must not contain content or client identifiers. */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (RANK[level] < threshold) return;
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** The line for a committed event: its type, seq and actor role, never its details. */
export function logEvent(entry: {
  requestId?: string | undefined;
  orgId: string;
  record: AuditRecord;
}): void {
  log('info', 'event_committed', {
    requestId: entry.requestId,
    orgId: entry.orgId,
    type: entry.record.type,
    seq: entry.record.seq,
    actorRole: entry.record.actor.role,
  });
}
