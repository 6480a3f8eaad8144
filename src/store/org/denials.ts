/**
 * The record of refused staff requests (table `denials`): who, method, route, when and why;
 * never a body, a path parameter, an IP address or a user agent. Bounded to DENIALS_KEPT rows.
 * Touches `denials`, reads `users` for the role, and logs each denial.
 */
import { log } from '../../log';
import { userById } from './accounts';

/** Denials kept; older ones are dropped as new ones arrive. */
export const DENIALS_KEPT = 100_000;

/** Where a request was going, for the record of denials. */
export interface RequestInfo {
  method: string;
  route: string;
}

/** One refused staff request: who, what, when and why; never a body or parameter. */
export interface Denial {
  at: string;
  userId: string | null;
  role: string | null;
  method: string;
  route: string;
  reason: string;
}

/**
 * Stores and logs one denial. Fields are cut to the column's purpose (a method, a route
 * pattern, a reason code) so a caller cannot make a row large.
 */
export function insertDenial(
  sql: SqlStorage,
  userId: string | null,
  role: string | null,
  request: RequestInfo,
  reason: string,
): void {
  sql.exec(
    'INSERT INTO denials (at, user_id, role, method, route, reason) VALUES (?, ?, ?, ?, ?, ?)',
    Date.now(),
    userId,
    role,
    request.method.slice(0, 10),
    request.route.slice(0, 200),
    reason.slice(0, 100),
  );
  // Bounded, so that requests nobody can stop (unknown emails) cannot grow it for ever.
  sql.exec('DELETE FROM denials WHERE id <= (SELECT MAX(id) FROM denials) - ?', DENIALS_KEPT);
  log('warn', 'access_denied', {
    userId,
    role,
    method: request.method,
    route: request.route,
    reason,
  });
}

/** Records a denial for a known account id, with the account's current role. */
export function denyUser(
  sql: SqlStorage,
  userId: string,
  request: RequestInfo | undefined,
  reason: string,
): void {
  const row = userById(sql, userId);
  insertDenial(sql, userId, row?.role ?? null, request ?? { method: '-', route: '-' }, reason);
}

/** The newest denials first, at most `limit` (clamped to 1..5000). */
export function listDenials(sql: SqlStorage, limit: number): Denial[] {
  return sql
    .exec<{
      at: number;
      user_id: string | null;
      role: string | null;
      method: string;
      route: string;
      reason: string;
    }>('SELECT * FROM denials ORDER BY id DESC LIMIT ?', Math.min(Math.max(limit, 1), 5000))
    .toArray()
    .map((row) => ({
      at: new Date(row.at).toISOString(),
      userId: row.user_id,
      role: row.role,
      method: row.method,
      route: row.route,
      reason: row.reason,
    }));
}
