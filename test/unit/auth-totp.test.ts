import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createRecoveryCodes,
  createTotpSecret,
  generateTotp,
  normaliseRecoveryCode,
  totpUri,
  verifyTotp,
} from '../../src/auth/totp.js';

// RFC 6238 Appendix B: the ASCII secret "12345678901234567890", here in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const OTHER_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const STEP_MS = 30_000;

// 10 seconds into a time step, so ±30 s stays one step away.
const NOW = Date.UTC(2025, 0, 15, 12, 0, 10);
const STEP = Math.floor(NOW / STEP_MS);

const CROCKFORD_CODE = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/;

afterEach(() => {
  vi.useRealTimers();
});

describe('generateTotp', () => {
  it('matches the RFC 6238 Appendix B SHA-1 vectors (last six digits)', async () => {
    expect(await generateTotp(RFC_SECRET, 59_000)).toBe('287082');
    expect(await generateTotp(RFC_SECRET, 1_111_111_109_000)).toBe('081804');
    expect(await generateTotp(RFC_SECRET, 1_234_567_890_000)).toBe('005924');
    expect(await generateTotp(RFC_SECRET, 2_000_000_000_000)).toBe('279037');
  });
});

describe('verifyTotp', () => {
  it('accepts the current code and reports its time step', async () => {
    const code = await generateTotp(RFC_SECRET, NOW);

    await expect(
      verifyTotp({ secret: RFC_SECRET, code, now: NOW, lastTimeStep: null }),
    ).resolves.toEqual({ ok: true, timeStep: STEP });
  });

  it('accepts one step of drift either way', async () => {
    for (const offset of [-1, 1]) {
      const code = await generateTotp(RFC_SECRET, NOW + offset * STEP_MS);

      await expect(
        verifyTotp({ secret: RFC_SECRET, code, now: NOW, lastTimeStep: null }),
      ).resolves.toEqual({ ok: true, timeStep: STEP + offset });
    }
  });

  it('refuses a code two steps or more away, at any time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_000_000_000_000, max: 4_000_000_000_000 }),
        fc.constantFrom(-3, -2, 2, 3),
        async (now, offset) => {
          const code = await generateTotp(RFC_SECRET, now + offset * STEP_MS);
          const window = await Promise.all(
            [-1, 0, 1].map((near) => generateTotp(RFC_SECRET, now + near * STEP_MS)),
          );
          // Six digits collide about once in a million; such a code is right by chance.
          fc.pre(!window.includes(code));

          await expect(
            verifyTotp({ secret: RFC_SECRET, code, now, lastTimeStep: null }),
          ).resolves.toEqual({ ok: false, reason: 'invalid' });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses a replayed code, from the same step or an earlier one', async () => {
    const current = await generateTotp(RFC_SECRET, NOW);
    const earlier = await generateTotp(RFC_SECRET, NOW - STEP_MS);
    const first = await verifyTotp({
      secret: RFC_SECRET,
      code: current,
      now: NOW,
      lastTimeStep: null,
    });
    expect(first).toEqual({ ok: true, timeStep: STEP });

    for (const code of [current, earlier]) {
      await expect(
        verifyTotp({ secret: RFC_SECRET, code, now: NOW + 5_000, lastTimeStep: STEP }),
      ).resolves.toEqual({ ok: false, reason: 'replayed' });
    }
  });

  it('accepts the next step after a used one', async () => {
    const next = await generateTotp(RFC_SECRET, NOW + STEP_MS);

    await expect(
      verifyTotp({ secret: RFC_SECRET, code: next, now: NOW + STEP_MS, lastTimeStep: STEP }),
    ).resolves.toEqual({ ok: true, timeStep: STEP + 1 });
  });

  it('does not fail when the last used step lies beyond the window', async () => {
    const code = await generateTotp(RFC_SECRET, NOW);

    await expect(
      verifyTotp({ secret: RFC_SECRET, code, now: NOW, lastTimeStep: STEP + 10 }),
    ).resolves.toEqual({ ok: false, reason: 'replayed' });
    await expect(
      verifyTotp({ secret: RFC_SECRET, code: '000000', now: NOW, lastTimeStep: STEP + 10 }),
    ).resolves.toMatchObject({ ok: false });
  });

  it("refuses another secret's code", async () => {
    const code = await generateTotp(OTHER_SECRET, NOW);
    const own = await Promise.all(
      [-1, 0, 1].map((near) => generateTotp(RFC_SECRET, NOW + near * STEP_MS)),
    );
    expect(own).not.toContain(code);

    await expect(
      verifyTotp({ secret: RFC_SECRET, code, now: NOW, lastTimeStep: null }),
    ).resolves.toEqual({ ok: false, reason: 'invalid' });
  });

  it('takes the time from `now`, not from the system clock', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW + 3_600_000);
    const code = await generateTotp(RFC_SECRET, NOW);

    await expect(
      verifyTotp({ secret: RFC_SECRET, code, now: NOW, lastTimeStep: null }),
    ).resolves.toEqual({ ok: true, timeStep: STEP });
  });

  it('ignores spaces in a typed code and refuses anything but six digits', async () => {
    const code = await generateTotp(RFC_SECRET, NOW);
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;

    await expect(
      verifyTotp({ secret: RFC_SECRET, code: spaced, now: NOW, lastTimeStep: null }),
    ).resolves.toMatchObject({ ok: true });
    for (const typed of ['', '12345', '1234567', 'abcdef', `${code}0`]) {
      await expect(
        verifyTotp({ secret: RFC_SECRET, code: typed, now: NOW, lastTimeStep: null }),
      ).resolves.toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('refuses a time that is not a non-negative number of milliseconds', async () => {
    await expect(
      verifyTotp({ secret: RFC_SECRET, code: '123456', now: -1, lastTimeStep: null }),
    ).rejects.toThrow(RangeError);
    await expect(
      verifyTotp({ secret: RFC_SECRET, code: '123456', now: NOW, lastTimeStep: -1 }),
    ).rejects.toThrow(RangeError);
  });
});

describe('createTotpSecret and totpUri', () => {
  it('creates distinct 160-bit base32 secrets', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => createTotpSecret()));

    expect(secrets.size).toBe(100);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('builds an otpauth URI carrying the secret, issuer and account', () => {
    const secret = createTotpSecret();
    const uri = totpUri({ secret, account: 'jo@acme.example', issuer: 'Whispr Acme' });
    const url = new URL(uri);

    expect(uri.startsWith('otpauth://totp/')).toBe(true);
    expect(decodeURIComponent(url.pathname)).toContain('Whispr Acme:jo@acme.example');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('Whispr Acme');
  });
});

describe('recovery codes', () => {
  it('creates ten codes of 100 bits in four groups of Crockford base32', () => {
    const codes = createRecoveryCodes();

    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(CROCKFORD_CODE);
  });

  it('never repeats a code', () => {
    const codes = Array.from({ length: 200 }, () => createRecoveryCodes(10)).flat();

    expect(new Set(codes).size).toBe(codes.length);
  });

  it('uses every one of the 32 symbols, so each character carries 5 bits', () => {
    const symbols = new Set(createRecoveryCodes(100).join('').replace(/-/g, ''));

    expect(symbols.size).toBe(32);
  });

  it('normalises a code as typed back to its canonical form', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...createRecoveryCodes(50)),
        fc.infiniteStream(fc.constantFrom('same', 'lower', 'space', 'dash', 'lookalike')),
        (code, edits) => {
          const typed = Array.from(code, (char) => {
            const edit = edits.next().value;
            if (edit === 'lower') return char.toLowerCase();
            if (edit === 'space') return `${char} `;
            if (edit === 'dash') return `-${char}`;
            if (edit === 'lookalike' && char === '0') return 'o';
            if (edit === 'lookalike' && char === '1') return 'l';

            return char;
          }).join('');

          expect(normaliseRecoveryCode(typed)).toBe(code.replace(/-/g, ''));
        },
      ),
    );
  });

  it('maps O to 0 and I or L to 1', () => {
    expect(normaliseRecoveryCode('oO iI lL - 23')).toBe('00111123');
  });
});
