/**
 * Where each person is: the one state machine every service that moves people obeys, and the
 * labels every screen shows. The person, not the household, is the unit of truth: a household's
 * status is derived from its members, and a household whose members are in different places is
 * shown as split ("split: 4 checked in, 2 not arrived"), never hidden behind one word.
 */

/** A guest's whereabouts. `waiting` is at their muster point, placed or not (see `unplaced`). */
export const WHEREABOUTS = ['waiting', 'aboard', 'arrived', 'checked_in', 'checked_out', 'own_way', 'no_show', 'missing'] as const;
export type Whereabouts = (typeof WHEREABOUTS)[number];

/**
 * Allowed moves. Checked-out is final; checked-in only leads to checked-out (undo at reception is
 * not a move of the person). Someone missing or a no-show may turn up anywhere on the journey.
 */
export const TRANSITIONS: Readonly<Record<Whereabouts, readonly Whereabouts[]>> = {
  waiting: ['aboard', 'checked_in', 'own_way', 'no_show', 'missing'],
  aboard: ['waiting', 'arrived', 'checked_in', 'own_way', 'no_show', 'missing'],
  arrived: ['checked_in', 'waiting', 'own_way', 'no_show', 'missing'],
  checked_in: ['checked_out'],
  checked_out: [],
  own_way: ['waiting', 'arrived', 'checked_in', 'missing'],
  no_show: ['waiting', 'aboard', 'own_way', 'missing'],
  missing: ['waiting', 'aboard', 'arrived', 'checked_in', 'own_way', 'no_show'],
};

export function canMove(from: Whereabouts, to: Whereabouts): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isWhereabouts(s: string): s is Whereabouts {
  return (WHEREABOUTS as readonly string[]).includes(s);
}

/** Where a person stands for the "safe" count: in a bed, or out of our hands by their own choice. */
export const SAFE: readonly Whereabouts[] = ['checked_in', 'checked_out', 'own_way'];

export const WHEREABOUTS_LABEL: Readonly<Record<Whereabouts, string>> = {
  waiting: 'waiting',
  aboard: 'on the road',
  arrived: 'at the hotel, not checked in',
  checked_in: 'checked in',
  checked_out: 'checked out',
  own_way: 'made own way',
  no_show: 'no-show',
  missing: 'missing',
};

/** Short labels for counters and badges. */
export const WHEREABOUTS_SHORT: Readonly<Record<Whereabouts, string>> = {
  waiting: 'Waiting',
  aboard: 'On the road',
  arrived: 'At the door',
  checked_in: 'Checked in',
  checked_out: 'Checked out',
  own_way: 'Own way',
  no_show: 'No-show',
  missing: 'Missing',
};

export function emptyCounts(): Record<Whereabouts, number> {
  return Object.fromEntries(WHEREABOUTS.map((w) => [w, 0])) as Record<Whereabouts, number>;
}

export interface HouseholdWhereabouts {
  /** The members' common whereabouts, or `split` when they differ. */
  state: Whereabouts | 'split';
  counts: Partial<Record<Whereabouts, number>>;
  /** What a screen shows: "checked in", or "split: 4 checked in, 2 not arrived". */
  label: string;
}

/** Members still on their way (for a split household's label, where the room is what matters). */
const NOT_ARRIVED: readonly Whereabouts[] = ['waiting', 'aboard'];

/** A household's status, derived from its members' whereabouts. */
export function householdWhereabouts(members: readonly Whereabouts[]): HouseholdWhereabouts {
  const counts: Partial<Record<Whereabouts, number>> = {};
  for (const m of members) counts[m] = (counts[m] ?? 0) + 1;
  const present = WHEREABOUTS.filter((w) => counts[w]);
  if (present.length <= 1) {
    const state = present[0] ?? 'waiting';
    return { state, counts, label: WHEREABOUTS_LABEL[state] };
  }
  const parts: string[] = [];
  const notArrived = NOT_ARRIVED.reduce((n, w) => n + (counts[w] ?? 0), 0);
  const someAtHotel = (counts.checked_in ?? 0) + (counts.arrived ?? 0) > 0;
  for (const w of WHEREABOUTS) {
    if (!counts[w]) continue;
    if (someAtHotel && NOT_ARRIVED.includes(w)) continue;
    parts.push(`${counts[w]} ${WHEREABOUTS_LABEL[w]}`);
  }
  if (someAtHotel && notArrived) parts.push(`${notArrived} not arrived`);
  return { state: 'split', counts, label: `split: ${parts.join(', ')}` };
}

/** The household status column (kept for existing readers) that follows from its members. */
export type HouseholdJourney = 'waiting' | 'assigned' | 'on_vehicle' | 'arrived' | 'checked_in' | 'checked_out' | 'no_show' | 'self_evacuated' | 'needs_help';

/**
 * The household's journey status from its members: the furthest point any member reached on the
 * way to a bed decides (one checked in makes the stay "checked in" for reception), otherwise the
 * placement (`placed`) and the "needs help" flag of those still at the muster point.
 */
export function journeyOf(members: readonly Whereabouts[], current: HouseholdJourney, placed: boolean): HouseholdJourney {
  const has = (w: Whereabouts) => members.includes(w);
  if (has('checked_in')) return 'checked_in';
  if (members.length && members.every((m) => m === 'checked_out')) return 'checked_out';
  if (has('arrived')) return 'arrived';
  if (has('aboard')) return 'on_vehicle';
  if (has('waiting') || has('missing')) {
    if (current === 'needs_help') return 'needs_help';
    return placed ? 'assigned' : 'waiting';
  }
  // On their own way: to the hotel still booked for them, or off our list.
  if (has('own_way')) return placed ? 'assigned' : 'self_evacuated';
  if (has('no_show')) return 'no_show';
  if (has('checked_out')) return 'checked_out';
  return current;
}

/** A household status set directly (duty manager, reception, guest link) -> the members' move. */
export const JOURNEY_TO_WHEREABOUTS: Partial<Record<HouseholdJourney, Whereabouts>> = {
  self_evacuated: 'own_way',
  no_show: 'no_show',
  waiting: 'waiting',
};

/** Every need a household has: its own, each guest's, and "infant" for an infant (console and passes alike). */
export function needsOf(p: { needs: readonly string[]; guests: readonly { needs: readonly string[]; age: string }[] }): string[] {
  const all = new Set(p.needs);
  for (const g of p.guests) {
    for (const n of g.needs) all.add(n);
    if (g.age === 'infant') all.add('infant');
  }
  return [...all].sort();
}

/** Needs a duty manager counts at a glance ("vulnerable" keeps the contract's meaning). */
export const GLANCE_NEEDS = ['wheelchair', 'medical', 'infant', 'pets'] as const;
export type GlanceNeed = (typeof GLANCE_NEEDS)[number];
export interface NeedCount {
  total: number;
  placed: number;
  onTheRoad: number;
  safe: number;
}

/** Wheelchair users, medical cases, infants (people) and pets (households): total, placed, on the road, safe. */
export function needsGlance(
  guests: readonly { partyId: string; needs: readonly string[]; age: string; whereabouts: string }[],
  placed: ReadonlySet<string>,
  parties: readonly { id: string; needs: readonly string[] }[],
): Record<GlanceNeed, NeedCount> {
  const where = (w: string): Whereabouts => (isWhereabouts(w) ? w : 'waiting');
  const out = Object.fromEntries(GLANCE_NEEDS.map((n) => [n, { total: 0, placed: 0, onTheRoad: 0, safe: 0 }])) as Record<GlanceNeed, NeedCount>;
  const add = (c: NeedCount, partyId: string, w: Whereabouts) => {
    c.total++;
    if (placed.has(partyId) || w !== 'waiting') c.placed++;
    if (w === 'aboard') c.onTheRoad++;
    if (SAFE.includes(w)) c.safe++;
  };
  const membersByParty = new Map<string, Whereabouts[]>();
  for (const g of guests) {
    const w = where(g.whereabouts);
    membersByParty.set(g.partyId, [...(membersByParty.get(g.partyId) ?? []), w]);
    if (g.needs.includes('wheelchair')) add(out.wheelchair, g.partyId, w);
    if (g.needs.includes('medical')) add(out.medical, g.partyId, w);
    if (g.age === 'infant') add(out.infant, g.partyId, w);
  }
  for (const p of parties) {
    if (!p.needs.includes('pets')) continue;
    const h = householdWhereabouts(membersByParty.get(p.id) ?? []);
    // A household with pets counts where most of it is; split households count as not yet safe.
    add(out.pets, p.id, h.state === 'split' ? (h.counts.aboard ? 'aboard' : 'waiting') : h.state);
  }
  return out;
}
