/**
 * How long a mailbox stays locked after repeated wrong return codes. Pure: no I/O, no clock.
 *
 * A return code carries 100 bits, so guessing is hopeless anyway; the lockout stops an
 * attacker who holds a token from trying at scale, and its record in the audit trail tells the
 * organisation someone tried. The period doubles so a patient attacker gains nothing, and is
 * capped so the reporter is never shut out for longer than a day.
 */

/** Consecutive failures that lock a mailbox. */
export const MAX_LOGIN_FAILURES = 10;

/** The first lockout: 15 minutes. */
export const FIRST_LOCKOUT_MS = 15 * 60 * 1000;

/** The longest lockout: 24 hours. */
export const MAX_LOCKOUT_MS = 24 * 60 * 60 * 1000;

/** The period of the `lockouts`-th lockout (1-based): 15 min, 30 min, 1 h, … up to 24 h. */
export function lockoutPeriod(lockouts: number): number {
  const doublings = Math.min(Math.max(lockouts, 1) - 1, 16);

  return Math.min(FIRST_LOCKOUT_MS * 2 ** doublings, MAX_LOCKOUT_MS);
}
