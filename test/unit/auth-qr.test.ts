import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeQr, qrSvg, type QrCode } from '../../src/auth/qr.js';

// Bytes that fit at level M in byte mode, versions 1..10 (ISO/IEC 18004:2015 Table 7).
const BYTE_CAPACITY_M = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213];

function encode(text: string): QrCode {
  const result = encodeQr(text);
  if (!result.ok) throw new Error(result.message);

  return result.value;
}

/** Remainder of a polynomial over GF(2) (bits of `value`) divided by `generator`. */
function gf2Remainder(value: number, generator: number): number {
  let rem = value;
  const degree = 31 - Math.clz32(generator);
  for (let bit = 31 - Math.clz32(rem); bit >= degree; bit -= 1) {
    if ((rem >>> bit) & 1) rem ^= generator << (bit - degree);
  }

  return rem;
}

/** Reads the 15 format bits from the copy around the top-left finder, most significant first. */
function readFormat(m: boolean[][]): number {
  const cells = [
    ...[0, 1, 2, 3, 4, 5, 7, 8].map((c) => [8, c] as const),
    ...[7, 5, 4, 3, 2, 1, 0].map((r) => [r, 8] as const),
  ];

  return cells.reduce((bits, [r, c]) => (bits << 1) | (m[r]![c] ? 1 : 0), 0);
}

/** Reads the 15 format bits from the copy split between the other two finders. */
function readFormatCopy(m: boolean[][]): number {
  const size = m.length;
  const cells = [
    ...[1, 2, 3, 4, 5, 6, 7].map((k) => [size - k, 8] as const),
    ...[8, 7, 6, 5, 4, 3, 2, 1].map((k) => [8, size - k] as const),
  ];

  return cells.reduce((bits, [r, c]) => (bits << 1) | (m[r]![c] ? 1 : 0), 0);
}

function finderAt(m: boolean[][], top: number, left: number): string[] {
  return m.slice(top, top + 7).map((row) =>
    row
      .slice(left, left + 7)
      .map(Number)
      .join(''),
  );
}

const FINDER = ['1111111', '1000001', '1011101', '1011101', '1011101', '1000001', '1111111'];

describe('encodeQr', () => {
  it('picks the smallest version from 1 to 10 that holds the text at level M', () => {
    BYTE_CAPACITY_M.forEach((capacity, index) => {
      expect(encode('x'.repeat(capacity)).version).toBe(index + 1);
      if (index < 9) expect(encode('x'.repeat(capacity + 1)).version).toBe(index + 2);
    });
  });

  it('refuses text longer than version 10 holds', () => {
    expect(encodeQr('x'.repeat(214))).toMatchObject({ ok: false, code: 'qr_too_long' });
  });

  it('draws the finder, timing and dark modules in place', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (text) => {
        const { version, modules } = encode(text);
        const size = 17 + 4 * version;

        expect(modules).toHaveLength(size);
        for (const row of modules) expect(row).toHaveLength(size);
        expect(finderAt(modules, 0, 0)).toEqual(FINDER);
        expect(finderAt(modules, 0, size - 7)).toEqual(FINDER);
        expect(finderAt(modules, size - 7, 0)).toEqual(FINDER);
        for (let i = 8; i < size - 8; i += 1) {
          expect(modules[6]![i]).toBe(i % 2 === 0);
          expect(modules[i]![6]).toBe(i % 2 === 0);
        }
        expect(modules[size - 8]![8]).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('writes two identical format fields for level M and the chosen mask, BCH-valid', () => {
    for (const text of ['', 'otpauth://totp/Whispr:jo?secret=JBSWY3DPEHPK3PXP', 'é'.repeat(60)]) {
      const { mask, modules } = encode(text);
      const format = readFormat(modules);

      expect(readFormatCopy(modules)).toBe(format);
      expect(gf2Remainder(format ^ 0x5412, 0x537)).toBe(0);
      expect((format ^ 0x5412) >>> 10).toBe(mask);
    }
  });

  it('writes the version 7 information field of Annex D', () => {
    const { version, modules } = encode('x'.repeat(110));
    const size = modules.length;
    let bits = 0;
    for (let i = 17; i >= 0; i -= 1) {
      bits = (bits << 1) | (modules[Math.floor(i / 3)]![size - 11 + (i % 3)] ? 1 : 0);
    }

    expect(version).toBe(7);
    expect(bits).toBe(0x07c94);
  });

  it('draws different symbols for different texts', () => {
    const first = encode('otpauth://totp/A:a?secret=AAAAAAAAAAAAAAAA');
    const second = encode('otpauth://totp/A:a?secret=AAAAAAAAAAAAAAAB');

    expect(first.modules).not.toEqual(second.modules);
  });
});

describe('qrSvg', () => {
  it('returns an SVG with one square per dark module and a 4-module quiet zone', () => {
    const text = 'otpauth://totp/Whispr:jo%40acme.example?secret=JBSWY3DPEHPK3PXP';
    const { modules } = encode(text);
    const result = qrSvg(text);
    if (!result.ok) throw new Error(result.message);
    const dark = modules.flat().filter(Boolean).length;

    expect(result.value).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(result.value).toContain(`viewBox="0 0 ${modules.length + 8} ${modules.length + 8}"`);
    expect(result.value.match(/M\d+ \d+h1v1h-1z/g)).toHaveLength(dark);
    expect(result.value).toContain('M4 4h1v1h-1z');
  });
});
