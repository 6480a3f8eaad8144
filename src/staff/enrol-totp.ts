/**
 * Use case: a staff member sets up (or replaces) their TOTP second factor: start with the
 * password again, then confirm with a first code. Touches only the organisation's Durable
 * Object.
 */
import type { AuditActor } from '../audit/chain';
import { qrSvg } from '../auth/qr';
import type { Env } from '../env';
import { ApiError } from '../http/errors';

/** What the admin UI shows while enrolling: the secret, its URI and the URI as a QR code. */
export interface TotpEnrolment {
  secret: string;
  uri: string;
  /** Null only if the URI were too long for a QR code; the secret can still be typed. */
  qrSvg: string | null;
}

/**
 * Starts enrolment; a wrong password is a 401, and a 423 once the account is paused after too
 * many; neither changes the second factor.
 */
export async function startTotpEnrolment(
  env: Env,
  options: { org: string; userId: string; password: string },
): Promise<TotpEnrolment> {
  const result = await env.ORGS.getByName(options.org).startTotp(options.userId, options.password);
  if (!result.ok && result.code === 'locked') {
    throw new ApiError('locked', result.message, { until: new Date(result.until).toISOString() });
  }
  if (!result.ok) throw new ApiError('invalid_credentials', result.message);

  const qr = qrSvg(result.uri);

  return { secret: result.secret, uri: result.uri, qrSvg: qr.ok ? qr.value : null };
}

/** Confirms enrolment with a first valid code; returns the recovery codes, shown once. */
export async function confirmTotpEnrolment(
  env: Env,
  options: { org: string; code: string; actor: AuditActor & { id: string } },
): Promise<{ recoveryCodes: string[] }> {
  const result = await env.ORGS.getByName(options.org).confirmTotp(
    options.actor.id,
    options.code,
    options.actor,
  );
  if (result.ok) return { recoveryCodes: result.recoveryCodes };
  if (result.code === 'no_enrolment') throw new ApiError('transition_refused', result.message);

  throw new ApiError('validation_failed', result.message, {
    issues: [{ path: 'code', message: result.message }],
  });
}
