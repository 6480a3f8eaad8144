/**
 * The OpenAPI document served at /api/openapi.json describes every route the app mounts,
 * from the same zod schemas that validate requests: path and query parameters, request
 * bodies, and only the events a staff member may send.
 */
import { describe, expect, it } from 'vitest';

import { NON_STAFF_EVENTS } from '../../src/auth/permissions';
import { app } from '../../src/http/app';
import { ROUTES } from '../../src/http/route-table';
import { api } from './helpers';

// Importing the app registers every route file in ROUTES.
void app;

interface Operation {
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: { content: Record<string, { schema: { oneOf?: Array<Record<string, any>> } }> };
  responses: Record<string, unknown>;
}

describe('GET /api/openapi.json', () => {
  it('documents every route with its path and query parameters and its body', async () => {
    const res = await api('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const paths = (res.body as { paths: Record<string, Record<string, Operation>> }).paths;

    expect(ROUTES.length).toBeGreaterThan(20);
    for (const route of ROUTES) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = paths[path]?.[route.method];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();

      const names = (where: string) =>
        (operation!.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
      const pathNames = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
      expect(names('path')).toEqual(pathNames);
      if (route.query && 'shape' in route.query) {
        expect(names('query').sort()).toEqual(Object.keys(route.query.shape as object).sort());
      } else {
        expect(names('query')).toEqual([]);
      }
      expect(operation!.requestBody !== undefined, `${route.path} body`).toBe(!!route.body);
      expect(Object.keys(operation!.responses).length).toBeGreaterThan(0);
    }
  });

  it('lists the page size and cursor of the case list as optional query parameters', async () => {
    const res = await api('GET', '/api/openapi.json');
    const list = (res.body as { paths: Record<string, Record<string, Operation>> }).paths[
      '/api/cases'
    ]!.get!;

    expect(list.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'limit', in: 'query', required: false }),
        expect.objectContaining({ name: 'cursor', in: 'query', required: false }),
      ]),
    );
  });

  it("offers on the events route only the events staff may send, not Whispr's own", async () => {
    const res = await api('GET', '/api/openapi.json');
    const events = (res.body as { paths: Record<string, Record<string, Operation>> }).paths[
      '/api/cases/{id}/events'
    ]!.post!;
    const variants = events.requestBody!.content['application/json']!.schema.oneOf ?? [];
    const types = variants.map((v) => v.properties?.type?.const as string);

    expect(types).toContain('ACKNOWLEDGE');
    expect(types).toContain('PLACE_HOLD');
    for (const type of NON_STAFF_EVENTS) expect(types).not.toContain(type);
  });
});
