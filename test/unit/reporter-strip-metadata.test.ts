import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { stripMetadata, type StripResult } from '../../src/reporter/strip-metadata';

const enc = (text: string) => Array.from(new TextEncoder().encode(text));
const u8 = (...parts: number[][]) => Uint8Array.from(parts.flat());

function contains(haystack: Uint8Array, needle: string): boolean {
  const n = new TextEncoder().encode(needle);
  outer: for (let i = 0; i + n.length <= haystack.length; i++) {
    for (let j = 0; j < n.length; j++) if (haystack[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

function expectOk(result: StripResult) {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return result.value;
}

// ---- JPEG building blocks (ITU-T T.81 Annex B) ----

const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const segment = (marker: number, payload: number[]) => {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
};
const JFIF = segment(0xe0, [...enc('JFIF\0'), 1, 2, 0, 0, 1, 0, 1, 0, 0]);
const JFXX_THUMB = segment(0xe0, [...enc('JFXX\0'), 0x13, ...enc('OLD-UNCROPPED-THUMB')]);
const EXIF = segment(0xe1, [...enc('Exif\0\0'), ...enc('MM GPS-SECRET 51.5074N 0.1278W')]);
const XMP = segment(0xe1, enc('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>XMP-SECRET'));
const ICC = segment(0xe2, enc('ICC_PROFILE\0\x01\x01ICC-SECRET'));
const IPTC = segment(0xed, enc('Photoshop 3.0\0IPTC-SECRET'));
const ADOBE = segment(0xee, [...enc('Adobe'), 0, 100, 0, 0, 0, 0, 1]);
const COM = segment(0xfe, enc('COM-SECRET taken by Alice'));
const DQT = segment(0xdb, [0, ...Array.from({ length: 64 }, (_, i) => i + 1)]);
const SOF0 = segment(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
const DHT = segment(0xc4, [
  0,
  ...Array<number>(16)
    .fill(0)
    .map((_, i) => (i === 0 ? 1 : 0)),
  0,
]);
const SOS = segment(0xda, [1, 1, 0, 0, 0x3f, 0]);
// Entropy-coded data with a stuffed 0xFF 0x00 and a restart marker, both of which must be kept.
const SCAN = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0x78];

describe('stripMetadata: JPEG', () => {
  it('removes Exif GPS and comments, keeps SOI, tables and scan data byte for byte', () => {
    const input = u8(SOI, JFIF, EXIF, COM, DQT, SOF0, DHT, SOS, SCAN, EOI);

    const { bytes, removed } = expectOk(stripMetadata(input, 'image/jpeg'));

    expect(contains(input, 'GPS-SECRET')).toBe(true);
    expect(contains(bytes, 'GPS-SECRET')).toBe(false);
    expect(contains(bytes, 'COM-SECRET')).toBe(false);
    expect(Array.from(bytes.subarray(0, 2))).toEqual(SOI);
    expect(Array.from(bytes.subarray(bytes.length - SOS.length - SCAN.length - 2))).toEqual([
      ...SOS,
      ...SCAN,
      ...EOI,
    ]);
    expect(bytes).toEqual(u8(SOI, JFIF, DQT, SOF0, DHT, SOS, SCAN, EOI));
    expect(removed).toEqual(['APP1', 'COM']);
  });

  it('removes XMP, ICC, IPTC and JFXX thumbnails but keeps the Adobe segment', () => {
    const input = u8(SOI, JFXX_THUMB, XMP, ICC, IPTC, ADOBE, DQT, SOF0, SOS, SCAN, EOI);

    const { bytes, removed } = expectOk(stripMetadata(input, 'image/jpeg'));

    expect(bytes).toEqual(u8(SOI, ADOBE, DQT, SOF0, SOS, SCAN, EOI));
    expect(removed).toEqual(['APP0', 'APP1', 'APP2', 'APP13']);
  });

  it('drops whatever follows end-of-image, where phones append more pictures and videos', () => {
    const appended = [...SOI, ...EXIF, ...enc('MOTION-PHOTO-SECRET'), ...EOI];
    const input = u8(SOI, DQT, SOF0, SOS, SCAN, EOI, appended);

    const { bytes, removed } = expectOk(stripMetadata(input, 'image/jpeg'));

    expect(bytes).toEqual(u8(SOI, DQT, SOF0, SOS, SCAN, EOI));
    expect(removed).toEqual(['trailing-data']);
  });

  it('follows progressive files through several scans and strips segments between them', () => {
    const scan2 = [0x9a, 0xff, 0x00, 0xbc];
    const input = u8(SOI, DQT, SOF0, SOS, SCAN, DHT, COM, SOS, scan2, EOI);

    const { bytes } = expectOk(stripMetadata(input, 'image/jpeg'));

    expect(bytes).toEqual(u8(SOI, DQT, SOF0, SOS, SCAN, DHT, SOS, scan2, EOI));
  });

  it('keeps exactly the non-metadata segments for any arrangement of segments', () => {
    const metadata = fc
      .tuple(
        fc.constantFrom(0xe1, 0xe2, 0xe5, 0xeb, 0xed, 0xef, 0xfe),
        fc.uint8Array({ maxLength: 40 }),
      )
      .map(([marker, payload]) => ({
        keep: false,
        bytes: segment(marker, [...enc('SECRET'), ...payload]),
      }));
    const structural = fc
      .constantFrom(JFIF, ADOBE, DQT, SOF0, DHT)
      .map((b) => ({ keep: true, bytes: b }));
    // Entropy-coded bytes: every 0xFF is followed by a stuffed 0x00 or a restart marker.
    const scan = fc
      .array(
        fc.oneof(
          fc.integer({ min: 0, max: 0xfe }).map((b) => [b]),
          fc.constantFrom([0xff, 0x00], [0xff, 0xd3]),
        ),
      )
      .map((parts) => parts.flat());

    fc.assert(
      fc.property(
        fc.array(fc.oneof(metadata, structural), { maxLength: 12 }),
        scan,
        (segments, data) => {
          const input = u8(SOI, ...segments.map((s) => s.bytes), SOS, data, EOI);
          const expected = u8(
            SOI,
            ...segments.filter((s) => s.keep).map((s) => s.bytes),
            SOS,
            data,
            EOI,
          );

          const { bytes } = expectOk(stripMetadata(input, 'image/jpeg'));

          expect(bytes).toEqual(expected);
          expect(contains(bytes, 'SECRET')).toBe(contains(u8(data), 'SECRET'));
        },
      ),
    );
  });

  it('refuses malformed JPEGs instead of passing their metadata through', () => {
    const cases: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array()],
      ['no SOI', u8(JFIF, SOS, SCAN, EOI)],
      ['segment length overruns', u8(SOI, EXIF.slice(0, 10))],
      ['length below 2', u8(SOI, [0xff, 0xe1, 0x00, 0x01], SOS, SCAN, EOI)],
      ['garbage between segments', u8(SOI, [0x00, 0x11], EXIF, SOS, SCAN, EOI)],
      ['no end-of-image', u8(SOI, DQT, SOF0, SOS, SCAN)],
      ['no scan before EOI', u8(SOI, EXIF, EOI)],
      ['second SOI', u8(SOI, SOI, SOS, SCAN, EOI)],
    ];

    for (const [label, input] of cases) {
      const result = stripMetadata(input, 'image/jpeg');
      expect(result.ok, label).toBe(false);
      if (!result.ok) expect(result.code).toBe('malformed_jpeg');
    }
  });
});

// ---- PNG building blocks (W3C PNG §5) ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: number[]): number {
  let c = 0xffffffff;
  for (const b of data) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const chunk = (type: string, data: number[]) => {
  const typed = [...enc(type), ...data];
  return [...be32(data.length), ...typed, ...be32(crc32(typed))];
};

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IHDR = chunk('IHDR', [...be32(1), ...be32(1), 8, 3, 0, 0, 0]);
const PLTE = chunk('PLTE', [255, 0, 0]);
const TRNS = chunk('tRNS', [128]);
const GAMA = chunk('gAMA', be32(45455));
const TEXT = chunk('tEXt', enc('Comment\0GPS-SECRET 51.5074N'));
const ZTXT = chunk('zTXt', enc('Author\0\0ZTXT-SECRET'));
const ITXT = chunk('iTXt', enc('XML:com.adobe.xmp\0\0\0\0\0ITXT-SECRET'));
const EXIF_PNG = chunk('eXIf', enc('MM\0*EXIF-SECRET'));
const TIME = chunk('tIME', [0x07, 0xe9, 5, 3, 12, 0, 0]);
const PRIVATE = chunk('prVt', enc('PRIVATE-SECRET'));
const IDAT = chunk('IDAT', [0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
const IEND = chunk('IEND', []);

describe('stripMetadata: PNG', () => {
  it('removes text, Exif and time chunks and keeps the image chunks whole', () => {
    const input = u8(PNG_SIG, IHDR, TEXT, PLTE, TRNS, GAMA, TIME, ZTXT, ITXT, EXIF_PNG, IDAT, IEND);

    const { bytes, removed } = expectOk(stripMetadata(input, 'image/png'));

    expect(contains(input, 'GPS-SECRET')).toBe(true);
    expect(contains(bytes, 'SECRET')).toBe(false);
    expect(bytes).toEqual(u8(PNG_SIG, IHDR, PLTE, TRNS, GAMA, IDAT, IEND));
    expect(removed).toEqual(['tEXt', 'tIME', 'zTXt', 'iTXt', 'eXIf']);
  });

  it('keeps every kept chunk with a valid CRC', () => {
    const { bytes } = expectOk(
      stripMetadata(u8(PNG_SIG, IHDR, TEXT, PLTE, IDAT, IEND), 'image/png'),
    );

    let pos = 8;
    while (pos < bytes.length) {
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      const length = view.getUint32(pos);
      const typed = Array.from(bytes.subarray(pos + 4, pos + 8 + length));
      expect(view.getUint32(pos + 8 + length)).toBe(crc32(typed));
      pos += 12 + length;
    }
    expect(pos).toBe(bytes.length);
  });

  it('drops unknown ancillary chunks and bytes after IEND', () => {
    const input = u8(PNG_SIG, IHDR, PRIVATE, IDAT, IEND, enc('APPENDED-SECRET'));

    const { bytes, removed } = expectOk(stripMetadata(input, 'image/png'));

    expect(bytes).toEqual(u8(PNG_SIG, IHDR, IDAT, IEND));
    expect(removed).toEqual(['prVt', 'trailing-data']);
  });

  it('refuses malformed PNGs', () => {
    const cases: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array()],
      ['bad signature', u8([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00], IHDR, IDAT, IEND)],
      ['first chunk not IHDR', u8(PNG_SIG, TEXT, IHDR, IDAT, IEND)],
      ['chunk overruns', u8(PNG_SIG, IHDR, IDAT.slice(0, 12))],
      ['no IEND', u8(PNG_SIG, IHDR, IDAT)],
      ['unknown critical chunk', u8(PNG_SIG, IHDR, chunk('ABCD', [1]), IDAT, IEND)],
      ['non-letter chunk type', u8(PNG_SIG, IHDR, chunk('ab1d', [1]), IDAT, IEND)],
    ];

    for (const [label, input] of cases) {
      const result = stripMetadata(input, 'image/png');
      expect(result.ok, label).toBe(false);
      if (!result.ok) expect(result.code).toBe('malformed_png');
    }
  });
});

describe('stripMetadata: other types', () => {
  it('returns PDF, GIF, WebP and text unchanged with nothing removed', () => {
    const input = u8(enc('%PDF-1.7\n/Author (Alice)'));

    for (const type of ['application/pdf', 'image/gif', 'image/webp', 'text/plain']) {
      const { bytes, removed } = expectOk(stripMetadata(input, type));
      expect(bytes).toBe(input);
      expect(removed).toEqual([]);
    }
  });
});
