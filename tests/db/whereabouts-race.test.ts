/**
 * A person's whereabouts written by two changes at once: a roll call marking someone missing while
 * their driver ticks the household aboard. `moveGuests` reads without locking; each row is written
 * only if it is still where it was read, so the change that committed first wins and the other
 * reports no move for that person (its event does not claim them).
 *
 * PGlite runs one transaction at a time, so the race itself happens only on PostgreSQL (CI runs
 * this file on both); on PGlite the second change simply reads the first one's result.
 */
import { and, eq } from 'drizzle-orm';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';
import { insertScenario } from '../../server/incidents/import.js';
import { moveGuests } from '../../server/whereabouts/repo.js';
import { guests } from '../../server/db/schema.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { buildGuest, buildParty, buildScenario } from '../../seed/factories.js';

const engine = usingPostgres() ? 'PostgreSQL' : 'PGlite';
let db: TestDatabase;
let incidentId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const s = scenarioSchema.parse(
    buildScenario({
      parties: [
        buildParty({
          id: 'P1',
          guests: [buildGuest({ id: 'P1-G1', name: 'Ada Race' }), buildGuest({ id: 'P1-G2', name: 'Ben Race' }), buildGuest({ id: 'P1-G3', name: 'Cy Race' })],
        }),
      ],
    }),
  );
  ({ incidentId } = await db.db.transaction((tx) => insertScenario(tx, s)));
});
afterAll(async () => db?.destroy());

const whereabouts = async (id: string) =>
  (
    await db.db
      .select({ w: guests.whereabouts })
      .from(guests)
      .where(and(eq(guests.incidentId, incidentId), eq(guests.id, id)))
  )[0]!.w;

test(`${engine}: a roll call's "missing" committed while the household is being ticked aboard stays; the tick moves the others only`, async () => {
  let marked!: () => void;
  const markedYet = new Promise<void>((r) => (marked = r));
  // The roll call: Ben is not there. It holds his row, uncommitted, for a moment.
  const rollCall = db.db.transaction(async (tx) => {
    const moved = await moveGuests(tx, incidentId, { guestIds: ['P1-G2'] }, 'missing');
    marked();
    await new Promise((r) => setTimeout(r, 400));
    return moved;
  });
  await markedYet;
  // The driver ticks the household aboard meanwhile: it reads Ben as waiting (the roll call has
  // not committed), then waits for his row.
  const boarding = db.db.transaction((tx) => moveGuests(tx, incidentId, { partyIds: ['P1'], from: ['waiting', 'no_show'] }, 'aboard'));
  const [missing, aboard] = await Promise.all([rollCall, boarding]);
  expect(missing.map((m) => m.guestId)).toEqual(['P1-G2']);
  expect(aboard.map((m) => m.guestId).sort()).toEqual(['P1-G1', 'P1-G3']);
  expect(await whereabouts('P1-G2')).toBe('missing');
  expect(await whereabouts('P1-G1')).toBe('aboard');
  expect(await whereabouts('P1-G3')).toBe('aboard');
});
