/**
 * Households as a holiday park holds them: couples, young families, grandparents with
 * grandchildren, the odd single and multi-generation group. Shared by the storm scenario and the
 * benchmark generator so both carry the same realism: who is vulnerable, who has pets, who speaks
 * another language, and what reception wrote on the booking.
 */
import type { GuestAge } from '../shared/scenario.js';
import { ADULT_FIRST, CHILD_FIRST, LANGUAGE_POOLS, SURNAMES } from './data/names.js';
import { HOUSEHOLD_NOTES, MEDICAL_NOTES, OTHER_GUEST_NEEDS, PET_NOTES } from './data/notes.js';
import { dramaMobile, pad, slug } from './format.js';
import type { Rng } from './rng.js';
import type { GuestInput, PartyInput } from './types.js';

/** Share of guests (wheelchair, reducedMobility, medical) or households (pets, language, notes). */
export interface NeedRates {
  wheelchair: number;
  reducedMobility: number;
  medical: number;
  pets: number;
  language: number;
  notes: number;
}

export const NORMAL_RATES: NeedRates = { wheelchair: 0.03, reducedMobility: 0.05, medical: 0.03, pets: 0.1, language: 0.04, notes: 0.25 };

/** Household sizes at a UK holiday park in half-term; mean about 2.75 guests. */
export const SIZE_WEIGHTS: readonly (readonly [number, number])[] = [
  [1, 11],
  [2, 47],
  [3, 14],
  [4, 17],
  [5, 7],
  [6, 3],
  [7, 0.5],
  [8, 0.3],
  [9, 0.2],
];

interface Member {
  age: GuestAge;
  senior: boolean;
}

const adult = (senior = false): Member => ({ age: 'adult', senior });
const child = (): Member => ({ age: 'child', senior: false });
const infant = (): Member => ({ age: 'infant', senior: false });

/** Who is in a household of `size`: the lead (an adult) always comes first. */
export function composition(rng: Rng, size: number): Member[] {
  if (size <= 1) return [adult(rng.chance(0.35))];
  if (size === 2) {
    const r = rng.next();
    if (r < 0.8) {
      const old = rng.chance(0.4);
      return [adult(old), adult(old)];
    }
    if (r < 0.92) return [adult(), rng.chance(0.15) ? infant() : child()];
    return [adult(), adult()];
  }
  if (size >= 7) {
    const grown = Math.min(size - 3, rng.int(2, 4));
    const young = size - 2 - grown;
    const kids = Array.from({ length: young }, (_, i) => (i === young - 1 && rng.chance(0.4) ? infant() : child()));
    return [adult(true), adult(true), ...Array.from({ length: grown }, () => adult()), ...kids];
  }
  const r = rng.next();
  if (r < 0.78) {
    const parents = rng.chance(0.12) ? 1 : 2;
    const n = size - parents;
    const kids = Array.from({ length: n }, (_, i) => (i === n - 1 && rng.chance(0.3) ? infant() : child()));
    return [...Array.from({ length: parents }, () => adult()), ...kids];
  }
  if (r < 0.9) return Array.from({ length: size }, () => adult());
  return [adult(true), adult(true), ...Array.from({ length: size - 2 }, () => child())];
}

/** Draw a household size from SIZE_WEIGHTS. */
export function drawSize(rng: Rng): number {
  return rng.weighted(SIZE_WEIGHTS);
}

export interface HouseholdSpec {
  /** 1-based household number: party id, phone and email derive from it. */
  index: number;
  partyIdWidth: number;
  /** Number of the household's first guest; guests are numbered consecutively. */
  firstGuest: number;
  guestIdWidth: number;
  size: number;
  siteId: string;
  unit: string;
  rates: NeedRates;
}

function distinctName(rng: Rng, pool: readonly string[], used: Set<string>): string {
  let name = rng.pick(pool);
  for (let i = 0; i < 6 && used.has(name); i++) name = rng.pick(pool);
  used.add(name);
  return name;
}

/** One household with its guests, needs, notes and contact details; deterministic given `rng`. */
export function makeHousehold(rng: Rng, spec: HouseholdSpec): PartyInput {
  const { rates } = spec;
  const pool = rng.chance(rates.language) ? rng.pick(LANGUAGE_POOLS) : undefined;
  const surname = rng.pick(pool?.surnames ?? SURNAMES);
  const members = composition(rng, spec.size);
  const used = new Set<string>();
  const notes: string[] = [];
  // Per-guest probabilities are scaled so the share over all guests (about 70% adults) matches the rate.
  const guests: GuestInput[] = members.map((m, i) => {
    const first = distinctName(rng, m.age === 'adult' ? (pool?.adults ?? ADULT_FIRST) : (pool?.children ?? CHILD_FIRST), used);
    const last = i === 1 && m.age === 'adult' && !pool && rng.chance(0.15) ? rng.pick(SURNAMES) : surname;
    const needs: string[] = [];
    if (m.age !== 'infant') {
      const wc = rates.wheelchair * (m.senior ? 2.2 : m.age === 'adult' ? 1.0 : 0.5);
      const rm = rates.reducedMobility * (m.senior ? 3.5 : m.age === 'adult' ? 0.5 : 0.1);
      const md = rates.medical * (m.senior ? 2 : m.age === 'adult' ? 0.9 : 0.5);
      if (rng.chance(wc)) needs.push('wheelchair');
      else if (rng.chance(rm)) needs.push('reduced_mobility');
      if (rng.chance(md)) {
        needs.push('medical');
        notes.push(`${first}: ${rng.pick(MEDICAL_NOTES)}`);
      }
      if (rng.chance(0.01)) needs.push(rng.pick(OTHER_GUEST_NEEDS));
    }
    return { id: pad('G', spec.firstGuest + i, spec.guestIdWidth), name: `${first} ${last}`, age: m.age, needs };
  });
  const partyNeeds: string[] = [];
  if (rng.chance(rates.pets)) {
    partyNeeds.push('pets');
    notes.push(rng.pick(PET_NOTES));
  }
  if (rng.chance(rates.notes)) notes.push(rng.pick(HOUSEHOLD_NOTES));
  const leadFirst = (guests[0]?.name ?? surname).split(' ')[0] ?? surname;
  const party: PartyInput = {
    id: pad('P', spec.index, spec.partyIdWidth),
    name: surname,
    unit: spec.unit,
    siteId: spec.siteId,
    needs: partyNeeds,
    notes: notes.join('; '),
    phone: rng.chance(0.03) ? '' : dramaMobile(spec.index),
    email: rng.chance(0.08) ? '' : `${slug(leadFirst)}.${slug(surname)}${spec.index}@example.org`,
    guests,
  };
  if (pool) party.language = pool.language;
  return party;
}
