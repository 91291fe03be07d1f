/**
 * Writing a validated scenario into the database as a new incident, all in the caller's
 * transaction: a failure anywhere leaves nothing behind. Inserts are batched (1,000 rows per
 * statement) because one row per INSERT is several times slower on both engines.
 */
import { HOTEL_FIELDS, PARTY_FIELDS, pick } from '../../shared/collections.js';
import type { Tx } from '../db/client.js';
import { guests, hotels, incidents, parties, roomTypes, sites, vehicles } from '../db/schema.js';
import type { Party, Scenario } from '../../shared/scenario.js';
import { newPassCodes, newStatusToken } from './codes.js';
import type { ImportResult } from '../../shared/api.js';
import { insertBatched } from '../db/batch.js';

export async function insertScenario(tx: Tx, s: Scenario): Promise<ImportResult> {
  const [inc] = await tx
    .insert(incidents)
    .values({
      name: s.incident.name,
      startedAt: new Date(s.incident.startedAt),
      currency: s.incident.currency,
      timezone: s.incident.timezone,
      helpline: s.incident.helpline || null,
      staffSpendLimitMinor: s.incident.staffSpendLimitMinor,
      policy: s.incident.policy,
    })
    .returning({ id: incidents.id });
  if (!inc) throw new Error('incident insert returned nothing');
  const incidentId = inc.id;

  await insertBatched(
    s.sites.map((x, position) => ({ incidentId, ...x, position })),
    (c) => tx.insert(sites).values(c),
  );
  await insertParties(tx, incidentId, s.parties, 0, new Set());
  await insertBatched(
    s.hotels.map((h, position) => ({
      incidentId,
      ...pick(h, HOTEL_FIELDS),
      perks: h.perks,
      position,
    })),
    (c) => tx.insert(hotels).values(c),
  );
  await insertBatched(
    s.hotels.flatMap((h) => h.roomTypes.map((r, position) => ({ incidentId, hotelId: h.id, ...r, position }))),
    (c) => tx.insert(roomTypes).values(c),
  );
  await insertBatched(
    s.vehicles.map((v, position) => ({ incidentId, ...v, availableFrom: new Date(v.availableFrom), position })),
    (c) => tx.insert(vehicles).values(c),
  );
  return {
    incidentId,
    counts: {
      sites: s.sites.length,
      parties: s.parties.length,
      guests: s.parties.reduce((n, p) => n + p.guests.length, 0),
      hotels: s.hotels.length,
      vehicles: s.vehicles.length,
    },
  };
}

/** Insert households and their guests, each with a fresh pass code and status-link token. */
export async function insertParties(tx: Tx, incidentId: string, list: Party[], firstPosition: number, takenCodes: ReadonlySet<string>): Promise<void> {
  const codes = newPassCodes(list.length, takenCodes);
  await insertBatched(
    list.map((p, i) => ({
      incidentId,
      ...pick(p, PARTY_FIELDS),
      language: p.language ?? null,
      passCode: codes[i]!,
      statusToken: newStatusToken(),
      position: firstPosition + i,
    })),
    (c) => tx.insert(parties).values(c),
  );
  await insertBatched(
    list.flatMap((p) => p.guests.map((g, position) => ({ incidentId, partyId: p.id, ...g, position }))),
    (c) => tx.insert(guests).values(c),
  );
}
