/**
 * The policy documents in force for an organisation (table `policies`, one row per version
 * of each kind). Read-only here; the defaults from policies/ apply until a version is stored.
 */
import type { IntakePolicy, RetentionPolicy, RoutingPolicy } from '../../../policies';
import {
  DEFAULT_INTAKE_POLICY,
  DEFAULT_RETENTION_POLICY,
  DEFAULT_ROUTING_POLICY,
} from '../../../policies';

/** The routing, retention and intake policies an organisation works under. */
export interface OrgPolicies {
  routing: RoutingPolicy;
  retention: RetentionPolicy;
  intake: IntakePolicy;
}

/** The newest stored version of each policy, else its default. */
export function currentPolicies(sql: SqlStorage): OrgPolicies {
  const latest = (kind: string) =>
    sql
      .exec<{ document: string }>(
        'SELECT document FROM policies WHERE kind = ? ORDER BY version DESC LIMIT 1',
        kind,
      )
      .toArray()[0]?.document;
  const routing = latest('routing');
  const retention = latest('retention');
  const intake = latest('intake');

  return {
    routing: routing ? (JSON.parse(routing) as RoutingPolicy) : DEFAULT_ROUTING_POLICY,
    retention: retention ? (JSON.parse(retention) as RetentionPolicy) : DEFAULT_RETENTION_POLICY,
    intake: intake ? (JSON.parse(intake) as IntakePolicy) : DEFAULT_INTAKE_POLICY,
  };
}
