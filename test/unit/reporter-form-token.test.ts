import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { bytesToBase64Url } from '../../src/auth/tokens';
import { nextFormToken } from '../../src/reporter/cookies';

const SECRET = 'unit-test-server-secret-0123456789abcdef';
const tokenArb = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => bytesToBase64Url(bytes));

describe('nextFormToken', () => {
  it('is a fresh form token that only the server key derives from the spent one', () => {
    fc.assert(
      fc.property(tokenArb, (token) => {
        const next = nextFormToken(SECRET, token);

        expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(next).not.toBe(token);
        expect(nextFormToken(SECRET, token)).toBe(next);
        expect(nextFormToken(`${SECRET}-other`, token)).not.toBe(next);
      }),
    );
  });

  it('never leads back to a token it came from within a few reports', () => {
    fc.assert(
      fc.property(tokenArb, (token) => {
        const chain = [token];
        for (let i = 0; i < 5; i++) chain.push(nextFormToken(SECRET, chain.at(-1)!));

        expect(new Set(chain).size).toBe(chain.length);
      }),
    );
  });
});
