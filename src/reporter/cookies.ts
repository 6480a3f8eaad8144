/**
 * The reporter pages' two cookies: the mailbox session and the form token (CSRF). Both are
 * HttpOnly and SameSite=Strict, so no script can read them and no other site's form sends
 * them, and both end with the browser session (no Max-Age): nothing lingers on a shared
 * computer. The server also ends a mailbox session after 30 idle minutes.
 *
 * Over HTTPS the names carry the `__Host-` prefix (RFC 6265bis §4.1.3.2: Secure, Path=/, no
 * Domain, so no sibling subdomain can set or shadow them). Plain http://localhost cannot set a
 * Secure cookie in every browser, so there the names are the same without the prefix.
 *
 * Why a form token as well: pages send `Referrer-Policy: no-referrer`, and browsers then send
 * `Origin: null` with form posts, so an Origin check would refuse the reporter's own forms.
 * SameSite=Strict already keeps the cookie off cross-site posts; the token matched against the
 * form's hidden field also refuses a login forced on the reporter from another site.
 *
 * A form token sends one report. Refreshing the receipt makes the browser post the same form
 * again, so once a report is sent the cookie moves on to the token's successor, a keyed hash of
 * it: the re-post no longer matches, and the cookie being its successor says it was sent
 * already. Nothing about the form or the browser is stored on the server.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

import { bytesToBase64Url, hmacSha256Hex, randomToken, timingSafeEqual } from '../auth/tokens';

const SESSION = 'whispr-mailbox';
const FORM = 'whispr-form';
const FORM_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

// How many reports back a re-post is still recognised: one browser session seldom sends more.
const RECOGNISED_ROTATIONS = 5;

function secure(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

function name(c: Context, base: string): string {
  return secure(c) ? `__Host-${base}` : base;
}

function options(c: Context) {
  return { path: '/', httpOnly: true, sameSite: 'Strict' as const, secure: secure(c) };
}

/** The mailbox session token in the cookie, if any. */
export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, name(c, SESSION));
}

/** Sets the mailbox session cookie. */
export function writeSessionCookie(c: Context, token: string): void {
  setCookie(c, name(c, SESSION), token, options(c));
}

/** Clears the mailbox session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, name(c, SESSION), options(c));
}

/** The form token for a page: the cookie's, or a new one set now. */
export function formToken(c: Context): string {
  const current = getCookie(c, name(c, FORM));
  if (current && FORM_TOKEN_PATTERN.test(current)) return current;
  const token = randomToken(32);
  setCookie(c, name(c, FORM), token, options(c));

  return token;
}

/** True when the posted form carries the token of the cookie. */
export function formTokenMatches(c: Context, posted: unknown): boolean {
  const cookie = getCookie(c, name(c, FORM));

  return typeof posted === 'string' && !!cookie && timingSafeEqual(cookie, posted);
}

/** The token that follows `token` once its form has sent a report: 256 bits, keyed. */
export function nextFormToken(serverSecret: string, token: string): string {
  return bytesToBase64Url(hexToBytes(hmacSha256Hex(serverSecret, `form-token-next:${token}`)));
}

/** Moves the form cookie on from the token a report was just sent with. */
export function retireFormToken(c: Context, serverSecret: string, sent: string): void {
  setCookie(c, name(c, FORM), nextFormToken(serverSecret, sent), options(c));
}

/** True when the posted token already sent a report from this browser (a re-post). */
export function formTokenSpent(c: Context, serverSecret: string, posted: unknown): boolean {
  const cookie = getCookie(c, name(c, FORM));
  if (typeof posted !== 'string' || !cookie || !FORM_TOKEN_PATTERN.test(posted)) return false;

  let token = posted;
  for (let i = 0; i < RECOGNISED_ROTATIONS; i++) {
    token = nextFormToken(serverSecret, token);
    if (timingSafeEqual(cookie, token)) return true;
  }

  return false;
}
