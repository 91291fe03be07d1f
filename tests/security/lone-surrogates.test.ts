/**
 * Half of a character: JSON may carry a lone UTF-16 surrogate (`"\ud800"`), which no UTF-8 text can
 * hold, so the database keeps U+FFFD in its place. A perk whose receipt reference held one was
 * hashed as sent and stored otherwise: from that line on the ledger's chain read as tampered
 * ("the entry was altered"), for good (the ledger is append-only), and every insurer export of the
 * incident was refused. Reception could do it to its incident with one perk. Such text is now
 * refused by field at every door (any JSON body, and the text schemas the sockets use too), and
 * a line's hash is taken of its text as stored, so it holds whatever the text came through.
 */
import request from 'supertest';
import { stormAfterPlan, type Night } from '../api/ledger-fixtures.js';
import { canonicalJson, type ChainFields } from '../../server/ledger/chain.js';
import { lineSchema, textSchema } from '../../shared/fields.js';

let n: Night;
beforeAll(async () => {
  n = await stormAfterPlan();
});
afterAll(async () => n?.server.close());

const paths = (res: { body: { error: { details: { fields: { path: string }[] } } } }) => res.body.error.details.fields.map((f) => f.path);

test("a perk whose text holds half a character is refused by field, writes nothing, and the ledger's chain still holds", async () => {
  const { partyId } = n.household();
  await n.checkIn(partyId);
  const before = (await n.lines()).length;
  for (const [field, value] of [
    ['receiptRef', 'R-\ud800-12'],
    ['note', 'paid \udc00 cash'],
  ] as const) {
    const res = await n.reception
      .post(`${n.base}/ledger/perks`)
      .send({ partyId, category: 'meals', amountMinor: 500, [field]: value })
      .expect(400);
    expect(paths(res)).toEqual([`body.${field}`]);
    expect(res.body.error.message).toMatch(/half of a character/);
  }
  expect((await n.lines()).length).toBe(before);
  // Whole characters outside the first plane (a pair of surrogates) are text like any other.
  await n.reception.post(`${n.base}/ledger/perks`).send({ partyId, category: 'meals', amountMinor: 500, receiptRef: 'R-🧾-12', note: '𝔫𝔬𝔱𝔢' }).expect(201);
  const verify = await n.insurer.get(`${n.base}/ledger/verify`).expect(200);
  expect(verify.body.ok).toBe(true);
  expect(verify.body.firstBad).toBeNull();
});

test('any JSON body holding one is refused naming where, in a value or a key, on every kind of route', async () => {
  const cases: [ReturnType<typeof n.duty.post>, string][] = [
    [n.duty.patch(`${n.base}/attention/settings`).send({ overdueMinutes: 30, extra: ['ok', { deep: 'x\udbff' }] }), 'body.extra[1].deep'],
    [n.duty.patch(`${n.base}/attention/settings`).send({ overdueMinutes: 30, ['k\ud800']: 1 }), 'body'],
    [n.reception.post(`${n.base}/hotels/${n.hotelId}/arrivals/no-shows`).send({ partyId: 'P\udfff', note: 'x' }), 'body.partyId'],
  ];
  for (const [req, path] of cases) {
    const res = await req.expect(400);
    expect(paths(res)).toEqual([path]);
  }
  // Sign-in compares a password it never stores; it is refused all the same, never a 500.
  await request(n.server.url).post('/api/auth/login').send({ email: 'duty@demo.test', password: 'storm-\ud800' }).expect(400);
});

test('the text schemas (used by sockets as well as requests) refuse it and take whole characters', () => {
  for (const schema of [lineSchema(50), textSchema(50)]) {
    expect(schema.safeParse('a\ud800b').success).toBe(false);
    expect(schema.safeParse('b\udc00').success).toBe(false);
    expect(schema.safeParse('smile 😀, 𝔫𝔬𝔱𝔢').success).toBe(true);
  }
});

test("a line's hash is taken of its text as the database keeps it, so a line written and read back hash alike", () => {
  const line: ChainFields = {
    id: '00000000-0000-4000-8000-000000000001',
    incidentId: '00000000-0000-4000-8000-000000000002',
    seq: 1,
    kind: 'charge',
    category: 'meals',
    amountMinor: 500,
    currency: 'GBP',
    occurredAt: new Date('2026-10-31T21:00:00Z'),
    recordedAt: new Date('2026-10-31T21:00:00Z'),
    recordedBy: null,
    partyId: 'P0001',
    guestId: null,
    hotelId: 'H01',
    vehicleId: null,
    tripId: null,
    night: null,
    sourceKey: null,
    receiptRef: 'R-\ud800-12',
    description: 'Meals at Hotel \udc00',
    note: '',
    reversesEntryId: null,
    relatedEntryId: null,
    status: 'posted',
    approvedBy: null,
    flags: ['b\ud800', 'a'],
  };
  const stored = { ...line, receiptRef: 'R-\ufffd-12', description: 'Meals at Hotel \ufffd', flags: ['b\ufffd', 'a'] };
  expect(canonicalJson(line)).toBe(canonicalJson(stored));
  // Text a backslash-u sequence is typed into is not touched.
  const typed = { ...line, receiptRef: 'R-\\ud800-12', description: 'plain', flags: [] };
  expect(canonicalJson(typed)).toContain('R-\\\\ud800-12');
});
