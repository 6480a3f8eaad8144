/**
 * The app's own table of routes. Each route is declared once, with its method, path, who may
 * call it and its schemas; the same table drives the router, the OpenAPI document
 * (openapi.ts) and the tests that must cover every route.
 *
 * A staff route names what it needs of the permission table (`action`), and `defineRoute`
 * mounts the session check and that permission in front of its handlers. So the table is the
 * only place access is declared: a staff route cannot be mounted without deciding it, and a
 * test can read every route's decision from `ROUTES`.
 */
import type { Handler, Hono, MiddlewareHandler } from 'hono';
import type { z } from 'zod';

import type { StaffAction } from '../auth/permissions';
import { requirePermission, requireStaff } from './middleware/staff-auth';
import type { AppEnv } from './types';

/** Who may call a route: anyone, a staff session, or a reporter's mailbox session. */
export type RouteAuth = 'public' | 'staff' | 'mailbox';

/**
 * What a staff route needs beyond a live session: an action of the permission table, or
 * `own_account` for a route that touches only the caller's own account or session (and so
 * needs no role at all).
 */
export type StaffRouteAction = StaffAction | 'own_account';

interface RouteSpecBase {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Hono path syntax (`/api/cases/:id`). */
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Status → description (and schema for documentation). */
  responses: Record<number, string | { description: string; schema: z.ZodType }>;
}

/** A route for staff: mounted behind `requireStaff` and `requirePermission(action)`. */
export interface StaffRouteSpec extends RouteSpecBase {
  auth: 'staff';
  action: StaffRouteAction;
  /**
   * Open to a user who must set up a second factor and has none; only the routes that
   * enrol one, `GET /api/me` and logout set it (an own-account route by nature).
   */
  enrolment?: boolean;
}

/** A public or mailbox route: its handlers do their own checks. */
export interface OpenRouteSpec extends RouteSpecBase {
  auth: 'public' | 'mailbox';
}

/** One route of the table. */
export type RouteSpec = StaffRouteSpec | OpenRouteSpec;

/** Every route the app serves, in declaration order. */
export const ROUTES: RouteSpec[] = [];

/**
 * Declares a route in the table and mounts its handlers; a staff route's session and
 * permission checks come first, from its spec.
 */
export function defineRoute(
  app: Hono<AppEnv>,
  spec: RouteSpec,
  ...handlers: Array<MiddlewareHandler<AppEnv> | Handler<AppEnv>>
): void {
  if (!ROUTES.some((r) => r.method === spec.method && r.path === spec.path)) ROUTES.push(spec);
  const guards: MiddlewareHandler<AppEnv>[] = [];
  if (spec.auth === 'staff') {
    guards.push(requireStaff({ enrolment: spec.enrolment === true }));
    if (spec.action !== 'own_account') guards.push(requirePermission(spec.action));
  }
  app.on(spec.method.toUpperCase(), spec.path, ...([...guards, ...handlers] as [Handler<AppEnv>]));
}
