/**
 * Staff password hashing (PBKDF2-HMAC-SHA-256 through Web Crypto) and the password policy.
 *
 * Pure apart from `crypto.subtle` and `crypto.getRandomValues`: no I/O, no bindings, no clock.
 * Stored form: `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>`, so the cost can be
 * raised later and old hashes upgraded on the next successful login (`needsRehash`).
 */
import { COMMON_PASSWORDS } from './common-passwords.js';
import { base64UrlToBytes, bytesToBase64Url, timingSafeEqualBytes } from './tokens.js';

/**
 * Iterations used for new hashes. 100,000 is the most Cloudflare Workers accept for PBKDF2 in
 * production (local workerd accepts more, so the bound is enforced here).
 */
export const PBKDF2_DEFAULT_ITERATIONS = 100_000;

/** Upper bound on iterations: the production Workers limit for PBKDF2. */
export const PBKDF2_MAX_ITERATIONS = 100_000;

/** Lower bound on iterations: anything cheaper is refused even in tests. */
export const PBKDF2_MIN_ITERATIONS = 10_000;

/** Minimum password length in Unicode code points (NIST SP 800-63B §5.1.1.2 asks for 8+). */
export const PASSWORD_MIN_LENGTH = 12;

/** Maximum password length in Unicode code points; bounds the work one login can cause. */
export const PASSWORD_MAX_LENGTH = 256;

const SCHEME = 'pbkdf2-sha256';
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** Options for `hashPassword`. */
export interface HashPasswordOptions {
  /** PBKDF2 iterations, between 10,000 and 100,000; defaults to 100,000. */
  iterations?: number;
}

/** Outcome of `verifyPassword`: `needsRehash` is true only on success with outdated parameters. */
export interface PasswordVerification {
  ok: boolean;
  needsRehash: boolean;
}

/** Result of `checkPasswordPolicy`. */
export type PasswordPolicyResult =
  { ok: true } | { ok: false; code: PasswordPolicyCode; message: string };

/** Why a password was refused by the policy. */
export type PasswordPolicyCode =
  'password_too_short' | 'password_too_long' | 'password_too_common' | 'password_contains_email';

interface ParsedHash {
  iterations: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

/**
 * A well-formed hash at the current default cost that no password is accepted against.
 * `burnPasswordCheck` verifies against it so that a login for an unknown email does the same
 * PBKDF2 work as a login with a wrong password.
 */
export const DUMMY_PASSWORD_HASH =
  `${SCHEME}$${PBKDF2_DEFAULT_ITERATIONS}$VSWAyMTa18_Ah976vzwdlA$` +
  'vZNCQPU41lr9VtBM5Bh59wbFAzYJ0MRMgvxNj9In5nI';

function assertIterations(iterations: number): void {
  if (
    !Number.isSafeInteger(iterations) ||
    iterations < PBKDF2_MIN_ITERATIONS ||
    iterations > PBKDF2_MAX_ITERATIONS
  ) {
    throw new RangeError(
      `PBKDF2 iterations must be an integer between ${PBKDF2_MIN_ITERATIONS} and ` +
        `${PBKDF2_MAX_ITERATIONS} (the Cloudflare Workers limit), got ${iterations}`,
    );
  }
}

async function deriveKey(
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  // NFKC so that the same password typed on two keyboards (composed or decomposed accents,
  // full-width forms) hashes alike, as NIST SP 800-63B §5.1.1.2 recommends.
  const secret = new TextEncoder().encode(password.normalize('NFKC'));
  const key = await crypto.subtle.importKey('raw', secret, 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    key,
    KEY_BYTES * 8,
  );

  return new Uint8Array(bits);
}

function parsePasswordHash(encoded: string): ParsedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 4 || parts[0] !== SCHEME) return null;

  const [, iterationsText = '', saltText = '', hashText = ''] = parts;
  if (!/^[1-9][0-9]{0,8}$/.test(iterationsText)) return null;
  const iterations = Number(iterationsText);
  const salt = base64UrlToBytes(saltText);
  const hash = base64UrlToBytes(hashText);

  // A value outside the bounds could not have come from `hashPassword`, and deriving with more
  // than 100,000 iterations fails in production, so it is treated as corrupt.
  if (iterations < PBKDF2_MIN_ITERATIONS || iterations > PBKDF2_MAX_ITERATIONS) return null;
  if (salt === null || salt.length < SALT_BYTES || hash === null || hash.length !== KEY_BYTES) {
    return null;
  }

  return { iterations, salt, hash };
}

const DUMMY_PARSED = ((): ParsedHash => {
  const parsed = parsePasswordHash(DUMMY_PASSWORD_HASH);
  if (parsed === null) throw new Error('DUMMY_PASSWORD_HASH is malformed');

  return parsed;
})();

/**
 * Hashes a password with a fresh 16-byte salt into the encoded form above. Throws a RangeError
 * when `iterations` is outside 10,000..100,000: that is a configuration error, not user input.
 */
export async function hashPassword(
  password: string,
  options: HashPasswordOptions = {},
): Promise<string> {
  const iterations = options.iterations ?? PBKDF2_DEFAULT_ITERATIONS;
  assertIterations(iterations);

  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await deriveKey(password, salt, iterations);

  return `${SCHEME}$${iterations}$${bytesToBase64Url(salt)}$${bytesToBase64Url(hash)}`;
}

/**
 * Checks a password against an encoded hash, comparing in constant time. `needsRehash` is true
 * when the password matched but was hashed with fewer iterations than the current default: the
 * caller should then store `hashPassword(password)` in its place. A malformed stored value is
 * refused after the same amount of work as a wrong password.
 */
export async function verifyPassword(
  password: string,
  encoded: string,
): Promise<PasswordVerification> {
  const parsed = parsePasswordHash(encoded);
  const target = parsed ?? DUMMY_PARSED;

  const derived = await deriveKey(password, target.salt, target.iterations);
  const matches = timingSafeEqualBytes(derived, target.hash);
  if (parsed === null || !matches) return { ok: false, needsRehash: false };

  return { ok: true, needsRehash: parsed.iterations < PBKDF2_DEFAULT_ITERATIONS };
}

/**
 * Does the work of one verification and always refuses. Call it when the email is unknown, so
 * that the response time does not reveal which staff accounts exist.
 */
export async function burnPasswordCheck(password: string): Promise<PasswordVerification> {
  await verifyPassword(password, DUMMY_PASSWORD_HASH);

  return { ok: false, needsRehash: false };
}

/**
 * The password rules for staff accounts (NIST SP 800-63B §5.1.1.2): 12 to 256 code points, not
 * a well-known password (case-insensitive), and not the email's local part or containing it.
 * No composition rules: length and the blocklist do more than forced symbols.
 */
export function checkPasswordPolicy(
  password: string,
  context: { email?: string } = {},
): PasswordPolicyResult {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return {
      ok: false,
      code: 'password_too_short',
      message:
        `Use at least ${PASSWORD_MIN_LENGTH} characters. ` +
        'Several unrelated words make a long password that is easy to remember.',
    };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return {
      ok: false,
      code: 'password_too_long',
      message: `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
    };
  }

  const folded = password.normalize('NFKC').toLowerCase();
  if (COMMON_PASSWORDS.has(folded)) {
    return {
      ok: false,
      code: 'password_too_common',
      message:
        'This password is on a list of passwords attackers try first. Choose one that is ' +
        'unique to you, for example several unrelated words.',
    };
  }

  // A local part of one or two characters ("jo@") would forbid half of all passwords while
  // adding nothing an attacker would guess, so containment starts at three.
  const email = (context.email ?? '').normalize('NFKC').trim().toLowerCase();
  const at = email.lastIndexOf('@');
  const localPart = at >= 0 ? email.slice(0, at) : email;
  if (localPart.length >= 3 && folded.includes(localPart)) {
    return {
      ok: false,
      code: 'password_contains_email',
      message: 'Do not use your email address or its name part in your password.',
    };
  }

  return { ok: true };
}
