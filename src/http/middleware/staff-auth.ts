/**
 * Staff authentication: `Authorization: Bearer <token>`. The token names its organisation
 * (`<org>.<secret>`) so the request goes straight to that organisation's Durable Object,
 * which holds the session and the account and answers from its own strongly consistent
 * storage: a disabled user is refused on the very next request.
 */
import type { MiddlewareHandler } from 'hono';

import { ApiError } from '../errors';
import type { AppEnv } from '../types';

/** The organisation a session token belongs to, or null for a malformed token. */
export function tokenOrg(token: string): string | null {
  const match = /^([a-z0-9][a-z0-9-]{0,62})\.[A-Za-z0-9_-]{40,}$/.exec(token);

  return match?.[1] ?? null;
}

/** Requires a live staff session and puts the user on the context. */
export function requireStaff(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer (\S+)$/i.exec(header)?.[1];
    const org = token ? tokenOrg(token) : null;
    if (!token || !org) {
      throw new ApiError('unauthenticated', 'Log in first: send Authorization: Bearer <token>.');
    }

    const user = await c.env.ORGS.getByName(org).authenticate(token);
    if (!user) {
      throw new ApiError('unauthenticated', 'Your session has ended. Log in again.');
    }
    c.set('user', user);
    c.set('sessionToken', token);

    await next();
  };
}
