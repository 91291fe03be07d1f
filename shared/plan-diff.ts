/** What a proposal changes against the plan in force: shown before applying, in the console and the API. */
import type { Plan } from './plan.js';

export interface PlanDiff {
  /** Households that had no hotel and get one. */
  newlyAssigned: { partyId: string; hotelId: string }[];
  /** Households sent to a different hotel than before. */
  moved: { partyId: string; fromHotelId: string; toHotelId: string }[];
  /** Households that had a hotel and lose it. */
  unassigned: { partyId: string; fromHotelId: string | null; reason: string }[];
  /** Households whose vehicle or departure changes while their hotel stays the same. */
  retimed: { partyId: string; fromVehicleId: string | null; toVehicleId: string | null }[];
  unchanged: number;
}

function index(plan: Plan) {
  const hotel = new Map(plan.stays.map((s) => [s.partyId, s.hotelId]));
  const ride = new Map<string, string>();
  for (const t of plan.trips) for (const p of t.partyIds) ride.set(p, `${t.vehicleId}@${t.departAt}`);
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
    else if ((cur.ride.get(s.partyId) ?? null) !== (next.ride.get(s.partyId) ?? null))
      diff.retimed.push({ partyId: s.partyId, fromVehicleId: cur.ride.get(s.partyId)?.split('@')[0] ?? null, toVehicleId: next.ride.get(s.partyId)?.split('@')[0] ?? null });
    else diff.unchanged++;
  }
  for (const u of proposal.unassigned) {
    const before = cur.hotel.get(u.partyId);
    if (before) diff.unassigned.push({ partyId: u.partyId, fromHotelId: before, reason: u.reason });
  }
  return diff;
}
