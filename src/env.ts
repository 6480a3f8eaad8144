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
