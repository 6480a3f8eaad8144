/**
 * Oral reports (Directive 2019/1937 Art. 9(2) and Art. 18(2)-(4)): a handler who heard a
 * report by telephone or in a meeting records it as a case, with their minutes. The reporter
 * receives mailbox credentials (the handler passes them on), reads the minutes there, and
 * confirms them or asks for a correction; until then the record is unconfirmed. Retention
 * follows the retention policy's `oralRecordDays`.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { submitReport } from '../../cases/submit-report';
import { ApiError } from '../errors';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { readJson } from '../validate';

export const OralReportSchema = z.strictObject({
  channel: z.literal('oral'),
  medium: z.enum(['phone', 'meeting']),
  /** The day of the conversation, YYYY-MM-DD. */
  heardOn: z.iso.date(),
  category: z.string().min(1, 'choose a category'),
  minutes: z.string().trim().min(10, 'write the minutes or transcript').max(50_000),
  /** A short summary for the case list; the minutes are the record. */
  summary: z.string().trim().min(1).max(2_000).optional(),
  answers: z.record(z.string(), z.string()).default({}),
});

const OralCreatedSchema = z.object({
  id: z.string(),
  caseRef: z.string(),
  mailbox: z.object({ token: z.string(), returnCode: z.string() }),
});

export function oralReportRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/cases',
      auth: 'staff',
      action: 'cases.record_oral',
      tag: 'cases',
      summary: 'Record an oral report (phone or meeting) as a case',
      body: OralReportSchema,
      responses: {
        201: {
          description:
            'The case; give the mailbox credentials to the reporter, they are not shown again',
          schema: OralCreatedSchema,
        },
        403: 'Your roles do not record oral reports (permissions.ts `cases.record_oral`)',
        422: '`issues` names what is wrong',
      },
    },
    async (c) => {
      const user = c.get('user');
      const body = await readJson(c, OralReportSchema);
      if (Date.parse(body.heardOn) > Date.now()) {
        throw new ApiError('validation_failed', 'The conversation cannot be in the future.', {
          issues: [{ path: 'heardOn', message: 'give a date that is not in the future' }],
        });
      }

      const report = await submitReport(c.env, {
        org: user.org,
        channel: 'oral',
        category: body.category,
        description: body.summary ?? `Oral report (${body.medium}, ${body.heardOn})`,
        answers: body.answers,
        minutes: body.minutes,
        oral: { medium: body.medium, heardOn: body.heardOn },
        actor: { id: user.id, role: user.role },
        requestId: c.get('requestId'),
      });

      return c.json({ id: report.caseId, caseRef: report.caseRef, mailbox: report.mailbox }, 201);
    },
  );
}
