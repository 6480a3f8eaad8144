/**
 * The public form definition: what a reporter is asked by an organisation (its intake
 * policy in force: categories, questions, what may be attached). Anyone may read it.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { notFound } from '../errors';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { OrgSlugSchema } from './public-reports';

const IntakeFormSchema = z.object({
  org: z.object({ slug: z.string(), name: z.string() }),
  policy: z.object({
    version: z.number(),
    categories: z.array(z.object({ id: z.string(), label: z.string() })),
    questions: z.array(z.object({ id: z.string(), label: z.string(), kind: z.string() })),
    attachments: z.object({
      maxFiles: z.number(),
      maxBytesPerFile: z.number(),
      allowedTypes: z.array(z.string()),
    }),
  }),
});

/** Loads an organisation's reporter-facing settings and intake policy, or raises 404. */
export async function loadIntake(env: AppEnv['Bindings'], slug: string) {
  if (!OrgSlugSchema.safeParse(slug).success) throw notFound('organisation');
  const org = env.ORGS.getByName(slug);
  const settings = await org.settings();
  if (!settings) throw notFound('organisation');
  const { intake } = await org.policies();

  return { org: { slug: settings.slug, name: settings.name }, policy: intake };
}

export function publicIntakeRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/public/:org/intake',
      auth: 'public',
      tag: 'intake',
      summary: "The organisation's report form: categories, questions and attachment limits",
      responses: {
        200: { description: 'The form definition', schema: IntakeFormSchema },
        404: 'No such organisation',
      },
    },
    async (c) => c.json(await loadIntake(c.env, c.req.param('org') ?? '')),
  );
}
