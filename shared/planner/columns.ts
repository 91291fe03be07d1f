/**
 * Household classes and their columns. Households with the same site, size, accessible-room need
 * and pets are interchangeable for the room problem, so their candidate (hotel, room combination)
 * columns are built and sorted once per class instead of once per household.
 */
import { minimalCombos, type Combo } from './combos.js';
import { kmSiteHotel, type Model, type PartyInfo } from './model.js';

export interface Column {
  hotel: number;
  combo: Combo;
  km: number;
  /** Stay cost: room rate per night + size x road km x travel cost. */
  cost: number;
}

/** Households that are interchangeable for the room problem; columns are built on first use. */
export class PartyClass {
  private cols: Column[] | null = null;
  /** Hotels the class may use at all (a cheap measure of how constrained it is). */
  readonly hotelOptions: number;

  constructor(
    private readonly m: Model,
    readonly site: number,
    readonly size: number,
    readonly acc: boolean,
    readonly pets: boolean,
  ) {
    let n = 0;
    for (let h = 0; h < m.hotels.length; h++) if (hotelAllowed(m, this, h)) n++;
    this.hotelOptions = n;
  }

  /** Every feasible column, cheapest first. */
  get columns(): Column[] {
    if (this.cols) return this.cols;
    const columns: Column[] = [];
    for (let h = 0; h < this.m.hotels.length; h++) {
      if (!hotelAllowed(this.m, this, h)) continue;
      const km = kmSiteHotel(this.m, this.site, h);
      for (const combo of minimalCombos(this.m, h, this.size, this.acc))
        columns.push({ hotel: h, combo, km, cost: stayCost(this.m, combo, this.size, km, this.acc) });
    }
    columns.sort((a, b) => a.cost - b.cost || a.hotel - b.hotel);
    return (this.cols = columns);
  }
}

export interface Classes {
  list: PartyClass[];
  /** Class index per party. */
  of: Int32Array;
}

/** Whether a hotel may take a party at all (rules 5 and 6), rooms aside. */
export function hotelAllowed(m: Model, p: Pick<PartyInfo, 'site' | 'pets'>, hotel: number): boolean {
  const h = m.hotels[hotel]!.hotel;
  if (p.pets && !h.petsAllowed) return false;
  return kmSiteHotel(m, p.site, hotel) <= m.policy.maxDistanceKm + 1e-9;
}

/** Room-stage cost of one column for a party of `size` (the stay cost when the model's km weights are 1). */
export function stayCost(m: Model, combo: Combo, size: number, km: number, acc = false): number {
  return combo.rate + size * km * m.policy.travelCostMinorPerPersonKm * (acc ? m.accKmWeight : m.kmWeight);
}

/** The contract's stay cost of a column, whatever the model's km weights. */
export function trueStayCost(m: Model, combo: Combo, size: number, km: number): number {
  return combo.rate + size * km * m.policy.travelCostMinorPerPersonKm;
}

/** Group the parties into classes and list each class's columns, cheapest first. */
export function buildClasses(m: Model, parties: readonly PartyInfo[] = m.parties): Classes {
  const byKey = new Map<string, number>();
  const list: PartyClass[] = [];
  const of = new Int32Array(m.parties.length).fill(-1);
  for (const p of parties) {
    const acc = p.wheel > 0;
    const key = `${p.site}|${p.size}|${acc ? 1 : 0}|${p.pets ? 1 : 0}`;
    let k = byKey.get(key);
    if (k === undefined) {
      k = list.length;
      byKey.set(key, k);
      list.push(new PartyClass(m, p.site, p.size, acc, p.pets));
    }
    of[p.idx] = k;
  }
  return { list, of };
}
