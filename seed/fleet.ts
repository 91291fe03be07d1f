/**
 * Vehicles as local operators would lend them on a storm night: coaches that need a driver called
 * in, minibuses, and the town's taxis, a few of them wheelchair accessible. Costs follow typical
 * private-hire pricing (a call-out charge per trip plus a rate per km).
 */
import type { VehicleKind } from '../shared/scenario.js';
import { addMinutes } from './format.js';
import type { Rng } from './rng.js';
import type { VehicleInput } from './types.js';

interface KindSpec {
  seats: readonly number[];
  wheelchairSpaces: readonly (readonly [number, number])[];
  tripMinor: number;
  kmMinor: number;
}

export const KIND_SPECS: Record<VehicleKind, KindSpec> = {
  coach: {
    seats: [49, 49, 51, 53],
    wheelchairSpaces: [
      [0, 5],
      [1, 3],
      [2, 2],
    ],
    tripMinor: 15000,
    kmMinor: 120,
  },
  minibus: {
    seats: [16],
    wheelchairSpaces: [
      [0, 6],
      [1, 4],
    ],
    tripMinor: 7500,
    kmMinor: 90,
  },
  taxi: { seats: [4], wheelchairSpaces: [[0, 1]], tripMinor: 1500, kmMinor: 180 },
  accessible_taxi: { seats: [3], wheelchairSpaces: [[1, 1]], tripMinor: 2000, kmMinor: 200 },
};

export interface VehicleSpec {
  id: string;
  kind: VehicleKind;
  provider: string;
  depotSiteId: string;
  startedAt: string;
}

/**
 * One vehicle ready 20-60 minutes after the incident starts (drivers are called at home), priced
 * within +-10% of its kind's going rate.
 */
export function makeVehicle(rng: Rng, spec: VehicleSpec): VehicleInput {
  const k = KIND_SPECS[spec.kind];
  const trip = Math.round((k.tripMinor * rng.float(0.9, 1.1)) / 100) * 100;
  const km = Math.round(k.kmMinor * rng.float(0.9, 1.1));
  return {
    id: spec.id,
    provider: spec.provider,
    kind: spec.kind,
    seats: rng.pick(k.seats),
    wheelchairSpaces: rng.weighted(k.wheelchairSpaces),
    depotSiteId: spec.depotSiteId,
    availableFrom: addMinutes(spec.startedAt, 5 * rng.int(4, 12)),
    costPerTripMinor: trip,
    costPerKmMinor: km,
  };
}
