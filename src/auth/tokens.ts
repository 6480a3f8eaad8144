/**
 * Random tokens, keyed hashes and constant-time comparison for staff authentication.
 *
 * Pure apart from `crypto.getRandomValues`: no I/O, no bindings, no clock. Runs unchanged in
 * Node 20 and workerd (Web Crypto, TextEncoder, btoa/atob; no Buffer, no `node:` imports).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * Smallest token accepted by `randomToken`, in bytes: 16 bytes = 128 bits, the floor for session
 * tokens (OWASP Session Management Cheat Sheet, "Session ID Entropy").
 */
export const MIN_TOKEN_BYTES = 16;

/** Encodes bytes as unpadded base64url (RFC 4648 §5). */
export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);

  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes unpadded base64url (RFC 4648 §5). Returns null for anything that is not canonical
 * base64url, so a tampered stored value is refused rather than silently read differently.
 */
export function base64UrlToBytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;

  const padded =
    text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return null;
  }
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));

  // Unused trailing bits must be zero, otherwise two strings would decode to the same bytes.
  return bytesToBase64Url(bytes) === text ? bytes : null;
}

/**
 * A fresh random token of `bytes` random bytes, base64url-encoded (32 bytes = 256 bits gives a
 * 43-character token). Throws a RangeError below 128 bits: that is a programming error.
 */
export function randomToken(bytes = 32): string {
  if (!Number.isSafeInteger(bytes) || bytes < MIN_TOKEN_BYTES || bytes > 1024) {
    throw new RangeError(
      `randomToken needs between ${MIN_TOKEN_BYTES} and 1024 bytes, got ${bytes}`,
    );
  }

  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * HMAC-SHA-256 (RFC 2104) of `message` under `secret`, both UTF-8, as lower-case hex.
 *
 * Synchronous on purpose: a Durable Object computes it inside `transactionSync`, where an await
 * is not allowed. Tokens and codes with at least 112 bits of entropy are stored only as this
 * keyed hash; a slow password hash adds nothing for them (NIST SP 800-63B §5.1.1.2 applies to
 * memorised secrets, not to generated ones).
 */
export function hmacSha256Hex(secret: string, message: string): string {
  return bytesToHex(hmac(sha256, utf8ToBytes(secret), utf8ToBytes(message)));
}

/**
 * Compares two byte arrays in time that depends only on their lengths, never on where they
 * first differ.
 */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let difference = a.length ^ b.length;
  for (let index = 0; index < length; index += 1) {
    difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  }

  return difference === 0;
}

/**
 * Compares two strings code unit by code unit in time that depends only on their lengths,
 * never on where they first differ. Compare fixed-length values (hex digests) so the length
 * says nothing. UTF-16 units rather than UTF-8 bytes: encoding would map every lone surrogate
 * to U+FFFD and make distinct strings equal.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let difference = a.length ^ b.length;
  for (let index = 0; index < length; index += 1) {
    // charCodeAt past the end is NaN, and NaN | 0 is 0.
    difference |= (a.charCodeAt(index) | 0) ^ (b.charCodeAt(index) | 0);
  }

  return difference === 0;
}
