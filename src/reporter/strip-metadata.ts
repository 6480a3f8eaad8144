/**
 * Removes identifying metadata from uploaded JPEG and PNG images before they are stored.
 *
 * Pure: no I/O. Photographs carry the camera's serial number, the time and often GPS position;
 * for an anonymous reporter that can be enough to be identified. The image data itself is never
 * decoded or re-encoded: segments and chunks are copied whole or dropped whole.
 *
 * Decisions, and why:
 * - Only JPEG and PNG are rewritten. Other types come back unchanged with `removed: []`; a PDF,
 *   GIF or WebP may still carry metadata, which the intake page warns about.
 * - What is kept is listed, not what is dropped: an unknown segment or chunk is assumed to be
 *   metadata. JPEG keeps APP0 only as a plain JFIF header (a JFXX or JFIF thumbnail is a copy of
 *   the picture that may predate a crop) and APP14 (Adobe: its transform flag sets the colours).
 *   PNG keeps the critical chunks and the ancillary ones that change how pixels look.
 * - Dropping APP2 loses any ICC profile (colours shift slightly on wide-gamut photos) and
 *   dropping Exif loses the orientation flag (a photo may show rotated). Both are accepted.
 * - Bytes after the end of the image (after JPEG EOI or PNG IEND) are dropped: phones append
 *   further pictures there (MPF depth maps, gain maps) and motion-photo videos, each with its
 *   own metadata.
 * - A file that does not parse is refused with `{ ok: false }` rather than passed through, so
 *   the caller refuses the upload: an unparsed file is one whose metadata is still in it.
 */

/** A cleaned file and the names of what was removed (for the audit record and the reporter). */
export interface StrippedFile {
  bytes: Uint8Array;
  removed: string[];
}

/** Result of `stripMetadata`; `malformed_*` means the upload should be refused. */
export type StripResult =
  | { ok: true; value: StrippedFile }
  | { ok: false; code: 'malformed_jpeg' | 'malformed_png'; message: string };

/**
 * Strips metadata from `bytes` of the sniffed `type`. JPEG and PNG are rewritten; any other type
 * is returned unchanged with `removed: []`.
 */
export function stripMetadata(bytes: Uint8Array, type: string): StripResult {
  if (type === 'image/jpeg') return stripJpeg(bytes);
  if (type === 'image/png') return stripPng(bytes);

  return { ok: true, value: { bytes, removed: [] } };
}

// JPEG (ITU-T T.81, Annex B). Markers: SOI D8, EOI D9, SOS DA, RSTn D0–D7, TEM 01, APPn E0–EF,
// COM FE. Every other marker before EOI carries a two-byte big-endian length that includes itself.
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP14 = 0xee;
const COM = 0xfe;

function stripJpeg(bytes: Uint8Array): StripResult {
  const malformed = (message: string): StripResult => ({
    ok: false,
    code: 'malformed_jpeg',
    message,
  });

  if (bytes[0] !== 0xff || bytes[1] !== SOI) return malformed('missing start-of-image marker');

  const keep: Array<[number, number]> = [[0, 2]];
  const removed = new Set<string>();
  let pos = 2;
  let sawScan = false;

  while (true) {
    if (pos >= bytes.length) return malformed('file ends before end-of-image');
    if (bytes[pos] !== 0xff) return malformed(`expected a marker at byte ${pos}`);
    while (bytes[pos + 1] === 0xff) pos++; // fill bytes (B.1.1.2)

    const marker = bytes[pos + 1];
    if (marker === undefined) return malformed('file ends before end-of-image');

    if (marker === EOI) {
      if (!sawScan) return malformed('no image data before end-of-image');
      keep.push([pos, pos + 2]);
      if (pos + 2 < bytes.length) removed.add('trailing-data');
      break;
    }
    if (marker === 0x00 || marker === SOI) return malformed(`unexpected marker at byte ${pos}`);
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      keep.push([pos, pos + 2]); // TEM and RSTn stand alone, without a length
      pos += 2;
      continue;
    }

    const length = ((bytes[pos + 2] ?? 0) << 8) | (bytes[pos + 3] ?? 0);
    const end = pos + 2 + length;
    if (length < 2 || end > bytes.length) return malformed(`segment at byte ${pos} overruns`);

    const name = droppedSegmentName(marker, bytes.subarray(pos + 4, end));
    if (name === null) keep.push([pos, end]);
    else removed.add(name);
    pos = end;

    if (marker === SOS) {
      sawScan = true;
      const next = endOfEntropyData(bytes, pos);
      keep.push([pos, next]);
      pos = next;
    }
  }

  return { ok: true, value: { bytes: concatRanges(bytes, keep), removed: [...removed] } };
}

// Returns the name under which a segment is dropped, or null to keep it.
function droppedSegmentName(marker: number, payload: Uint8Array): string | null {
  if (marker === COM) return 'COM';
  if (marker === APP14) return null;
  if (marker === APP0) return isPlainJfif(payload) ? null : 'APP0';
  if (marker > APP0 && marker <= 0xef) return `APP${marker - APP0}`;

  return null;
}

// JFIF 1.02: "JFIF\0", version (2), units (1), densities (2 + 2), thumbnail width and height
// (1 + 1).
function isPlainJfif(payload: Uint8Array): boolean {
  const id = [0x4a, 0x46, 0x49, 0x46, 0x00];

  return (
    payload.length >= 14 &&
    id.every((b, i) => payload[i] === b) &&
    payload[12] === 0 &&
    payload[13] === 0
  );
}

// Entropy-coded data ends at the first 0xFF followed by a byte that is neither a stuffed 0x00,
// a restart marker RSTn nor another fill 0xFF (T.81 B.1.1.5). Returns the index of that 0xFF.
function endOfEntropyData(bytes: Uint8Array, start: number): number {
  let i = start;
  while (i < bytes.length - 1) {
    if (bytes[i] !== 0xff) {
      i++;
      continue;
    }
    const next = bytes[i + 1] ?? 0;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) i += 2;
    else if (next === 0xff) i++;
    else return i;
  }

  return bytes.length;
}

// PNG (ISO/IEC 15948, W3C PNG 3rd edition §5, §11). A chunk is length (4, big-endian, at most
// 2^31 − 1), type (4 ASCII letters), data, CRC (4). Critical chunk types start with an uppercase
// letter; a decoder must refuse a critical chunk it does not know, so an unknown one is malformed.
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_CRITICAL = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);

// Ancillary chunks that change how the pixels are shown: transparency, colour space and gamma,
// background, physical size, and APNG animation (acTL, fcTL, fdAT). Everything else is dropped,
// including tEXt, zTXt, iTXt, eXIf and tIME.
const PNG_KEPT_ANCILLARY = new Set([
  'tRNS',
  'cHRM',
  'gAMA',
  'iCCP',
  'sBIT',
  'sRGB',
  'cICP',
  'mDCV',
  'cLLI',
  'bKGD',
  'pHYs',
  'acTL',
  'fcTL',
  'fdAT',
]);

function stripPng(bytes: Uint8Array): StripResult {
  const malformed = (message: string): StripResult => ({
    ok: false,
    code: 'malformed_png',
    message,
  });

  if (!PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return malformed('missing PNG signature');

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keep: Array<[number, number]> = [[0, PNG_SIGNATURE.length]];
  const removed = new Set<string>();
  let pos = PNG_SIGNATURE.length;
  let first = true;

  while (true) {
    if (pos + 12 > bytes.length) return malformed('file ends before IEND');

    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const end = pos + 12 + length;
    if (length > 0x7fffffff || end > bytes.length)
      return malformed(`chunk at byte ${pos} overruns`);
    if (!/^[A-Za-z]{4}$/.test(type)) return malformed(`invalid chunk type at byte ${pos}`);
    if (first && type !== 'IHDR') return malformed('first chunk is not IHDR');
    first = false;

    const critical = type.charCodeAt(0) < 0x61;
    if (critical && !PNG_CRITICAL.has(type)) return malformed(`unknown critical chunk ${type}`);

    if (critical || PNG_KEPT_ANCILLARY.has(type)) keep.push([pos, end]);
    else removed.add(type);
    pos = end;

    if (type === 'IEND') break;
  }

  if (pos < bytes.length) removed.add('trailing-data');

  return { ok: true, value: { bytes: concatRanges(bytes, keep), removed: [...removed] } };
}

function concatRanges(bytes: Uint8Array, ranges: ReadonlyArray<[number, number]>): Uint8Array {
  const total = ranges.reduce((sum, [start, end]) => sum + (end - start), 0);
  const out = new Uint8Array(total);

  let offset = 0;
  for (const [start, end] of ranges) {
    out.set(bytes.subarray(start, end), offset);
    offset += end - start;
  }

  return out;
}
