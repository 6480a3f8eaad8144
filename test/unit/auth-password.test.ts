import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMON_PASSWORDS } from '../../src/auth/common-passwords.js';
import {
  DUMMY_PASSWORD_HASH,
  PBKDF2_DEFAULT_ITERATIONS,
  burnPasswordCheck,
  checkPasswordPolicy,
  hashPassword,
  verifyPassword,
} from '../../src/auth/password.js';
import { bytesToBase64Url } from '../../src/auth/tokens.js';

const FAST = { iterations: 10_000 };
const ENCODED = /^pbkdf2-sha256\$(\d+)\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('hashPassword and verifyPassword', () => {
  it('accepts the password it hashed, at the default 100,000 iterations', async () => {
    const encoded = await hashPassword('a long and unusual passphrase');

    expect(encoded).toMatch(ENCODED);
    expect(ENCODED.exec(encoded)?.[1]).toBe('100000');
    expect(PBKDF2_DEFAULT_ITERATIONS).toBe(100_000);
    await expect(verifyPassword('a long and unusual passphrase', encoded)).resolves.toEqual({
      ok: true,
      needsRehash: false,
    });
  });

  it('salts every hash, so the same password never hashes alike', async () => {
    const first = await hashPassword('the same password twice', FAST);
    const second = await hashPassword('the same password twice', FAST);

    expect(first).not.toBe(second);
  });

  it('refuses any other password', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        async (password, attempt) => {
          fc.pre(password.normalize('NFKC') !== attempt.normalize('NFKC'));
          const encoded = await hashPassword(password, FAST);

          expect((await verifyPassword(attempt, encoded)).ok).toBe(false);
          expect((await verifyPassword(password, encoded)).ok).toBe(true);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('accepts the password whichever Unicode form it was typed in (NFKC)', async () => {
    const encoded = await hashPassword('caf\u00e9 au lait pour moi', FAST);

    expect((await verifyPassword('cafe\u0301 au lait pour moi', encoded)).ok).toBe(true);
  });

  it('asks for a rehash when the stored iterations are below the current default', async () => {
    const encoded = await hashPassword('an older hash of mine', FAST);

    await expect(verifyPassword('an older hash of mine', encoded)).resolves.toEqual({
      ok: true,
      needsRehash: true,
    });
    await expect(verifyPassword('not my password at all', encoded)).resolves.toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it('refuses iteration counts above the 100,000 Workers limit or below 10,000', async () => {
    for (const iterations of [100_001, 200_000, 9_999, 1, 0, -5, 15_000.5, Number.NaN]) {
      await expect(hashPassword('whatever it is', { iterations })).rejects.toThrow(
        /between 10000 and 100000/,
      );
    }
    await expect(hashPassword('whatever it is', { iterations: 10_000 })).resolves.toMatch(ENCODED);
    await expect(hashPassword('whatever it is', { iterations: 100_000 })).resolves.toMatch(ENCODED);
  });

  it('refuses a stored hash made with more than 100,000 iterations', async () => {
    const salt = new Uint8Array(16).fill(7);
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode('derived locally'),
      'PBKDF2',
      false,
      ['deriveBits'],
    );
    const bits = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 100_001 },
      key,
      256,
    );
    const encoded = `pbkdf2-sha256$100001$${bytesToBase64Url(salt)}$${bytesToBase64Url(new Uint8Array(bits))}`;

    expect((await verifyPassword('derived locally', encoded)).ok).toBe(false);
  });

  it('refuses tampered or malformed stored hashes', async () => {
    const encoded = await hashPassword('tamper with me please', FAST);
    const [scheme, iterations, salt, hash] = encoded.split('$') as [string, string, string, string];
    const flipped = (hash.startsWith('A') ? 'B' : 'A') + hash.slice(1);
    const variants = [
      [scheme, iterations, salt, flipped].join('$'),
      [scheme, '10001', salt, hash].join('$'),
      ['pbkdf2-sha1', iterations, salt, hash].join('$'),
      [scheme, iterations, salt.slice(2), hash].join('$'),
      [scheme, iterations, salt, hash.slice(0, 40)].join('$'),
      [scheme, `0${iterations}`, salt, hash].join('$'),
      [scheme, iterations, salt, hash, ''].join('$'),
      '',
      'not a hash',
    ];

    for (const variant of variants) {
      expect((await verifyPassword('tamper with me please', variant)).ok).toBe(false);
    }
  });

  it('does the same PBKDF2 work for an unknown user as for a wrong password', async () => {
    const encoded = await hashPassword('the real password');
    const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits');

    await verifyPassword('a wrong guess', encoded);
    const outcome = await burnPasswordCheck('a wrong guess');
    await verifyPassword('a wrong guess', 'corrupt stored value');

    expect(outcome).toEqual({ ok: false, needsRehash: false });
    expect(deriveBits).toHaveBeenCalledTimes(3);
    const shapes = deriveBits.mock.calls.map(([algorithm, , length]) => {
      const { name, hash, iterations, salt } = algorithm as {
        name: string;
        hash: string;
        iterations: number;
        salt: Uint8Array;
      };

      return { name, hash, iterations, length, saltBytes: salt.length };
    });
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    expect(shapes[0]).toMatchObject({ iterations: 100_000, length: 256, saltBytes: 16 });
  });

  it('never accepts a password against the dummy hash', async () => {
    expect(DUMMY_PASSWORD_HASH).toMatch(ENCODED);
    expect((await verifyPassword('', DUMMY_PASSWORD_HASH)).ok).toBe(false);
    expect((await burnPasswordCheck('any password at all')).ok).toBe(false);
  });
});

describe('checkPasswordPolicy', () => {
  it('refuses any password shorter than 12 code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 11 }), (password) => {
        const result = checkPasswordPolicy(password, {});

        expect(result).toMatchObject({ ok: false, code: 'password_too_short' });
      }),
    );
  });

  it('accepts an uncommon password of 12 to 256 code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 12, maxLength: 256 }), (password) => {
        fc.pre(!COMMON_PASSWORDS.has(password.normalize('NFKC').toLowerCase()));

        expect(checkPasswordPolicy(password, {})).toEqual({ ok: true });
      }),
    );
  });

  it('counts code points, not UTF-16 units', () => {
    expect(checkPasswordPolicy('🔐'.repeat(11), {})).toMatchObject({ code: 'password_too_short' });
    expect(checkPasswordPolicy('🔐'.repeat(12), {})).toEqual({ ok: true });
    expect(checkPasswordPolicy('🔐'.repeat(256), {})).toEqual({ ok: true });
    expect(checkPasswordPolicy('🔐'.repeat(257), {})).toMatchObject({
      code: 'password_too_long',
    });
  });

  it('refuses a common password whatever its case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COMMON_PASSWORDS),
        fc.infiniteStream(fc.boolean()),
        (common, upper) => {
          const typed = Array.from(common, (char) =>
            upper.next().value ? char.toUpperCase() : char,
          ).join('');

          expect(checkPasswordPolicy(typed, {})).toMatchObject({ code: 'password_too_common' });
        },
      ),
    );
  });

  it('refuses the obvious patterns and passphrases', () => {
    for (const password of [
      'Password1234',
      'QWERTYUIOP12',
      '123456789012',
      'Correct Horse Battery Staple',
      'correcthorsebatterystaple',
      'Welcome2025!',
      'ｐａｓｓｗｏｒｄ１２３４',
    ]) {
      expect(checkPasswordPolicy(password, {})).toMatchObject({ code: 'password_too_common' });
    }
  });

  it('keeps the common list lower case, at least 12 code points, a few hundred long', () => {
    for (const entry of COMMON_PASSWORDS) {
      expect(entry).toBe(entry.toLowerCase());
      expect([...entry].length).toBeGreaterThanOrEqual(12);
    }
    expect(COMMON_PASSWORDS.size).toBeGreaterThan(200);
    expect(COMMON_PASSWORDS.size).toBeLessThan(2000);
  });

  it("refuses a password equal to or containing the email's local part", () => {
    const email = 'Jonathan.Smith@acme.example';

    for (const password of ['jonathan.smith', 'JONATHAN.SMITH-2025', 'I am jonathan.smith!']) {
      expect(checkPasswordPolicy(password, { email })).toMatchObject({
        code: 'password_contains_email',
      });
    }
    expect(checkPasswordPolicy('jonathan smith rides a bike', { email })).toEqual({ ok: true });
  });

  it('ignores a local part too short to guess from', () => {
    expect(checkPasswordPolicy('jo likes long walks', { email: 'jo@acme.example' })).toEqual({
      ok: true,
    });
  });

  it('tells the user what to do', () => {
    const short = checkPasswordPolicy('short', {});
    const common = checkPasswordPolicy('password1234', {});

    expect(short.ok === false && short.message).toMatch(/at least 12 characters/);
    expect(common.ok === false && common.message).toMatch(/Choose/);
  });
});
