import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  CROCKFORD_ALPHABET,
  createCaseRef,
  createMailboxCredentials,
  credentialDigest,
  digestsEqual,
  normaliseCredential,
} from '../../src/reporter/credentials';

const SECRET = 'k'.repeat(64);
const OTHER_SECRET = 'j'.repeat(64);
const BASE32 = /^[0-9A-HJKMNP-TV-Z]+$/;

// A normalised credential drawn from the alphabet, without going through the generator.
const normalisedArb = fc
  .array(fc.constantFrom(...CROCKFORD_ALPHABET), { minLength: 20, maxLength: 20 })
  .map((chars) => chars.join(''));

describe('createMailboxCredentials', () => {
  it('gives token and return code at least 80 bits each, in Crockford base32 only', () => {
    for (let i = 0; i < 200; i++) {
      const { token, returnCode } = createMailboxCredentials();

      expect(token).toMatch(/^MBX(-[0-9A-HJKMNP-TV-Z]{4}){5}$/);
      expect(returnCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);

      const tokenChars = token.slice(4).replaceAll('-', '');
      const codeChars = returnCode.replaceAll('-', '');
      expect(tokenChars.length * 5).toBeGreaterThanOrEqual(80);
      expect(codeChars.length * 5).toBeGreaterThanOrEqual(80);
      expect(tokenChars).toMatch(BASE32);
      expect(codeChars).toMatch(BASE32);
    }
  });

  it('draws every alphabet character, so all 5 bits of each position are used', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const { token, returnCode } = createMailboxCredentials();
      for (const ch of (token.slice(4) + returnCode).replaceAll('-', '')) seen.add(ch);
    }

    expect([...seen].sort().join('')).toBe([...CROCKFORD_ALPHABET].sort().join(''));
  });

  it('never repeats a credential across many draws', () => {
    const values = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const { token, returnCode } = createMailboxCredentials();
      values.add(token);
      values.add(returnCode);
    }

    expect(values.size).toBe(4000);
  });
});

describe('createCaseRef', () => {
  it('reads as WB- and eight base32 characters in two groups', () => {
    for (let i = 0; i < 200; i++) {
      expect(createCaseRef()).toMatch(/^WB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    }
  });
});

describe('normaliseCredential', () => {
  it('round-trips generated credentials to their 20 characters', () => {
    for (let i = 0; i < 200; i++) {
      const { token, returnCode } = createMailboxCredentials();

      expect(normaliseCredential(token)).toBe(token.slice(4).replaceAll('-', ''));
      expect(normaliseCredential(returnCode)).toBe(returnCode.replaceAll('-', ''));
    }
  });

  it('accepts lowercase, spaces, dashes, the prefix and O/I/L confusions', () => {
    fc.assert(
      fc.property(
        normalisedArb,
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        fc.array(fc.constantFrom('', ' ', '-', '  ', ' - ', '\u2013'), {
          minLength: 20,
          maxLength: 20,
        }),
        fc.boolean(),
        (value, lower, separators, prefixed) => {
          // Each 0 may be typed as O or o, each 1 as I, i, L or l; letters may be lowercase.
          const typed = [...value]
            .map((ch, i) => {
              let out = ch;
              if (ch === '0' && lower[i]) out = 'o';
              if (ch === '1' && lower[i]) out = i % 2 ? 'l' : 'I';
              if (lower[i]) out = out.toLowerCase();
              return out + separators[i];
            })
            .join('');
          const input = ` ${prefixed ? 'mbx-' : ''}${typed} `;

          expect(normaliseCredential(input)).toBe(value);
        },
      ),
    );
  });

  it('refuses wrong lengths, the letter U and punctuation', () => {
    const { returnCode } = createMailboxCredentials();
    const chars = returnCode.replaceAll('-', '');

    expect(normaliseCredential(chars.slice(1))).toBeNull();
    expect(normaliseCredential(`${chars}0`)).toBeNull();
    expect(normaliseCredential(`U${chars.slice(1)}`)).toBeNull();
    expect(normaliseCredential(`${chars.slice(0, 19)}!`)).toBeNull();
    expect(normaliseCredential('')).toBeNull();
    expect(normaliseCredential(`MBX${chars.slice(3)}`)).not.toBeNull(); // 20 chars: not a prefix
    expect(normaliseCredential(`XYZ${chars}`)).toBeNull();
    expect(normaliseCredential(`${chars} `.repeat(20))).toBeNull();
  });
});

describe('credentialDigest', () => {
  it('is a deterministic 64-character hex HMAC-SHA-256', () => {
    fc.assert(
      fc.property(normalisedArb, (value) => {
        const digest = credentialDigest(SECRET, 'return-code', value);

        expect(digest).toMatch(/^[0-9a-f]{64}$/);
        expect(credentialDigest(SECRET, 'return-code', value)).toBe(digest);
      }),
    );
  });

  it('differs by purpose, so a token digest never matches a return-code digest', () => {
    fc.assert(
      fc.property(normalisedArb, (value) => {
        expect(credentialDigest(SECRET, 'mailbox-token', value)).not.toBe(
          credentialDigest(SECRET, 'return-code', value),
        );
      }),
    );
  });

  it('differs by secret and by value', () => {
    fc.assert(
      fc.property(normalisedArb, normalisedArb, (a, b) => {
        fc.pre(a !== b);

        expect(credentialDigest(SECRET, 'return-code', a)).not.toBe(
          credentialDigest(OTHER_SECRET, 'return-code', a),
        );
        expect(credentialDigest(SECRET, 'return-code', a)).not.toBe(
          credentialDigest(SECRET, 'return-code', b),
        );
      }),
    );
  });

  it('matches an independent Web Crypto HMAC over the documented message', async () => {
    const value = normaliseCredential(createMailboxCredentials().returnCode) ?? '';
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = await crypto.subtle.sign(
      'HMAC',
      key,
      new TextEncoder().encode(`whispr:return-code:v1:${value}`),
    );
    const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');

    expect(credentialDigest(SECRET, 'return-code', value)).toBe(hex);
  });

  it('refuses a short secret and an un-normalised value', () => {
    const value = normaliseCredential(createMailboxCredentials().returnCode) ?? '';

    expect(() => credentialDigest('short', 'return-code', value)).toThrow(RangeError);
    expect(() => credentialDigest(SECRET, 'return-code', value.toLowerCase())).toThrow(TypeError);
    expect(() => credentialDigest(SECRET, 'mailbox-token', `MBX-${value}`)).toThrow(TypeError);
  });
});

describe('digestsEqual', () => {
  it('agrees with string equality', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(digestsEqual(a, b)).toBe(a === b);
        expect(digestsEqual(a, a)).toBe(true);
      }),
    );
  });
});
