/**
 * The cron's sweep: a safety net behind each case's own alarm. It reads the KV read model
 * for cases whose next wake-up has passed and asks each case's object to run what its alarm
 * would. Alarms are durable and retried by the platform, so the sweep normally finds
 * nothing; it exists for an alarm lost to an operator's mistake or a failed deploy.
 *
 * KV may lag: a case it misses now it finds on a later run, and waking a case early or twice
 * is harmless, because the case's TICK and PURGE are idempotent.
 */
import { caseStub } from '../cases/case-stub';
import type { Env } from '../env';
import { log } from '../log';
import type { CaseSummary } from './kv-layout';

/** At most this many cases are woken per run, to stay well inside a cron's CPU time. */
export const MAX_WAKES_PER_SWEEP = 200;

/** Wakes the cases whose `nextWakeAt` is not after `now`. Returns how many were woken. */
export async function sweepCases(env: Env, now: number): Promise<{ woken: number; seen: number }> {
  let cursor: string | undefined;
  let seen = 0;
  let woken = 0;

  do {
    const page = await env.CASES_KV.list<CaseSummary>({ prefix: 'org/', cursor, limit: 1000 });
    for (const key of page.keys) {
      seen += 1;
      const wakeAt = key.metadata?.nextWakeAt;
      const org = /^org\/([^/]+)\/case\//.exec(key.name)?.[1];
      if (!org || !key.metadata || !wakeAt || Date.parse(wakeAt) > now) continue;
      await caseStub(env, org, key.metadata.id).wake();
      woken += 1;
      if (woken >= MAX_WAKES_PER_SWEEP) break;
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor && woken < MAX_WAKES_PER_SWEEP);
  log('info', 'sweep', { seen, woken });

  return { woken, seen };
}
