/**
 * Decides what an uploaded file is from its first bytes, never from its name or declared type.
 *
 * Pure: no I/O. The result is the Content-Type the file is later served with (alongside
 * `X-Content-Type-Options: nosniff`), so anything a browser could run as a document (HTML, SVG,
 * XML) must come back null: a stored script would run in a case handler's session.
 */

/** The file types a reporter may upload; everything else is refused. */
export type SniffedType =
  'application/pdf' | 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | 'text/plain';

/** Bytes examined to decide whether a file is plain text (8 KiB). */
export const TEXT_SNIFF_BYTES = 8 * 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// WebP's first chunk is one of these three
// (https://developers.google.com/speed/webp/docs/riff_container).
const WEBP_FIRST_CHUNKS = ['VP8 ', 'VP8L', 'VP8X'];

// Tags a browser renders as active content. Refused anywhere in the sample, in any letter case.
const MARKUP = new RegExp(
  String.raw`<(?:!doctype|\?xml|html|head|body|script|svg|math|iframe|frame|object|embed|style|` +
    String.raw`link|meta|base|form|img|xsl)`,
  'i',
);

// C0 controls other than tab (09), LF (0A) and CR (0D); DEL; C1 controls (U+0080–U+009F).
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Returns the content type proven by the file's magic bytes, or null when the file is none of
 * the allowed types. Plain text is valid UTF-8 in the first 8 KiB with no control characters
 * other than tab, CR and LF, that does not open with `<` and contains no HTML, SVG or XML tag.
 */
export function sniffContentType(bytes: Uint8Array): SniffedType | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'; // SOI, then a marker
  if (startsWith(bytes, PNG_SIGNATURE)) return 'image/png';
  if (startsWithAscii(bytes, 0, 'GIF87a') || startsWithAscii(bytes, 0, 'GIF89a'))
    return 'image/gif';
  if (isWebp(bytes)) return 'image/webp';

  return isPlainText(bytes) ? 'text/plain' : null;
}

function isWebp(bytes: Uint8Array): boolean {
  return (
    startsWithAscii(bytes, 0, 'RIFF') &&
    startsWithAscii(bytes, 8, 'WEBP') &&
    WEBP_FIRST_CHUNKS.some((chunk) => startsWithAscii(bytes, 12, chunk))
  );
}

function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;

  const truncated = bytes.length > TEXT_SNIFF_BYTES;
  let text: string;
  try {
    // `stream: true` holds back a multi-byte character cut in half at the 8 KiB boundary instead
    // of calling it invalid; `fatal` refuses every other malformed sequence.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
      bytes.subarray(0, TEXT_SNIFF_BYTES),
      {
        stream: truncated,
      },
    );
  } catch {
    return false;
  }

  if (FORBIDDEN_CONTROLS.test(text)) return false;
  if (text.trimStart().startsWith('<')) return false;

  return !MARKUP.test(text);
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function startsWithAscii(bytes: Uint8Array, offset: number, ascii: string): boolean {
  if (bytes.length < offset + ascii.length) return false;

  for (let i = 0; i < ascii.length; i++) {
    if (bytes[offset + i] !== ascii.charCodeAt(i)) return false;
  }

  return true;
}
