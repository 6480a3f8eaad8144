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
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

import { randomToken, timingSafeEqual } from '../auth/tokens';

const SESSION = 'whispr-mailbox';
const FORM = 'whispr-form';

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
  if (current && /^[A-Za-z0-9_-]{43}$/.test(current)) return current;
  const token = randomToken(32);
  setCookie(c, name(c, FORM), token, options(c));

  return token;
}

/** True when the posted form carries the token of the cookie. */
export function formTokenMatches(c: Context, posted: unknown): boolean {
  const cookie = getCookie(c, name(c, FORM));

  return typeof posted === 'string' && !!cookie && timingSafeEqual(cookie, posted);
}
