/**
 * Response headers for the reporter pages and the JSON API.
 *
 * Middleware only: it changes response headers and touches nothing else. The headers are set
 * after the handler runs and replace any the handler set, so no route can weaken them by
 * accident.
 */
import type { MiddlewareHandler } from 'hono';

/**
 * Reporter pages load only the same-origin stylesheet and images, run no script, post forms
 * only to this origin and cannot be framed (CSP Level 3; `frame-ancestors` supersedes
 * X-Frame-Options, which is kept for older browsers). `no-referrer` keeps the page address out
 * of any request, and `no-store` keeps credentials and reports out of shared caches and the
 * back-forward cache of a shared computer.
 */
export const REPORTER_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** JSON responses are never rendered, cached or framed. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Sets `REPORTER_SECURITY_HEADERS` on every response, including errors and 404s. */
export function reporterSecurityHeaders(): MiddlewareHandler {
  return withHeaders(REPORTER_SECURITY_HEADERS);
}

/** Sets `API_SECURITY_HEADERS` on every response of the JSON API. */
export function apiSecurityHeaders(): MiddlewareHandler {
  return withHeaders(API_SECURITY_HEADERS);
}

function withHeaders(headers: Readonly<Record<string, string>>): MiddlewareHandler {
  return async (c, next) => {
    await next();

    try {
      setAll(c.res.headers, headers);
    } catch {
      // A response passed through from `fetch()` has immutable headers (Fetch §5.2 "guard"):
      // copy it into a new Response whose headers can be changed.
      c.res = new Response(c.res.body, c.res);
      setAll(c.res.headers, headers);
    }
  };
}

function setAll(target: Headers, headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) target.set(name, value);
}
