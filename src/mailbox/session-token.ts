/**
 * The mailbox session token: `mbs.<org>.<case id>.<secret>.<tag>`. Pure: no I/O.
 *
 * It names its case so that a request goes straight to the case's Durable Object, which
 * holds only the keyed digest of the secret. The page carries it in an HttpOnly,
 * SameSite=Strict cookie and the API as a bearer token; never in a URL.
 *
 * The tag is an HMAC-SHA-256 under SERVER_SECRET over the other parts, so a token this server
 * did not issue is refused on sight: without it anyone could name any organisation and case,
 * and a request would reach a Durable Object (creating it), read an upload and count against
 * the organisation's rate limit before the case object said no. The tag proves only that the
 * token was issued; whether its session is still live (logout, idle and absolute expiry) is
 * the case object's to say.
 */
import { hmacSha256Hex, timingSafeEqual } from '../auth/tokens';
import { CASE_ID_PATTERN } from '../cases/case-stub';

export interface MailboxSession {
  org: string;
  caseId: string;
  secret: string;
}

const PATTERN =
  /^mbs\.([a-z0-9][a-z0-9-]{0,62})\.(c_[0-9A-Z]{20})\.([A-Za-z0-9_-]{43})\.([0-9a-f]{32})$/;

// The purpose keeps this MAC from ever matching another keyed hash under the same secret.
const TAG_PURPOSE = 'mailbox-session-tag';

// 128 bits: half the hash output, as RFC 2104 §5 recommends for a truncated HMAC.
const TAG_HEX_CHARS = 32;

/** The token for a session. */
export function formatSessionToken(serverSecret: string, session: MailboxSession): string {
  const { org, caseId, secret } = session;

  return `mbs.${org}.${caseId}.${secret}.${sessionTag(serverSecret, session)}`;
}

/** The parts of a session token this server issued, or null (malformed, or a wrong tag). */
export function parseSessionToken(
  serverSecret: string,
  token: string | undefined | null,
): MailboxSession | null {
  const match = token ? PATTERN.exec(token) : null;
  if (!match || !CASE_ID_PATTERN.test(match[2] ?? '')) return null;
  const session = { org: match[1] ?? '', caseId: match[2] ?? '', secret: match[3] ?? '' };

  // Constant time: a comparison that stopped early would let a forger find the tag by timing.
  return timingSafeEqual(sessionTag(serverSecret, session), match[4] ?? '') ? session : null;
}

// The parts are joined with `|`, which none of them can contain, so no two sessions share
// the tagged text.
function sessionTag(serverSecret: string, session: MailboxSession): string {
  const text = `${TAG_PURPOSE}:${session.org}|${session.caseId}|${session.secret}`;

  return hmacSha256Hex(serverSecret, text).slice(0, TAG_HEX_CHARS);
}
