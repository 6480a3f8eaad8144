import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { deriveSecretBoxKey, isSealed, openSecret, sealSecret } from '../../src/auth/secret-box.js';
import { base64UrlToBytes, bytesToBase64Url } from '../../src/auth/tokens.js';

const SECRET = 'unit-test-server-secret';
const PURPOSE = 'whispr totp secret v1';

const key = await deriveSecretBoxKey(SECRET, PURPOSE);

/** Flips one bit of the byte at `index` of a base64url part. */
function flipBit(part: string, index: number, bit: number): string {
  const bytes = base64UrlToBytes(part)!;
  const at = index % bytes.length;
  bytes[at] = bytes[at]! ^ (1 << bit);

  return bytesToBase64Url(bytes);
}

describe('sealSecret and openSecret', () => {
  it('opens what it sealed, for any text and any additional data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), fc.string(), async (plaintext, aad) => {
        const sealed = await sealSecret(key, plaintext, aad);

        expect(await openSecret(key, sealed, aad)).toEqual({ ok: true, plaintext });
      }),
      { numRuns: 200 },
    );
  });

  it('writes v1.<iv>.<ciphertext> with a 96-bit IV and a 128-bit tag, never the plaintext', async () => {
    const plaintext = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const sealed = await sealSecret(key, plaintext, 'acme/u_1');

    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(isSealed(sealed)).toBe(true);
    expect(isSealed(plaintext)).toBe(false);
    expect(sealed).not.toContain(plaintext);
    const [, iv, ciphertext] = sealed.split('.');
    expect(base64UrlToBytes(iv!)?.length).toBe(12);
    expect(base64UrlToBytes(ciphertext!)?.length).toBe(plaintext.length + 16);
  });

  it('is AES-256-GCM under HKDF-SHA-256(secret, info) with the additional data bound', async () => {
    // An independent reading of the documented format with plain Web Crypto.
    const encoder = new TextEncoder();
    const sealed = await sealSecret(key, 'the secret', 'acme/u_1');
    const [, iv, ciphertext] = sealed.split('.');
    const base = await crypto.subtle.importKey('raw', encoder.encode(SECRET), 'HKDF', false, [
      'deriveBits',
    ]);
    const bits = await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(PURPOSE) },
      base,
      256,
    );
    const raw = await crypto.subtle.importKey('raw', bits, 'AES-GCM', false, ['decrypt']);
    const plain = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: base64UrlToBytes(iv!)!,
        additionalData: encoder.encode('acme/u_1'),
      },
      raw,
      base64UrlToBytes(ciphertext!)!,
    );

    expect(new TextDecoder().decode(plain)).toBe('the secret');
  });

  it('refuses a value sealed for other additional data (copied to another row)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (aad, other) => {
        fc.pre(aad !== other);
        const sealed = await sealSecret(key, 'JBSWY3DPEHPK3PXP', aad);

        expect(await openSecret(key, sealed, other)).toEqual({ ok: false, reason: 'refused' });
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a value with any bit of its IV or ciphertext changed', async () => {
    const sealed = await sealSecret(key, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'acme/u_1');
    const [version, iv, ciphertext] = sealed.split('.');

    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (inIv, index, bit) => {
          const tampered = inIv
            ? `${version}.${flipBit(iv!, index, bit)}.${ciphertext}`
            : `${version}.${iv}.${flipBit(ciphertext!, index, bit)}`;

          expect(await openSecret(key, tampered, 'acme/u_1')).toEqual({
            ok: false,
            reason: 'refused',
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a value sealed under another server secret or for another purpose', async () => {
    const sealed = await sealSecret(key, 'JBSWY3DPEHPK3PXP', 'acme/u_1');
    const otherSecret = await deriveSecretBoxKey(`${SECRET}-rotated`, PURPOSE);
    const otherPurpose = await deriveSecretBoxKey(SECRET, 'whispr something else v1');

    expect(await openSecret(otherSecret, sealed, 'acme/u_1')).toEqual({
      ok: false,
      reason: 'refused',
    });
    expect(await openSecret(otherPurpose, sealed, 'acme/u_1')).toEqual({
      ok: false,
      reason: 'refused',
    });
    // The same secret and purpose derive the same key (a restart can read old values).
    const again = await deriveSecretBoxKey(SECRET, PURPOSE);
    expect(await openSecret(again, sealed, 'acme/u_1')).toEqual({
      ok: true,
      plaintext: 'JBSWY3DPEHPK3PXP',
    });
  });

  it('uses a fresh IV for every encryption of the same value', async () => {
    const sealed = await Promise.all(
      Array.from({ length: 500 }, () => sealSecret(key, 'JBSWY3DPEHPK3PXP', 'acme/u_1')),
    );
    const ivs = new Set(sealed.map((value) => value.split('.')[1]));

    expect(ivs.size).toBe(500);
    expect(new Set(sealed).size).toBe(500);
  });

  it('calls anything not in the v1 form malformed rather than refusing or throwing', async () => {
    const sealed = await sealSecret(key, 'JBSWY3DPEHPK3PXP', 'acme/u_1');
    const [, iv, ciphertext] = sealed.split('.');
    const malformed = [
      '',
      'JBSWY3DPEHPK3PXP',
      `v2.${iv}.${ciphertext}`,
      `v1.${iv}`,
      `v1.${iv}.${ciphertext}.extra`,
      `v1.${iv}A.${ciphertext}`,
      `v1.${iv}.${ciphertext!.slice(0, 20)}`,
      `v1.${iv}.${ciphertext}=`,
      `v1.${iv}.not base64`,
    ];

    for (const value of malformed) {
      expect(await openSecret(key, value, 'acme/u_1'), value).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('refuses to derive a key from an empty server secret or for no purpose', async () => {
    await expect(deriveSecretBoxKey('', PURPOSE)).rejects.toThrow(RangeError);
    await expect(deriveSecretBoxKey(SECRET, '')).rejects.toThrow(RangeError);
  });
});
