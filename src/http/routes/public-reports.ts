/**
 * The public intake API: a reporter submits a written report to an organisation and
 * receives a case reference and mailbox credentials, shown this once. Files come as base64
 * in the JSON body. Nothing about the request (address, agent, headers) is read beyond the
 * in-memory rate limit (src/reporter/rate-limit.ts).
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { submitReport } from '../../cases/submit-report';
import { enforceLimit } from '../../reporter/rate-limit';
import { decodeFiles, uploadLimit } from '../../reporter/request-body';
import { ApiError } from '../errors';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { readJson } from '../validate';

/** The organisation slug in a path. */
export const OrgSlugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

/** A file in a JSON body: the name it had and its bytes in base64 (RFC 4648 §4). */
export const UploadSchema = z.strictObject({
  name: z.string().max(255),
  data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'send the file content as base64'),
});

/** A written report. Which categories and answers are valid is the intake policy's call. */
export const SubmitReportSchema = z.strictObject({
  category: z.string().min(1, 'choose a category'),
  description: z
    .string()
    .trim()
    .min(10, 'describe what happened in at least 10 characters')
    .max(20_000),
  answers: z.record(z.string(), z.string()).default({}),
  attachments: z.array(UploadSchema).max(20).default([]),
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
        413: 'A file, or the whole request, is too large',
        415: 'A file is of a type that is not accepted (judged by its content)',
        422: 'The report is incomplete; `issues` names the fields',
        429: 'Too many reports for this organisation just now',
      },
    },
    async (c) => {
      const org = c.req.param('org') ?? '';
      if (!OrgSlugSchema.safeParse(org).success)
        throw new ApiError('not_found', 'No such organisation.');
      const stub = c.env.ORGS.getByName(org);
      if (!(await stub.settings())) throw new ApiError('not_found', 'No such organisation.');
      const { intake } = await stub.policies();
      const body = await readJson(c, SubmitReportSchema, uploadLimit(intake, 'base64'));
      const attachments = decodeFiles(body.attachments);

      const report = await submitReport(c.env, {
        org,
        channel: 'written',
        category: body.category,
        description: body.description,
        answers: body.answers,
        attachments,
        actor: { id: 'reporter', role: 'reporter' },
        // Only a report that passed every check counts against the organisation's limit.
        admit: () => enforceLimit(c.env, org, 'report', c.req.header('cf-connecting-ip')),
        requestId: c.get('requestId'),
      });

      return c.json({ caseRef: report.caseRef, mailbox: report.mailbox }, 201);
    },
  );
}
