/**
 * Authenticated encryption of small secrets that must be stored readable by the server (a TOTP
 * secret is used to compute codes, so it cannot be hashed): AES-256-GCM under a key derived
 * from the deployment secret with HKDF-SHA-256, one key per purpose.
 *
 * Pure: Web Crypto only (no I/O, no bindings, no `node:` imports), so it runs unchanged in
 * Node 20 and workerd. Every function is async because Web Crypto is.
 *
 * Stored form: `v1.<iv>.<ciphertext>`, both unpadded base64url (RFC 4648 §5), the ciphertext
 * carrying GCM's 128-bit tag at its end. The version prefix lets a later key or algorithm
 * live beside this one, and tells a sealed value from a legacy plaintext one (a value with
 * no `v1.` prefix was stored before encryption).
 */
import { base64UrlToBytes, bytesToBase64Url } from './tokens';

/** Prefix of every value `sealSecret` writes. */
export const SEALED_PREFIX = 'v1.';

/** GCM nonce length: 96 bits, the length NIST SP 800-38D §8.2 recommends. */
const IV_BYTES = 12;

/** GCM tag length: 128 bits, the Web Crypto default and the maximum (SP 800-38D §5.2.1.2). */
const TAG_BYTES = 16;

/** Result of `openSecret`: the plaintext, or why it was refused. */
export type OpenSecretResult =
  { ok: true; plaintext: string } | { ok: false; reason: 'malformed' | 'refused' };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The AES-256-GCM key for one purpose, derived from the deployment secret with HKDF-SHA-256
 * (RFC 5869). `info` names the purpose and its version ("whispr totp secret v1"), so a key
 * for one use never decrypts another's values. No salt (RFC 5869 §3.1 allows it): the input
 * is already a high-entropy secret, and the salt would have to be stored beside it anyway.
 * Throws a RangeError for an empty secret or purpose: that is a configuration error.
 */
export async function deriveSecretBoxKey(serverSecret: string, info: string): Promise<CryptoKey> {
  if (serverSecret.length === 0 || info.length === 0) {
    throw new RangeError('deriveSecretBoxKey needs a non-empty server secret and purpose');
  }

  const base = await crypto.subtle.importKey('raw', encoder.encode(serverSecret), 'HKDF', false, [
    'deriveKey',
  ]);

  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(info) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/**
 * Encrypts `plaintext` under `key` with a fresh random 96-bit IV, binding `aad` (additional
 * authenticated data: whose value this is) so the result opens only with the same `aad`.
 * Random IVs are safe for up to 2^32 encryptions under one key (SP 800-38D §8.3).
 */
export async function sealSecret(key: CryptoKey, plaintext: string, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(aad), tagLength: TAG_BYTES * 8 },
    key,
    encoder.encode(plaintext),
  );

  return `${SEALED_PREFIX}${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(ciphertext))}`;
}

/**
 * Decrypts a value from `sealSecret`. 'malformed' when it is not in the `v1.` form at all;
 * 'refused' when GCM's tag does not verify: a changed byte, another `aad` (a value copied to
 * another row) or another key (another purpose or deployment secret).
 */
export async function openSecret(
  key: CryptoKey,
  sealed: string,
  aad: string,
): Promise<OpenSecretResult> {
  const parts = sealed.split('.');
  const iv =
    parts.length === 3 && `${parts[0]}.` === SEALED_PREFIX ? base64UrlToBytes(parts[1]!) : null;
  const ciphertext = iv ? base64UrlToBytes(parts[2]!) : null;
  if (!iv || iv.length !== IV_BYTES || !ciphertext || ciphertext.length < TAG_BYTES) {
    return { ok: false, reason: 'malformed' };
  }

  let plaintext: ArrayBuffer;
  try {
    plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: encoder.encode(aad), tagLength: TAG_BYTES * 8 },
      key,
      ciphertext,
    );
  } catch {
    // Web Crypto reports a failed tag check as an OperationError and nothing more.
    return { ok: false, reason: 'refused' };
  }
  try {
    return { ok: true, plaintext: decoder.decode(plaintext) };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/** Whether a stored value is in the sealed form (else it predates encryption). */
export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}
