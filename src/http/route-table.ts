/**
 * The app's own table of routes. Each route is declared once, with its method, path,
 * who may call it and its schemas; the same table drives the router, the OpenAPI document
 * (openapi.ts) and the tests that must cover every route.
 */
import type { Handler, Hono, MiddlewareHandler } from 'hono';
import type { z } from 'zod';

import type { AppEnv } from './types';

/** Who may call a route: anyone, a staff session, or a reporter's mailbox session. */
export type RouteAuth = 'public' | 'staff' | 'mailbox';

export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Hono path syntax (`/api/cases/:id`). */
  path: string;
  auth: RouteAuth;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Status → description (and schema for documentation). */
  responses: Record<number, string | { description: string; schema: z.ZodType }>;
}

/** Every route the app serves, in declaration order. */
export const ROUTES: RouteSpec[] = [];

/** Declares a route in the table and mounts its handlers. */
export function defineRoute(
  app: Hono<AppEnv>,
  spec: RouteSpec,
  ...handlers: Array<MiddlewareHandler<AppEnv> | Handler<AppEnv>>
): void {
  if (!ROUTES.some((r) => r.method === spec.method && r.path === spec.path)) ROUTES.push(spec);
  app.on(spec.method.toUpperCase(), spec.path, ...(handlers as [Handler<AppEnv>]));
}
