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

/** What a case list shows; stored as both value and list metadata (under KV's 1024 bytes). */
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
}

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
    excluded: context.excluded.slice(0, 5),
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
