/**
 * What must hold in the database whatever happened (a crash, a restart, a soak): room and seat
 * counters equal the rows behind them, the event log has no gap, at most one plan is in force.
 * Plain SQL over a minimal runner so it works on a PostgreSQL client and on a PGlite opened on a
 * data dir after its process was killed.
 */
import pg from 'pg';
import type { Plan } from '../../shared/plan.js';

export type Row = Record<string, unknown>;
export type Sql = (text: string, params?: unknown[]) => Promise<Row[]>;

/**
 * Run `fn` against the test's database: a PostgreSQL connection to `where.url` (at any time), else a
 * PGlite opened on `where.dataDir` (only while no app process holds those files).
 */
export async function withSql<T>(where: { url?: string | null; dataDir?: string | null }, fn: (q: Sql) => Promise<T>): Promise<T> {
  if (where.url) {
    const c = new pg.Client({ connectionString: where.url });
    await c.connect();
    try {
      return await fn(async (text, params) => (await c.query(text, params as unknown[])).rows);
    } finally {
      await c.end();
    }
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const c = await PGlite.create(where.dataDir!);
  try {
    return await fn(async (text, params) => (await c.query<Row>(text, params as unknown[])).rows);
  } finally {
    await c.close();
  }
}

/** The same runner over a test server's own database (PGlite in this process, or a PostgreSQL pool). */
export function sqlOf(database: { db: object }): Sql {
  const client = (database.db as { $client: { query(text: string, params?: unknown[]): Promise<{ rows: Row[] }> } }).$client;
  return async (text, params) => (await client.query(text, params)).rows;
}

export interface InvariantReport {
  /** Room types whose `used` differs from the rooms of the active stays. */
  roomMismatches: Row[];
  /** Trips whose seat / wheelchair counters differ from their riders. */
  seatMismatches: Row[];
  /** { lastSeq, count, min, max }: gap-free means count = max = lastSeq and min = 1. */
  log: { lastSeq: number; count: number; min: number; max: number };
  appliedPlans: number;
  /** Households with more than one active stay or ride (the unique indexes forbid it). */
  doubleBooked: number;
}

export async function checkInvariants(q: Sql, incidentId: string): Promise<InvariantReport> {
  const roomMismatches = await q(
    `with taken as (
       select s.hotel_id, r->>'type' as type, sum((r->>'count')::int)::int as n
       from stays s cross join lateral jsonb_array_elements(s.rooms) r
       where s.incident_id = $1 and s.status in ('planned', 'checked_in') group by 1, 2)
     select rt.hotel_id, rt.type, rt.used, coalesce(t.n, 0) as rows
     from room_types rt left join taken t on t.hotel_id = rt.hotel_id and t.type = rt.type
     where rt.incident_id = $1 and rt.used <> coalesce(t.n, 0)`,
    [incidentId],
  );
  const seatMismatches = await q(
    `with need as (
       select party_id, (count(*) filter (where not ('wheelchair' = any(needs))))::int as seated, (count(*) filter (where 'wheelchair' = any(needs)))::int as wheel
       from guests where incident_id = $1 group by party_id),
     riding as (
       select tr.trip_id, sum(n.seated)::int as seated, sum(n.wheel)::int as wheel
       from trip_riders tr join need n on n.party_id = tr.party_id
       where tr.incident_id = $1 and tr.status in ('planned', 'boarded') group by tr.trip_id)
     select t.id, t.status, t.seats_used, t.wheelchair_used, coalesce(r.seated, 0) as seated, coalesce(r.wheel, 0) as wheel
     from trips t left join riding r on r.trip_id = t.id
     where t.incident_id = $1 and t.status in ('planned', 'boarding')
       and (t.seats_used <> coalesce(r.seated, 0) or t.wheelchair_used <> coalesce(r.wheel, 0))`,
    [incidentId],
  );
  const [log] = await q(
    `select i.last_seq::int as "lastSeq", count(e.seq)::int as count, coalesce(min(e.seq), 1)::int as min, coalesce(max(e.seq), 0)::int as max
     from incidents i left join events e on e.incident_id = i.id where i.id = $1 group by i.last_seq`,
    [incidentId],
  );
  const [plans] = await q(`select count(*)::int as n from plans where incident_id = $1 and status = 'applied'`, [incidentId]);
  const [doubles] = await q(
    `select ((select count(*) from (select party_id from stays where incident_id = $1 and status in ('planned', 'checked_in') group by party_id having count(*) > 1) x)
           + (select count(*) from (select party_id from trip_riders where incident_id = $1 and status in ('planned', 'boarded') group by party_id having count(*) > 1) y))::int as n`,
    [incidentId],
  );
  return { roomMismatches, seatMismatches, log: log as InvariantReport['log'], appliedPlans: Number(plans!.n), doubleBooked: Number(doubles!.n) };
}

/** True when the report shows nothing wrong (and says what is wrong otherwise). */
export function invariantProblems(r: InvariantReport): string[] {
  const out: string[] = [];
  if (r.roomMismatches.length) out.push(`${r.roomMismatches.length} room counters differ from their stays: ${JSON.stringify(r.roomMismatches.slice(0, 3))}`);
  if (r.seatMismatches.length) out.push(`${r.seatMismatches.length} seat counters differ from their riders: ${JSON.stringify(r.seatMismatches.slice(0, 3))}`);
  if (!(r.log.count === r.log.lastSeq && r.log.max === r.log.lastSeq && r.log.min === 1)) out.push(`event log has a gap: ${JSON.stringify(r.log)}`);
  if (r.appliedPlans > 1) out.push(`${r.appliedPlans} plans in force at once`);
  if (r.doubleBooked) out.push(`${r.doubleBooked} households with two active stays or rides`);
  return out;
}

/** The active stays and open trips, as comparable text (to show nothing changed). */
export async function activeSnapshot(q: Sql, incidentId: string): Promise<{ stays: string[]; trips: string[] }> {
  const stays = await q(
    `select party_id, hotel_id, rooms::text as rooms, status, plan_id from stays where incident_id = $1 and status in ('planned', 'checked_in') order by party_id`,
    [incidentId],
  );
  const trips = await q(
    `select t.vehicle_id, t.depart_at, t.status, t.seats_used, string_agg(r.party_id, ',' order by r.party_id) as riders
     from trips t left join trip_riders r on r.trip_id = t.id and r.status in ('planned', 'boarded')
     where t.incident_id = $1 and t.status <> 'cancelled' group by t.id order by t.vehicle_id, t.depart_at`,
    [incidentId],
  );
  return { stays: stays.map((r) => JSON.stringify(r)), trips: trips.map((r) => JSON.stringify(r)) };
}

/**
 * Is `plan` wholly in force? Every household of it has its active stay (same hotel, same rooms)
 * and its seat on a trip of the same vehicle and departure. Returns what is missing.
 */
export async function missingFromPlan(q: Sql, incidentId: string, plan: Plan): Promise<string[]> {
  const stays = await q(`select party_id, hotel_id, rooms from stays where incident_id = $1 and status in ('planned', 'checked_in')`, [incidentId]);
  const byParty = new Map(stays.map((s) => [String(s.party_id), s]));
  const missing: string[] = [];
  const norm = (rooms: unknown) =>
    JSON.stringify(
      [...((typeof rooms === 'string' ? JSON.parse(rooms) : rooms) as { type: string; count: number }[])].map((r) => `${r.type}:${r.count}`).sort(),
    );
  for (const s of plan.stays) {
    const row = byParty.get(s.partyId);
    if (!row || row.hotel_id !== s.hotelId || norm(row.rooms) !== norm(s.rooms)) missing.push(`stay ${s.partyId}`);
  }
  const rides = await q(
    `select r.party_id, t.vehicle_id, t.depart_at from trip_riders r join trips t on t.id = r.trip_id
     where r.incident_id = $1 and r.status in ('planned', 'boarded') and t.status <> 'cancelled'`,
    [incidentId],
  );
  const rideOf = new Map(rides.map((r) => [String(r.party_id), `${String(r.vehicle_id)}@${new Date(r.depart_at as string).getTime()}`]));
  for (const t of plan.trips) {
    const key = `${t.vehicleId}@${Date.parse(t.departAt)}`;
    for (const p of t.partyIds) if (rideOf.get(p) !== key) missing.push(`ride ${p}`);
  }
  return missing;
}
