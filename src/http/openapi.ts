/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that
 * validate requests (zod 4's `toJSONSchema`), so the document cannot drift from the code.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { ROUTES } from './route-table';
import type { AppEnv } from './types';

const ErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  guard: z.string().optional(),
});

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** An OpenAPI parameter object (OpenAPI 3.1, section 4.8.12). */
interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: unknown;
}

/** One query parameter per key of a route's query schema (a zod object). */
function queryParameters(schema: z.ZodType | undefined): Parameter[] {
  if (!(schema instanceof z.ZodObject)) return [];

  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: 'query',
    required: !field.safeParse(undefined).success,
    schema: json(field),
  }));
}

/** The document for the routes declared so far. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: Parameter[] = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1] ?? '',
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    parameters.push(...queryParameters(route.query));
    const responses = Object.fromEntries(
      Object.entries(route.responses).map(([status, r]) => {
        const description = typeof r === 'string' ? r : r.description;
        const schema =
          typeof r === 'string' ? (Number(status) >= 400 ? ErrorSchema : null) : r.schema;

        return [
          status,
          {
            description,
            ...(schema ? { content: { 'application/json': { schema: json(schema) } } } : {}),
          },
        ];
      }),
    );
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === 'staff' ? { security: [{ staffSession: [] }] } : {}),
      ...(route.auth === 'mailbox' ? { security: [{ mailboxSession: [] }] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: json(route.body) } },
            },
          }
        : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: { title: 'Whispr API', version: '0.1.0' },
    components: {
      securitySchemes: {
        staffSession: { type: 'http', scheme: 'bearer' },
        mailboxSession: { type: 'http', scheme: 'bearer' },
      },
    },
    paths,
  };
}

export function openApiRoutes(app: Hono<AppEnv>): void {
  app.get('/api/openapi.json', (c) => c.json(openApiDocument()));
}
