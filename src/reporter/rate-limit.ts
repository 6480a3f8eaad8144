/**
 * Abuse control for the reporter channel without identity.
 *
 * Two limits: one per organisation, counted in a Durable Object (strongly consistent, keyed
 * on the organisation, so nothing about the client is stored); and one per client, held only
 * in this isolate's memory for a few minutes, keyed by a digest of the connecting address
 * under a key that never leaves the isolate (so even memory holds no address). The client
 * limit is best effort by design: isolates are many and short-lived, which is what keeps it
 * from becoming a record of who reported.
 */
import { hmacSha256Hex, randomToken } from '../auth/tokens';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { intakeLimiter } from '../store/mailbox-directory';

/** What is limited, with the organisation's and one client's allowance per window. */
export const LIMITS = {
  report: { org: 30, client: 5, windowMs: 10 * 60 * 1000 },
  login: { org: 300, client: 30, windowMs: 10 * 60 * 1000 },
  message: { org: 300, client: 30, windowMs: 10 * 60 * 1000 },
} as const;

export type LimitedAction = keyof typeof LIMITS;

// Per-isolate key: a digest made with it cannot be matched against a list of addresses later.
// Made on first use: Workers refuse random values in global scope.
let isolateKey: string | null = null;
const MAX_CLIENTS = 10_000;
const clients = new Map<string, { startsAt: number; count: number }>();

/**
 * Raises 429 when the organisation or this client has sent too many requests of this kind.
 * `clientAddress` is Cloudflare's CF-Connecting-IP; it is absent locally, and then only the
 * organisation's limit applies. `org` is null where the organisation is not yet known (the
 * API's mailbox login: the token finds it), and then only the client's limit applies; the
 * per-token lockout guards each mailbox. The mailbox page's login counts against the
 * organisation of its path. Callers count a report or a message only once it has passed its
 * checks, so refused requests use up nobody's allowance.
 */
export async function enforceLimit(
  env: Env,
  org: string | null,
  action: LimitedAction,
  clientAddress: string | undefined,
): Promise<void> {
  const limit = LIMITS[action];
  const now = Date.now();
  if (clientAddress) {
    isolateKey ??= randomToken(32);
    const key = hmacSha256Hex(isolateKey, `${action}:${clientAddress}`);
    forgetExpired(now, limit.windowMs);
    const entry = clients.get(key);
    if (entry && now - entry.startsAt < limit.windowMs) {
      if (entry.count >= limit.client) throw limited(limit.windowMs / 1000);
      entry.count += 1;
    } else if (clients.size < MAX_CLIENTS) {
      clients.set(key, { startsAt: now, count: 1 });
    }
  }

  if (org === null) return;
  const admitted = await intakeLimiter(env, org).admit(action, limit.org, limit.windowMs);
  if (!admitted.ok) throw limited(admitted.retryAfter);
}

function forgetExpired(now: number, windowMs: number): void {
  for (const [key, entry] of clients) {
    if (now - entry.startsAt >= windowMs) clients.delete(key);
  }
}

function limited(retryAfter: number): ApiError {
  return new ApiError(
    'rate_limited',
    `Too many requests just now. Try again in ${Math.max(1, Math.ceil(retryAfter / 60))} min.`,
    { retryAfter },
  );
}
