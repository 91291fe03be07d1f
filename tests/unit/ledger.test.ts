/** The ledger's pure rules: nights, money, allocation, and the hash chain. */
import { createHash } from 'node:crypto';
import { addDays, allocate, arrivalNight, formatMinor, nightOf, perkCategoryOf, stayNights } from '../../shared/ledger.js';
import { canonicalFromDigest, canonicalJson, checkLink, entryHash, GENESIS_HASH, noteDigest, type ChainFields } from '../../server/ledger/chain.js';
import { LedgerAggregator, type HouseholdTotals, type TotalsLine } from '../../server/ledger/totals.js';
import { guestShares, type Member } from '../../server/ledger/guest-shares.js';
import { membersAboard } from '../../server/ledger/context.js';

const TZ = 'Europe/London';
const d = (s: string) => new Date(s);

describe('nights (noon to noon, incident time zone)', () => {
  test.each([
    ['in 23:00, out 10:00 next day: one night', '2026-11-14T23:00:00Z', '2026-11-15T10:00:00Z', ['2026-11-14']],
    ['in 02:00 in the storm night, out 11:00: that night', '2026-11-15T02:00:00Z', '2026-11-15T11:00:00Z', ['2026-11-14']],
    ['in 15:00, out 11:00 two days later: two nights', '2026-11-14T15:00:00Z', '2026-11-16T11:00:00Z', ['2026-11-14', '2026-11-15']],
    ['in 09:00, out 11:00 the same morning: no night', '2026-11-15T09:00:00Z', '2026-11-15T11:00:00Z', []],
    ['a late check-out past noon starts another night', '2026-11-14T20:00:00Z', '2026-11-15T13:00:00Z', ['2026-11-14', '2026-11-15']],
    ['out before in: nothing', '2026-11-15T09:00:00Z', '2026-11-15T08:00:00Z', []],
  ])('%s', (_label, inAt, outAt, nights) => {
    expect(stayNights(d(inAt), d(outAt), TZ)).toEqual(nights);
  });

  test('the boundary is local noon: in British Summer Time noon is 11:00 UTC', () => {
    expect(nightOf(d('2026-07-10T11:30:00Z'), TZ)).toBe('2026-07-10');
    expect(nightOf(d('2026-07-10T10:59:00Z'), TZ)).toBe('2026-07-09');
    expect(arrivalNight(d('2026-07-10T04:30:00Z'), TZ)).toBe('2026-07-09'); // 05:30 BST, before 06:00
    expect(arrivalNight(d('2026-07-10T05:30:00Z'), TZ)).toBe('2026-07-10');
  });

  test('across the autumn clock change every night is counted once', () => {
    expect(stayNights(d('2026-10-24T18:00:00Z'), d('2026-10-27T10:00:00Z'), TZ)).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

test('money prints the same digits everywhere; allocation sums exactly', () => {
  expect([formatMinor(123456), formatMinor(-5), formatMinor(0), formatMinor(100)]).toEqual(['1234.56', '-0.05', '0.00', '1.00']);
  expect(allocate(1000, [1, 1, 1])).toEqual([334, 333, 333]);
  expect(allocate(-1000, [2, 1]).reduce((a, b) => a + b, 0)).toBe(-1000);
  expect(allocate(7, [0, 0])).toEqual([7, 0]);
  for (const [t, w] of [
    [99_999, [3, 7, 11, 13]],
    [1, [5, 5, 5]],
    [123_457, [1]],
  ] as [number, number[]][])
    expect(allocate(t, w).reduce((a, b) => a + b, 0)).toBe(t);
  expect([perkCategoryOf('open_bar'), perkCategoryOf('meals'), perkCategoryOf('parking')]).toEqual(['bar', 'meals', null]);
});

function entry(seq: number, over: Partial<ChainFields> = {}): ChainFields {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    incidentId: '11111111-1111-4111-8111-111111111111',
    seq,
    kind: 'charge',
    category: 'bar',
    amountMinor: 1000 * seq,
    currency: 'GBP',
    occurredAt: d('2026-11-14T21:00:00Z'),
    recordedAt: d('2026-11-14T21:00:01.123Z'),
    recordedBy: null,
    partyId: 'P001',
    guestId: null,
    hotelId: 'H01',
    vehicleId: null,
    tripId: null,
    night: null,
    sourceKey: null,
    receiptRef: 'R1',
    description: 'Bar',
    note: seq === 2 ? 'private' : '',
    reversesEntryId: null,
    relatedEntryId: null,
    status: 'posted',
    approvedBy: null,
    flags: [],
    ...over,
  };
}

describe('hash chain', () => {
  const chain = () => {
    let prev = GENESIS_HASH;
    return [1, 2, 3].map((s) => {
      const e = entry(s);
      const hash = entryHash(prev, canonicalJson(e));
      const row = { ...e, prevHash: prev, hash };
      prev = hash;
      return row;
    });
  };

  test('an intact chain links; the note enters only as its digest, so offline checks match', () => {
    const rows = chain();
    let prev = { seq: 0, hash: GENESIS_HASH };
    for (const r of rows) {
      expect(checkLink(prev, r, canonicalJson(r))).toBeNull();
      const { note, ...rest } = r;
      expect(
        canonicalFromDigest({ ...rest, noteSha256: noteDigest(note), occurredAt: r.occurredAt.toISOString(), recordedAt: r.recordedAt.toISOString() }),
      ).toBe(canonicalJson(r));
      prev = r;
    }
    expect(canonicalJson(rows[1]!)).not.toContain('private');
  });

  test('changing any field, the note, or the order is detected at that entry', () => {
    const rows = chain();
    expect(checkLink(rows[0]!, rows[1]!, canonicalJson({ ...rows[1]!, amountMinor: 1 }))).toMatch(/altered/);
    expect(checkLink(rows[0]!, rows[1]!, canonicalJson({ ...rows[1]!, note: 'other' }))).toMatch(/altered/);
    expect(checkLink(rows[0]!, rows[2]!, canonicalJson(rows[2]!))).toMatch(/sequence gap/);
    expect(checkLink({ seq: 1, hash: 'f'.repeat(64) }, rows[1]!, canonicalJson(rows[1]!))).toMatch(/prev_hash/);
  });
});

test('totals count posted lines; a pending charge counts through its approval; trips split by head count', () => {
  const agg = new LedgerAggregator({
    currency: 'GBP',
    timezone: TZ,
    hotelNames: new Map([['H01', 'Grand']]),
    households: new Map([
      ['P1', { name: 'Okafor', guests: 2 }],
      ['P2', { name: 'Hughes', guests: 1 }],
    ]),
    tripRiders: new Map([
      [
        'T1',
        [
          { partyId: 'P1', guests: 2 },
          { partyId: 'P2', guests: 1 },
        ],
      ],
    ]),
  });
  const line = (seq: number, o: Partial<TotalsLine>): TotalsLine => ({
    id: `e${seq}`,
    seq,
    kind: 'charge',
    category: 'bar',
    amountMinor: 0,
    occurredAt: d('2026-11-14T21:00:00Z'),
    partyId: 'P1',
    guestId: null,
    hotelId: 'H01',
    tripId: null,
    night: null,
    status: 'posted',
    relatedEntryId: null,
    flags: [],
    hash: `h${seq}`,
    ...o,
  });
  agg.add(line(1, { category: 'lodging', amountMinor: 9000, night: '2026-11-14' }));
  agg.add(line(2, { amountMinor: 5000, status: 'pending_approval' }));
  agg.add(line(3, { kind: 'approval', amountMinor: 5000, relatedEntryId: 'e2' }));
  agg.add(line(4, { amountMinor: 700, status: 'pending_approval' }));
  agg.add(line(5, { category: 'transport', amountMinor: 1001, partyId: null, hotelId: null, tripId: 'T1' }));
  agg.add(line(6, { kind: 'reversal', amountMinor: -9000, category: 'lodging', night: '2026-11-14' }));
  const t = agg.result(6, 'h6');
  expect(t.totalMinor).toBe(5000 + 1001);
  expect(t.pendingMinor).toBe(700);
  expect(t.householdNights).toBe(0);
  const p1 = agg.households.get('P1')!;
  const p2 = agg.households.get('P2')!;
  expect(p1.byCategory.transport! + p2.byCategory.transport!).toBe(1001);
  expect(p1.byCategory.transport).toBe(667);
  expect(t.byNight.reduce((s, r) => s + r.amountMinor, 0)).toBe(t.totalMinor);
});

describe('the chain hash is sha256(prev_hash + canonical JSON), in UTF-8', () => {
  // Against Node's streaming hash, fed the two parts apart, and a published test vector.
  test.each([
    ['ascii', GENESIS_HASH, '["ledger-entry/1","x"]'],
    ['accents and an emoji', 'ab'.repeat(32), '["Café Ørsted 🌊"]'],
  ])('%s', (_label, prev, canonical) => {
    const expected = createHash('sha256').update(prev, 'utf8').update(canonical, 'utf8').digest('hex');
    expect(entryHash(prev, canonical)).toBe(expected);
  });
  test('a note digest is the sha256 of its UTF-8 text', () => {
    expect(noteDigest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(noteDigest('')).toBe('');
  });
});

test('per guest: random households share out to the penny; lodging only to members checked in; one-member perks stay theirs', () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const categories = ['lodging', 'transport', 'bar', 'meals'];
  for (let round = 0; round < 300; round++) {
    const households: HouseholdTotals[] = [];
    const members = new Map<string, Member[]>();
    const direct = new Map<string, Record<string, number>>();
    for (let h = 0; h < 1 + rand(4); h++) {
      const partyId = `P${h}`;
      const list = Array.from({ length: rand(6) }, (_, i) => ({ id: `${partyId}-g${i}`, name: `Guest ${i}`, checkedIn: rand(3) > 0 }));
      members.set(partyId, list);
      const byCategory: Record<string, number> = {};
      for (const c of categories) {
        // A household's money in a category, part of it given to one member alone (reversals make some negative).
        const own = list.length && rand(3) === 0 ? rand(5000) - 1000 : 0;
        if (own) {
          const g = list[rand(list.length)]!;
          direct.set(g.id, { ...direct.get(g.id), [c]: (direct.get(g.id)?.[c] ?? 0) + own });
        }
        byCategory[c] = own + rand(100_000) - 10_000;
      }
      const totalMinor = Object.values(byCategory).reduce((a, b) => a + b, 0);
      households.push({ partyId, name: `H${h}`, guests: list.length, hotels: new Set(), nights: 1, byCategory, totalMinor, flagged: 0 });
    }
    const rows = guestShares(households, members, direct);
    for (const h of households) {
      const mine = rows.filter((r) => r.partyId === h.partyId);
      const list = members.get(h.partyId)!;
      expect(mine).toHaveLength(Math.max(1, list.length));
      for (const c of categories) expect(mine.reduce((s, r) => s + (r.byCategory[c] ?? 0), 0)).toBe(h.byCategory[c]);
      expect(mine.reduce((s, r) => s + r.totalMinor, 0)).toBe(h.totalMinor);
      for (const r of mine) expect(r.totalMinor).toBe(Object.values(r.byCategory).reduce((a, b) => a + b, 0));
      if (list.length === 0) continue;
      // Shares differ by at most a penny, after each member's own perks are taken out.
      for (const c of categories) {
        const lodgedOnly = c === 'lodging' && list.some((m) => m.checkedIn);
        const sharers = mine.filter((r) => !lodgedOnly || r.checkedIn);
        const shares = sharers.map((r) => (r.byCategory[c] ?? 0) - (direct.get(r.guestId)?.[c] ?? 0));
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        if (lodgedOnly) for (const r of mine.filter((x) => !x.checkedIn)) expect(r.byCategory[c] ?? 0).toBe(direct.get(r.guestId)?.[c] ?? 0);
      }
    }
  }
});

test('a trip is charged to the members who rode it: a member left behind pays nothing of it, and rides a later one alone', () => {
  // The Okafors: three of four boarded T1 (Ada got off again, Ben was missing); Ben came later on T2, alone.
  const aboard = membersAboard([
    { type: 'party.boarded', payload: { tripId: 'T1', partyId: 'P1', guestIds: ['ada', 'cy', 'dee'] } },
    { type: 'party.unboarded', payload: { tripId: 'T1', partyId: 'P1', guestIds: ['ada'] } },
    { type: 'party.boarded', payload: { tripId: 'T1', partyId: 'P1', guestIds: ['ada'] } },
    { type: 'party.boarded', payload: { tripId: 'T1', partyId: 'P2', guestIds: ['eve'] } },
    { type: 'party.boarded', payload: { tripId: 'T2', partyId: 'P1', guestIds: ['ben'] } },
  ]);
  expect([...aboard.get('T1|P1')!].sort()).toEqual(['ada', 'cy', 'dee']);
  expect([...aboard.get('T2|P1')!]).toEqual(['ben']);
  const agg = new LedgerAggregator({
    currency: 'GBP',
    timezone: TZ,
    hotelNames: new Map(),
    households: new Map([
      ['P1', { name: 'Okafor', guests: 4 }],
      ['P2', { name: 'Hughes', guests: 1 }],
    ]),
    tripRiders: new Map([
      [
        'T1',
        [
          { partyId: 'P1', guests: 3, guestIds: ['ada', 'cy', 'dee'] },
          { partyId: 'P2', guests: 1, guestIds: ['eve'] },
        ],
      ],
      ['T2', [{ partyId: 'P1', guests: 1, guestIds: ['ben'] }]],
    ]),
  });
  const transport = (seq: number, tripId: string, amountMinor: number): TotalsLine => ({
    id: `e${seq}`,
    seq,
    kind: 'charge',
    category: 'transport',
    amountMinor,
    occurredAt: d('2026-11-14T21:00:00Z'),
    partyId: null,
    guestId: null,
    hotelId: null,
    tripId,
    night: null,
    status: 'posted',
    relatedEntryId: null,
    flags: [],
    hash: `h${seq}`,
  });
  agg.add(transport(1, 'T1', 1000));
  agg.add(transport(2, 'T2', 3000));
  // A taxi voucher for the household as a whole is still everyone's.
  agg.add({ ...transport(3, 'T1', 400), partyId: 'P1', tripId: null });
  const okafor = agg.households.get('P1')!;
  expect(okafor.byCategory.transport).toBe(750 + 3000 + 400);
  const members: Member[] = ['ada', 'ben', 'cy', 'dee'].map((id) => ({ id, name: id, checkedIn: true }));
  const rows = guestShares([okafor], new Map([['P1', members]]), new Map(), agg.rideShares);
  const of = (id: string) => rows.find((r) => r.guestId === id)!.byCategory.transport;
  expect(of('ben')).toBe(3000 + 100);
  expect([of('ada'), of('cy'), of('dee')]).toEqual([350, 350, 350]);
  expect(rows.reduce((sum, r) => sum + r.totalMinor, 0)).toBe(okafor.totalMinor);
});
