/**
 * Reporter credentials: the mailbox token, the secret return code and the case reference.
 *
 * Pure apart from `crypto.getRandomValues`: no I/O, no clock. Works in Node 20 and workerd.
 *
 * A reporter is anonymous, so these two values are the only way back into the mailbox. They are
 * shown once on the receipt page and never stored: the store keeps only `credentialDigest` of
 * each, a keyed HMAC-SHA-256 under a server-side secret. Generated values carry 100 bits each
 * (200 for the pair), so a fast keyed hash is enough; a slow password hash is for human-chosen
 * secrets (see PLATFORM.md, "Hashing secrets").
 *
 * Values are written in Crockford base32 (https://www.crockford.com/base32.html): no I, L, O or U,
 * so they survive being read aloud, written by hand and typed back with the usual confusions.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** Crockford's base32 alphabet: digits, then letters without I, L, O and U. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Prefix shown in front of a mailbox token so people can tell the token from the return code. */
export const MAILBOX_TOKEN_PREFIX = 'MBX';

/** Characters in a normalised token or return code: 20 × 5 bits = 100 bits of randomness. */
export const CREDENTIAL_LENGTH = 20;

/** Characters after `WB-` in a case reference: 8 × 5 = 40 bits, unique enough per organisation. */
export const CASE_REF_LENGTH = 8;

/** Shortest server secret accepted by `credentialDigest`, in characters (32 ≈ 256 bits as hex). */
export const MIN_DIGEST_SECRET_LENGTH = 32;

/** The two kinds of credential; each is digested under its own label so digests never collide. */
export type CredentialPurpose = 'mailbox-token' | 'return-code';

/** What the receipt page shows to the reporter, exactly once. */
export interface MailboxCredentials {
  token: string;
  returnCode: string;
}

const NORMALISED_PATTERN = new RegExp(`^[${CROCKFORD_ALPHABET}]{${CREDENTIAL_LENGTH}}$`);

// Longer input than any plausible paste of a credential is refused before any work is done.
const MAX_INPUT_LENGTH = 200;

/**
 * Creates a fresh mailbox token (`MBX-XXXX-XXXX-XXXX-XXXX-XXXX`) and return code
 * (`XXXX-XXXX-XXXX-XXXX-XXXX`), each 100 bits from `crypto.getRandomValues`.
 */
export function createMailboxCredentials(): MailboxCredentials {
  const token = `${MAILBOX_TOKEN_PREFIX}-${group(randomCrockford(CREDENTIAL_LENGTH))}`;
  const returnCode = group(randomCrockford(CREDENTIAL_LENGTH));

  return { token, returnCode };
}

/**
 * Creates a case reference a person can read over the phone, e.g. `WB-7K3Q-9DTF`. It is not a
 * secret and grants nothing; the caller still checks it is unused within the organisation.
 */
export function createCaseRef(): string {
  const chars = randomCrockford(CASE_REF_LENGTH);

  return `WB-${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/**
 * Brings a typed-in token or return code to its canonical 20-character form: uppercase, spaces
 * and dashes removed, the `MBX` prefix dropped, and the confusable letters read as Crockford
 * prescribes (O → 0, I and L → 1). Returns null when what remains is not 20 base32 characters
 * (a U, a wrong length, punctuation).
 */
export function normaliseCredential(input: string): string | null {
  if (input.length > MAX_INPUT_LENGTH) return null;

  // Hyphen, non-breaking hyphen, en and em dashes (U+2010–U+2015) all arrive from copy and paste.
  let value = input.toUpperCase().replace(/[\s\-\u2010-\u2015]/g, '');

  if (
    value.length === MAILBOX_TOKEN_PREFIX.length + CREDENTIAL_LENGTH &&
    value.startsWith(MAILBOX_TOKEN_PREFIX)
  ) {
    value = value.slice(MAILBOX_TOKEN_PREFIX.length);
  }

  value = value.replace(/O/g, '0').replace(/[IL]/g, '1');

  return NORMALISED_PATTERN.test(value) ? value : null;
}

/**
 * The only form in which a credential is stored: hex HMAC-SHA-256 (RFC 2104) keyed with the
 * server secret over `whispr:<purpose>:v1:<normalised>`. The purpose in the message keeps a
 * token's digest from ever matching a return code's. Synchronous so a Durable Object can compute
 * it inside its decide-and-commit step without opening the input gate.
 *
 * Throws on a secret shorter than `MIN_DIGEST_SECRET_LENGTH` or a value that is not the output
 * of `normaliseCredential`: both are programming errors, and digesting them would store a value
 * that is weak or could never match again.
 */
export function credentialDigest(
  secret: string,
  purpose: CredentialPurpose,
  normalised: string,
): string {
  if (secret.length < MIN_DIGEST_SECRET_LENGTH) {
    throw new RangeError(`credential secret must be at least ${MIN_DIGEST_SECRET_LENGTH} chars`);
  }
  if (!NORMALISED_PATTERN.test(normalised)) {
    throw new TypeError('credentialDigest expects the output of normaliseCredential');
  }

  const message = utf8ToBytes(`whispr:${purpose}:v1:${normalised}`);

  return bytesToHex(hmac(sha256, utf8ToBytes(secret), message));
}

/**
 * Compares two digests in time that depends only on their length, so a return-code check does
 * not leak how many leading characters matched.
 */
export function digestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;

  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);

  return difference === 0;
}

/**
 * `length` random Crockford characters from a CSPRNG, 5 bits each. 256 is a multiple of 32,
 * so the low five bits of a uniform byte are uniform: no modulo bias.
 */
export function randomCrockford(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));

  let out = '';
  for (const byte of bytes) out += CROCKFORD_ALPHABET[byte & 31];

  return out;
}

function group(chars: string): string {
  return chars.match(/.{1,4}/g)?.join('-') ?? '';
}
