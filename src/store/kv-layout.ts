/**
 * The KV read model: one key per case, mirrored from its Durable Object after each commit.
 * See LAYOUT.md beside this file. KV is eventually consistent and lags by up to a minute
 * elsewhere: it serves lists and dashboards, never a decision about access or state.
 */
import type { CaseContext } from '../../machines/context';
import type { RegionStates } from '../../machines/engine';

/** The key of a case's summary. Lists come in key order, which is case-id order (random). */
export function caseKey(orgId: string, caseId: string): string {
  return `org/${orgId}/case/${caseId}`;
}

/** The prefix that lists every case of an organisation. */
export function caseListPrefix(orgId: string): string {
  return `org/${orgId}/case/`;
}

/**
 * What a case list shows. The whole summary is the key's value; its list metadata is the same
 * summary when it fits KV's 1024 bytes and holds every exclusion, and otherwise a shortened
 * copy marked `partial`, for which a list reads the value (see `listMetadata`).
 */
export interface CaseSummary {
  id: string;
  caseRef: string;
  category: string;
  channel: string;
  states: RegionStates;
  team: string | null;
  assignee: string | null;
  excluded: string[];
  receivedAt: string;
  deadlines: { acknowledgeBy: string; feedbackBy: string };
  overdue: { acknowledgement: boolean; feedback: boolean };
  /** When the case's own alarm should next fire (a deadline or a purge), for the cron sweep. */
  nextWakeAt: string | null;
  seq: number;
  /** Set on list metadata that left something out: read the key's value before deciding. */
  partial?: true;
}

/** KV's limit on a key's metadata, as serialised JSON (PLATFORM.md, "Workers KV"). */
export const KV_METADATA_BYTES = 1024;

/** Exclusions carried in list metadata; a case with more is listed from its value. */
const METADATA_EXCLUDED = 5;

/** The summary of a case, for KV. */
export function summarise(
  context: CaseContext,
  states: RegionStates,
  seq: number,
  nextWakeAt: number | null,
): CaseSummary {
  return {
    id: context.caseId,
    caseRef: context.caseRef,
    category: context.category,
    channel: context.channel,
    states,
    team: context.team,
    assignee: context.assignee,
    excluded: [...context.excluded],
    receivedAt: new Date(context.receivedAt).toISOString(),
    deadlines: {
      acknowledgeBy: new Date(context.deadlines.acknowledgeBy).toISOString(),
      feedbackBy: new Date(context.deadlines.feedbackBy).toISOString(),
    },
    overdue: context.overdue,
    nextWakeAt: nextWakeAt === null ? null : new Date(nextWakeAt).toISOString(),
    seq,
  };
}

/**
 * The list metadata of a summary: the summary itself when it is complete within KV's limit.
 * Otherwise the exclusions are cut to a few and, if it is still too long (long team and
 * assignee names), the names too; either way it is marked `partial`, so that nobody whose
 * exclusion was cut can see the case in a list (list-cases.ts reads the value then).
 */
export function listMetadata(summary: CaseSummary): CaseSummary {
  const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;
  if (summary.excluded.length <= METADATA_EXCLUDED && bytes(summary) <= KV_METADATA_BYTES) {
    return summary;
  }

  const cut: CaseSummary = {
    ...summary,
    excluded: summary.excluded.slice(0, METADATA_EXCLUDED),
    partial: true,
  };
  if (bytes(cut) <= KV_METADATA_BYTES) return cut;

  return { ...cut, excluded: [], team: null, assignee: null, category: '' };
}
