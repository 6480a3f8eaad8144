/**
 * The mailbox session token: `mbs.<org>.<case id>.<secret>`. Pure: no I/O.
 *
 * It names its case so that a request goes straight to the case's Durable Object, which
 * holds only the keyed digest of the secret. The page carries it in an HttpOnly,
 * SameSite=Strict cookie and the API as a bearer token; never in a URL.
 */
import { CASE_ID_PATTERN } from '../cases/case-stub';

export interface MailboxSession {
  org: string;
  caseId: string;
  secret: string;
}

const PATTERN = /^mbs\.([a-z0-9][a-z0-9-]{0,62})\.(c_[0-9A-Z]{20})\.([A-Za-z0-9_-]{43})$/;

/** The token for a session. */
export function formatSessionToken(session: MailboxSession): string {
  return `mbs.${session.org}.${session.caseId}.${session.secret}`;
}

/** The parts of a session token, or null when it is not one. */
export function parseSessionToken(token: string | undefined | null): MailboxSession | null {
  const match = token ? PATTERN.exec(token) : null;
  if (!match || !CASE_ID_PATTERN.test(match[2] ?? '')) return null;

  return { org: match[1] ?? '', caseId: match[2] ?? '', secret: match[3] ?? '' };
}
