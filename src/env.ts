/**
 * The Worker's bindings and settings, as declared in wrangler.toml.
 */
import type { CaseObject } from './store/case-object';
import type { MailboxDirectory } from './store/mailbox-directory';
import type { OrgObject } from './store/org-object';

export interface Env {
  CASES: DurableObjectNamespace<CaseObject>;
  ORGS: DurableObjectNamespace<OrgObject>;
  MAILBOXES: DurableObjectNamespace<MailboxDirectory>;
  CASES_KV: KVNamespace;
  ATTACHMENTS: R2Bucket;
  EMAIL_QUEUE: Queue<EmailMessage>;
  ASSETS?: Fetcher;
  /** "true" only for local development: seeds the demo workspace. Never set in production. */
  DEMO_SEED?: string;
  /** "all" forces TOTP on every staff account; "org" leaves it to each organisation. */
  TOTP_ENFORCEMENT?: string;
  /** Key for the HMACs of session tokens and reporter credentials. */
  SERVER_SECRET: string;
  /** Lowest log level written: "info" (default), "warn" or "error". */
  LOG_LEVEL?: string;
  RESEND_API_KEY?: string;
  RESEND_BASE_URL?: string;
  EMAIL_FROM?: string;
}

/** The key of local development, used only when DEMO_SEED is "true" and no secret is set. */
export const DEVELOPMENT_SECRET = 'local-development-secret-change-me';

/** Shortest SERVER_SECRET accepted: 32 characters (HMAC keys of at least 128 bits). */
export const MIN_SERVER_SECRET_LENGTH = 32;

/**
 * The bindings with SERVER_SECRET settled, and whether the deployment is configured. A
 * deployment sets the secret with `wrangler secret put SERVER_SECRET`; local development
 * (DEMO_SEED "true", which `npm start` passes) falls back to a fixed development key so that
 * a fresh clone runs as it is. Anything else without a secret is not configured, and the
 * Worker refuses to serve rather than hash credentials under a key everyone knows.
 */
export function resolveEnv(env: Env): { env: Env; configured: boolean } {
  if ((env.SERVER_SECRET ?? '').length >= MIN_SERVER_SECRET_LENGTH)
    return { env, configured: true };
  if (env.DEMO_SEED === 'true')
    return { env: { ...env, SERVER_SECRET: DEVELOPMENT_SECRET }, configured: true };

  return { env, configured: false };
}

/**
 * A notification queued for delivery through Resend. It names the case by reference and
 * the recipient by user or role, and carries no report content.
 */
export interface EmailMessage {
  /** Idempotency key: the same key is delivered once. */
  id: string;
  orgId: string;
  caseId: string;
  caseRef: string;
  template: 'case_received' | 'case_assigned' | 'reporter_message' | 'deadline_missed';
  to: { userId: string } | { role: 'compliance_lead' };
}
