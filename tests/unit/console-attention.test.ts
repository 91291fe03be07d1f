/** "Needs attention" folding: the server's lists and the event log agree whatever order they arrive in. */
import type { EventPayloads, EventType } from '../../shared/events.js';
import type { LiveEventOf } from '../../shared/realtime.js';
import { ledgerBase, liveEvent } from '../helpers/events.js';
import type { StaffReplyView } from '../../shared/messages.js';
import type { LedgerLine } from '../../shared/ledger.js';
import type { AttentionItem } from '../../shared/attention.js';
import {
  ageText,
  feedbackSummary,
  foldAttention,
  foldReplies,
  ratingStars,
  replyHeadline,
  replyWords,
  undetailed,
} from '../../client/src/console/attention.js';
import { describeEvent } from '../../client/src/console/event-log.js';

let seq = 0;
function ev<K extends EventType>(type: K, payload: EventPayloads[K], at = `2026-11-28T20:${String(10 + seq).padStart(2, '0')}:00.000Z`): LiveEventOf<K> {
  seq += 1;
  return liveEvent(seq, type, payload, { at, actor: { userId: null, name: 'someone' } });
}
const replied = (replyId: string, over: Partial<EventPayloads['guest.replied']> = {}, at?: string) =>
  ev(
    'guest.replied',
    {
      replyId,
      partyId: 'P1',
      name: 'Okafor',
      kind: 'need_help',
      text: 'help',
      place: null,
      guestId: null,
      guestName: null,
      guestIds: [],
      from: 'assigned',
      to: 'needs_help',
      ...over,
    },
    at,
  );
const handled = (replyId: string) => ev('guest.reply_handled', { replyId, partyId: 'P1', name: 'Okafor', kind: 'need_help', note: '' });
const asked = (entryId: string, over: Partial<EventPayloads['ledger.approval_requested']> = {}) =>
  ev('ledger.approval_requested', {
    ...ledgerBase({ entryId, kind: 'charge', category: 'bar', amountMinor: 15_000, currency: 'GBP', status: 'pending_approval', partyId: 'P2', hotelId: 'H1' }),
    householdName: 'Hughes',
    recordedByName: 'Rita Reception',
    limitMinor: 10_000,
    spentMinor: 2_000,
    ...over,
  });
/** The closing line of a pending claim (approval or rejection). */
const closing = (pendingEntryId: string, entryId: string) => ({ ...ledgerBase({ entryId }), pendingEntryId, recordedBy: null });

function reply(id: string, over: Partial<StaffReplyView> = {}): StaffReplyView {
  return {
    id,
    kind: 'need_help',
    text: 'help',
    guestId: null,
    at: '2026-11-28T20:00:00.000Z',
    partyId: 'P1',
    name: 'Okafor',
    statusFrom: 'assigned',
    statusTo: 'needs_help',
    seq: 1,
    handledAt: null,
    handledBy: null,
    handledByName: null,
    handledNote: '',
    ...over,
  };
}
function line(id: string, over: Partial<LedgerLine> = {}): LedgerLine {
  return {
    id,
    seq: 1,
    kind: 'charge',
    category: 'bar',
    amountMinor: 15_000,
    currency: 'GBP',
    occurredAt: '2026-11-28T20:00:00.000Z',
    recordedAt: '2026-11-28T20:00:00.000Z',
    recordedBy: 'u1',
    recordedByName: 'Rita Reception',
    partyId: 'P2',
    householdName: 'Hughes',
    guestId: null,
    hotelId: 'H1',
    hotelName: 'Grand',
    vehicleId: null,
    tripId: null,
    night: null,
    receiptRef: 'till 42',
    description: '',
    note: 'wine with dinner',
    reversesEntryId: null,
    relatedEntryId: null,
    status: 'pending_approval',
    resolution: 'pending',
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

describe('foldAttention', () => {
  test('a reply or perk opened by an event shows; its closing event takes it off, in either order of fetch and event', () => {
    const events = [replied('r1'), asked('e1'), replied('r2'), handled('r1'), ev('ledger.entry_approved', closing('e1', 'a1'))];
    const a = foldAttention(null, events);
    expect(a.replies.map((r) => r.id)).toEqual(['r2']);
    expect(a.perks).toEqual([]);
    expect(a.count).toBe(1);
    // The list was fetched before r1 was handled: the event still closes it.
    const b = foldAttention({ replies: [reply('r1'), reply('r2')], perks: [line('e1')] }, events);
    expect(b.replies.map((r) => r.id)).toEqual(['r2']);
    expect(b.perks).toEqual([]);
  });

  test('listed items merge with their events: limit and spend from the event, note and receipt from the list', () => {
    const events = [asked('e2', { limitMinor: 10_000, spentMinor: 4_000 })];
    const onlyEvent = foldAttention({ replies: [], perks: [] }, events);
    expect(onlyEvent.perks[0]).toMatchObject({
      entryId: 'e2',
      householdName: 'Hughes',
      limitMinor: 10_000,
      spentBeforeMinor: 4_000,
      note: null,
      detailed: false,
    });
    expect(undetailed(onlyEvent)).toEqual(['e2']);
    const both = foldAttention({ replies: [], perks: [line('e2')] }, events);
    expect(both.perks[0]).toMatchObject({
      entryId: 'e2',
      hotelName: 'Grand',
      note: 'wine with dinner',
      receiptRef: 'till 42',
      limitMinor: 10_000,
      spentBeforeMinor: 4_000,
      detailed: true,
    });
    expect(undetailed(both)).toEqual([]);
  });

  test('a listed perk whose event is not in the log (a console loaded from a snapshot) keeps the limit and spend the list gives', () => {
    const a = foldAttention({ replies: [], perks: [line('e6', { limitMinor: 10_000, spentBeforeMinor: 2_000 } as Partial<LedgerLine>)] }, []);
    expect(a.perks[0]).toMatchObject({ entryId: 'e6', limitMinor: 10_000, spentBeforeMinor: 2_000, detailed: true });
  });

  test('a rejection closes a perk; a listed reply already handled, or a resolved line, never shows', () => {
    const a = foldAttention(
      {
        replies: [reply('r3', { handledAt: '2026-11-28T21:00:00.000Z' })],
        perks: [line('e3'), line('e4', { resolution: 'approved' }), line('e5', { status: 'posted', resolution: null })],
      },
      [ev('ledger.entry_rejected', closing('e3', 'x3'))],
    );
    expect(a).toEqual({ replies: [], perks: [], items: [], count: 0 });
  });

  test('oldest first; a duplicate event changes nothing; a reply of a kind this console does not know is ignored', () => {
    const late = replied('late', {}, '2026-11-28T22:00:00.000Z');
    const early = replied('early', {}, '2026-11-28T19:00:00.000Z');
    const a = foldAttention(null, [late, early, late, replied('odd', { partyId: 'P9', kind: 'call_me_back' })]);
    expect(a.replies.map((r) => r.id)).toEqual(['early', 'late']);
  });

  test('a household asking again is one thing to act on, with each message; a different request or person is another', () => {
    const events = [
      replied('h1', { text: 'Grandad has fallen' }, '2026-11-28T20:01:00.000Z'),
      replied('m1', { kind: 'missing_member', guestId: 'g2', guestName: 'Ben Okafor', text: '' }, '2026-11-28T20:02:00.000Z'),
      replied('x1', { partyId: 'P2', name: 'Hughes', text: 'no seats left' }, '2026-11-28T20:03:00.000Z'),
      replied('h2', { text: 'we are by the main door' }, '2026-11-28T20:04:00.000Z'),
      replied('h3', { text: 'we are by the main door' }, '2026-11-28T20:05:00.000Z'),
      replied('m2', { kind: 'missing_member', guestId: 'g3', guestName: 'Cy Okafor', text: '' }, '2026-11-28T20:06:00.000Z'),
      replied('m3', { kind: 'missing_member', guestId: 'g2', guestName: 'Ben Okafor', text: 'still not back' }, '2026-11-28T20:07:00.000Z'),
    ];
    const a = foldAttention(null, events);
    const groups = foldReplies(a.replies);
    expect(groups.map((g) => g.replies.map((r) => r.id))).toEqual([['h1', 'h2', 'h3'], ['m1', 'm3'], ['x1'], ['m2']]);
    expect(groups[0]!.latest.id).toBe('h3');
    // Four things to act on, not seven.
    expect(a.count).toBe(4);
    // Handled one by one (two managers, or an older console), what is left still folds.
    const left = foldReplies(foldAttention(null, [...events, handled('h3'), handled('h1')]).replies);
    expect(left.map((g) => g.replies.map((r) => r.id))).toEqual([['m1', 'm3'], ['x1'], ['h2'], ['m2']]);
  });

  test('the event fills in the place and the missing person a listed reply lacks', () => {
    const a = foldAttention({ replies: [reply('r6', { kind: 'own_way', text: "my sister's in Louth - all fine" })], perks: [] }, [
      replied('r6', { kind: 'own_way', place: "my sister's in Louth", text: "my sister's in Louth - all fine" }),
    ]);
    expect(a.replies[0]).toMatchObject({ place: "my sister's in Louth" });
    expect(replyHeadline(a.replies[0]!)).toBe("Made own way to my sister's in Louth");
    expect(replyWords(a.replies[0]!)).toBe('all fine');
  });

  test('an item reported again is one item with the latest words, whether the list or the event is newer', () => {
    const item = (reports: number, summary: string): AttentionItem => ({
      id: 'i1',
      kind: 'need_help',
      partyId: 'P1',
      partyName: 'Okafor',
      guestIds: ['g1'],
      people: [{ id: 'g1', name: 'Ada Okafor', partyId: 'P1' }],
      place: null,
      tripId: null,
      summary,
      suggestion: 'Ring them.',
      createdAt: '2026-11-28T20:00:00.000Z',
      seq: 1,
      reports,
      repeatedAt: reports > 1 ? '2026-11-28T20:05:00.000Z' : null,
      resolvedAt: null,
      resolvedBy: null,
      note: null,
    });
    const opened = ev('attention.opened', { items: [item(1, 'Okafor need help: "first".')], partyIds: ['P1'], guestIds: ['g1'] });
    const again = (n: number, words: string) =>
      ev('attention.updated', { items: [item(n, `Okafor need help: "${words}".`)], partyIds: ['P1'], guestIds: ['g1'] });
    const fromLog = foldAttention({ replies: [], perks: [], items: [] }, [opened, again(2, 'second'), again(3, 'third')]);
    expect(fromLog.items.map((i) => [i.summary, i.reports])).toEqual([['Okafor need help: "third".', 3]]);
    // A list fetched after the third report, with the log replaying older ones: the list wins.
    const listNewer = foldAttention({ replies: [], perks: [], items: [item(3, 'Okafor need help: "third".')] }, [opened, again(2, 'second')]);
    expect(listNewer.items.map((i) => i.summary)).toEqual(['Okafor need help: "third".']);
    expect(describeEvent(again(4, 'fourth'))).toBe('reported again: Okafor need help: "fourth".');
  });
});

describe('words', () => {
  test('reply kinds in plain words', () => {
    expect(replyHeadline({ kind: 'need_help', text: 'x', place: null, guestName: null })).toBe('Need help');
    expect(replyHeadline({ kind: 'missing_member', text: '', place: null, guestName: 'Ellie Hughes' })).toBe('Someone missing: Ellie Hughes');
    expect(replyHeadline({ kind: 'missing_member', text: 'our dog', place: null, guestName: null })).toBe('Someone missing');
    expect(replyHeadline({ kind: 'own_way', text: 'Louth', place: null, guestName: null })).toBe('Made own way to Louth');
    expect(replyWords({ kind: 'own_way', text: 'Louth', place: null })).toBe('');
    expect(replyWords({ kind: 'need_help', text: 'inhaler', place: null })).toBe('inhaler');
  });

  test('age', () => {
    const now = Date.parse('2026-11-28T20:00:00.000Z');
    expect(ageText('2026-11-28T19:59:30.000Z', now)).toBe('just now');
    expect(ageText('2026-11-28T19:56:00.000Z', now)).toBe('4 min ago');
    expect(ageText('2026-11-28T18:00:00.000Z', now)).toBe('2 h ago');
    expect(ageText('2026-11-28T17:55:00.000Z', now)).toBe('2 h 5 min ago');
    expect(ageText('2026-11-26T20:00:00.000Z', now)).toBe('2 days ago');
    expect(ageText('2026-11-28T20:05:00.000Z', now)).toBe('just now');
  });
});

test('the activity feed words for replies and their handling', () => {
  expect(describeEvent(replied('a', { text: 'inhaler' }))).toBe('said: need help (“inhaler”)');
  expect(describeEvent(replied('b', { kind: 'own_way', place: 'Louth', text: 'Louth' }))).toBe('said: made their own way to Louth');
  expect(describeEvent(replied('c', { kind: 'missing_member', guestName: 'Ellie Hughes', text: '' }))).toBe('said: someone is missing (Ellie Hughes)');
  expect(describeEvent(ev('guest.reply_handled', { replyId: 'a', partyId: 'P1', name: 'Okafor', kind: 'need_help', note: 'rang them' }))).toBe(
    "handled Okafor's reply (“rang them”)",
  );
});

describe('guest feedback on the console', () => {
  test('a rating is shown as five stars, filled up to the rating, clamped to 0-5', () => {
    expect(ratingStars(2)).toBe('★★☆☆☆');
    expect(ratingStars(5)).toBe('★★★★★');
    expect(ratingStars(9)).toBe('★★★★★');
    expect(ratingStars(-1)).toBe('☆☆☆☆☆');
  });
  test('the summary gives the average with one decimal and the number of households', () => {
    expect(feedbackSummary(0, null)).toBe('No household has answered the follow-up yet.');
    expect(feedbackSummary(1, 2)).toBe('2.0 out of 5 from 1 household');
    expect(feedbackSummary(12, 4.25)).toBe('4.3 out of 5 from 12 households');
  });
});
