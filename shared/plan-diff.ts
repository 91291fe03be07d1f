/** What a proposal changes against the plan in force: shown before applying, in the console and the API. */
import type { Plan } from './plan.js';

export interface PlanDiff {
  /** Households that had no hotel and get one. */
  newlyAssigned: { partyId: string; hotelId: string }[];
  /** Households sent to a different hotel than before. */
  moved: { partyId: string; fromHotelId: string; toHotelId: string }[];
  /** Households that had a hotel and lose it. */
  unassigned: { partyId: string; fromHotelId: string | null; reason: string }[];
  /**
   * Households whose vehicle changes, or whose pick-up moves by more than RETIME_MINUTES, while
   * their hotel stays the same (with both departures, to show the times).
   */
  retimed: { partyId: string; fromVehicleId: string | null; toVehicleId: string | null; fromDepartAt?: string | null; toDepartAt?: string | null }[];
  unchanged: number;
}

/** A pick-up that moves by this much or less is not a change worth a duty manager's attention. */
export const RETIME_MINUTES = 5;

function index(plan: Plan) {
  const hotel = new Map(plan.stays.map((s) => [s.partyId, s.hotelId]));
  const ride = new Map<string, { vehicleId: string; departAt: string }>();
  for (const t of plan.trips) for (const p of t.partyIds) ride.set(p, { vehicleId: t.vehicleId, departAt: t.departAt });
  return { hotel, ride };
}

export function diffPlans(current: Plan, proposal: Plan): PlanDiff {
  const cur = index(current);
  const next = index(proposal);
  const diff: PlanDiff = { newlyAssigned: [], moved: [], unassigned: [], retimed: [], unchanged: 0 };
  for (const s of proposal.stays) {
    const before = cur.hotel.get(s.partyId);
    if (!before) diff.newlyAssigned.push({ partyId: s.partyId, hotelId: s.hotelId });
    else if (before !== s.hotelId) diff.moved.push({ partyId: s.partyId, fromHotelId: before, toHotelId: s.hotelId });
    else {
      const a = cur.ride.get(s.partyId) ?? null;
      const b = next.ride.get(s.partyId) ?? null;
      const moved = a && b ? Math.abs(Date.parse(a.departAt) - Date.parse(b.departAt)) > RETIME_MINUTES * 60_000 : a !== b;
      if ((a?.vehicleId ?? null) !== (b?.vehicleId ?? null) || moved)
        diff.retimed.push({
          partyId: s.partyId,
          fromVehicleId: a?.vehicleId ?? null,
          toVehicleId: b?.vehicleId ?? null,
          fromDepartAt: a?.departAt ?? null,
          toDepartAt: b?.departAt ?? null,
        });
      else diff.unchanged++;
    }
  }
  for (const u of proposal.unassigned) {
    const before = cur.hotel.get(u.partyId);
    if (before) diff.unassigned.push({ partyId: u.partyId, fromHotelId: before, reason: u.reason });
  }
  return diff;
}
