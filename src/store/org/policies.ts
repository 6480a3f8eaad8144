/**
 * The policy documents of an organisation (table `policies`, one row per version of each
 * kind): the versions in force, the history of one kind, and publishing a new version. The
 * defaults from policies/ apply until a version is stored. Publishing writes the row and its
 * record in the organisation's audit trail (`audit`, through org-audit.ts) in one transaction.
 * Touches the tables `policies` and `audit` and reads `org`.
 */
import type { IntakePolicy, RetentionPolicy, RoutingPolicy } from '../../../policies';
import {
  DEFAULT_INTAKE_POLICY,
  DEFAULT_RETENTION_POLICY,
  DEFAULT_ROUTING_POLICY,
  IntakePolicySchema,
  RetentionPolicySchema,
  RoutingPolicySchema,
} from '../../../policies';
import type { AuditActor } from '../../audit/chain';
import type { Failure } from './failure';
import { appendOrgAudit } from './org-audit';
import { readSettings } from './settings';

/** The routing, retention and intake policies an organisation works under. */
export interface OrgPolicies {
  routing: RoutingPolicy;
  retention: RetentionPolicy;
  intake: IntakePolicy;
}

/** The kinds of policy an organisation keeps versions of. */
export const POLICY_KINDS = ['routing', 'retention', 'intake'] as const;

/** A kind of policy. */
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** Is this string a kind of policy? (Route parameters arrive as plain strings.) */
export function isPolicyKind(kind: string): kind is PolicyKind {
  return (POLICY_KINDS as readonly string[]).includes(kind);
}

/** The schema each kind's documents must satisfy. */
export const POLICY_SCHEMAS = {
  routing: RoutingPolicySchema,
  retention: RetentionPolicySchema,
  intake: IntakePolicySchema,
} as const;

const DEFAULTS: OrgPolicies = {
  routing: DEFAULT_ROUTING_POLICY,
  retention: DEFAULT_RETENTION_POLICY,
  intake: DEFAULT_INTAKE_POLICY,
};

/** One stored version of a policy: its document, when and by whom it was published. */
export interface StoredPolicyVersion {
  kind: PolicyKind;
  version: number;
  document: OrgPolicies[PolicyKind];
  /** ISO 8601. */
  createdAt: string;
  /** The staff member's id. */
  createdBy: string;
}

type PolicyRow = {
  kind: string;
  version: number;
  document: string;
  created_at: number;
  created_by: string;
};

function latestRow(sql: SqlStorage, kind: PolicyKind): PolicyRow | undefined {
  return sql
    .exec<PolicyRow>(
      'SELECT kind, version, document, created_at, created_by FROM policies WHERE kind = ? ORDER ' +
        'BY version DESC LIMIT 1',
      kind,
    )
    .toArray()[0];
}

/** The document in force for one kind: the newest stored version, else the default. */
function inForce<K extends PolicyKind>(sql: SqlStorage, kind: K): OrgPolicies[K] {
  const row = latestRow(sql, kind);

  return row ? (JSON.parse(row.document) as OrgPolicies[K]) : DEFAULTS[kind];
}

/** The default of each policy, for an organisation that has stored none (or does not exist). */
export function defaultPolicies(): OrgPolicies {
  return { routing: DEFAULTS.routing, retention: DEFAULTS.retention, intake: DEFAULTS.intake };
}

/** The newest stored version of each policy, else its default. */
export function currentPolicies(sql: SqlStorage): OrgPolicies {
  return {
    routing: inForce(sql, 'routing'),
    retention: inForce(sql, 'retention'),
    intake: inForce(sql, 'intake'),
  };
}

/** Every stored version of one kind, newest first (the defaults are not stored, so not listed). */
export function listPolicyVersions(sql: SqlStorage, kind: PolicyKind): StoredPolicyVersion[] {
  return sql
    .exec<PolicyRow>(
      'SELECT kind, version, document, created_at, created_by FROM policies WHERE kind = ? ORDER ' +
        'BY version DESC',
      kind,
    )
    .toArray()
    .map((row) => ({
      kind,
      version: row.version,
      document: JSON.parse(row.document) as OrgPolicies[PolicyKind],
      createdAt: new Date(row.created_at).toISOString(),
      createdBy: row.created_by,
    }));
}

/**
 * Publishes a new version of one kind. The version is the newest stored one (or the
 * default's) plus one, whatever the document says, so versions only grow and a case's
 * recorded version always names one document. The document is parsed again here with its
 * final version: the caller validates for the user's sake, this keeps the table valid. No
 * await: the read of the newest version and the insert run under the object's input gate.
 */
export function publishPolicy(
  storage: DurableObjectStorage,
  kind: PolicyKind,
  document: Record<string, unknown>,
  actor: AuditActor,
): { ok: true; version: StoredPolicyVersion } | Failure<'not_found' | 'validation_failed'> {
  const sql = storage.sql;
  if (!readSettings(sql)) return { ok: false, code: 'not_found', message: 'No such organisation.' };

  const previous = latestRow(sql, kind)?.version ?? DEFAULTS[kind].version;
  const version = previous + 1;
  const parsed = POLICY_SCHEMAS[kind].safeParse({ ...document, version });
  if (!parsed.success) {
    return {
      ok: false,
      code: 'validation_failed',
      message: `The ${kind} policy is not valid.`,
    };
  }

  const createdAt = Date.now();
  storage.transactionSync(() => {
    sql.exec(
      'INSERT INTO policies (kind, version, document, created_at, created_by) VALUES (?, ?, ?, ' +
        '?, ?)',
      kind,
      version,
      JSON.stringify(parsed.data),
      createdAt,
      actor.id,
    );
    appendOrgAudit(
      sql,
      actor,
      'POLICY_PUBLISHED',
      { [kind]: `v${previous}` },
      { [kind]: `v${version}` },
      { kind, version },
    );
  });

  return {
    ok: true,
    version: {
      kind,
      version,
      document: parsed.data,
      createdAt: new Date(createdAt).toISOString(),
      createdBy: actor.id,
    },
  };
}
