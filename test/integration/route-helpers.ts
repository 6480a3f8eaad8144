/**
 * The app's route table as the route-by-route tests read it. Importing the app registers every
 * route file in ROUTES, so this module does it once for all of them.
 */
import { app } from '../../src/http/app';
import type { StaffRouteSpec } from '../../src/http/route-table';
import { ROUTES } from '../../src/http/route-table';

void app;

/** A route's name in test expectations and messages: `GET /api/cases/:id`. */
export const keyOf = (route: { method: string; path: string }) =>
  `${route.method.toUpperCase()} ${route.path}`;

/** Every route that takes a staff session. */
export const staffRoutes = ROUTES.filter((r): r is StaffRouteSpec => r.auth === 'staff');
