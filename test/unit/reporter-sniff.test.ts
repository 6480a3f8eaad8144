import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { TEXT_SNIFF_BYTES, sniffContentType } from '../../src/reporter/sniff';

const ascii = (text: string) => new TextEncoder().encode(text);
const bytes = (...parts: Array<string | number[]>) => {
  const chunks = parts.map((p) => (typeof p === 'string' ? ascii(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
};

// Minimal but real headers of each accepted type.
const SAMPLES = {
  'application/pdf': bytes('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'),
  'image/jpeg': bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0, 1, 2, 0, 0, 1, 0, 1, 0, 0]),
  'image/png': bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'),
  'image/gif': bytes('GIF89a', [1, 0, 1, 0, 0x80, 0, 0]),
  'image/webp': bytes('RIFF', [0x1a, 0, 0, 0], 'WEBPVP8L', [0x0d, 0, 0, 0, 0x2f]),
  'text/plain': bytes('Meeting notes, 3 May:\r\n\tpayments approved without review.\n'),
} as const;

describe('sniffContentType', () => {
  it('recognises each allowed type by its magic bytes', () => {
    for (const [type, sample] of Object.entries(SAMPLES)) {
      expect(sniffContentType(sample)).toBe(type);
    }
  });

  it('accepts multi-byte UTF-8 text, even when the 8 KiB sample cuts a character in half', () => {
    expect(sniffContentType(ascii('Zürich, 東京, Ελλάδα — ✓'))).toBe('text/plain');

    // "é" is 2 bytes; an odd prefix length puts one of them on each side of the boundary.
    const text = 'a' + 'é'.repeat(TEXT_SNIFF_BYTES);
    expect(ascii(text)[TEXT_SNIFF_BYTES - 1]).toBe(0xc3);
    expect(sniffContentType(ascii(text))).toBe('text/plain');
  });

  it('refuses invalid UTF-8, NUL and control characters other than tab, CR and LF', () => {
    expect(sniffContentType(bytes('abc', [0xc3, 0x28]))).toBeNull();
    expect(sniffContentType(bytes('abc', [0xff, 0xfe]))).toBeNull();
    expect(sniffContentType(bytes('abc', [0x00], 'def'))).toBeNull();
    expect(sniffContentType(bytes('abc', [0x1b], '[31m'))).toBeNull();
    expect(sniffContentType(bytes('abc', [0x7f]))).toBeNull();
    expect(sniffContentType(ascii('abc\u0085def'))).toBeNull();
    expect(sniffContentType(new Uint8Array())).toBeNull();
  });

  it('refuses HTML, SVG, XML and script disguised as text', () => {
    const disguised = [
      '<!DOCTYPE html><p>hi</p>',
      '<html><body>report</body></html>',
      '  \n<HTML>',
      '\ufeff<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      '<?xml version="1.0"?><svg/>',
      '<script>alert(document.cookie)</script>',
      '<div>plain looking</div>',
      '<!-- comment -->',
      'Innocent first line\n<ScRiPt>fetch("/api/cases")</script>',
      'notes\n\n<svg/onload=alert(1)>',
      'x <iframe src=/api>',
    ];

    for (const text of disguised) expect(sniffContentType(ascii(text)), text).toBeNull();
  });

  it('refuses any text that contains a script or svg tag in any letter case', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ' ', '\n', '.', '1') }),
        fc.constantFrom('<script', '<svg', '<html', '<?xml', '<iframe', '<object'),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', ' ', '>') }),
        (before, tag, upper, after) => {
          const cased = [...tag].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('');

          expect(sniffContentType(ascii(before + cased + after))).toBeNull();
        },
      ),
    );
  });

  it('ignores the declared type: an HTML file named report.pdf is not a PDF', () => {
    expect(sniffContentType(ascii('<html>%PDF-1.7</html>'))).toBeNull();
    expect(sniffContentType(ascii(' %PDF-1.7'))).toBe('text/plain');
  });

  it('refuses truncated or look-alike headers', () => {
    expect(sniffContentType(bytes([0xff, 0xd8]))).toBeNull();
    expect(sniffContentType(bytes([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(sniffContentType(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '))).toBeNull();
    expect(sniffContentType(bytes('RIFF', [0, 0, 0, 0], 'WEBPABCD'))).toBeNull();
    expect(sniffContentType(bytes('GIF88a'))).toBe('text/plain');
  });
});
