/** Reception's perks, pure: pounds to pence, the form checked with the server's contract, outcomes in words. */
import type { LedgerLine } from '../../shared/ledger.js';
import { checkPerk, outcomeText, parsePounds, perksByParty, perksOf } from '../../client/src/reception/perks.js';
import { overlay } from '../../client/src/reception/model.js';
import type { QueuedAction } from '../../client/src/offline/queue.js';
import type { ArrivalHousehold, HotelArrivals } from '../../shared/api.js';

describe('parsePounds', () => {
  test.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    ['£150', 15_000],
    ['£ 1,200.00', 120_000],
    [' 0.99 ', 99],
    // A decimal comma, as typed on phones set to many European languages.
    ['12,50', 1250],
    ['12,5', 1250],
    ['1.200,50', 120_050],
    ['1,200', 120_000],
  ])('%s -> %i pence', (text, minor) => expect(parsePounds(text)).toEqual({ minor }));
  test.each(['', 'abc', '12.345', '12,345.678', '-5', '0', '0.00', '0,00', '1e3', '12,5,0'])('%s is refused in plain words', (text) => {
    const r = parsePounds(text);
    expect(r).toHaveProperty('error');
    expect((r as { error: string }).error).toMatch(/amount|pounds/i);
  });
});

describe('checkPerk', () => {
  test('a good form becomes the request body', () => {
    expect(checkPerk({ partyId: 'P1', category: 'bar', amount: '150', note: '  wine  ' })).toEqual({
      body: { partyId: 'P1', category: 'bar', amountMinor: 15_000, note: 'wine' },
    });
    expect(checkPerk({ partyId: 'P1', category: 'meals', amount: '20', note: '' })).toEqual({ body: { partyId: 'P1', category: 'meals', amountMinor: 2000 } });
  });
  test('each bad field is named', () => {
    const r = checkPerk({ partyId: 'P1', category: '', amount: 'x', note: 'n'.repeat(501) });
    expect(r).toHaveProperty('errors');
    const errors = (r as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors).sort()).toEqual(['amount', 'category', 'note']);
    expect(errors.category).toBe('Choose what it was for');
    expect(checkPerk({ partyId: 'P1', category: 'bar', amount: '100000.01', note: '' })).toEqual({ errors: { amount: 'amount too large for one perk' } });
  });
});

function line(id: string, over: Partial<LedgerLine>): LedgerLine {
  return {
    id,
    seq: 1,
    kind: 'charge',
    category: 'bar',
    amountMinor: 1000,
    currency: 'GBP',
    occurredAt: '',
    recordedAt: '2026-11-28T20:00:00.000Z',
    recordedBy: 'u',
    recordedByName: 'Rita',
    partyId: 'P1',
    householdName: 'Okafor',
    guestId: null,
    hotelId: 'H1',
    hotelName: 'Grand',
    vehicleId: null,
    tripId: null,
    night: null,
    receiptRef: null,
    description: '',
    note: '',
    reversesEntryId: null,
    relatedEntryId: null,
    status: 'posted',
    resolution: null,
    reversed: false,
    approvedBy: null,
    flags: [],
    prevHash: '',
    hash: '',
    hasReceiptPhoto: false,
    receiptPhotoId: null,
    receiptUrl: null,
    ...over,
  } as LedgerLine;
}

test("a household's perks with what became of each, newest first; lodging and other households left out", () => {
  const lines = [
    line('c1', { recordedAt: '2026-11-28T20:00:00.000Z' }),
    line('c2', { status: 'pending_approval', resolution: 'pending', amountMinor: 15_000, recordedAt: '2026-11-28T20:05:00.000Z' }),
    line('c3', { status: 'pending_approval', resolution: 'pending', recordedAt: '2026-11-28T20:06:00.000Z' }),
    line('c4', { status: 'pending_approval', resolution: 'rejected', recordedAt: '2026-11-28T20:07:00.000Z' }),
    line('a3', { kind: 'approval', relatedEntryId: 'c3' }),
    line('r4', { kind: 'rejection', relatedEntryId: 'c4', amountMinor: 0, status: 'rejected', note: 'no receipt' }),
    line('lodging', { category: 'lodging', amountMinor: 9000 }),
    line('other', { partyId: 'P2' }),
  ];
  expect(perksOf(lines, 'P1').map((p) => [p.entryId, p.state, p.reason])).toEqual([
    ['c4', 'rejected', 'no receipt'],
    ['c3', 'approved', null],
    ['c2', 'waiting', null],
    ['c1', 'recorded', null],
  ]);
  expect([...perksByParty(lines).keys()].sort()).toEqual(['P1', 'P2']);
});

test('what reception is told after recording', () => {
  expect(outcomeText({ entryId: 'e', category: 'meals', amountMinor: 2000, needsApproval: false, limitMinor: 10_000, spentBeforeMinor: 0, flags: [] })).toBe(
    'Recorded: Meals £20.00.',
  );
  expect(outcomeText({ entryId: 'e', category: 'bar', amountMinor: 15_000, needsApproval: true, limitMinor: 10_000, spentBeforeMinor: 2000, flags: [] })).toBe(
    "Bar £150.00: waiting for a duty manager's approval — over your £100.00 limit for this household (spent £20.00 so far).",
  );
});

describe('outbox overlay', () => {
  const household: ArrivalHousehold = {
    partyId: 'P1',
    name: 'Hall',
    unit: 'F20',
    passCode: 'ABC123',
    status: 'checked_in',
    notes: '',
    needs: [],
    language: null,
    rooms: [],
    roomNumbers: null,
    guests: [{ id: 'G1', name: 'Ann Hall', age: 'adult', needs: [], checkedIn: true, roomNumber: null }],
    trip: null,
    checkedInAt: null,
  };
  const arrivals: HotelArrivals = {
    hotel: { id: 'H1', name: 'Grand', address: '', phone: '', perks: [] },
    currency: 'GBP',
    timezone: 'Europe/London',
    seq: 1,
    households: [household],
  };
  const action = (kind: string, body: unknown): QueuedAction => ({
    scope: 's',
    key: `k-${kind}`,
    method: 'POST',
    url: '/x',
    body,
    label: kind,
    kind,
    partyId: 'P1',
    createdAt: '2026-11-28T20:00:00Z',
    state: 'pending',
    attempts: 0,
  });

  test('a perk waiting to send leaves the household as it is (its card lists the perk)', () => {
    const [h] = overlay(arrivals, [action('perk', { partyId: 'P1', category: 'laundry', amountMinor: 850 })]);
    expect(h).toMatchObject({ status: 'checked_in', pending: false });
  });
  test('a check-out waiting to send shows the household checked out, pending', () => {
    const [h] = overlay(arrivals, [action('checkout', { partyId: 'P1' })]);
    expect(h).toMatchObject({ status: 'checked_out', pending: true });
  });
});
