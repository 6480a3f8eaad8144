/**
 * A QR code encoder (ISO/IEC 18004:2015) for the otpauth:// URI, rendered as SVG: byte mode,
 * error correction level M, versions 1 to 10 (up to 213 bytes), mask chosen by penalty score.
 *
 * Pure: no I/O. Section numbers below refer to ISO/IEC 18004:2015.
 */

/** Per version 1..10 at level M (Table 9): EC codewords per block, then [blocks, data bytes]. */
// prettier-ignore
const BLOCKS_M: readonly (readonly [number, ...(readonly [number, number])[]])[] = [
  [10, [1, 16]], [16, [1, 28]], [26, [1, 44]], [18, [2, 32]], [24, [2, 43]],
  [16, [4, 27]], [18, [4, 31]], [22, [2, 38], [2, 39]], [22, [3, 36], [2, 37]],
  [26, [4, 43], [1, 44]],
];

/** Row and column centres of the alignment patterns, versions 1..10 (Annex E, Table E.1). */
// prettier-ignore
const ALIGNMENT = [
  [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
  [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
];

/** An encoded symbol: `modules[row][column]` is true for a dark module. */
export interface QrCode {
  version: number;
  mask: number;
  modules: boolean[][];
}

/** Result of `encodeQr` and `qrSvg`. */
export type QrResult<T> =
  { ok: true; value: T } | { ok: false; code: 'qr_too_long'; message: string };

// GF(256) with the field polynomial x^8 + x^4 + x^3 + x^2 + 1 (§7.5.2).
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i += 1, x = x & 0x80 ? ((x << 1) ^ 0x11d) & 0xff : x << 1) {
  EXP[i] = x;
  EXP[i + 255] = x;
  LOG[x] = i;
}
const mul = (a: number, b: number): number => (a && b ? EXP[LOG[a]! + LOG[b]!]! : 0);

/** Reed-Solomon error correction codewords: the remainder of data·x^n divided by the generator. */
function reedSolomon(data: readonly number[], n: number): number[] {
  let generator = [1];
  for (let i = 0; i < n; i += 1) {
    generator = [...generator, 0].map((c, k) => c ^ mul(generator[k - 1] ?? 0, EXP[i]!));
  }

  const remainder: number[] = new Array<number>(n).fill(0);
  for (const byte of data) {
    const factor = byte ^ remainder.shift()!;
    remainder.push(0);
    for (let k = 0; k < n; k += 1) remainder[k]! ^= mul(generator[k + 1]!, factor);
  }

  return remainder;
}

/** BCH code of `value` (§7.9.1 format, §7.10 version): value·2^degree plus the remainder. */
function bch(value: number, generator: number, degree: number): number {
  let rem = value << degree;
  for (let bit = 31 - Math.clz32(rem); bit >= degree; bit -= 1) {
    if ((rem >>> bit) & 1) rem ^= generator << (bit - degree);
  }

  return (value << degree) | rem;
}

/** The eight data mask conditions of Table 10, by row and column; true inverts the module. */
const MASKS: ((r: number, c: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

/**
 * Penalty score of §7.8.3 (N1 = 3, N2 = 3, N3 = 40, N4 = 10). The finder-like rule looks for
 * four light modules inside the symbol only; the choice of mask affects ease of scanning, never
 * whether a decoder can read the symbol.
 */
function penalty(m: boolean[][]): number {
  const size = m.length;
  const lines = [...m, ...m.map((_, c) => m.map((row) => row[c]!))].map((l) =>
    l.map(Number).join(''),
  );
  let score = 0;
  for (const line of lines) {
    for (const run of line.match(/0{5,}|1{5,}/g) ?? []) score += run.length - 2;
    score += 40 * (line.match(/(?=10111010000|00001011101)/g) ?? []).length;
  }
  for (let r = 0; r + 1 < size; r += 1) {
    for (let c = 0; c + 1 < size; c += 1) {
      const v = m[r]![c];
      if (m[r]![c + 1] === v && m[r + 1]![c] === v && m[r + 1]![c + 1] === v) score += 3;
    }
  }
  const dark = lines.slice(0, size).join('').replace(/0/g, '').length;

  return score + 10 * Math.floor(Math.abs((dark * 100) / (size * size) - 50) / 5);
}

/** Draws the symbol for `codewords` at `version` with `mask` (§7.7 to §7.10). */
function draw(version: number, codewords: readonly number[], mask: number): boolean[][] {
  const size = 17 + 4 * version;
  const m = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const fixed = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const set = (r: number, c: number, dark: boolean): void => {
    m[r]![c] = dark;
    fixed[r]![c] = true;
  };

  for (let i = 0; i < size; i += 1) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  for (const [top, left] of [
    [0, 0],
    [0, size - 7],
    [size - 7, 0],
  ] as const) {
    for (let r = -1; r <= 7; r += 1) {
      for (let c = -1; c <= 7; c += 1) {
        const d = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        if (m[top + r]?.[left + c] !== undefined) set(top + r, left + c, d !== 2 && d !== 4);
      }
    }
  }
  const centres = ALIGNMENT[version - 1]!;
  for (const r of centres) {
    for (const c of centres) {
      // The three corners that would overlap a finder pattern carry no alignment pattern.
      if ((r < 9 && (c < 9 || c > size - 10)) || (r > size - 10 && c < 9)) continue;
      for (let dr = -2; dr <= 2; dr += 1) {
        for (let dc = -2; dc <= 2; dc += 1)
          set(r + dr, c + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
      }
    }
  }

  // Format information: level M is 00, then the mask; masked with 101010000010010 (§7.9.1).
  const format = bch(mask, 0x537, 10) ^ 0x5412;
  const bit = (value: number, i: number): boolean => ((value >>> i) & 1) === 1;
  for (let i = 0; i < 15; i += 1) {
    set(i < 6 ? i : i < 8 ? i + 1 : 8, i < 8 ? 8 : i === 8 ? 7 : 14 - i, bit(format, i));
    set(i < 8 ? 8 : size - 15 + i, i < 8 ? size - 1 - i : 8, bit(format, i));
  }
  set(size - 8, 8, true);
  if (version >= 7) {
    const info = bch(version, 0x1f25, 12);
    for (let i = 0; i < 18; i += 1) {
      set(Math.floor(i / 3), size - 11 + (i % 3), bit(info, i));
      set(size - 11 + (i % 3), Math.floor(i / 3), bit(info, i));
    }
  }

  // Codeword placement in two-module columns, upwards then downwards, skipping column 6 (§7.7.3).
  let index = 0;
  for (let pair = 0; pair < (size - 1) / 2; pair += 1) {
    const right = size - 1 - 2 * pair - (2 * pair >= size - 7 ? 1 : 0);
    const upward = pair % 2 === 0;
    for (let step = 0; step < size; step += 1) {
      for (const c of [right, right - 1]) {
        const r = upward ? size - 1 - step : step;
        if (fixed[r]![c]) continue;
        const dark = bit(codewords[index >>> 3] ?? 0, 7 - (index & 7));
        m[r]![c] = dark !== MASKS[mask]!(r, c);
        index += 1;
      }
    }
  }

  return m;
}

/** Encodes `text` (UTF-8) in the smallest version from 1 to 10 that holds it at level M. */
export function encodeQr(text: string): QrResult<QrCode> {
  const bytes = new TextEncoder().encode(text);
  const version =
    BLOCKS_M.findIndex(([, ...groups], v) => {
      const capacity = groups.reduce((sum, [count, length]) => sum + count * length, 0);
      return 4 + (v < 9 ? 8 : 16) + 8 * bytes.length <= 8 * capacity;
    }) + 1;
  if (version === 0) {
    return {
      ok: false,
      code: 'qr_too_long',
      message: 'The text is too long for a QR code of version 10.',
    };
  }

  // Byte mode 0100, the count, the bytes, a terminator, then pad bytes EC 11 (§7.4).
  const [ecLength, ...groups] = BLOCKS_M[version - 1]!;
  const capacity = groups.reduce((sum, [count, length]) => sum + count * length, 0);
  const bits = `0100${bytes.length.toString(2).padStart(version < 10 ? 8 : 16, '0')}`;
  const stream = bits + Array.from(bytes, (b) => b.toString(2).padStart(8, '0')).join('') + '0000';
  const data = (stream.slice(0, capacity * 8).match(/.{1,8}/g) ?? []).map((b) =>
    parseInt(b.padEnd(8, '0'), 2),
  );
  for (let pad = 0; data.length < capacity; pad += 1) data.push(pad % 2 === 0 ? 0xec : 0x11);

  // Split into blocks, add error correction, and interleave (§7.6).
  const blocks: number[][] = [];
  for (const [count, length] of groups) {
    for (let i = 0; i < count; i += 1) blocks.push(data.splice(0, length));
  }
  const ec = blocks.map((block) => reedSolomon(block, ecLength));
  const codewords: number[] = [];
  for (const part of [blocks, ec]) {
    for (let i = 0; i < Math.max(...part.map((b) => b.length)); i += 1) {
      for (const block of part) if (i < block.length) codewords.push(block[i]!);
    }
  }

  const drawn = MASKS.map((_, mask) => ({ mask, modules: draw(version, codewords, mask) }));
  const best = drawn.reduce((a, b) => (penalty(b.modules) < penalty(a.modules) ? b : a));

  return { ok: true, value: { version, ...best } };
}

/** The QR code for `text` as a standalone SVG, with the 4-module quiet zone of §6.3.8. */
export function qrSvg(text: string): QrResult<string> {
  const qr = encodeQr(text);
  if (!qr.ok) return qr;

  const size = qr.value.modules.length + 8;
  const path = qr.value.modules
    .flatMap((row, r) => row.map((dark, c) => (dark ? `M${c + 4} ${r + 4}h1v1h-1z` : '')))
    .join('');

  return {
    ok: true,
    value:
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" ` +
      `shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#fff"/>` +
      `<path d="${path}" fill="#000"/></svg>`,
  };
}
