import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64UrlToBytes,
  bytesToBase64Url,
  hmacSha256Hex,
  randomToken,
  timingSafeEqual,
} from '../../src/auth/tokens.js';

async function webCryptoHmacHex(secret: string, message: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));

  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

describe('randomToken', () => {
  it('returns 256 random bits as 43 base64url characters by default', () => {
    const token = randomToken();

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(base64UrlToBytes(token)?.length).toBe(32);
  });

  it('never repeats a token across many draws', () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => randomToken(16)));

    expect(tokens.size).toBe(2000);
  });

  it('refuses to make a token shorter than 128 bits', () => {
    expect(() => randomToken(15)).toThrow(RangeError);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('base64url', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = bytesToBase64Url(bytes);

        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(base64UrlToBytes(text)).toEqual(bytes);
      }),
    );
  });

  it('refuses text that is not canonical unpadded base64url', () => {
    for (const text of ['A', 'AB', 'AA==', 'a+b/', 'ab cd', 'AAA=']) {
      expect(base64UrlToBytes(text)).toBeNull();
    }
  });
});

describe('hmacSha256Hex', () => {
  it('matches RFC 4231 test case 2', () => {
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('returns synchronously the same digest Web Crypto computes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        async (secret, message) => {
          const digest = hmacSha256Hex(secret, message);

          expect(typeof digest).toBe('string');
          expect(digest).toBe(await webCryptoHmacHex(secret, message));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('gives different digests under different secrets', () => {
    expect(hmacSha256Hex('secret-a', 'token')).not.toBe(hmacSha256Hex('secret-b', 'token'));
  });
});

describe('timingSafeEqual', () => {
  it('agrees with === on any pair of strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(a === b);
        expect(timingSafeEqual(a, a)).toBe(true);
      }),
    );
  });

  it('refuses a prefix and distinct lone surrogates', () => {
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
    expect(timingSafeEqual('abcd', 'abc')).toBe(false);
    expect(timingSafeEqual('\uD800', '\uD801')).toBe(false);
  });
});
