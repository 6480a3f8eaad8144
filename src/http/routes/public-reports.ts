/**
 * The public intake API: a reporter submits a written report to an organisation and
 * receives a case reference and mailbox credentials, shown this once.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { submitReport } from '../../cases/submit-report';
import { ApiError } from '../errors';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { readJson } from '../validate';

/** The organisation slug in a path. */
export const OrgSlugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

/** A written report. Which categories and answers are valid is the intake policy's call. */
export const SubmitReportSchema = z.strictObject({
  category: z.string().min(1, 'choose a category'),
  description: z
    .string()
    .trim()
    .min(10, 'describe what happened in at least 10 characters')
    .max(20_000),
  answers: z.record(z.string(), z.string()).default({}),
});

export const SubmittedReportSchema = z.object({
  caseRef: z.string(),
  mailbox: z.object({ token: z.string(), returnCode: z.string() }),
});

export function publicReportRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/public/:org/reports',
      auth: 'public',
      tag: 'intake',
      summary: 'Submit a written report',
      body: SubmitReportSchema,
      responses: {
        201: {
          description: 'The case is created; keep the mailbox credentials',
          schema: SubmittedReportSchema,
        },
        404: 'No such organisation',
        422: 'The report is incomplete; `issues` names the fields',
      },
    },
    async (c) => {
      const org = c.req.param('org') ?? '';
      if (!OrgSlugSchema.safeParse(org).success)
        throw new ApiError('not_found', 'No such organisation.');
      const body = await readJson(c, SubmitReportSchema);

      const report = await submitReport(c.env, {
        org,
        channel: 'written',
        category: body.category,
        description: body.description,
        answers: body.answers,
        actor: { id: 'reporter', role: 'reporter' },
        requestId: c.get('requestId'),
      });

      return c.json({ caseRef: report.caseRef, mailbox: report.mailbox }, 201);
    },
  );
}
