/**
 * The one table from error code to HTTP status, and the error the routes raise. Only
 * src/http turns failures into statuses; machines and policies return facts.
 *
 * Every error on the wire is `{ error: code, message, ...details }`: the message says what
 * was wrong and what to do. Internal reasons and stack traces never reach the wire.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_STATUS = {
  invalid_json: 400,
  bad_request: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  totp_required: 401,
  forbidden: 403,
  not_found: 404,
  transition_refused: 409,
  already_exists: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  locked: 423,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A failure to report to the client, raised by a route and rendered by the app. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.details };
  }
}

/** The body of a 404, identical for a missing object and one the caller may not see. */
export function notFound(what = 'case'): ApiError {
  return new ApiError('not_found', `No such ${what}.`);
}
