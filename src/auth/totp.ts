/**
 * Time-based one-time passwords (RFC 6238, through otplib) and recovery codes for staff
 * second factors.
 *
 * Pure apart from `crypto.getRandomValues`: no I/O, no bindings, and no clock: the time always
 * arrives as an argument (epoch milliseconds), so a test or a replayed event decides alike.
 * The caller stores the `timeStep` of the last accepted code and passes it back, which is what
 * makes a code single-use (RFC 6238 §5.2).
 */
import { generate, generateSecret, generateURI, verify } from 'otplib';

/** Seconds per TOTP time step: the RFC 6238 §5.2 default every authenticator app uses. */
const PERIOD_SECONDS = 30;

/** Clock drift accepted either side of the current step, in seconds: one step (RFC 6238 §5.2). */
const DRIFT_SECONDS = PERIOD_SECONDS;

/** Crockford base32 (https://www.crockford.com/base32.html): no I, L, O or U. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Characters per group and groups per recovery code: 4 × 5 × 5 bits = 100 bits. */
const GROUP_LENGTH = 5;
const GROUPS = 4;

/** Options for `verifyTotp`. */
export interface VerifyTotpOptions {
  /** The base32 secret from `createTotpSecret`. */
  secret: string;
  /** The code as typed; spaces are ignored. */
  code: string;
  /** The current time in epoch milliseconds, from the caller's clock. */
  now: number;
  /** The time step of the last code accepted for this secret, or null if none yet. */
  lastTimeStep: number | null;
}

/** Result of `verifyTotp`; store `timeStep` as the next call's `lastTimeStep`. */
export type VerifyTotpResult =
  { ok: true; timeStep: number } | { ok: false; reason: 'invalid' | 'replayed' };

/** Options for `totpUri`. */
export interface TotpUriOptions {
  secret: string;
  /** Shown in the authenticator app under the issuer, usually the staff member's email. */
  account: string;
  /** The organisation or service name shown in the authenticator app. */
  issuer: string;
}

function toEpochSeconds(now: number): number {
  if (!Number.isFinite(now) || now < 0) {
    throw new RangeError(`now must be a non-negative epoch time in milliseconds, got ${now}`);
  }

  return Math.floor(now / 1000);
}

/** A new TOTP secret: 20 random bytes (160 bits, RFC 4226 §4 R6), base32 as apps expect. */
export function createTotpSecret(): string {
  return generateSecret();
}

/**
 * The `otpauth://totp/` URI to show as a QR code (Google Authenticator "Key Uri Format"):
 * SHA-1, 6 digits, 30 seconds, which every authenticator app supports.
 */
export function totpUri({ secret, account, issuer }: TotpUriOptions): string {
  return generateURI({ issuer, label: account, secret });
}

/** The 6-digit code for `secret` at `now` (epoch milliseconds). For tests and the demo. */
export async function generateTotp(secret: string, now: number): Promise<string> {
  return generate({ secret, epoch: toEpochSeconds(now) });
}

/**
 * Checks a code at `now`, accepting the current step and one step either side (±30 s of
 * drift), never two. A code whose step is at or before `lastTimeStep` is refused as
 * 'replayed', so an observed code cannot be used again, nor an older one after a newer one.
 */
export async function verifyTotp({
  secret,
  code,
  now,
  lastTimeStep,
}: VerifyTotpOptions): Promise<VerifyTotpResult> {
  const epoch = toEpochSeconds(now);
  if (lastTimeStep !== null && (!Number.isSafeInteger(lastTimeStep) || lastTimeStep < 0)) {
    throw new RangeError(
      `lastTimeStep must be a non-negative integer or null, got ${lastTimeStep}`,
    );
  }

  // otplib throws on a token that is not 6 digits; for us that is just a wrong code.
  const token = code.replace(/\s+/g, '');
  if (!/^[0-9]{6}$/.test(token)) return { ok: false, reason: 'invalid' };

  const window = { secret, token, epoch, epochTolerance: DRIFT_SECONDS };
  const latestStep = Math.floor((epoch + DRIFT_SECONDS) / PERIOD_SECONDS);

  // otplib refuses an afterTimeStep beyond the window; then no step can be fresh anyway.
  if (lastTimeStep === null || lastTimeStep < latestStep) {
    const fresh = await verify(
      lastTimeStep === null ? window : { ...window, afterTimeStep: lastTimeStep },
    );
    if (fresh.valid && 'timeStep' in fresh) return { ok: true, timeStep: fresh.timeStep };
    if (lastTimeStep === null) return { ok: false, reason: 'invalid' };
  }

  // Only to tell the user why: the code was right but its step has been used.
  const used = await verify(window);

  return { ok: false, reason: used.valid ? 'replayed' : 'invalid' };
}

/**
 * `n` distinct single-use recovery codes, each 100 random bits written as four groups of five
 * Crockford base32 characters (`7K2QD-0M4XZ-R9TB1-HC6WN`). Store only their keyed hashes
 * (`hmacSha256Hex` of `normaliseRecoveryCode(code)`).
 */
export function createRecoveryCodes(n = 10): string[] {
  if (!Number.isSafeInteger(n) || n < 1 || n > 100) {
    throw new RangeError(`createRecoveryCodes needs between 1 and 100 codes, got ${n}`);
  }

  const codes = new Set<string>();
  while (codes.size < n) {
    // 256 is a multiple of 32, so keeping the low 5 bits of each byte stays uniform.
    const bytes = crypto.getRandomValues(new Uint8Array(GROUP_LENGTH * GROUPS));
    const chars = Array.from(bytes, (byte) => CROCKFORD.charAt(byte & 31)).join('');
    const groups = Array.from({ length: GROUPS }, (_, index) =>
      chars.slice(index * GROUP_LENGTH, (index + 1) * GROUP_LENGTH),
    );
    codes.add(groups.join('-'));
  }

  return [...codes];
}

/**
 * Canonical form of a recovery code as typed: upper case, without spaces or dashes, with the
 * look-alikes Crockford base32 allows mapped back (O to 0, I and L to 1). Hash this form.
 */
export function normaliseRecoveryCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}
