/**
 * How large a receipt photo is once decoded, read from its headers without decoding it.
 *
 * A few hundred kilobytes of PNG can declare 8000 x 8000 pixels of transparency: whatever decodes
 * it (the claim pack's PDF writer splits a PNG's alpha channel by inflating every pixel into
 * memory; the insurer's and duty managers' browsers) needs gigabytes. So an upload whose headers
 * declare more than RECEIPT_MAX_PIXELS (or a side over RECEIPT_MAX_SIDE, or for a PNG more than
 * RECEIPT_MAX_DECODED_BYTES of pixels) is refused, and the claim pack does not draw a stored one.
 *
 * Every header that declares a size is read (a PNG's IHDR chunks, a JPEG's SOF segments, a WebP's
 * VP8/VP8L/VP8X chunks), not only the first, so a second header cannot hide a larger image from a
 * decoder that reads it. Bytes whose headers cannot be walked declare nothing and are judged by
 * their magic bytes alone, as before (no decoder can make anything large of them).
 */
import { inflateSync } from 'node:zlib';
import type { ReceiptContentType } from '../../shared/ledger.js';

/** At most 24 million pixels (6000 x 4000: a full-size camera photo; the phone app sends 1600 px). */
export const RECEIPT_MAX_PIXELS = 24_000_000;
/** At most 12,000 pixels on either side. */
export const RECEIPT_MAX_SIDE = 12_000;
/** A PNG's pixels at most this many bytes decoded (24 MP of 8-bit RGBA; 16-bit images get fewer pixels). */
export const RECEIPT_MAX_DECODED_BYTES = 96_000_000;

export interface DeclaredSize {
  width: number;
  height: number;
  /** Bytes per pixel once decoded (PNG only: channels x bit depth; 4 assumed for the others). */
  bytesPerPixel: number;
}

/** Channels per PNG colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function pngSizes(b: Buffer): DeclaredSize[] {
  const out: DeclaredSize[] = [];
  let at = 8;
  while (at + 8 <= b.length) {
    const length = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (type === 'IHDR' && at + 8 + 13 <= b.length) {
      const depth = b[at + 16]!;
      const channels = PNG_CHANNELS[b[at + 17]!] ?? 4;
      // A palette image is decoded to RGB(A) by browsers and the PDF writer alike.
      const bytesPerPixel = b[at + 17] === 3 ? 4 : Math.max(1, (channels * Math.max(depth, 8)) / 8);
      out.push({ width: b.readUInt32BE(at + 8), height: b.readUInt32BE(at + 12), bytesPerPixel });
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return out;
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic): each declares the frame's size. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Every frame header anywhere in the file: a decoder that meets bytes it does not expect skips
 * ahead to the next 0xFF, so a walk from marker to marker could miss one that it finds. A frame
 * header is FF, an SOF marker, its length (8 + 3 per component), a sample precision of 8, 12 or 16
 * bits, the height and width, and 1 to 4 components: entropy-coded data never holds one (its 0xFF
 * bytes are followed by 00), and random bytes almost never.
 */
function jpegSizes(b: Buffer): DeclaredSize[] {
  const out: DeclaredSize[] = [];
  for (let at = b.indexOf(0xff, 2); at >= 0 && at + 10 <= b.length; at = b.indexOf(0xff, at + 1)) {
    if (!SOF.has(b[at + 1]!)) continue;
    const components = b[at + 9]!;
    const precision = b[at + 4]!;
    if (components < 1 || components > 4 || b.readUInt16BE(at + 2) !== 8 + 3 * components || ![8, 12, 16].includes(precision)) continue;
    out.push({ height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7), bytesPerPixel: 4 });
  }
  return out;
}

function webpSizes(b: Buffer): DeclaredSize[] {
  const out: DeclaredSize[] = [];
  let at = 12;
  while (at + 8 <= b.length) {
    const type = b.toString('latin1', at, at + 4);
    const length = b.readUInt32LE(at + 4);
    const data = at + 8;
    if (type === 'VP8 ' && data + 10 <= b.length)
      out.push({ width: b.readUInt16LE(data + 6) & 0x3fff, height: b.readUInt16LE(data + 8) & 0x3fff, bytesPerPixel: 4 });
    if (type === 'VP8L' && data + 5 <= b.length) {
      const bits = b.readUInt32LE(data + 1);
      out.push({ width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, bytesPerPixel: 4 });
    }
    if (type === 'VP8X' && data + 10 <= b.length) out.push({ width: b.readUIntLE(data + 4, 3) + 1, height: b.readUIntLE(data + 7, 3) + 1, bytesPerPixel: 4 });
    at = data + length + (length % 2);
  }
  return out;
}

/** Every size the image's headers declare (none when they cannot be walked). */
export function declaredSizes(b: Buffer, type: ReceiptContentType): DeclaredSize[] {
  switch (type) {
    case 'image/png':
      return pngSizes(b);
    case 'image/jpeg':
      return jpegSizes(b);
    case 'image/webp':
      return webpSizes(b);
  }
}

/** The first declared size too large to decode safely, or null when there is none. */
export function tooLargeToDecode(b: Buffer, type: ReceiptContentType): DeclaredSize | null {
  for (const s of declaredSizes(b, type)) {
    const pixels = s.width * s.height;
    if (s.width > RECEIPT_MAX_SIDE || s.height > RECEIPT_MAX_SIDE || pixels > RECEIPT_MAX_PIXELS || pixels * s.bytesPerPixel > RECEIPT_MAX_DECODED_BYTES)
      return s;
  }
  return null;
}

/** The limits in words, for the answer to an upload that is over them. */
export const SIZE_LIMIT_WORDS = `at most ${RECEIPT_MAX_SIDE.toLocaleString('en-GB')} pixels on a side and ${RECEIPT_MAX_PIXELS / 1e6} million in all`;

/** Bit depths the PNG format allows for each colour type. */
const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/**
 * Why the PDF writer could not read this PNG safely, or null when it can.
 *
 * The claim pack's PDF writer (pdfkit, through png-js) reads a PNG's chunks trusting their
 * lengths, and decodes the pixels (for an alpha channel, a transparency chunk or interlacing)
 * in a callback that throws when they are not what the header says: a PNG of a few hundred bytes
 * with an alpha channel and pixel data that does not inflate stopped the whole server at the first
 * claim pack that drew it; a chunk length with its top bit set made the reader loop for ever; a
 * 4-bit palette with transparency (a legal PNG) asked for a fractional pixel buffer and threw the same way.
 * So a PNG is drawn only when its chunks lie end to end inside the file up to IEND, its header is
 * one the format allows, and, when the writer would decode it, its pixel data inflates and every
 * row starts with a filter the format knows, walked exactly as png-js walks it.
 */
export function pngUnreadable(b: Buffer): string | null {
  if (b.length < 8 || b.readUInt32BE(0) !== 0x89504e47 || b.readUInt32BE(4) !== 0x0d0a1a0a) return 'not a PNG';
  let at = 8;
  let header: { width: number; height: number; depth: number; colourType: number; interlace: number } | null = null;
  let transparency = false;
  const idat: Buffer[] = [];
  for (;;) {
    if (at + 12 > b.length) return 'its chunks end before IEND';
    const length = b.readUInt32BE(at);
    if (length > 0x7fffffff || at + 12 + length > b.length) return 'a chunk runs past the end of the file';
    const type = b.toString('latin1', at + 4, at + 8);
    const data = b.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      if (length !== 13) return 'its header is not 13 bytes';
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8]!, colourType: data[9]!, interlace: data[12]! };
      if (!PNG_DEPTHS[header.colourType]?.includes(header.depth) || data[10] !== 0 || data[11] !== 0 || header.interlace > 1)
        return 'its header is not one the PNG format allows';
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'tRNS') transparency = true;
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!header) return 'it has no header';
  const { width, height, depth, colourType, interlace } = header;
  const decoded = colourType === 4 || colourType === 6 || transparency || interlace === 1;
  if (!decoded) return null; // handed to the PDF as it is (FlateDecode): nothing of it is decoded here
  // png-js sizes its buffers by whole bytes per pixel.
  if (depth < 8) return 'its pixels are smaller than a byte and would have to be decoded';
  const channels = PNG_CHANNELS[colourType]!;
  const pixelBytes = (channels * depth) / 8;
  if (width * height * pixelBytes > RECEIPT_MAX_DECODED_BYTES) return 'it is too large to decode';
  let pixels: Buffer;
  try {
    // Rows are one filter byte longer than their pixels; anything past that is not read.
    pixels = inflateSync(Buffer.concat(idat), { maxOutputLength: Math.min(2 ** 31 - 1, width * height * pixelBytes + height * 7 + 1024) });
  } catch {
    return 'its pixel data does not inflate';
  }
  let pos = 0;
  const pass = (x0: number, y0: number, dx: number, dy: number): boolean => {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    for (let row = 0; row < h && pos < pixels.length; row++) {
      if (pixels[pos]! > 4) return false;
      pos += 1 + pixelBytes * w;
    }
    return true;
  };
  const passes: [number, number, number, number][] =
    interlace === 1
      ? [
          [0, 0, 8, 8],
          [4, 0, 8, 8],
          [0, 4, 4, 8],
          [2, 0, 4, 4],
          [0, 2, 2, 4],
          [1, 0, 2, 2],
          [0, 1, 1, 2],
        ]
      : [[0, 0, 1, 1]];
  for (const p of passes) if (!pass(...p)) return 'a row of its pixels starts with an unknown filter';
  return null;
}
