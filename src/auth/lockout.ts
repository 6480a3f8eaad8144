/**
 * Throttling of failed sign-in attempts per account (passwords and second factors alike), and
 * who must have a second factor. Pure: no I/O, no clock; the time arrives as an argument.
 *
 * NIST SP 800-63B §5.2.2 asks for a limit on consecutive failed attempts on one account; a
 * growing delay rather than a permanent lock keeps an attacker from locking a victim out for
 * good by guessing against their email.
 */

/** Failed attempts allowed before the first delay. */
export const FREE_ATTEMPTS = 5;

/** The first delay, in milliseconds; each further failure doubles it. */
export const BASE_DELAY_MS = 30_000;

/** The longest delay, in milliseconds (one hour). */
export const MAX_DELAY_MS = 60 * 60 * 1000;

/**
 * Until when an account is locked after its `failures`-th consecutive failure at `now`, or 0
 * when it is not locked: nothing for the first FREE_ATTEMPTS - 1 failures, then 30 s, 60 s,
 * 120 s, … up to one hour.
 */
export function lockedUntilAfter(failures: number, now: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  const exponent = Math.min(failures - FREE_ATTEMPTS, 20);

  return now + Math.min(BASE_DELAY_MS * 2 ** exponent, MAX_DELAY_MS);
}

/** How TOTP is enforced for the deployment (wrangler.toml `TOTP_ENFORCEMENT`). */
export type TotpEnforcement = 'all' | 'org';

/**
 * The deployment's setting as read from the environment. Anything but "org" means "all", so
 * a typo in the setting fails closed.
 */
export function parseTotpEnforcement(value: string | undefined): TotpEnforcement {
  return value === undefined || value === 'org' ? 'org' : 'all';
}

/** Must a staff member of this organisation have a second factor? */
export function totpRequired(enforcement: TotpEnforcement, orgRequiresTotp: boolean): boolean {
  return enforcement === 'all' || orgRequiresTotp;
}
