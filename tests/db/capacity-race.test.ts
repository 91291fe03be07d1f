/**
 * No room is ever given twice, and no room count ever goes below what is taken, when the production
 * paths that take and give back rooms (and seats) race. Rooms are taken only by applying a plan
 * (PlanService.apply -> adjustRoomsBulk); a hotel withdrawing rooms gives them back by displacing
 * planned stays (HotelService.update). After every race, for every room type: 0 <= used <= count,
 * and `used` is exactly the rooms held by the active stays at that hotel.
 *
 * PGlite runs one transaction at a time, so the real contention is only exercised on PostgreSQL
 * (CI runs this file on both).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';
import { insertScenario } from '../../server/incidents/import.js';
import { adjustRoomsBulk, cancelStay, releaseRooms } from '../../server/stays/repo.js';
import { releaseSeatsOfParties } from '../../server/stays/riders.js';
import { lockRoomType } from '../../server/hotels/repo.js';
import { EventBus } from '../../server/events/log.js';
import { PlanService } from '../../server/plans/service.js';
import { HotelService } from '../../server/hotels/service.js';
import { PartyService } from '../../server/parties/service.js';
import { checkInvariants, invariantProblems, sqlOf } from '../helpers/invariants.js';
import { insertUser } from '../../server/auth/repo.js';
import { AppError } from '../../server/http/errors.js';
import { roomTypes, stays } from '../../server/db/schema.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { buildHotel, buildParty, buildRoomType, buildScenario, buildVehicle } from '../../seed/factories.js';

const engine = usingPostgres() ? 'PostgreSQL' : 'PGlite';
let db: TestDatabase;
let plans: PlanService;
let hotels: HotelService;
let userId: string;
const actor = () => ({ userId, name: 'Race manager' });

beforeAll(async () => {
  db = await createTestDatabase();
  const bus = new EventBus();
  plans = new PlanService(db.db, bus);
  hotels = new HotelService(db.db, bus);
  userId = await insertUser(db.db, { email: 'race@test.example', name: 'Race manager', role: 'duty_manager', passwordHash: 'x' });
});
afterAll(async () => db?.destroy());

/** An incident of `households` couples and hotels of double rooms (`doubles` per hotel). */
async function incident(households: number, doubles: number[]) {
  const s = scenarioSchema.parse(
    buildScenario({
      parties: Array.from({ length: households }, (_, i) => buildParty({ id: `P${i}`, size: 2 })),
      hotels: doubles.map((count, i) =>
        buildHotel({
          id: `H${i + 1}`,
          lat: 53.14 + i * 0.01,
          petsAllowed: true,
          roomTypes: [buildRoomType({ type: 'double', sleeps: 2, count, rateMinor: 9000 + i })],
        }),
      ),
      vehicles: [buildVehicle({ id: 'V1', seats: 60 }), buildVehicle({ id: 'V2', seats: 60 })],
    }),
  );
  const { incidentId } = await db.db.transaction((tx) => insertScenario(tx, s));
  return incidentId;
}

/** The invariants, read back: for every room type, rooms taken = rooms held by active stays, within 0..count. */
async function capacityHolds(incidentId: string) {
  const types = await db.db.select().from(roomTypes).where(eq(roomTypes.incidentId, incidentId));
  const active = await db.db
    .select()
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), inArray(stays.status, ['planned', 'checked_in'])));
  const held = new Map<string, number>();
  for (const s of active) for (const r of s.rooms) held.set(`${s.hotelId}/${r.type}`, (held.get(`${s.hotelId}/${r.type}`) ?? 0) + r.count);
  for (const t of types) {
    const key = `${t.hotelId}/${t.type}`;
    expect({ key, used: t.used, withinCount: t.used >= 0 && t.used <= t.count }).toEqual({ key, used: held.get(key) ?? 0, withinCount: true });
  }
  // One active stay per household (nobody holds two rooms' worth by two stays).
  expect(new Set(active.map((s) => s.partyId)).size).toBe(active.length);
  return { used: types.reduce((n, t) => n + t.used, 0), stays: active.length };
}

/**
 * A refusal the production path gives a slower racer: stale plan or a colleague's change first (409),
 * the CHECK at the row lock, or a deadlock lost five times over (answered 409 "two changes collided").
 */
function isRefusal(reason: unknown): boolean {
  const code = (reason as { cause?: { code?: string } }).cause?.code;
  return (reason instanceof AppError && reason.code === 'conflict') || code === '23514' || code === '40P01';
}

test(`managers applying proposals computed at the same moment: exactly one applies, its stays hold exactly the rooms taken (${engine})`, async () => {
  const incidentId = await incident(30, [12, 8]);
  // Six proposals (and their alternatives) all computed on the same state: each would take all 20 rooms.
  const proposals = new Map<string, number>();
  for (let i = 0; i < 6; i++) {
    const view = await plans.propose(incidentId, userId);
    expect(view.plan.stays.length).toBeGreaterThan(12); // more than one hotel's worth: they all compete for the same rooms
    proposals.set(view.id, view.plan.stays.length);
    for (const a of view.alternatives ?? []) if (a.id !== view.id) proposals.set(a.id, (await plans.get(incidentId, a.id)).plan.stays.length);
  }
  const ids = [...proposals.keys()];
  const results = await Promise.allSettled(ids.map((id) => plans.apply(incidentId, id, actor())));
  const won = ids.filter((_, i) => results[i]!.status === 'fulfilled');
  expect(won).toHaveLength(1);
  for (const r of results) if (r.status === 'rejected') expect({ refused: isRefusal(r.reason), reason: String(r.reason) }).toMatchObject({ refused: true });
  const housed = proposals.get(won[0]!)!;
  expect(await capacityHolds(incidentId)).toEqual({ used: housed, stays: housed });
});

test(`plans applied while hotels withdraw and add rooms: never a room twice, never below zero (${engine})`, async () => {
  const incidentId = await incident(24, [10, 10]);
  let applied = 0;
  let withdrawals = 0;
  for (let round = 0; round < 6; round++) {
    const { id } = await plans.propose(incidentId, userId);
    const [h1, h2] = round % 2 ? [4, 10] : [10, 3];
    // The apply races two hotels changing their offers; any order is allowed, any outcome must hold.
    const results = await Promise.allSettled([
      plans.apply(incidentId, id, actor()),
      hotels.update(incidentId, 'H1', { roomTypes: [{ type: 'double', sleeps: 2, count: h1, rateMinor: 9000 }] }, actor()),
      hotels.update(incidentId, 'H2', { roomTypes: [{ type: 'double', sleeps: 2, count: h2, rateMinor: 9001 }] }, actor()),
    ]);
    for (const r of results) if (r.status === 'rejected') expect({ refused: isRefusal(r.reason), reason: String(r.reason) }).toMatchObject({ refused: true });
    if (results[0].status === 'fulfilled') applied++;
    withdrawals += results.slice(1).filter((r) => r.status === 'fulfilled').length;
    await capacityHolds(incidentId);
  }
  // Each round changed something: a plan took rooms, or an offer changed under a plan that then went stale.
  expect(applied + withdrawals).toBeGreaterThanOrEqual(6);
  expect(withdrawals).toBeGreaterThan(0);
});

test(`200 concurrent takings of one room each, by the statement plan apply uses, for the last 20 rooms: exactly 20 succeed (${engine})`, async () => {
  const incidentId = await incident(1, [20]);
  const oneRoom = () => new Map([['H1/double', { hotelId: 'H1', type: 'double', delta: 1 }]]);
  const results = await Promise.allSettled(Array.from({ length: 200 }, () => db.db.transaction((tx) => adjustRoomsBulk(tx, incidentId, oneRoom()))));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
  for (const r of results) if (r.status === 'rejected') expect((r.reason as { cause?: { code?: string } }).cause?.code).toBe('23514');
  const [row] = await db.db.select().from(roomTypes).where(eq(roomTypes.incidentId, incidentId));
  expect({ used: row!.used, count: row!.count }).toEqual({ used: 20, count: 20 });
});

test('a room count can never be lowered below what is already taken', async () => {
  const incidentId = await incident(2, [3]);
  const { id } = await plans.propose(incidentId, userId);
  await plans.apply(incidentId, id, actor());
  expect((await capacityHolds(incidentId)).used).toBe(2);
  await expect(db.db.update(roomTypes).set({ count: 1 }).where(eq(roomTypes.incidentId, incidentId))).rejects.toMatchObject({ cause: { code: '23514' } });
  const [row] = await db.db.select().from(roomTypes).where(eq(roomTypes.incidentId, incidentId));
  expect(row!.count).toBe(3);
});

test(`a household leaving the plan while a withdrawal lets its stay go: its room and seat go back once (${engine})`, async () => {
  const parties = new PartyService(db.db, new EventBus());
  for (const leave of ['status', 'correction'] as const) {
    const incidentId = await incident(4, [10]);
    const { id } = await plans.propose(incidentId, userId);
    await plans.apply(incidentId, id, actor());
    const [stay] = await db.db
      .select()
      .from(stays)
      .where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, 'P0'), eq(stays.status, 'planned')));
    // A withdrawal's statements, in its order (room type locked, then the stay let go and its
    // rooms and seat given back), held open while the household leaves (or is corrected so its
    // room no longer suits it) on another connection.
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const withdrawal = db.db.transaction(async (tx) => {
      await lockRoomType(tx, incidentId, 'H1', 'double');
      await cancelStay(tx, stay!.id);
      await releaseRooms(tx, incidentId, 'H1', stay!.rooms);
      await releaseSeatsOfParties(tx, incidentId, ['P0']);
      await hold;
    });
    await new Promise((r) => setTimeout(r, 50));
    const wheelchair = { ...buildParty({ id: 'P0' }), guests: [{ id: 'P0-a', name: 'A', age: 'adult', needs: ['wheelchair'] }] };
    const leaving =
      leave === 'status' ? parties.setStatus(incidentId, 'P0', { status: 'no_show' }, actor()) : parties.change(incidentId, 'P0', wheelchair, actor());
    await new Promise((r) => setTimeout(r, engine === 'PostgreSQL' ? 300 : 0)); // the household's change is now waiting on the withdrawal's locks
    release();
    await withdrawal;
    const settled = await leaving.then(
      () => null,
      (e: unknown) => e,
    );
    if (settled) expect({ refused: isRefusal(settled), reason: String(settled) }).toMatchObject({ refused: true });
    await capacityHolds(incidentId);
    expect(invariantProblems(await checkInvariants(sqlOf(db), incidentId))).toEqual([]);
  }
});
