/**
 * The events a case accepts, as zod schemas. Pure: no I/O.
 *
 * Two layers: `CaseCommandSchema` is what a client may send (the payload), and
 * `CaseEvent` is what reaches the machine once the server has stamped it with the time
 * (`at`, epoch ms) and the actor. Clients never choose `at` or `actor`.
 */
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

/**
 * The name a handler chooses to sign a reply with; the reporter sees it instead of "the
 * organisation". Optional: without it the reporter never learns who wrote.
 */
const displayName = z.string().trim().min(1).max(80).optional();

/**
 * A file the reporter attached to a message, as the server prepared it: the id of the stored
 * object, the type proven by its bytes and its size. Built by the mailbox use case, never
 * taken from a client (REPORTER_MESSAGE is refused on the staff API).
 */
export const AttachmentRefSchema = z.strictObject({
  id: z.string().regex(/^a_[A-Za-z0-9_-]{22,64}$/),
  name: z.string().min(1).max(255),
  type: z.string().min(1).max(100),
  size: z.number().int().min(0),
  removed: z.array(z.string().max(40)).max(20).default([]),
});
export type AttachmentRef = z.output<typeof AttachmentRefSchema>;

/** Outcomes a case can be closed with; the retention policy may keep each for a different time. */
export const OUTCOMES = [
  'substantiated',
  'unsubstantiated',
  'unfounded',
  'referred',
  'withdrawn',
  'out_of_scope',
] as const;

/** Roles of staff, plus the two non-staff actors a case knows. */
export const ACTOR_ROLES = [
  'admin',
  'compliance_lead',
  'handler',
  'reviewer',
  'reporter',
  'system',
] as const;

/** Who sent an event: a staff member, the reporter through the mailbox, or the system. */
export const ActorSchema = z.object({
  id: z.string().min(1),
  role: z.enum(ACTOR_ROLES),
  /** Organisational units the actor belongs to (team mode scope). */
  units: z.array(z.string()).default([]),
});
export type Actor = z.infer<typeof ActorSchema>;

/**
 * Payloads clients may send, one schema per event type. Strict: a key the event does not
 * take (a misspelt `displayname`) is refused by name rather than silently dropped.
 */
export const commandSchemas = {
  ACKNOWLEDGE: z.strictObject({ type: z.literal('ACKNOWLEDGE') }),
  START_INVESTIGATION: z.strictObject({ type: z.literal('START_INVESTIGATION') }),
  REPLY: z.strictObject({ type: z.literal('REPLY'), body: text(20_000), displayName }),
  ADD_NOTE: z.strictObject({ type: z.literal('ADD_NOTE'), body: text(20_000) }),
  GIVE_FEEDBACK: z.strictObject({
    type: z.literal('GIVE_FEEDBACK'),
    body: text(20_000),
    displayName,
  }),
  CLOSE: z.strictObject({ type: z.literal('CLOSE'), outcome: z.enum(OUTCOMES) }),
  REOPEN: z.strictObject({ type: z.literal('REOPEN'), reason: text(2_000) }),
  ROUTE: z.strictObject({
    type: z.literal('ROUTE'),
    team: text(100),
    assignee: z.string().min(1).nullable().default(null),
    ruleId: z.string().nullable().default(null),
    policyVersion: z.number().int().min(1),
  }),
  ASSIGN: z.strictObject({ type: z.literal('ASSIGN'), assignee: z.string().min(1).max(100) }),
  RECUSE: z.strictObject({ type: z.literal('RECUSE'), reason: text(2_000) }),
  PLACE_HOLD: z.strictObject({ type: z.literal('PLACE_HOLD'), reason: text(2_000) }),
  RELEASE_HOLD: z.strictObject({ type: z.literal('RELEASE_HOLD'), reason: text(2_000) }),
  SET_RETENTION: z.strictObject({
    type: z.literal('SET_RETENTION'),
    until: z.iso.datetime({ offset: true }),
    reason: text(2_000),
  }),
  PURGE: z.strictObject({ type: z.literal('PURGE') }),
  EXPORT: z.strictObject({ type: z.literal('EXPORT') }),
  TICK: z.strictObject({ type: z.literal('TICK') }),
  REPORTER_MESSAGE: z.strictObject({
    type: z.literal('REPORTER_MESSAGE'),
    body: text(20_000),
    attachments: z.array(AttachmentRefSchema).max(20).optional(),
  }),
  AMEND_RECORD: z.strictObject({ type: z.literal('AMEND_RECORD'), minutes: text(50_000) }),
  CONFIRM_RECORD: z.strictObject({ type: z.literal('CONFIRM_RECORD') }),
  REQUEST_CORRECTION: z.strictObject({ type: z.literal('REQUEST_CORRECTION'), body: text(20_000) }),
  MAILBOX_LOCKED: z.strictObject({ type: z.literal('MAILBOX_LOCKED'), until: z.number().int() }),
  /** A staff member opened a file of the case: file activity is audited like any event. */
  ACCESS_ATTACHMENT: z.strictObject({
    type: z.literal('ACCESS_ATTACHMENT'),
    attachment: AttachmentRefSchema.pick({ id: true, type: true, size: true }),
  }),
} as const;

/** Every event type a case knows. */
export type CaseEventType = keyof typeof commandSchemas;
export const CASE_EVENT_TYPES = Object.keys(commandSchemas) as CaseEventType[];

/** The commands of the given event types, discriminated by `type`. */
export function commandSchemaOf(types: readonly CaseEventType[]) {
  return z.discriminatedUnion(
    'type',
    types.map((type) => commandSchemas[type]) as unknown as [
      (typeof commandSchemas)[CaseEventType],
      ...(typeof commandSchemas)[CaseEventType][],
    ],
  );
}

/** A command of any event type a case knows. */
export const CaseCommandSchema = commandSchemaOf(CASE_EVENT_TYPES);
export type CaseCommand = {
  [K in CaseEventType]: z.output<(typeof commandSchemas)[K]>;
}[CaseEventType];

/** What the machine receives: a command stamped by the server. */
export type CaseEvent = CaseCommand & { at: number; actor: Actor };

/** The event of one type, narrowed. */
export type CaseEventOf<T extends CaseEventType> = Extract<CaseEvent, { type: T }>;

/**
 * The non-sensitive part of an event, for its audit record. Message bodies, minutes and
 * reasons for a recusal stay out of the trail: the trail is read by reviewers who may not
 * read content, and it outlives a purge.
 */
export function auditDetails(event: CaseEvent): Record<string, unknown> {
  switch (event.type) {
    case 'REPORTER_MESSAGE':
      // File activity is audited by count, type and size; names can identify and stay out.
      return event.attachments?.length
        ? { chars: event.body.length, attachments: event.attachments.map(fileFact) }
        : { chars: event.body.length };
    case 'REPLY':
    case 'ADD_NOTE':
    case 'GIVE_FEEDBACK':
    case 'REQUEST_CORRECTION':
      return { chars: event.body.length };
    case 'AMEND_RECORD':
      return { chars: event.minutes.length };
    case 'RECUSE':
      // The reason is kept as an internal note (case-content.ts); it may say how the person
      // knows those involved, which the trail, exported and verified elsewhere, must not carry.
      return { chars: event.reason.length };
    case 'CLOSE':
      return { outcome: event.outcome };
    case 'ROUTE':
      return {
        team: event.team,
        assignee: event.assignee,
        ruleId: event.ruleId,
        policyVersion: event.policyVersion,
      };
    case 'ASSIGN':
      return { assignee: event.assignee };
    case 'PLACE_HOLD':
    case 'RELEASE_HOLD':
    case 'REOPEN':
      return { reason: event.reason };
    case 'SET_RETENTION':
      return { until: event.until, reason: event.reason };
    case 'ACCESS_ATTACHMENT':
      return fileFact(event.attachment);
    case 'MAILBOX_LOCKED':
      return { until: new Date(event.until).toISOString() };
    default:
      return {};
  }
}

/** What the audit trail records of a file: its id, proven type and size, never its name. */
export function fileFact(file: Pick<AttachmentRef, 'id' | 'type' | 'size'>) {
  return { id: file.id, type: file.type, size: file.size };
}
