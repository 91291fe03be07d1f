/**
 * The cost of each guest, for the insurer's "per guest" view. Most lines are the household's (a
 * room, a trip, a family meal): each category's household money is shared out among its members to
 * the penny (`allocate`, largest remainder), and lodging among the members who were checked in
 * where any were (a member who never arrived slept in no bed). A perk given to one member is theirs
 * alone, and so is a trip only some members rode: its share is split among those aboard (a member
 * left at the muster point and brought later pays for their own ride, not the others'). So each
 * household's guests add up to the household's row, category by category, and every guest row to
 * the ledger's total less trips without riders.
 */
import { allocate } from '../../shared/ledger.js';
import type { HouseholdTotals, RideShare } from './totals.js';

export interface Member {
  id: string;
  name: string;
  checkedIn: boolean;
}

export interface GuestTotals {
  guestId: string;
  name: string;
  partyId: string;
  household: string;
  checkedIn: boolean;
  byCategory: Record<string, number>;
  totalMinor: number;
}

export function guestShares(
  households: readonly HouseholdTotals[],
  members: ReadonlyMap<string, readonly Member[]>,
  direct: ReadonlyMap<string, Record<string, number>>,
  rides: ReadonlyMap<string, readonly RideShare[]> = new Map(),
): GuestTotals[] {
  const out: GuestTotals[] = [];
  for (const h of households) {
    const list = members.get(h.partyId) ?? [];
    if (list.length === 0) {
      // A household whose members are not listed any more: its money stays on one row, never lost.
      out.push({
        guestId: '',
        name: '(members not listed)',
        partyId: h.partyId,
        household: h.name,
        checkedIn: false,
        byCategory: { ...h.byCategory },
        totalMinor: h.totalMinor,
      });
      continue;
    }
    const rows = list.map((m) => ({
      guestId: m.id,
      name: m.name,
      partyId: h.partyId,
      household: h.name,
      checkedIn: m.checkedIn,
      byCategory: {} as Record<string, number>,
      totalMinor: 0,
    }));
    const add = (i: number, category: string, amount: number) => {
      if (!amount) return;
      const r = rows[i]!;
      r.byCategory[category] = (r.byCategory[category] ?? 0) + amount;
      r.totalMinor += amount;
    };
    for (const [category, amount] of Object.entries(h.byCategory)) {
      let shared = amount;
      list.forEach((m, i) => {
        const own = direct.get(m.id)?.[category] ?? 0;
        add(i, category, own);
        shared -= own;
      });
      if (category === 'transport') {
        for (const ride of rides.get(h.partyId) ?? []) {
          const aboard = list.map((m) => (ride.guestIds.includes(m.id) ? 1 : 0));
          // Members since moved to another household: the ride stays with everyone here.
          if (!aboard.some(Boolean)) continue;
          allocate(ride.amountMinor, aboard).forEach((part, i) => add(i, category, part));
          shared -= ride.amountMinor;
        }
      }
      const lodgedOnly = category === 'lodging' && list.some((m) => m.checkedIn);
      allocate(
        shared,
        list.map((m) => (lodgedOnly && !m.checkedIn ? 0 : 1)),
      ).forEach((part, i) => add(i, category, part));
    }
    out.push(...rows);
  }
  return out;
}
