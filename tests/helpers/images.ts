/** Test pictures. */
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  let c = ~0;
  for (const byte of Buffer.concat([head.subarray(4), data])) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(~c >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A real PNG (16 pixels wide, RGB, no alpha) of random pixels, about `size` bytes: every call a
 * different photo, and one the server and the claim pack's PDF writer can read.
 */
export function randomPng(size = 2048): Buffer {
  const width = 16;
  const rowBytes = 1 + width * 3;
  const height = Math.max(1, Math.floor((size - 80) / rowBytes));
  const raw = randomBytes(rowBytes * height);
  for (let r = 0; r < height; r++) raw[r * rowBytes] = 0; // each row's filter: none
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
