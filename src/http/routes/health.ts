/**
 * Liveness: answers without touching storage.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';

const HealthSchema = z.object({ status: z.literal('ok') });

export function healthRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/health',
      auth: 'public',
      tag: 'system',
      summary: 'Liveness check',
      responses: { 200: { description: 'The Worker is up', schema: HealthSchema } },
    },
    (c) => c.json({ status: 'ok' as const }),
  );
}
