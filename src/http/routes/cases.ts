/**
 * The staff case API: list, read, send events, read the audit trail. Every route checks
 * the object: a case outside the caller's organisation or scope answers 404, exactly like
 * a case that does not exist. Reads that decide access come from the case's Durable
 * Object; only the list comes from the KV read model.
 */
import type { Hono } from 'hono';
import { z } from 'zod';

import { acceptedEvents, restore } from '../../../machines/engine';
import { CASE_EVENT_TYPES, CaseCommandSchema, commandSchemaOf } from '../../../machines/events';
import {
  ASSIGNABLE_ROLES,
  canSeeCase,
  mayBeAssigned,
  mayRead,
  maySend,
  NON_STAFF_EVENTS,
} from '../../auth/permissions';
import { CASE_ID_PATTERN, caseStub } from '../../cases/case-stub';
import { InvalidCursorError, listCases } from '../../cases/list-cases';
import type { CaseObject } from '../../store/case-object';
import type { StaffUser } from '../../store/org-object';
import { presentCase } from '../../cases/present-case';
import { ApiError, notFound } from '../errors';
import { rolesLabel } from '../middleware/staff-auth';
import { defineRoute } from '../route-table';
import type { AppEnv } from '../types';
import { parseWith, readJson } from '../validate';

const ListQuerySchema = z.strictObject({
  cursor: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * The events a staff member may send at all, as the OpenAPI document shows them. The route
 * parses with every event's schema so that Whispr's own and the reporter's events get a 403
 * that says where they come from, rather than a 422 that they do not exist.
 */
const StaffCommandSchema = commandSchemaOf(
  CASE_EVENT_TYPES.filter((t) => !NON_STAFF_EVENTS.has(t)),
);

const EventResultSchema = z.object({
  states: z.record(z.string(), z.string()),
  seq: z.number().int(),
});

/**
 * The case's object and its authoritative state, if the caller may see the case; a 404 the
 * same as for a missing case otherwise (a malformed id, another organisation, out of scope).
 */
async function visibleCase(env: AppEnv['Bindings'], user: StaffUser, rawId: string | undefined) {
  const id = rawId ?? '';
  if (!CASE_ID_PATTERN.test(id)) throw notFound();
  const stub = caseStub(env, user.org, id);

  const state = await stub.state();
  if (!state.ok || !canSeeCase(state.envelope.snapshot.context, user)) throw notFound();

  return { stub, state };
}

export function caseRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/cases',
      auth: 'staff',
      action: 'cases.read',
      tag: 'cases',
      summary: 'List the cases the caller may see (from the read model; may lag briefly)',
      query: ListQuerySchema,
      responses: { 200: 'A page of case summaries and a cursor for the next page, or null' },
    },
    async (c) => {
      const query = parseWith(ListQuerySchema, c.req.query(), 'query');
      const user = c.get('user');
      const settings = await c.env.ORGS.getByName(user.org).settings();
      if (!settings) throw new ApiError('unauthenticated', 'Your organisation no longer exists.');

      const page = await listCases(c.env, {
        org: user.org,
        mode: settings.mode,
        user,
        ...query,
      }).catch((error: unknown) => {
        if (!(error instanceof InvalidCursorError)) throw error;
        throw new ApiError('validation_failed', 'The cursor is not one this list handed out.', {
          issues: [{ path: 'cursor', message: 'start again without a cursor' }],
        });
      });

      return c.json(page);
    },
  );

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/cases/:id',
      auth: 'staff',
      action: 'cases.read',
      tag: 'cases',
      summary:
        'Read a case: states, deadlines, the events you may send now, and its content if your ' +
        'role reads content',
      responses: { 200: 'The case', 404: 'No such case (or not yours to see)' },
    },
    async (c) => {
      const user = c.get('user');
      const { stub, state } = await visibleCase(c.env, user, c.req.param('id'));
      const content = mayRead(user.roles, 'content') ? await stub.content() : null;
      const snapshot = restore(state.envelope.snapshot);
      // The machine judges the case role (`user.role`), as it does the events it is sent.
      const nextEvents = acceptedEvents(snapshot, user, Date.now()).filter((type) =>
        maySend(user.roles, type),
      );

      return c.json(
        presentCase(state.envelope, {
          roles: user.roles,
          nextEvents,
          content: content?.ok ? content.content : null,
        }),
      );
    },
  );

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/cases/:id/events',
      auth: 'staff',
      action: 'cases.work',
      tag: 'cases',
      summary: 'Send an event to a case; the case machine accepts or refuses it',
      body: StaffCommandSchema,
      responses: {
        200: {
          description: 'Accepted: the new states and the audit seq',
          schema: EventResultSchema,
        },
        403: 'Your roles may not send this event',
        404: 'No such case (or not yours to see)',
        409: 'A rule refused the event: `guard` names it',
        422: 'The event is malformed: `issues` names the fields',
      },
    },
    async (c) => {
      const user = c.get('user');
      const id = c.req.param('id') ?? '';
      if (!CASE_ID_PATTERN.test(id)) throw notFound();
      const command = await readJson(c, CaseCommandSchema);
      if (NON_STAFF_EVENTS.has(command.type)) {
        throw new ApiError('forbidden', `${command.type} is not sent through the staff API.`);
      }
      if (!maySend(user.roles, command.type)) {
        throw new ApiError('forbidden', `Your ${rolesLabel(user)} may not send ${command.type}.`);
      }
      if (command.type === 'ASSIGN') await assertAssignable(c.env, user.org, command.assignee);

      const result = await caseStub(c.env, user.org, id).dispatch({
        command,
        actor: { id: user.id, role: user.role, units: user.units },
        scope: user,
        requestId: c.get('requestId'),
      });
      if (!result.ok) {
        if (result.code === 'transition_refused') {
          throw new ApiError('transition_refused', result.message, { guard: result.guard });
        }
        throw notFound();
      }

      return c.json({ states: result.states, seq: result.seq });
    },
  );

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/cases/:id/audit',
      auth: 'staff',
      action: 'cases.read',
      tag: 'cases',
      summary: 'The audit trail of a case and the verification of its hash chain',
      responses: { 200: "Records, verification and the writer's count", 404: 'No such case' },
    },
    async (c) => {
      const user = c.get('user');
      const { stub, state } = await visibleCase(c.env, user, c.req.param('id'));
      if (!mayRead(user.roles, 'audit'))
        throw new ApiError('forbidden', 'Your roles may not read audit trails.');
      // The RPC type of a record's free-form `details` erases to never; the value is plain JSON.
      const audit = (await stub.audit()) as Awaited<ReturnType<CaseObject['audit']>>;
      if (!audit.ok) throw notFound();

      return c.json({ records: audit.records, verification: audit.verification, seq: audit.seq });
    },
  );
}

/**
 * An assignee must be an enabled member of the same organisation whose roles work cases
 * (permissions.ts `mayBeAssigned`).
 */
async function assertAssignable(
  env: AppEnv['Bindings'],
  org: string,
  assignee: string,
): Promise<void> {
  const user = await env.ORGS.getByName(org).user(assignee);
  if (!user || user.disabled || !mayBeAssigned(user.roles)) {
    const who = `an active ${ASSIGNABLE_ROLES.join(' or ')}`;
    throw new ApiError('validation_failed', `The assignee must be ${who} of this organisation.`, {
      issues: [{ path: 'assignee', message: `not ${who}` }],
    });
  }
}
