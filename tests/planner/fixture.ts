/** A small hand-made scenario in which every rule can be broken on purpose. */
import { scenarioSchema, type Scenario } from '../../shared/scenario.js';

export function ruleScenario(): Scenario {
  const g = (id: string, needs: string[] = [], age: 'adult' | 'child' | 'infant' = 'adult') => ({ id, name: `Guest ${id}`, age, needs });
  return scenarioSchema.parse({
    format: 'relocation-scenario/1',
    incident: { name: 'Rules', startedAt: '2026-03-01T20:00:00+00:00', currency: 'GBP' },
    sites: [
      { id: 'M', name: 'Clubhouse', kind: 'muster', lat: 53.19, lng: 0.34 },
      { id: 'D', name: 'Depot', kind: 'depot', lat: 53.14, lng: 0.34 },
    ],
    hotels: [
      {
        id: 'H1',
        name: 'Pets Welcome',
        lat: 53.15,
        lng: 0.33,
        petsAllowed: true,
        roomTypes: [
          { type: 'double', sleeps: 2, count: 3, rateMinor: 8000 },
          { type: 'acc', sleeps: 2, count: 1, accessible: true, rateMinor: 8000 },
          { type: 'family', sleeps: 4, count: 1, rateMinor: 12000 },
        ],
      },
      { id: 'H2', name: 'No Pets', lat: 53.2, lng: 0.2, roomTypes: [{ type: 'double', sleeps: 2, count: 4, rateMinor: 7000 }] },
      {
        id: 'H3',
        name: 'Far Away',
        lat: 52.2,
        lng: -0.5,
        petsAllowed: true,
        roomTypes: [{ type: 'double', sleeps: 2, count: 4, accessible: true, rateMinor: 5000 }],
      },
    ],
    parties: [
      { id: 'P1', name: 'Wheel', siteId: 'M', guests: [g('G1', ['wheelchair']), g('G2')] },
      { id: 'P2', name: 'Dog', siteId: 'M', needs: ['pets'], guests: [g('G3'), g('G4')] },
      { id: 'P3', name: 'Family', siteId: 'M', guests: [g('G5'), g('G6'), g('G7', [], 'child'), g('G8', [], 'infant')] },
      { id: 'P4', name: 'Couple', siteId: 'M', guests: [g('G9'), g('G10')] },
    ],
    vehicles: [
      {
        id: 'V1',
        kind: 'coach',
        seats: 40,
        wheelchairSpaces: 1,
        depotSiteId: 'D',
        availableFrom: '2026-03-01T20:30:00+00:00',
        costPerTripMinor: 15000,
        costPerKmMinor: 120,
      },
      { id: 'T1', kind: 'taxi', seats: 2, depotSiteId: 'D', availableFrom: '2026-03-01T20:20:00+00:00', costPerTripMinor: 1500, costPerKmMinor: 180 },
    ],
  });
}

/** A guest for hand-made scenarios. */
export const guest = (id: string, needs: string[] = [], age: 'adult' | 'child' | 'infant' = 'adult') => ({ id, name: `Guest ${id}`, age, needs });

/** A hand-made scenario around one clubhouse `M` and a depot `D`: only hotels, households and vehicles differ from test to test. */
export function clubhouseScenario(
  name: string,
  parts: { hotels: unknown[]; parties: unknown[]; vehicles: unknown[] },
  at = { muster: { lat: 53.19, lng: 0.34 }, depot: { lat: 53.18, lng: 0.34 } },
): Scenario {
  return scenarioSchema.parse({
    format: 'relocation-scenario/1',
    incident: { name, startedAt: '2026-03-01T20:00:00+00:00', currency: 'GBP' },
    sites: [
      { id: 'M', name: 'Clubhouse', kind: 'muster', ...at.muster },
      { id: 'D', name: 'Depot', kind: 'depot', ...at.depot },
    ],
    ...parts,
  });
}
