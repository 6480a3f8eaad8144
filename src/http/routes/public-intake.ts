/**
 * The public form definition: what a reporter is asked by an organisation (its intake
 * policy in force: categories, questions, what may be attached). Anyone may read it. Every
 * text question states the length the server holds its answer to, so a form built from this
 * refuses nothing the server would accept.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { withAnswerLimits } from '../../../policies';
import { notFound } from '../errors';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { OrgSlugSchema } from './public-reports';

const IntakeFormSchema = z.object({
  org: z.object({ slug: z.string(), name: z.string() }),
  policy: z.object({
    version: z.number(),
    categories: z.array(z.object({ id: z.string(), label: z.string() })),
    questions: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        kind: z.string(),
        maxLength: z.number().optional(),
      }),
    ),
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

  return { org: { slug: settings.slug, name: settings.name }, policy: withAnswerLimits(intake) };
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
