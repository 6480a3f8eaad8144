/**
 * One request id and one JSON log line per request: method, route pattern, status and
 * duration. Deliberately absent: IP address, user agent, query string and body, any of
 * which could identify a reporter (STYLE.md, "Logging").
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

import { log } from '../../log';
import type { AppEnv } from '../types';

export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = crypto.randomUUID();
    c.set('requestId', requestId);
    const started = Date.now();

    await next();

    c.header('X-Request-Id', requestId);
    log(c.res.status >= 500 ? 'error' : 'info', 'request', {
      requestId,
      method: c.req.method,
      route: routePath(c),
      status: c.res.status,
      ms: Date.now() - started,
    });
  };
}
