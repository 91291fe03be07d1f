/**
 * A plan's diff in the shape the Plan panel shows: four named groups of households, each line in
 * plain words with names instead of ids. Pure.
 */
import type { PlanDiff } from '../../../shared/plan-diff.js';

export interface DiffLine {
  partyId: string;
  partyName: string;
  /** Where the household goes in the proposal (null when unassigned). */
  hotelId: string | null;
  text: string;
}

export interface DiffGroup {
  key: 'newlyAssigned' | 'moved' | 'unassigned' | 'retimed' | 'notPlaced';
  title: string;
  lines: DiffLine[];
}

export interface Names {
  /** The household as rows show it: name, unit and pass code, so two of the same name are told apart. */
  party(id: string): string;
  hotel(id: string | null): string;
  /** A time as shown (HH:MM in the incident's timezone); without it times are left out. */
  time?(iso: string): string;
}

/**
 * `unplaced`: the proposal's households without a bed or seat, each with the planner's reason; those
 * that had one before are already under "Lose their place", the rest (never placed) get their own
 * group, so nobody left out of a plan is hidden behind a count before it is applied.
 */
export function groupDiff(diff: PlanDiff, names: Names, unplaced: readonly { partyId: string; reason: string }[] = []): DiffGroup[] {
  const sortByName = (a: DiffLine, b: DiffLine) => a.partyName.localeCompare(b.partyName);
  const losing = new Set(diff.unassigned.map((u) => u.partyId));
  const groups: DiffGroup[] = [
    {
      key: 'notPlaced',
      title: 'Not placed',
      lines: unplaced
        .filter((u) => !losing.has(u.partyId))
        .map((u) => ({ partyId: u.partyId, partyName: names.party(u.partyId), hotelId: null, text: u.reason })),
    },
    {
      key: 'unassigned',
      title: 'Lose their place',
      lines: diff.unassigned.map((u) => ({
        partyId: u.partyId,
        partyName: names.party(u.partyId),
        hotelId: null,
        text: `was going to ${names.hotel(u.fromHotelId)}: ${u.reason}`,
      })),
    },
    {
      key: 'moved',
      title: 'Moved to another hotel',
      lines: diff.moved.map((m) => ({
        partyId: m.partyId,
        partyName: names.party(m.partyId),
        hotelId: m.toHotelId,
        text: `${names.hotel(m.fromHotelId)} → ${names.hotel(m.toHotelId)}`,
      })),
    },
    {
      key: 'newlyAssigned',
      title: 'Newly placed',
      lines: diff.newlyAssigned.map((n) => ({
        partyId: n.partyId,
        partyName: names.party(n.partyId),
        hotelId: n.hotelId,
        text: `to ${names.hotel(n.hotelId)}`,
      })),
    },
    {
      key: 'retimed',
      title: 'New vehicle or time, same hotel',
      lines: diff.retimed.map((r) => {
        const at = (iso: string | null | undefined) => (iso && names.time ? ` at ${names.time(iso)}` : '');
        return {
          partyId: r.partyId,
          partyName: names.party(r.partyId),
          hotelId: null,
          text: `vehicle ${r.fromVehicleId ?? 'none'}${at(r.fromDepartAt)} → ${r.toVehicleId ?? 'none'}${at(r.toDepartAt)}`,
        };
      }),
    },
  ];
  for (const g of groups) g.lines.sort(sortByName);
  return groups;
}

/** Guests per hotel in a proposal, for the drop targets' "beds in this plan" figures. */
export function guestsPerHotel(stays: readonly { partyId: string; hotelId: string }[], sizeOf: (partyId: string) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of stays) out.set(s.hotelId, (out.get(s.hotelId) ?? 0) + sizeOf(s.partyId));
  return out;
}
