/**
 * Use case: list the cases a staff member may see, from the KV read model. KV lags by up to
 * a minute, which a list tolerates; opening a case re-checks access at its Durable Object.
 */
import type { ProductMode } from '../../machines/context';
import type { StaffPrincipal } from '../auth/permissions';
import { canSeeCase } from '../auth/permissions';
import type { Env } from '../env';
import type { CaseSummary } from '../store/kv-layout';
import { caseListPrefix } from '../store/kv-layout';

export interface ListCasesOptions {
  org: string;
  mode: ProductMode;
  user: StaffPrincipal;
  cursor?: string | undefined;
  limit: number;
}

/** A cursor KV did not accept: not one a list of this organisation handed out. */
export class InvalidCursorError extends Error {}

export interface CasePage {
  items: CaseSummary[];
  cursor: string | null;
}

/** KV pages read per request at most; past them the caller continues with the cursor. */
export const MAX_KV_PAGES = 10;

/**
 * One page of at most `limit` visible cases. KV pages are asked for no more keys than are
 * still wanted, so the cursor never skips a case; a page can hold invisible cases or be empty
 * while more remain, so up to MAX_KV_PAGES are read before answering with a shorter page.
 */
export async function listCases(env: Env, options: ListCasesOptions): Promise<CasePage> {
  const items: CaseSummary[] = [];
  let cursor = options.cursor;

  for (let pages = 0; pages < MAX_KV_PAGES && items.length < options.limit; pages += 1) {
    const request = {
      prefix: caseListPrefix(options.org),
      cursor,
      limit: options.limit - items.length,
    };
    // Only a cursor from the client can be bad; one KV handed out on the last page is not.
    const page = await env.CASES_KV.list<CaseSummary>(request).catch((error: unknown) => {
      if (pages === 0 && cursor !== undefined) throw new InvalidCursorError();
      throw error;
    });
    for (const key of page.keys) {
      // Metadata that left exclusions or names out decides nothing: the value is complete.
      const summary = key.metadata?.partial
        ? await env.CASES_KV.get<CaseSummary>(key.name, 'json')
        : key.metadata;
      if (summary && canSeeCase({ ...summary, mode: options.mode }, options.user)) {
        items.push(summary);
      }
    }
    if (page.list_complete) return { items, cursor: null };
    cursor = page.cursor;
  }

  return { items, cursor: cursor ?? null };
}
