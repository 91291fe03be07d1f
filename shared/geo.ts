/** Distances and travel times exactly as the scenario contract defines them. */
import type { Policy } from './scenario.js';

export interface LatLng {
  lat: number;
  lng: number;
}

const EARTH_RADIUS_KM = 6371;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in km (haversine, R = 6371 km). */
export function haversineKm(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Road km = great-circle km x roadFactor. */
export function roadKm(a: LatLng, b: LatLng, policy: Pick<Policy, 'roadFactor'>): number {
  return haversineKm(a, b) * policy.roadFactor;
}

/** Minutes to drive `km` road km at the policy's average speed. */
export function travelMinutes(km: number, policy: Pick<Policy, 'speedKmh'>): number {
  return (km / policy.speedKmh) * 60;
}
