/**
 * The cost ledger through the API on the storm scenario: lodging accrual over nights and partial
 * stays (idempotent), check-out accruing by itself, trip costs once per trip, perks within and
 * above the staff limit (approval heard live by the console), reversals and corrections, perk
 * caps, and a gap-free chain under parallel appends.
 */
import { addDays } from '../../shared/ledger.js';
import type { LedgerLine, PendingLine } from '../../shared/ledger.js';
import type { LiveEvent, LiveEventOf } from '../../shared/realtime.js';
import type { EventType } from '../../shared/events.js';
import { collect, connect, connected, loginCookie, subscribe, type ClientSocket } from '../helpers/socket.js';
import { nightlyRate, setStayTimes, stormAfterPlan, type Night } from './ledger-fixtures.js';
import { DEMO } from '../helpers/api.js';

let n: Night;
let console_: ClientSocket;
let heard: ReturnType<typeof collect>;

beforeAll(async () => {
  n = await stormAfterPlan();
  console_ = connect(n.server.url, { cookie: await loginCookie(n.server.url, DEMO.duty) });
  await connected(console_);
  heard = collect(console_);
  await subscribe(console_, n.incidentId, (await n.state()).seq);
});
afterAll(async () => {
  console_?.close();
  await n?.server.close();
});

const waitFor = async <K extends EventType>(type: K, pred: (e: LiveEventOf<K>) => boolean): Promise<LiveEventOf<K>> => {
  const match = (e: LiveEvent): e is LiveEventOf<K> => e.type === type && pred(e as LiveEventOf<K>);
  for (;;) {
    const found = heard.events.find(match);
    if (found) return found;
    await heard.until(heard.events.length + 1);
  }
};
const linesOf = (lines: LedgerLine[], partyId: string, category?: string) =>
  lines.filter((l) => l.partyId === partyId && (!category || l.category === category));
const total = async () => (await n.duty.get(`${n.base}/ledger/summary`).expect(200)).body;

test('lodging accrues per room per night; partial stays count the nights slept; re-running posts nothing', async () => {
  const a = n.household();
  const b = n.household();
  await n.checkIn(a.partyId);
  await n.checkIn(b.partyId);
  // A: in 23:30 on the 14th, out 10:00 on the 16th (Europe/London = UTC in November): nights of the 14th and 15th.
  await setStayTimes(n, a.partyId, '2026-11-14T23:30:00Z', '2026-11-16T10:00:00Z');
  // B: arrived at 02:00 in the storm night, left at 11:00: one night, the 14th.
  await setStayTimes(n, b.partyId, '2026-11-15T02:00:00Z', '2026-11-15T11:00:00Z');
  await n.duty.post(`${n.base}/ledger/accruals/lodging`).send({ asOf: '2026-11-17T00:00:00Z' }).expect(200);
  const state = await n.state();
  const lines = await n.lines();
  const la = linesOf(lines, a.partyId, 'lodging');
  expect(la.map((l) => l.night)).toEqual(['2026-11-14', '2026-11-15']);
  expect(la.every((l) => l.amountMinor === nightlyRate(state, n.hotelId, a.rooms) && l.status === 'posted' && l.kind === 'charge')).toBe(true);
  expect(la[0]!.description).toMatch(/night of 2026-11-14: \d+ x [\w-]+ @ \d+\.\d\d/);
  expect(linesOf(lines, b.partyId, 'lodging').map((l) => l.night)).toEqual(['2026-11-14']);
  const again = (await n.duty.post(`${n.base}/ledger/accruals/lodging`).send({ asOf: '2026-11-17T00:00:00Z' }).expect(200)).body;
  expect(again.posted).toBe(0);
  expect(linesOf(await n.lines(), a.partyId, 'lodging')).toHaveLength(2);
});

test('a stay still checked in owes each night as it begins; check-out runs the accrual by itself', async () => {
  const c = n.household();
  await n.checkIn(c.partyId);
  const inAt = new Date(Date.now() - 30 * 3600_000);
  await setStayTimes(n, c.partyId, inAt.toISOString(), null);
  // Still in: asking as of a day later posts the nights begun by then, and again posts nothing.
  const later = new Date(Date.now() + 24 * 3600_000).toISOString();
  const first = (await n.duty.post(`${n.base}/ledger/accruals/lodging`).send({ asOf: later }).expect(200)).body;
  expect(first.posted).toBeGreaterThanOrEqual(2);
  const nights = linesOf(await n.lines(), c.partyId, 'lodging').map((l) => l.night!);
  expect(nights).toEqual(nights.map((_, i) => addDays(nights[0]!, i)));
  // A second household checks out through reception: its nights post without anyone asking.
  const d = n.household();
  await n.checkIn(d.partyId);
  await setStayTimes(n, d.partyId, inAt.toISOString(), null);
  await n.reception.post(`${n.base}/hotels/${n.hotelId}/arrivals/checkouts`).send({ partyId: d.partyId }).expect(200);
  const ev = await waitFor('ledger.lodging_accrued', (e) => e.payload.posted >= 1 && e.actor.name === 'system');
  expect(ev.payload.hotelIds).toContain(n.hotelId);
  const dn = linesOf(await n.lines(), d.partyId, 'lodging');
  expect(dn.length).toBeGreaterThanOrEqual(2);
  expect(new Set(dn.map((l) => l.night)).size).toBe(dn.length);
});

test('a completed trip costs per trip plus per road km, posted once', async () => {
  const state = await n.state();
  const trip = state.trips[0]!;
  const res = (await n.duty.post(`${n.base}/ledger/trips/${trip.id}/complete`).expect(200)).body;
  expect(res.alreadyPosted).toBe(false);
  expect(res.amountMinor).toBeGreaterThan(0);
  const again = (await n.duty.post(`${n.base}/ledger/trips/${trip.id}/complete`).expect(200)).body;
  expect(again).toMatchObject({ alreadyPosted: true, entryId: null });
  const lines = (await n.lines()).filter((l) => l.tripId === trip.id);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ category: 'transport', vehicleId: trip.vehicleId, amountMinor: res.amountMinor });
  expect(lines[0]!.description).toMatch(/km x/);
  // What an insurer reads: the muster point and hotels by name, and figures that recompute to the penny.
  const d = lines[0]!.description;
  for (const id of [trip.fromSiteId, ...trip.stops]) expect(d).not.toMatch(new RegExp(`\\b${id}\\b`));
  const name = (id: string) => state.sites.find((x) => x.id === id)?.name ?? state.hotels.find((x) => x.id === id)!.name;
  for (const id of [trip.fromSiteId, ...trip.stops]) expect(d).toContain(name(id));
  const [, perTrip, km, perKm] = d.match(/: ([\d,.]+) \+ ([\d.]+) km x ([\d,.]+)$/)!;
  const pounds = (x: string) => Number(x.replace(/,/g, ''));
  expect(Math.round(pounds(perTrip!) * 100 + pounds(perKm!) * 100 * Number(km))).toBe(res.amountMinor);
  await n.reception.post(`${n.base}/ledger/trips/${trip.id}/complete`).expect(403);
});

test('perks within the staff limit post; above it they wait, the console hears it, a duty manager decides', async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const perk = (amountMinor: number, category = 'bar') =>
    n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category, amountMinor, receiptRef: `R-${amountMinor}` });
  const before = await total();
  const ok = (await perk(6000).expect(201)).body;
  expect(ok).toMatchObject({ status: 'posted', needsApproval: false, limitMinor: 10000 });
  const over = (await perk(5000).expect(201)).body;
  expect(over).toMatchObject({ status: 'pending_approval', needsApproval: true, spentBeforeMinor: 6000 });
  const ev = await waitFor('ledger.approval_requested', (e) => e.payload.entryId === over.entryId);
  expect(ev.payload).toMatchObject({ amountMinor: 5000, partyId: h.partyId, recordedByName: 'Robin Reception', limitMinor: 10000 });
  expect(ev.payload).not.toHaveProperty('note');

  const mid = await total();
  expect(mid.totalMinor).toBe(before.totalMinor + 6000);
  expect(mid.pendingMinor).toBe(before.pendingMinor + 5000);
  const pending = (await n.duty.get(`${n.base}/ledger/pending`).expect(200)).body.lines as PendingLine[];
  expect(pending.map((l) => l.id)).toContain(over.entryId);
  // The list says what limit it went over and what had been spent, as the event did (a console that reloads still knows).
  expect(pending.find((l) => l.id === over.entryId)).toMatchObject({ amountMinor: 5000, limitMinor: 10000, spentBeforeMinor: 6000 });

  await n.reception.post(`${n.base}/ledger/entries/${over.entryId}/approve`).expect(403);
  await n.insurer.post(`${n.base}/ledger/entries/${over.entryId}/approve`).expect(403);
  const approved = (await n.duty.post(`${n.base}/ledger/entries/${over.entryId}/approve`).send({ reason: 'family lost everything' }).expect(200)).body;
  expect(approved).toMatchObject({ approves: over.entryId, amountMinor: 5000 });
  await waitFor('ledger.entry_approved', (e) => e.payload.pendingEntryId === over.entryId);
  const again = await n.duty2.post(`${n.base}/ledger/entries/${over.entryId}/approve`).expect(409);
  expect(again.body.error.message).toMatch(/already approved/);
  const after = await total();
  expect(after.totalMinor).toBe(before.totalMinor + 11000);
  expect(after.pendingMinor).toBe(before.pendingMinor);

  // The approved amount does not use up the staff member's own allowance: 4000 more still posts.
  expect((await perk(4000, 'meals').expect(201)).body.status).toBe('posted');
  // One more is over again; a second manager rejects it and it never counts.
  const third = (await perk(100, 'laundry').expect(201)).body;
  expect(third.status).toBe('pending_approval');
  await n.duty2.post(`${n.base}/ledger/entries/${third.entryId}/reject`).send({ reason: 'not covered' }).expect(200);
  await n.duty.post(`${n.base}/ledger/entries/${third.entryId}/approve`).expect(409);
  const lines = await n.lines();
  expect(lines.find((l) => l.id === over.entryId)).toMatchObject({ status: 'pending_approval', resolution: 'approved' });
  expect(lines.find((l) => l.id === third.entryId)).toMatchObject({ resolution: 'rejected' });
  expect(lines.find((l) => l.relatedEntryId === third.entryId)).toMatchObject({ kind: 'rejection', amountMinor: 0, status: 'rejected' });
  expect((await total()).totalMinor).toBe(before.totalMinor + 15000);
  // The activity log's events name the amount claimed, not the rejection line's 0.
  const log = (await n.duty.get(`${n.base}/events?after=0&limit=5000`).expect(200)).body.events as { type: string; payload: Record<string, unknown> }[];
  expect(log.find((e) => e.type === 'ledger.entry_rejected' && e.payload.pendingEntryId === third.entryId)?.payload).toMatchObject({
    amountMinor: 0,
    claimedMinor: 100,
  });
});

test('reception records perks only for its own hotel; bad input names the field', async () => {
  const state = await n.state();
  const foreign = state.parties.find((p) => p.hotelId && p.hotelId !== n.hotelId)!;
  await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: foreign.id, category: 'bar', amountMinor: 100 }).expect(404);
  const bad = await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: foreign.id, category: 'caviar', amountMinor: 1.5 }).expect(400);
  expect(bad.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.amountMinor', 'body.category']);
});

test('reception records perks only for households that have arrived: one still on its way is refused, and nothing is recorded', async () => {
  const coming = n.household((h) => h.status === 'assigned' && h.checkedInAt === null);
  const before = (await n.lines()).length;
  const refused = await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: coming.partyId, category: 'meals', amountMinor: 1500 }).expect(409);
  expect(refused.body.error.message).toMatch(/have not checked in here yet/);
  expect((await n.lines()).length).toBe(before);
  // Checked in, the same perk is recorded.
  await n.checkIn(coming.partyId);
  await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: coming.partyId, category: 'meals', amountMinor: 1500 }).expect(201);
});

test('a correction is a reversal plus a linked replacement; nothing is edited', async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const before = (await total()).totalMinor;
  const wrong = (
    await n.duty
      .post(`${n.base}/ledger/perks`)
      .send({ partyId: h.partyId, hotelId: n.hotelId, category: 'meals', amountMinor: 2500, note: 'typed 25 instead of 20' })
      .expect(201)
  ).body;
  const fix = (
    await n.duty
      .post(`${n.base}/ledger/entries/${wrong.entryId}/reverse`)
      .send({ reason: 'wrong amount', replacement: { amountMinor: 2000 } })
      .expect(201)
  ).body;
  expect(fix.reversal).toMatchObject({ amountMinor: -2500, reverses: wrong.entryId });
  expect(fix.replacement).toMatchObject({ amountMinor: 2000, corrects: wrong.entryId });
  expect((await total()).totalMinor).toBe(before + 2000);
  const lines = await n.lines();
  expect(lines.find((l) => l.id === wrong.entryId)).toMatchObject({ amountMinor: 2500, status: 'posted', reversed: true });
  expect((await n.duty.post(`${n.base}/ledger/entries/${wrong.entryId}/reverse`).send({ reason: 'again' }).expect(409)).body.error.message).toMatch(
    /already reversed/,
  );
  await n.duty.post(`${n.base}/ledger/entries/${fix.reversal.entryId}/reverse`).send({ reason: 'undo' }).expect(409);
  await n.duty.post(`${n.base}/ledger/entries/${wrong.entryId}/reverse`).send({}).expect(400);
  await n.reception.post(`${n.base}/ledger/entries/${fix.replacement.entryId}/reverse`).send({ reason: 'x' }).expect(403);
  expect((await n.duty.get(`${n.base}/ledger/verify`).expect(200)).body).toMatchObject({ ok: true, firstBad: null });
});

test('spend beyond a hotel perk cap is flagged on the entry', async () => {
  const state = await n.state();
  const capped = state.hotels.find(
    (h) => h.perks.some((p) => p.kind === 'open_bar' && p.capMinorPerGuestPerNight) && state.parties.some((p) => p.hotelId === h.id && p.status === 'assigned'),
  );
  if (!capped) throw new Error('the storm scenario should have a hotel with a capped open bar');
  const party = state.parties.find((p) => p.hotelId === capped.id && p.status === 'assigned')!;
  await n.checkIn(party.id, capped.id);
  const cap = capped.perks.find((p) => p.kind === 'open_bar')!.capMinorPerGuestPerNight! * party.size;
  const within = (await n.duty.post(`${n.base}/ledger/perks`).send({ partyId: party.id, hotelId: capped.id, category: 'bar', amountMinor: cap }).expect(201))
    .body;
  expect(within.flags).toEqual([]);
  const beyond = (await n.duty.post(`${n.base}/ledger/perks`).send({ partyId: party.id, hotelId: capped.id, category: 'bar', amountMinor: 1 }).expect(201))
    .body;
  expect(beyond).toMatchObject({ flags: ['over_perk_cap'], capMinor: cap });
  expect((await n.lines()).find((l) => l.id === beyond.entryId)!.flags).toEqual(['over_perk_cap']);
});

test('parallel appends keep the chain gap-free and the staff limit holds under contention', async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const results = await Promise.all(
    Array.from({ length: 6 }, () => n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'gifts', amountMinor: 3000 })),
  );
  expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
  expect(results.filter((r) => r.body.status === 'posted')).toHaveLength(3);
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      n.duty
        .post(`${n.base}/ledger/perks`)
        .send({ partyId: h.partyId, hotelId: n.hotelId, category: 'other', amountMinor: 100 + i })
        .expect(201),
    ),
  );
  const lines = await n.lines();
  expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
  for (let i = 1; i < lines.length; i++) expect(lines[i]!.prevHash).toBe(lines[i - 1]!.hash);
  expect((await n.duty.get(`${n.base}/ledger/verify`).expect(200)).body).toMatchObject({ ok: true, checked: lines.length });
  const page = (await n.duty.get(`${n.base}/ledger?afterSeq=3&limit=2`).expect(200)).body.lines as LedgerLine[];
  expect(page.map((l) => l.seq)).toEqual([4, 5]);
});

test('50 concurrent £10 perks by one member of staff on one household, limit £100: exactly 10 post, the rest wait', async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const limit = (await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'other', amountMinor: 1 }).expect(201)).body;
  expect(limit.limitMinor).toBe(10000);
  await n.duty.post(`${n.base}/ledger/entries/${limit.entryId}/reverse`).send({ reason: 'probe' }).expect(201);
  const results = await Promise.all(
    Array.from({ length: 50 }, () => n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'meals', amountMinor: 1000 })),
  );
  expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
  const posted = results.filter((r) => r.body.status === 'posted');
  expect(posted).toHaveLength(10);
  expect(results.filter((r) => r.body.status === 'pending_approval')).toHaveLength(40);
  // Each answer saw the spend before it: the posted ones 0, 10, ..., 90 pounds; the waiting ones a full allowance.
  expect(posted.map((r) => r.body.spentBeforeMinor).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i * 1000));
  expect(results.filter((r) => r.body.needsApproval).every((r) => r.body.spentBeforeMinor === 10000)).toBe(true);
  const mine = linesOf(await n.lines(), h.partyId, 'meals');
  expect(mine.filter((l) => l.status === 'posted').reduce((s, l) => s + l.amountMinor, 0)).toBe(10000);
  const seqs = results.map((r) => r.body.seq as number).sort((a, b) => a - b);
  expect(new Set(seqs).size).toBe(50);
  expect((await n.duty.get(`${n.base}/ledger/verify`).expect(200)).body).toMatchObject({ ok: true, firstBad: null });
});

test('requests appended together still fail alone: a bad one is refused, the others in its batch are recorded', async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const before = (await n.duty.get(`${n.base}/ledger/verify`).expect(200)).body.headSeq as number;
  const good = (i: number) => n.duty.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, hotelId: n.hotelId, category: 'gifts', amountMinor: 200 + i });
  const calls = [
    ...Array.from({ length: 8 }, (_, i) => good(i)),
    n.duty.post(`${n.base}/ledger/perks`).send({ partyId: 'NO-SUCH-HOUSEHOLD', hotelId: n.hotelId, category: 'gifts', amountMinor: 100 }),
    n.duty
      .post(`${n.base}/ledger/perks`)
      .send({ partyId: h.partyId, hotelId: n.hotelId, category: 'gifts', amountMinor: 100, receiptPhotoId: '00000000-0000-4000-8000-000000000000' }),
    n.duty.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, hotelId: 'NO-SUCH-HOTEL', category: 'gifts', amountMinor: 100 }),
    n.duty.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, hotelId: n.hotelId, category: 'gifts', amountMinor: 100, guestId: 'NOT-IN-HOUSEHOLD' }),
    ...Array.from({ length: 8 }, (_, i) => good(100 + i)),
  ];
  const results = await Promise.all(calls);
  expect(results.map((r) => r.status)).toEqual([...Array(8).fill(201), 404, 400, 404, 400, ...Array(8).fill(201)]);
  expect(results[9]!.body.error.details.fields[0].path).toBe('body.receiptPhotoId');
  const after = (await n.duty.get(`${n.base}/ledger/verify`).expect(200)).body;
  expect(after).toMatchObject({ ok: true, headSeq: before + 16 });
  expect(
    results
      .filter((r) => r.status === 201)
      .map((r) => r.body.seq as number)
      .sort((a, b) => a - b),
  ).toEqual(Array.from({ length: 16 }, (_, i) => before + 1 + i));
});

test('perk and accrual dates stay within the incident: year 1, year 9999, before the start or after tomorrow are refused with the field', async () => {
  const h = n.household();
  await n.checkIn(h.partyId);
  const before = (await n.duty.get(`${n.base}/ledger/verify`).expect(200)).body.headSeq;
  const tomorrowPlus = new Date(Date.now() + 3 * 86_400_000).toISOString();
  for (const occurredAt of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-10-01T00:00:00Z', tomorrowPlus]) {
    const res = await n.reception.post(`${n.base}/ledger/perks`).send({ partyId: h.partyId, category: 'bar', amountMinor: 500, occurredAt }).expect(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.occurredAt']);
  }
  for (const asOf of ['9999-12-31T00:00:00Z', tomorrowPlus]) {
    const res = await n.duty.post(`${n.base}/ledger/accruals/lodging`).send({ asOf }).expect(400);
    expect([...new Set(res.body.error.details.fields.map((f: { path: string }) => f.path))]).toEqual(['body.asOf']);
  }
  expect((await n.duty.get(`${n.base}/ledger/verify`).expect(200)).body.headSeq).toBe(before);
  // During the incident is fine.
  await n.reception
    .post(`${n.base}/ledger/perks`)
    .send({ partyId: h.partyId, category: 'bar', amountMinor: 500, occurredAt: new Date().toISOString() })
    .expect(201);
});
