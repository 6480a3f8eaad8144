/**
 * The organisation's policies (routing, retention, intake): the versions in force, the
 * history of one kind, and publishing a new version. Compliance leads publish
 * (`policies.manage`); leads and reviewers read (`policies.read`, permissions.ts). A case
 * keeps the version it was decided under; only cases created after a publication use it.
 * Touches the organisation's Durable Object only.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import type { PolicyKind, StoredPolicyVersion } from '../../store/org/policies';
import { isPolicyKind, POLICY_KINDS, POLICY_SCHEMAS } from '../../store/org/policies';
import { ApiError, notFound } from '../errors';
import { orgActor } from '../middleware/staff-auth';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { fieldIssues, readJson } from '../validate';

/** The body of a publication: the document, whose `version` the server sets. */
export const PublishPolicySchema = z.strictObject({
  document: z.record(z.string(), z.unknown()),
});

function policyKind(raw: string | undefined): PolicyKind {
  if (!raw || !isPolicyKind(raw)) {
    throw new ApiError('not_found', `No such policy kind: use one of ${POLICY_KINDS.join(', ')}.`);
  }

  return raw;
}

/**
 * Checks a document against its kind's schema with a stand-in version (the server sets the
 * real one), or raises a 422 whose issue paths start at `document`.
 */
function validateDocument(kind: PolicyKind, document: Record<string, unknown>): void {
  const result = POLICY_SCHEMAS[kind].safeParse({ ...document, version: 1 });
  if (result.success) return;

  const issues = fieldIssues(result.error).map((issue) => ({
    path: issue.path === '(body)' ? 'document' : `document.${issue.path}`,
    message: issue.message,
  }));
  const fields = [...new Set(issues.map((i) => i.path))].join(', ');
  throw new ApiError('validation_failed', `The ${kind} policy is not valid: check ${fields}.`, {
    issues,
  });
}

/** Mounts the policy routes. */
export function policyRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/policies',
      auth: 'staff',
      action: 'policies.read',
      tag: 'policies',
      summary:
        'The routing, retention and intake policies in force, each as { version, document } (the ' +
        'default until a version is published)',
      responses: { 200: 'One entry per kind', 403: 'Only compliance leads and reviewers' },
    },
    async (c) => {
      const policies = await c.env.ORGS.getByName(c.get('user').org).policies();

      return c.json({
        routing: { version: policies.routing.version, document: policies.routing },
        retention: { version: policies.retention.version, document: policies.retention },
        intake: { version: policies.intake.version, document: policies.intake },
      });
    },
  );

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/policies/:kind/versions',
      auth: 'staff',
      action: 'policies.read',
      tag: 'policies',
      summary: 'Every published version of one kind of policy, newest first (defaults not listed)',
      responses: {
        200: '{ items: [{ kind, version, document, createdAt, createdBy }] }',
        403: 'Only compliance leads and reviewers',
        404: 'No such kind (routing, retention, intake)',
      },
    },
    async (c) => {
      const kind = policyKind(c.req.param('kind'));
      // The RPC type of a stored document erases its optional fields; the value is plain JSON.
      const items = (await c.env.ORGS.getByName(c.get('user').org).policyVersions(
        kind,
      )) as StoredPolicyVersion[];

      return c.json({ items });
    },
  );

  defineRoute(
    app,
    {
      method: 'put',
      path: '/api/policies/:kind',
      auth: 'staff',
      action: 'policies.manage',
      tag: 'policies',
      summary:
        'Publish a new version of one kind of policy (compliance leads). The server sets ' +
        '`version` to the latest + 1; any version in the document is ignored',
      body: PublishPolicySchema,
      responses: {
        201: 'The stored version: { kind, version, document, createdAt, createdBy }',
        403: 'Only compliance leads',
        404: 'No such kind (routing, retention, intake)',
        422: 'The document breaks its schema; `issues` names the fields',
      },
    },
    async (c) => {
      const kind = policyKind(c.req.param('kind'));
      const { document } = await readJson(c, PublishPolicySchema);
      validateDocument(kind, document);
      const user = c.get('user');

      const result = await c.env.ORGS.getByName(user.org).publishPolicy(
        kind,
        document,
        orgActor(user),
      );
      if (!result.ok) {
        if (result.code === 'not_found') throw notFound('organisation');
        throw new ApiError('validation_failed', result.message);
      }

      return c.json(result.version as StoredPolicyVersion, 201);
    },
  );
}
