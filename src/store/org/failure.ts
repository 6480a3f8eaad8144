/**
 * The shape of an expected failure returned by the organisation's RPC methods. Types only.
 *
 * RPC methods return failures as values rather than throwing: a throw across RPC is reported
 * as an unhandled rejection even when the caller expects it (workers-sdk issue 14736).
 */

/** A refused request: a code for the HTTP error table and a message for the user. */
export type Failure<C extends string> = { ok: false; code: C; message: string };
