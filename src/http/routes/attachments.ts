/**
 * Staff download of a case's files. A role that reads no content (admin, reviewer) is refused
 * here with 403, as on the other case routes; for the rest the case object checks that the
 * caller may see the case, and appends ACCESS_ATTACHMENT to the audit trail before the bytes
 * leave; a file of a case the caller may not see answers 404 like one that does not exist.
 * Files are always served as downloads with the type proven from their bytes, never rendered.
 */
import type { Hono } from 'hono';

import { CASE_ID_PATTERN, caseStub } from '../../cases/case-stub';
import { ATTACHMENT_ID_PATTERN, attachmentKey } from '../../store/attachment-keys';
import { mayRead } from '../../auth/permissions';
import { ApiError, notFound } from '../errors';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { downloadHeaders } from './mailbox';

export function attachmentRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/cases/:id/attachments/:attachmentId',
      auth: 'staff',
      action: 'cases.read',
      tag: 'cases',
      summary: 'Download a file of a case (the access is recorded in the audit trail)',
      responses: {
        200: 'The file',
        403: 'Your role reads no case content',
        404: 'No such file (or not yours to see)',
      },
    },
    async (c) => {
      if (!mayRead(c.get('user').roles, 'content')) {
        throw new ApiError('forbidden', 'Your role may not read the content of cases.');
      }
      const id = c.req.param('id') ?? '';
      const attachmentId = c.req.param('attachmentId') ?? '';
      if (!CASE_ID_PATTERN.test(id) || !ATTACHMENT_ID_PATTERN.test(attachmentId)) {
        throw notFound('file');
      }
      const user = c.get('user');

      const access = await caseStub(c.env, user.org, id).attachmentForStaff({
        id: attachmentId,
        scope: { id: user.id, role: user.role, roles: user.roles, units: user.units },
        requestId: c.get('requestId'),
      });
      if (!access.ok) throw notFound('file');
      const object = await c.env.ATTACHMENTS.get(attachmentKey(user.org, id, attachmentId));
      if (!object) throw notFound('file');

      return new Response(object.body, { headers: downloadHeaders(access.file) });
    },
  );
}
