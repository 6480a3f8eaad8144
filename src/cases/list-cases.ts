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

export interface CasePage {
  items: CaseSummary[];
  cursor: string | null;
}

/**
 * One page of visible cases. KV pages hold at most 1000 keys and may be empty while more
 * remain, so this reads pages until it has `limit` items or the list is complete.
 */
export async function listCases(env: Env, options: ListCasesOptions): Promise<CasePage> {
  const items: CaseSummary[] = [];
  let cursor = options.cursor;

  for (;;) {
    const page = await env.CASES_KV.list<CaseSummary>({
      prefix: caseListPrefix(options.org),
      cursor,
      limit: 1000,
    });
    for (const key of page.keys) {
      const summary = key.metadata;
      if (summary && canSeeCase({ ...summary, mode: options.mode }, options.user))
        items.push(summary);
    }
    if (page.list_complete) return { items, cursor: null };
    cursor = page.cursor;
    if (items.length >= options.limit) return { items, cursor };
  }
}
