import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CROCKFORD_ALPHABET } from '../../src/reporter/credentials';
import { formatSessionToken, parseSessionToken } from '../../src/mailbox/session-token';

const SECRET = 'unit-test-server-secret-0123456789abcdef';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const sessionArb = fc.record({
  org: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
  caseId: fc
    .string({ unit: fc.constantFrom(...CROCKFORD_ALPHABET), minLength: 20, maxLength: 20 })
    .map((chars) => `c_${chars}`),
  secret: fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 43, maxLength: 43 }),
});

describe('mailbox session tokens', () => {
  it('read back the session they were made for', () => {
    fc.assert(
      fc.property(sessionArb, (session) => {
        expect(parseSessionToken(SECRET, formatSessionToken(SECRET, session))).toEqual(session);
      }),
    );
  });

  it('are refused after any one character is changed', () => {
    fc.assert(
      fc.property(sessionArb, fc.nat(), fc.constantFrom(...BASE64URL), (session, at, ch) => {
        const token = formatSessionToken(SECRET, session);
        const i = at % token.length;
        fc.pre(token[i] !== ch);
        const changed = token.slice(0, i) + ch + token.slice(i + 1);

        expect(parseSessionToken(SECRET, changed)).toBeNull();
      }),
    );
  });

  it('are refused when moved to another case or organisation, or made under another key', () => {
    fc.assert(
      fc.property(sessionArb, sessionArb, (a, b) => {
        fc.pre(a.org !== b.org || a.caseId !== b.caseId);
        const token = formatSessionToken(SECRET, a);
        const tag = token.slice(token.lastIndexOf('.') + 1);
        const moved = `mbs.${b.org}.${b.caseId}.${a.secret}.${tag}`;

        expect(parseSessionToken(SECRET, moved)).toBeNull();
        expect(parseSessionToken(`${SECRET}-other`, token)).toBeNull();
      }),
    );
  });

  it('refuses the untagged form of earlier releases and anything that is not a token', () => {
    const session = { org: 'acme', caseId: `c_${'0'.repeat(20)}`, secret: 'A'.repeat(43) };
    const token = formatSessionToken(SECRET, session);

    expect(parseSessionToken(SECRET, token.slice(0, token.lastIndexOf('.')))).toBeNull();
    for (const other of [undefined, null, '', 'mbs.', `${token}.`, ` ${token}`]) {
      expect(parseSessionToken(SECRET, other)).toBeNull();
    }
  });
});
