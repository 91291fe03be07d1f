/**
 * An Idempotency-Key names one request, raw bodies included: the routes that read their own body
 * (a receipt photo, a guest CSV) are hashed with its bytes and declared type. A different photo or
 * list under a used key is a 422 `idempotency_mismatch` (it used to get the first photo's answer,
 * marked as a replay); the same bytes again are a true replay that stores nothing twice.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { randomPng } from '../helpers/images.js';
import { stormAfterPlan, type Night } from './ledger-fixtures.js';
import type { Agent } from '../helpers/api.js';

let n: Night;
beforeAll(async () => {
  n = await stormAfterPlan();
});
afterAll(async () => n?.server.close());

/** A real PNG of random pixels (a PNG's chunks must lie end to end: see pngUnreadable). */
const png = (size = 2048) => randomPng(size);
const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2044)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const count = async (table: 'ledger_receipts' | 'guests') => Number((await n.exec(sql.raw(`select count(*)::int as c from ${table}`)))[0]!.c);

const upload = (who: Agent, body: Buffer, type: string, key: string) =>
  who.post(`${n.base}/ledger/receipts`).set('Content-Type', type).set('Idempotency-Key', key).send(body);

test('a receipt photo: the same key on a different photo is a mismatch; the same photo again is a replay', async () => {
  const first = png();
  const created = await upload(n.reception, first, 'image/png', 'photo-key-1').expect(201);
  expect(created.headers['idempotent-replay']).toBeUndefined();
  expect(created.body.sha256).toBe(sha(first));
  const stored = await count('ledger_receipts');

  const other = await upload(n.reception, png(), 'image/png', 'photo-key-1');
  expect(other.status).toBe(422);
  expect(other.body.error.code).toBe('idempotency_mismatch');
  expect(other.headers['idempotent-replay']).toBeUndefined();

  const again = await upload(n.reception, first, 'image/png', 'photo-key-1').expect(201);
  expect(again.headers['idempotent-replay']).toBe('true');
  expect(again.body).toEqual(created.body);
  expect(await count('ledger_receipts')).toBe(stored);
});

test('a receipt photo: the same bytes declared as another type are another request', async () => {
  const photo = jpeg();
  await upload(n.reception, photo, 'image/jpeg', 'photo-key-2').expect(201);
  const retyped = await upload(n.reception, photo, 'image/png', 'photo-key-2');
  expect(retyped.status).toBe(422);
  expect(retyped.body.error.code).toBe('idempotency_mismatch');
});

test('a refused upload keeps no key: its retry with a real photo runs', async () => {
  await upload(n.reception, Buffer.from('not a picture at all'), 'image/png', 'photo-key-3').expect(400);
  const photo = png();
  const res = await upload(n.reception, photo, 'image/png', 'photo-key-3').expect(201);
  expect(res.headers['idempotent-replay']).toBeUndefined();
  expect(res.body.sha256).toBe(sha(photo));
});

test('a guest CSV: a different list under a used key is a mismatch; the same list again is a replay', async () => {
  const csv = (ref: string) => `booking_ref,guest_name,age_group\n${ref},Idem ${ref},adult\n`;
  const send = (body: string, key: string, type = 'text/csv') =>
    n.duty.post(`${n.base}/guests/csv`).set('Content-Type', type).set('Idempotency-Key', key).send(body);
  const created = await send(csv('IDEM-1'), 'csv-key-1').expect(201);
  const guests = await count('guests');

  const other = await send(csv('IDEM-2'), 'csv-key-1');
  expect(other.status).toBe(422);
  expect(other.body.error.code).toBe('idempotency_mismatch');
  const retyped = await send(csv('IDEM-1'), 'csv-key-1', 'text/plain');
  expect(retyped.status).toBe(422);

  const again = await send(csv('IDEM-1'), 'csv-key-1').expect(201);
  expect(again.headers['idempotent-replay']).toBe('true');
  expect(again.body).toEqual(created.body);
  expect(await count('guests')).toBe(guests);
});
