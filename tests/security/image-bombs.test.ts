/**
 * Decompression bombs as receipt photos: a few hundred kilobytes of PNG can declare 8000 x 8000
 * pixels of transparency, and the household's claim pack (whose PDF writer inflates a PNG's every
 * pixel to split its alpha channel) then needs gigabytes and seconds of the server. Uploads whose
 * headers declare too large a picture (PNG, JPEG, WebP) are refused with nothing stored; a photo
 * stored before the check is listed in the claim pack but not drawn. Ordinary photos still work.
 */
import { deflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import QRCode from 'qrcode';
import { stormAfterPlan, type Night } from '../api/ledger-fixtures.js';
import { binaryBody } from '../helpers/api.js';
import { declaredSizes, pngUnreadable, RECEIPT_MAX_PIXELS } from '../../server/ledger/image-size.js';

let n: Night;
beforeAll(async () => {
  n = await stormAfterPlan();
});
afterAll(async () => n?.server.close());

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
/** An RGBA PNG of transparent pixels: tiny on the wire, width x height x 4 bytes decoded. */
function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 4 + 1) * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
/** A JPEG whose frame header (after an APP0 segment) declares width x height. */
function jpegDeclaring(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}
/** An extended WebP (VP8X) whose canvas is width x height. */
function webpDeclaring(width: number, height: number): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  const body = Buffer.concat([Buffer.from('WEBP'), Buffer.from('VP8X'), Buffer.from([10, 0, 0, 0]), vp8x]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length, 0);
  return Buffer.concat([Buffer.from('RIFF'), size, body]);
}

const upload = (body: Buffer, type: string) => n.reception.post(`${n.base}/ledger/receipts`).set('Content-Type', type).send(body);
const stored = async () => Number((await n.exec(sql`select count(*) as c from ledger_receipts`))[0]!.c);

test('the helpers build what they say: the headers declare the sizes the test names', () => {
  expect(declaredSizes(pngBomb(8000, 8000), 'image/png')).toEqual([{ width: 8000, height: 8000, bytesPerPixel: 4 }]);
  expect(declaredSizes(jpegDeclaring(30000, 20000), 'image/jpeg')).toEqual([{ width: 30000, height: 20000, bytesPerPixel: 4 }]);
  expect(declaredSizes(webpDeclaring(20000, 16000), 'image/webp')).toEqual([{ width: 20000, height: 16000, bytesPerPixel: 4 }]);
});

test('uploads declaring too large a picture are refused by field, and nothing is stored', async () => {
  const before = await stored();
  const bomb = pngBomb(8000, 8000);
  expect(bomb.length).toBeLessThan(300_000);
  for (const [body, type] of [
    [bomb, 'image/png'],
    [jpegDeclaring(30000, 20000), 'image/jpeg'],
    [webpDeclaring(20000, 16000), 'image/webp'],
    // Within the side limit, over the pixel count.
    [jpegDeclaring(10000, 10000), 'image/jpeg'],
  ] as const) {
    const res = await upload(body, type).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body']);
    expect(res.body.error.message).toMatch(/pixels/);
  }
  expect(await stored()).toBe(before);
});

test('ordinary photos are still accepted', async () => {
  await upload(await QRCode.toBuffer('RECEIPT 12.00', { type: 'png', width: 300 }), 'image/png').expect(201);
  await upload(jpegDeclaring(1600, 1200), 'image/jpeg').expect(201);
  await upload(webpDeclaring(1600, 1200), 'image/webp').expect(201);
  expect(RECEIPT_MAX_PIXELS).toBeGreaterThanOrEqual(6000 * 4000);
});

test("a bomb stored before the check is listed in the household's claim pack but not drawn", async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const bomb = pngBomb(8000, 8000);
  const sha = createHash('sha256').update(bomb).digest('hex');
  // As a photo uploaded by an earlier version would be: straight into the table.
  await n.exec(sql`insert into ledger_receipts (incident_id, sha256, content_type, bytes, data, hotel_id)
    values (${n.incidentId}::uuid, ${sha}, 'image/png', ${bomb.length}, ${bomb}, ${n.hotelId})`);
  const id = String((await n.exec(sql`select id from ledger_receipts where sha256 = ${sha}`))[0]!.id);
  await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'meals', amountMinor: 1200, receiptPhotoId: id }).expect(201);
  const started = Date.now();
  const res = await n.insurer.get(`${n.base}/exports/claim-packs/${h.partyId}`).buffer(true).parse(binaryBody).expect(200);
  const pdf = (res.body as Buffer).toString('latin1');
  expect(pdf).not.toMatch(/\/Subtype \/Image/);
  expect(Date.now() - started).toBeLessThan(5000);
});

test('a photo cited by many perks is read and drawn once in the claim pack', async () => {
  // A penny perk forty times over, each citing one photo: the pack held (and drew) a copy per line.
  const h = n.household();
  await n.checkIn(h.partyId);
  const photo = await QRCode.toBuffer(`RECEIPT ${h.partyId}`, { type: 'png', width: 240 });
  const { id } = (await upload(photo, 'image/png').expect(201)).body as { id: string };
  const images = async () => {
    const res = await n.insurer.get(`${n.base}/exports/claim-packs/${h.partyId}`).buffer(true).parse(binaryBody).expect(200);
    return ((res.body as Buffer).toString('latin1').match(/\/Subtype \/Image/g) ?? []).length;
  };
  await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'meals', amountMinor: 1, receiptPhotoId: id }).expect(201);
  const once = await images();
  expect(once).toBeGreaterThan(0);
  for (let i = 0; i < 39; i++)
    await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'meals', amountMinor: 1, receiptPhotoId: id }).expect(201);
  expect(await images()).toBe(once);
});

/**
 * PNGs the claim pack's PDF writer (pdfkit, through png-js) cannot read safely: it decodes the
 * pixels of one with an alpha channel, transparency or interlacing in a callback that throws where
 * nothing can catch it, so one such photo, cited by a perk, stopped the whole server at the first
 * claim pack that drew it; and it trusts chunk lengths (one with its top bit set loops for ever).
 */
function png(chunks: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks, chunk('IEND', Buffer.alloc(0))]);
}
function ihdr(width: number, height: number, depth: number, colourType: number): Buffer {
  const h = Buffer.alloc(13);
  h.writeUInt32BE(width, 0);
  h.writeUInt32BE(height, 4);
  h.set([depth, colourType, 0, 0, 0], 8);
  return chunk('IHDR', h);
}
const UNREADABLE: [string, Buffer][] = [
  ['an alpha channel whose pixel data does not inflate', png([ihdr(100, 100, 8, 6), chunk('IDAT', Buffer.from('not zlib at all '.repeat(8)))])],
  ['an alpha channel whose rows start with an unknown filter', png([ihdr(4, 4, 8, 6), chunk('IDAT', deflateSync(Buffer.alloc(4 * (4 * 4 + 1), 9)))])],
  // A legal PNG: 3 x 1 pixels of a 4-bit palette with transparency; png-js asks for a buffer of 1.5 bytes.
  [
    'a 4-bit palette with transparency',
    png([
      ihdr(3, 1, 4, 3),
      chunk('PLTE', Buffer.from([0, 0, 0, 255, 255, 255])),
      chunk('tRNS', Buffer.from([0])),
      chunk('IDAT', deflateSync(Buffer.from([0, 0x01, 0x00]))),
    ]),
  ],
];
/** A chunk whose length has its top bit set: png-js steps back and reads the same chunk for ever. */
const LOOPING = (() => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(0xfffffff4, 0);
  head.write('abcd', 4, 'latin1');
  return Buffer.concat([png([ihdr(10, 10, 8, 6)]).subarray(0, -12), head, Buffer.alloc(4), chunk('IEND', Buffer.alloc(0))]);
})();

test('PNGs the PDF writer cannot read safely are refused by field at upload, and nothing is stored', async () => {
  const before = await stored();
  for (const [, body] of [...UNREADABLE, ['a chunk length with its top bit set', LOOPING] as const]) {
    expect(pngUnreadable(body)).not.toBeNull();
    const res = await upload(body, 'image/png').expect(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body']);
    expect(res.body.error.message).toMatch(/cannot be read/);
  }
  expect(await stored()).toBe(before);
  // What the phones send, and plain photos with an alpha channel, still go through.
  const alpha = png([ihdr(4, 4, 8, 6), chunk('IDAT', deflateSync(Buffer.alloc(4 * (4 * 4 + 1))))]);
  expect(pngUnreadable(alpha)).toBeNull();
  await upload(alpha, 'image/png').expect(201);
  await upload(await QRCode.toBuffer('RECEIPT 9.99', { type: 'png', width: 200 }), 'image/png').expect(201);
});

test('such a PNG stored before the check is listed in the claim pack but not drawn, and the server keeps answering', async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  for (const [, body] of UNREADABLE) {
    const sha = createHash('sha256').update(body).digest('hex');
    await n.exec(sql`insert into ledger_receipts (incident_id, sha256, content_type, bytes, data, hotel_id)
      values (${n.incidentId}::uuid, ${sha}, 'image/png', ${body.length}, ${body}, ${n.hotelId})`);
    const id = String((await n.exec(sql`select id from ledger_receipts where sha256 = ${sha}`))[0]!.id);
    await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'meals', amountMinor: 100, receiptPhotoId: id }).expect(201);
  }
  const res = await n.insurer.get(`${n.base}/exports/claim-packs/${h.partyId}`).buffer(true).parse(binaryBody).expect(200);
  const pdf = (res.body as Buffer).toString('latin1');
  expect(pdf).not.toMatch(/\/Subtype \/Image/);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await n.duty.get('/api/health').expect(200);
});
