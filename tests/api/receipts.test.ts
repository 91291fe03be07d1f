/**
 * Receipt photos on the storm scenario: upload (raw image body, magic bytes checked, 5 MB limit,
 * idempotent by content), fetch (duty managers, the incident's insurer, the uploading hotel's
 * reception; "not found" for anyone else), a perk citing a photo (receipt_ref = photo:<sha256>,
 * so the chain covers the bytes; bad ids refused with nothing written), lines and exports showing
 * the photo, and a photo altered in the database caught by verification, naming the entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { randomPng } from '../helpers/images.js';
import { parseCsv, stormAfterPlan, type Night } from './ledger-fixtures.js';
import { binaryBody, signIn, type Agent } from '../helpers/api.js';
import { DEMO_PASSWORD } from '../helpers/server.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import { smallScenario } from '../../seed/small.js';
import { RECEIPT_MAX_BYTES, type ExportManifest, type LedgerLine, type ReceiptUpload } from '../../shared/ledger.js';

let n: Night;
let nextDoor: Agent;

const jpeg = (size = 2048) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);
/** A real PNG of random pixels (a PNG's chunks must lie end to end: see pngUnreadable). */
const png = (size = 2048) => randomPng(size);
const webp = (size = 2048) => Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBP'), randomBytes(size - 12)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const upload = (who: Agent, body: Buffer, type: string, base = n.base) => who.post(`${base}/ledger/receipts`).set('Content-Type', type).send(body);
const fetchPhoto = (who: Agent, id: string) => who.get(`${n.base}/ledger/receipts/${id}`).buffer(true).parse(binaryBody);
const head = async () => (await n.duty.get(`${n.base}/ledger/verify`).expect(200)).body as { headSeq: number };

beforeAll(async () => {
  n = await stormAfterPlan();
  const other = (await n.state()).hotels.find((h) => h.id !== n.hotelId)!;
  await insertUser(n.server.database.db, {
    email: 'receipts-next-door@test.example',
    name: 'Nina Next Door',
    role: 'reception',
    passwordHash: await hashPassword(DEMO_PASSWORD),
    incidentId: n.incidentId,
    hotelId: other.id,
  });
  nextDoor = await signIn(n.server.url, 'receipts-next-door@test.example');
});
afterAll(async () => n?.server.close());

test('an uploaded photo is stored once per content and answered with its reference', async () => {
  const photo = jpeg();
  const first = (await upload(n.reception, photo, 'image/jpeg').expect(201)).body as ReceiptUpload;
  expect(first).toEqual({
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    sha256: sha(photo),
    contentType: 'image/jpeg',
    bytes: photo.length,
    ref: `photo:${sha(photo)}`,
  });
  // The same photo again (from anyone in the incident) is the same receipt.
  expect((await upload(n.duty, photo, 'image/jpeg').expect(201)).body).toEqual(first);
  expect((await upload(n.reception, png(), 'image/png').expect(201)).body.contentType).toBe('image/png');
  expect((await upload(n.duty, webp(), 'image/webp; charset=binary').expect(201)).body.contentType).toBe('image/webp');
});

test('bytes that are not the declared image, other types, empty and oversized bodies are refused', async () => {
  const wrong = await upload(n.reception, jpeg(), 'image/png').expect(400);
  expect(wrong.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body']);
  expect(wrong.body.error.message).toMatch(/JPEG.*not the declared image\/png/);
  const junk = await upload(n.reception, Buffer.from('%PDF-1.7 not a photo'), 'image/jpeg').expect(400);
  expect(junk.body.error.details.fields[0].path).toBe('body');
  await upload(n.reception, Buffer.alloc(0), 'image/jpeg').expect(400);
  expect((await upload(n.reception, Buffer.from('GIF89a....'), 'image/gif').expect(415)).body.error.code).toBe('unsupported_media_type');
  await n.reception.post(`${n.base}/ledger/receipts`).send({ not: 'an image' }).expect(415);
  const big = await upload(n.reception, jpeg(RECEIPT_MAX_BYTES + 1), 'image/jpeg');
  expect(big.status).toBe(413);
  expect(big.body.error.code).toBe('payload_too_large');
  expect((await upload(n.reception, jpeg(RECEIPT_MAX_BYTES), 'image/jpeg').expect(201)).body.bytes).toBe(RECEIPT_MAX_BYTES);
  // Insurers never write.
  await upload(n.insurer, jpeg(), 'image/jpeg').expect(403);
});

test("a photo is served to duty managers, the insurer and its hotel's reception, and to nobody else", async () => {
  const photo = png(4096);
  const { id } = (await upload(n.reception, photo, 'image/png').expect(201)).body as ReceiptUpload;
  for (const who of [n.reception, n.duty, n.insurer]) {
    const res = await fetchPhoto(who, id).expect(200);
    expect(Buffer.compare(res.body as Buffer, photo)).toBe(0);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toMatch(/^inline/);
    expect(res.headers['cache-control']).toMatch(/private/);
  }
  // Reception at another hotel of the same incident: "not found", as for an id that does not exist.
  const hidden = await nextDoor.get(`${n.base}/ledger/receipts/${id}`).expect(404);
  const missing = await nextDoor.get(`${n.base}/ledger/receipts/00000000-0000-4000-8000-000000000000`).expect(404);
  expect(hidden.body).toEqual(missing.body);
  // A photo a duty manager uploaded belongs to no hotel: reception cannot read it either.
  const byDuty = (await upload(n.duty, jpeg(), 'image/jpeg').expect(201)).body as ReceiptUpload;
  await n.reception.get(`${n.base}/ledger/receipts/${byDuty.id}`).expect(404);
  await n.reception.get(`${n.base}/ledger/receipts/not-a-uuid`).expect(400);
});

test('a perk citing a photo chains photo:<sha256>; lines and exports show the photo to those who may fetch it', async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const photo = jpeg(3000);
  const receipt = (await upload(n.reception, photo, 'image/jpeg').expect(201)).body as ReceiptUpload;
  const perk = (
    await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'meals', amountMinor: 1850, receiptPhotoId: receipt.id }).expect(201)
  ).body;
  expect(perk.receiptRef).toBe(`photo:${sha(photo)}`);

  const mine = (await n.lines(n.reception)).find((l) => l.id === perk.entryId)!;
  expect(mine).toMatchObject({
    receiptRef: receipt.ref,
    hasReceiptPhoto: true,
    receiptPhotoId: receipt.id,
    receiptUrl: `${n.base}/ledger/receipts/${receipt.id}`,
  });
  const insurers = (await n.lines(n.insurer)).find((l) => l.id === perk.entryId)!;
  expect(insurers).toMatchObject({ hasReceiptPhoto: true, receiptPhotoId: receipt.id });
  expect(Buffer.compare((await fetchPhoto(n.insurer, insurers.receiptUrl!.replace(`${n.base}/ledger/receipts/`, '')).expect(200)).body as Buffer, photo)).toBe(
    0,
  );
  const paper = (
    await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'bar', amountMinor: 300, receiptRef: 'TILL-7' }).expect(201)
  ).body;
  expect((await n.lines()).find((l: LedgerLine) => l.id === paper.entryId)).toMatchObject({
    receiptRef: 'TILL-7',
    hasReceiptPhoto: false,
    receiptPhotoId: null,
    receiptUrl: null,
  });

  const manifest = (await n.insurer.post(`${n.base}/exports`).send({}).expect(201)).body as ExportManifest;
  const csv = (await n.insurer.get(`${n.base}/exports/${manifest.exportId}/files/ledger.csv`).expect(200)).text;
  const rows = parseCsv(csv);
  const header = rows.shift()!;
  const line = rows.find((r) => r[header.indexOf('entry_id')] === perk.entryId)!;
  expect(line[header.indexOf('receipt_ref')]).toBe(receipt.ref);
  expect(line[header.indexOf('receipt_photo_id')]).toBe(receipt.id);
  expect((await n.insurer.get(`${n.base}/exports/${manifest.exportId}/verify`).expect(200)).body.checks).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'receipt photos', ok: true })]),
  );
});

test("an unknown photo, another incident's photo, or a photo plus a paper reference is refused and nothing is written", async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const other = (await n.duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId as string;
  const elsewhere = (await upload(n.duty, jpeg(), 'image/jpeg', `/api/incidents/${other}`).expect(201)).body as ReceiptUpload;
  const mine = (await upload(n.reception, jpeg(), 'image/jpeg').expect(201)).body as ReceiptUpload;
  const before = await head();
  for (const receiptPhotoId of ['00000000-0000-4000-8000-000000000000', elsewhere.id]) {
    const res = await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'bar', amountMinor: 500, receiptPhotoId }).expect(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.receiptPhotoId']);
  }
  const both = await n.reception
    .post(`${n.base}/ledger/perks`)
    .send({ partyId: h.partyId, category: 'bar', amountMinor: 500, receiptPhotoId: mine.id, receiptRef: 'TILL-42' })
    .expect(400);
  expect(both.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.receiptRef']);
  const forged = await n.reception
    .post(`${n.base}/ledger/perks`)
    .send({ partyId: h.partyId, category: 'bar', amountMinor: 500, receiptRef: `photo:${'0'.repeat(64)}` })
    .expect(400);
  expect(forged.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.receiptRef']);
  await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'bar', amountMinor: 500, receiptPhotoId: 'nope' }).expect(400);
  expect((await head()).headSeq).toBe(before.headSeq);
});

test('a photo altered in the database is caught by verification, which names the entry citing it', async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const receipt = (await upload(n.reception, jpeg(), 'image/jpeg').expect(201)).body as ReceiptUpload;
  const perk = (
    await n.reception
      .post(`${n.base}/ledger/perks`)
      .send({ partyId: h.partyId, category: 'laundry', amountMinor: 1200, receiptPhotoId: receipt.id })
      .expect(201)
  ).body;
  const manifest = (await n.insurer.post(`${n.base}/exports`).send({}).expect(201)).body as ExportManifest;
  expect((await n.insurer.get(`${n.base}/ledger/verify`).expect(200)).body).toMatchObject({ ok: true, receipts: { firstBad: null } });

  // Someone edits the stored photo (say, to change the amount printed on it). The byte is inverted,
  // never set to a value: the photo is random bytes, and one in 256 already had the value.
  await n.exec(sql`update ledger_receipts set data = set_byte(data, 99, 255 - get_byte(data, 99)) where id = ${receipt.id}`);
  const chain = (await n.insurer.get(`${n.base}/ledger/verify`).expect(200)).body;
  expect(chain.ok).toBe(false);
  expect(chain.firstBad).toMatchObject({ id: perk.entryId, seq: perk.seq, receiptId: receipt.id });
  expect(chain.firstBad.reason).toMatch(/no longer matches the sha256/);
  expect(chain.receipts.firstBad).toEqual(chain.firstBad);
  const online = (await n.insurer.get(`${n.base}/exports/${manifest.exportId}/verify`).expect(200)).body;
  expect(online.ok).toBe(false);
  const checks = new Map((online.checks as { name: string; ok: boolean; detail: string }[]).map((c) => [c.name, c]));
  expect(checks.get('hash chain')!.ok).toBe(true);
  expect(checks.get('receipt photos')).toMatchObject({ ok: false, detail: expect.stringContaining(perk.entryId) });

  // Swapping in other bytes and their hash as well leaves the entry citing a photo that is gone.
  await n.exec(sql`update ledger_receipts set sha256 = encode(sha256(data), 'hex') where id = ${receipt.id}`);
  const again = (await n.insurer.get(`${n.base}/ledger/verify`).expect(200)).body;
  expect(again.firstBad).toMatchObject({ id: perk.entryId });
  expect(again.firstBad.reason).toMatch(/missing/);
});

test('reception cites only photos its own hotel uploaded: another hotel\'s or a duty manager\'s photo is "no such photo", nothing written', async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const theirs = (await upload(nextDoor, jpeg(2500), 'image/jpeg').expect(201)).body as ReceiptUpload;
  const managers = (await upload(n.duty, png(2500), 'image/png').expect(201)).body as ReceiptUpload;
  const before = await head();
  for (const photo of [theirs, managers]) {
    const res = await n.reception
      .post(`${n.base}/ledger/perks`)
      .send({ partyId: h.partyId, category: 'meals', amountMinor: 900, receiptPhotoId: photo.id })
      .expect(400);
    expect(res.body.error.details.fields).toEqual([{ path: 'body.receiptPhotoId', message: 'no such receipt photo in this incident' }]);
  }
  expect((await head()).headSeq).toBe(before.headSeq);
  // Its own photo is fine; a duty manager may cite any photo of the incident.
  const own = (await upload(n.reception, jpeg(2600), 'image/jpeg').expect(201)).body as ReceiptUpload;
  await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'meals', amountMinor: 900, receiptPhotoId: own.id }).expect(201);
  await n.duty
    .post(`${n.base}/ledger/perks`)
    .send({ partyId: h.partyId, hotelId: n.hotelId, category: 'meals', amountMinor: 900, receiptPhotoId: theirs.id })
    .expect(201);
});
