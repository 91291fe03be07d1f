/**
 * `npm run bench:soak`: the storm played end to end against two replicas, watched for errors,
 * latency, memory growth, lost socket events and lost guests.
 *
 * A fresh PostgreSQL database (`soak_<timestamp>`, dropped at the end unless --keep) behind two app
 * processes (replicas) and a round-robin TCP proxy on loopback. Simulated people, all over HTTP and
 * Socket.IO like the real pages:
 *   - duty managers: compute and apply the plan; a hotel withdraws rooms a third of the way in and
 *     they re-plan (retrying when a proposal goes stale); they mark no-shows the drivers report,
 *     mark finished trips complete, handle guest replies, approve perks, and keep a console fresh;
 *   - drivers, one per vehicle, through their driver links: board households, depart, send
 *     positions every few seconds, arrive at each stop, then take the next trip;
 *   - receptions, one per hotel (users created for the run), on sockets: refetch arrivals on each
 *     notice, check households in as vehicles arrive, a few check-outs and perks;
 *   - guests through status links: poll like the phone page, a few say they went their own way,
 *     a few ask for help after check-in, some leave feedback;
 *   - socket watchers, duty managers subscribed on both replicas, counting every event.
 *
 * The storm's clock runs at --speed times real time (default 10); when the storm's timeline would
 * not fit in --minutes (default 10), the clock runs faster so it does, and says so.
 *
 * Prints requests, errors and latency (p50/p95/p99) per kind of request, RSS and heap (after GC)
 * of both replicas every 15 s with the slope over the second half, socket events received vs
 * expected, the load average, and every guest accounted for against the database.
 * Exits non-zero if a guest is lost or more than 1% of requests fail.
 *
 *   --minutes N (10)  --speed N (10)  --watchers N per replica (10)  --keep
 *   --pglite: the embedded server instead: one process on a fresh PGlite data directory (no
 *   proxy), its RSS (all its processes, from /proc) printed each minute with the max at the end
 *   (target <= 300 MB, decision 0017).
 *   BENCH_DATABASE_URL (default DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
 */
import os from 'node:os';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { HotelArrivals, IncidentState, PlanView } from '../shared/api.js';
import type { DriverLink, DriverTrip, DriverView } from '../shared/drivers.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/realtime.js';
import { openDatabase } from '../server/db/client.js';
import { hashPassword } from '../server/auth/password.js';
import { insertUser } from '../server/auth/repo.js';
import { startAppProcess, type AppProcess } from '../tests/helpers/process.js';
import { startProxy, type Proxy } from '../tests/helpers/proxy.js';
import { openLiveClient, type LiveClient } from '../tests/helpers/live-client.js';
import { num } from './args.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-db.js';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { seedDemoIfEmpty } from '../server/bootstrap.js';
import { EventBus } from '../server/events/log.js';
import { IncidentService } from '../server/incidents/service.js';
import { hotels } from '../server/db/schema.js';
import { mib, treeRss } from '../tests/helpers/proc.js';
import { report } from './lib/result.js';

// ---------------------------------------------------------------- flags
const MINUTES = num('minutes', 10);
const SPEED = num('speed', 10);
const WATCHERS = Math.round(num('watchers', 10));
const KEEP = process.argv.includes('--keep');
const PGLITE = process.argv.includes('--pglite');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'soak-password-2026';
const SAMPLE_MS = 15_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const log = (msg: string) => console.log(`[${((Date.now() - T0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const T0 = Date.now();

// ---------------------------------------------------------------- metrics
interface OpStats {
  n: number;
  errors: number;
  /** Non-2xx answers that are part of the job (a proposal gone stale, a manifest re-planned). */
  expected: number;
  lat: number[];
  statuses: Map<string, number>;
}
const ops = new Map<string, OpStats>();
const errorSamples: string[] = [];
function record(op: string, ms: number, status: number, outcome: 'ok' | 'expected' | 'error', detail = '') {
  const s: OpStats = ops.get(op) ?? { n: 0, errors: 0, expected: 0, lat: [], statuses: new Map<string, number>() };
  s.n++;
  s.lat.push(ms);
  s.statuses.set(String(status), (s.statuses.get(String(status)) ?? 0) + 1);
  if (outcome === 'error') {
    s.errors++;
    if (errorSamples.length < 30) errorSamples.push(`${op} ${status} ${detail.slice(0, 200)}`);
  }
  if (outcome === 'expected') s.expected++;
  ops.set(op, s);
}
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

// ---------------------------------------------------------------- HTTP through the proxy
let BASE = '';
interface CallOpts {
  cookie?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Simulated device address (X-Forwarded-For; the app trusts loopback proxies). */
  ip?: string;
  /** Non-2xx statuses that are an answer, not a failure, for this call. */
  expect?: number[];
}
async function call<T = unknown>(op: string, method: string, path: string, o: CallOpts = {}): Promise<{ status: number; body: T | null }> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.cookie) headers.cookie = o.cookie;
  if (o.ip) headers['x-forwarded-for'] = o.ip;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  try {
    const res = await fetch(`${BASE}${path}`, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let body: T | null = null;
    try {
      body = text ? (JSON.parse(text) as T) : null;
    } catch {
      /* not JSON */
    }
    const ok = res.status >= 200 && res.status < 300;
    record(op, ms, res.status, ok ? 'ok' : o.expect?.includes(res.status) ? 'expected' : 'error', text);
    return { status: res.status, body };
  } catch (err) {
    record(op, performance.now() - started, 0, 'error', (err as Error).message);
    return { status: 0, body: null };
  }
}

// ---------------------------------------------------------------- the run
interface Replica {
  name: string;
  app: AppProcess;
  samples: { t: number; rss: number; heap: number; external?: number }[];
}

let stopping = false;
let stormOver = false;

async function main() {
  // PGlite: a data directory seeded here (storm, demo users, a reception user per hotel) before the
  // server opens it, since only one process can open it at a time.
  const dataRoot = PGLITE ? mkdtempSync(path.join(os.tmpdir(), 'rc-soak-')) : '';
  const dataDir = path.join(dataRoot, 'pglite');
  const scratch: ScratchDatabase = PGLITE
    ? { name: dataDir, url: '', drop: async () => rmSync(dataRoot, { recursive: true, force: true }) }
    : await createScratchDatabase(
        ADMIN_URL,
        `soak_${new Date()
          .toISOString()
          .replace(/[-:T.Z]/g, '')
          .slice(0, 14)}_${process.pid}`,
      );
  const dbUrl = scratch.url;
  if (PGLITE) {
    const seedDb = await openDatabase({ dataDir });
    await seedDemoIfEmpty(seedDb, new IncidentService(seedDb.db, new EventBus()), PASSWORD);
    const hash = await hashPassword(PASSWORD);
    const hotelRows = await seedDb.db.select({ id: hotels.id, incidentId: hotels.incidentId, name: hotels.name }).from(hotels);
    for (const h of hotelRows)
      await insertUser(seedDb.db, {
        email: `reception-${h.id.toLowerCase()}@soak.test`,
        name: `Reception ${h.name}`,
        role: 'reception',
        passwordHash: hash,
        incidentId: h.incidentId,
        hotelId: h.id,
      });
    await seedDb.close();
    log(`PGlite data directory ${dataDir} (storm seeded)`);
  } else log(`database ${scratch.name} on ${new URL(dbUrl).host}`);
  const rssMinutes: number[] = [];

  const replicas: Replica[] = [];
  let proxy: Proxy | null = null;
  const watchers: LiveClient[] = [];
  const sockets: Socket[] = [];
  let exitCode = 1;
  try {
    const env = {
      ...(PGLITE ? { DATA_DIR: dataDir } : { DATABASE_URL: dbUrl }),
      SEED_DEMO: 'true',
      DEMO_PASSWORD: PASSWORD,
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_PLANS_PER_MIN: '600',
      MESSAGES_TICK_MS: '5000',
    };
    // The first replica migrates and seeds; the second joins.
    replicas.push({
      name: 'A',
      app: await startAppProcess(env, { memoryProbe: true, ...(PGLITE ? { npmStart: true } : {}) }),
      samples: [],
    });
    if (!PGLITE) replicas.push({ name: 'B', app: await startAppProcess(env, { memoryProbe: true }), samples: [] });
    proxy = await startProxy(
      replicas.map((r) => ({ host: '127.0.0.1', port: r.app.port })),
      { roundRobin: true },
    );
    BASE = proxy.url;
    log(`replicas ${replicas.map((r) => `${r.name} ${r.app.url}`).join(', ')}; proxy ${proxy.url}`);

    // ------------------------------------------------------------ people
    const login = async (email: string, ip: string) => {
      const res = await fetch(`${BASE}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
      return res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
    };
    const duty = await login('duty@demo.test', '10.1.0.1');
    const duty2 = await login('duty2@demo.test', '10.1.0.2');
    const incidentId = (await call<{ incidents: { id: string }[] }>('incidents.list', 'GET', '/api/incidents', { cookie: duty })).body!.incidents[0]!.id;
    const state0 = (await call<IncidentState>('console.state', 'GET', `/api/incidents/${incidentId}/state`, { cookie: duty })).body!;
    const partyIndex = new Map(state0.parties.map((p, i) => [p.id, i]));
    const guestsOf = new Map(state0.parties.map((p) => [p.id, p.size]));
    log(
      `storm: ${state0.parties.length} households, ${[...guestsOf.values()].reduce((a, b) => a + b, 0)} guests, ${state0.hotels.length} hotels, ${state0.vehicles.length} vehicles`,
    );

    // Reception users, one per hotel (the demo has one); created directly in the run's database.
    if (!PGLITE) {
      const database = await openDatabase({ databaseUrl: dbUrl, migrate: false, poolSize: 2 });
      const hash = await hashPassword(PASSWORD);
      for (const h of state0.hotels)
        await insertUser(database.db, {
          email: `reception-${h.id.toLowerCase()}@soak.test`,
          name: `Reception ${h.name}`,
          role: 'reception',
          passwordHash: hash,
          incidentId,
          hotelId: h.id,
        });
      await database.close();
    }

    // Socket watchers: duty managers subscribed on each replica directly.
    const startSeq = state0.seq;
    for (const r of replicas)
      for (let i = 0; i < WATCHERS; i++) watchers.push(await openLiveClient({ url: r.app.url, cookie: i % 2 ? duty : duty2, incidentId, sinceSeq: startSeq }));
    log(`${watchers.length} socket watchers subscribed from seq ${startSeq}`);

    // ------------------------------------------------------------ the plan
    const base = `/api/incidents/${incidentId}`;
    const proposeAndApply = async (why: string): Promise<PlanView | null> => {
      for (let attempt = 1; attempt <= 30 && !stopping; attempt++) {
        const p = await call<PlanView>('plan.propose', 'POST', `${base}/plans`, { cookie: duty });
        if (p.status !== 201 || !p.body) {
          await sleep(1000);
          continue;
        }
        const a = await call('plan.apply', 'POST', `${base}/plans/${p.body.id}/apply`, { cookie: duty, expect: [409] });
        if (a.status === 200) {
          log(
            `${why}: plan applied (attempt ${attempt}): ${p.body.plan.stays.length} housed, ${p.body.plan.unassigned.length} unplaced, ${p.body.plan.trips.length} trips`,
          );
          return p.body;
        }
        await sleep(200 + Math.random() * 800);
      }
      log(`${why}: no plan could be applied`);
      return null;
    };
    const plan = await proposeAndApply('first plan');
    if (!plan) throw new Error('the first plan was not applied');

    // The storm's clock.
    const departs = plan.plan.trips.map((t) => Date.parse(t.departAt));
    const arrives = plan.plan.trips.flatMap((t) => t.arrivals.map((a) => Date.parse(a)));
    const simStart = Math.min(...departs) - 12 * 60_000;
    const simSpan = Math.max(...arrives) + 5 * 60_000 - simStart;
    const windowMs = MINUTES * 60_000;
    const speed = Math.max(SPEED, simSpan / (windowMs * 0.85));
    const runStart = Date.now();
    const simNow = () => simStart + (Date.now() - runStart) * speed;
    const untilSim = async (t: number) => {
      while (!stopping && simNow() < t) await sleep(Math.min(2000, (t - simNow()) / speed));
    };
    const simClock = (t = simNow()) => new Date(t).toISOString().slice(11, 16);
    log(
      `storm clock ${simClock(simStart)} -> ${simClock(simStart + simSpan)} (${Math.round(simSpan / 60_000)} min) at ${speed.toFixed(1)}x${speed > SPEED ? ` (asked ${SPEED}x: faster so the storm fits in ${MINUTES} min)` : ''}`,
    );

    // Who does what (deterministic by household position).
    const idx = (partyId: string) => partyIndex.get(partyId) ?? 0;
    const noShow = (partyId: string) => idx(partyId) % 37 === 17;
    const ownWay = (partyId: string) => idx(partyId) % 41 === 5;
    const hasPhone = (partyId: string) => idx(partyId) % 6 === 0 || ownWay(partyId);
    const helpAfterCheckIn = (partyId: string) => idx(partyId) % 29 === 3 && hasPhone(partyId);
    const checksOut = (partyId: string) => idx(partyId) % 23 === 11;
    const getsPerk = (partyId: string) => idx(partyId) % 13 === 7;

    // ------------------------------------------------------------ duty managers
    const noShowQueue: { partyId: string; hotelId: string }[] = [];
    const completedTrips: string[] = [];
    const selfEvacuated = new Set<string>();
    const dutyTasks: Promise<void>[] = [];
    // The console: a refetch of state and summary at most every 2 s while events flow.
    let consoleDirty = false;
    for (const w of watchers.slice(0, 2)) w.socket.on('events', () => (consoleDirty = true));
    dutyTasks.push(
      (async () => {
        while (!stopping) {
          if (consoleDirty) {
            consoleDirty = false;
            await Promise.all([
              call('console.state', 'GET', `${base}/state`, { cookie: duty }),
              call('console.summary', 'GET', `${base}/summary`, { cookie: duty }),
            ]);
          }
          await sleep(2000);
        }
      })(),
    );
    // No-shows reported by drivers; trips to mark complete; guest replies; perks to approve.
    dutyTasks.push(
      (async () => {
        let tick = 0;
        while (!stopping || noShowQueue.length || completedTrips.length) {
          for (const n of noShowQueue.splice(0)) {
            await call('dm.no_show', 'POST', `${base}/hotels/${n.hotelId}/arrivals/no-shows`, {
              cookie: duty2,
              body: { partyId: n.partyId, kind: 'no_show', note: 'did not come to the muster point' },
              expect: [404, 409],
            });
          }
          for (const tripId of completedTrips.splice(0))
            await call('dm.trip_complete', 'POST', `${base}/ledger/trips/${tripId}/complete`, { cookie: duty2, expect: [409] });
          if (tick++ % 10 === 0) {
            const replies = await call<{ replies: { id: string }[] }>('dm.replies', 'GET', `${base}/guest-replies?open=true`, { cookie: duty2 });
            for (const r of replies.body?.replies ?? [])
              await call('dm.reply_handle', 'POST', `${base}/guest-replies/${r.id}/handle`, { cookie: duty2, body: { note: 'called back' }, expect: [409] });
            const pending = await call<{ lines?: { id: string }[] }>('dm.perks_pending', 'GET', `${base}/ledger/pending`, { cookie: duty2 });
            for (const e of pending.body?.lines ?? [])
              await call('dm.perk_approve', 'POST', `${base}/ledger/entries/${e.id}/approve`, { cookie: duty2, body: {}, expect: [409] });
          }
          await sleep(1000);
        }
      })(),
    );
    // A third of the way in, the hotel with most households still to come withdraws half its rooms; re-plan.
    let replanned: PlanView | null = null;
    dutyTasks.push(
      (async () => {
        await untilSim(simStart + simSpan / 3);
        if (stopping) return;
        const st = (await call<IncidentState>('console.state', 'GET', `${base}/state`, { cookie: duty })).body!;
        const coming = new Map<string, number>();
        for (const p of st.parties)
          if (p.hotelId && (p.status === 'assigned' || p.status === 'on_vehicle')) coming.set(p.hotelId, (coming.get(p.hotelId) ?? 0) + 1);
        const hotel = st.hotels.filter((h) => coming.has(h.id)).sort((a, b) => (coming.get(b.id) ?? 0) - (coming.get(a.id) ?? 0))[0];
        if (!hotel) return log('withdrawal: no hotel with households still to come');
        // Half its rooms; if too many are held by guests checked in or on their way (409), a smaller share.
        let res: { status: number; body: { displacedPartyIds: string[] } | null } = { status: 0, body: null };
        let share = 0;
        for (share of [0.5, 0.35, 0.2, 0.1]) {
          const roomTypes = hotel.roomTypes.map(({ used: _u, ...r }) => ({ ...r, count: Math.max(0, Math.ceil(r.count * (1 - share))) }));
          res = await call<{ displacedPartyIds: string[] }>('dm.withdraw_rooms', 'PATCH', `${base}/hotels/${hotel.id}`, {
            cookie: duty,
            body: { roomTypes },
            expect: [409],
          });
          if (res.status === 200) break;
        }
        const displaced = res.body?.displacedPartyIds ?? [];
        const onRoad = displaced.filter((id) => st.parties.find((p) => p.id === id)?.status === 'on_vehicle').length;
        log(
          `withdrawal at ${simClock()}: ${hotel.name} withdraws ${Math.round(share * 100)}% of its rooms; ${displaced.length} households displaced (${coming.get(hotel.id)} were still to come; ${onRoad} of the displaced were already on a vehicle)`,
        );
        replanned = await proposeAndApply('re-plan after the withdrawal');
      })(),
    );

    // ------------------------------------------------------------ drivers
    const links = (await call<{ links: DriverLink[] }>('dm.driver_links', 'GET', `${base}/drivers`, { cookie: duty })).body!.links;
    let driversBusy = 0;
    const driverTask = async (link: DriverLink, n: number) => {
      const ip = `10.2.${Math.floor(n / 200)}.${(n % 200) + 1}`;
      const drive = `/api/drive/${link.token}`;
      const opts = { ip, expect: [404, 409] };
      const view = async () => (await call<DriverView>('drive.view', 'GET', drive, { ip })).body;
      const boardAll = async (trip: DriverTrip) => {
        for (const h of trip.households) {
          if (stopping || h.status !== 'planned' || noShow(h.partyId) || selfEvacuated.has(h.partyId)) continue;
          await call('drive.board', 'POST', `${drive}/boardings`, { ...opts, body: { tripId: trip.id, partyId: h.partyId } });
          await sleep(150);
        }
      };
      while (!stopping) {
        const v = await view();
        const trip = v?.trip;
        if (!trip) {
          if (stormOver) return;
          await sleep(10_000);
          continue;
        }
        driversBusy++;
        lastArrivalWork = Date.now();
        try {
          let departedAt = simNow();
          if (trip.status === 'planned' || trip.status === 'boarding') {
            await untilSim(Date.parse(trip.departAt) - 10 * 60_000);
            // The manifest as it is now (a re-plan may have rebuilt the trip meanwhile).
            const boarding = (await view())?.trip;
            if (!boarding || boarding.id !== trip.id) continue;
            await boardAll(boarding);
            await untilSim(Date.parse(trip.departAt));
            const fresh = (await view())?.trip;
            if (!fresh || fresh.id !== trip.id) continue; // re-planned meanwhile
            await boardAll(fresh);
            const dep = await call<{ leftBehind?: number }>('drive.depart', 'POST', `${drive}/departures`, { ...opts, body: { tripId: trip.id } });
            const missing = fresh.households.filter((h) => h.status === 'planned' && (noShow(h.partyId) || selfEvacuated.has(h.partyId)));
            for (const h of missing) if (noShow(h.partyId)) noShowQueue.push({ partyId: h.partyId, hotelId: h.hotelId });
            if (dep.status !== 200) {
              await sleep(3000); // nobody aboard (all no-shows): the duty manager sorts it out, then look again
              continue;
            }
            departedAt = simNow();
          }
          // On the road: positions every few seconds, each stop at its time.
          const moving = (await view())?.trip;
          if (!moving || moving.id !== trip.id) continue;
          // (The server stamps departures and arrivals with the real time; the storm runs on its own clock.)
          let from = { lat: moving.from.lat, lng: moving.from.lng, t: departedAt };
          let planned = Date.parse(moving.departAt);
          for (const stop of moving.stops) {
            // As long on the road as the plan says, counted from when the vehicle really left.
            const leg = stop.eta ? Math.max(3 * 60_000, Date.parse(stop.eta) - planned) : 20 * 60_000;
            planned = stop.eta ? Date.parse(stop.eta) : planned + leg;
            if (stop.arrivedAt) {
              from = { lat: stop.lat, lng: stop.lng, t: from.t + leg };
              continue;
            }
            const eta = from.t + leg;
            while (!stopping && simNow() < eta) {
              const f = Math.min(1, Math.max(0, (simNow() - from.t) / (eta - from.t)));
              await call('drive.position', 'POST', `${drive}/positions`, {
                ip,
                body: { lat: from.lat + (stop.lat - from.lat) * f, lng: from.lng + (stop.lng - from.lng) * f, accuracyM: 15 },
              });
              await sleep(Math.min(3000, (eta - simNow()) / speed));
            }
            if (stopping) break;
            await call('drive.arrive', 'POST', `${drive}/arrivals`, { ...opts, body: { tripId: moving.id, hotelId: stop.hotelId } });
            from = { lat: stop.lat, lng: stop.lng, t: eta };
          }
          if (!stopping) completedTrips.push(moving.id);
        } finally {
          driversBusy--;
          if (driversBusy === 0) driversIdleSince = Date.now();
        }
      }
    };
    // Every vehicle in service has a driver: one without a trip now may get one in a re-plan.
    const driverTasks = links.filter((l) => l.status === 'in_service').map((l, i) => driverTask(l, i));
    log(`${driverTasks.length} drivers on the road`);

    // ------------------------------------------------------------ receptions
    /** When a reception last found households to check in (the storm is over once they stop finding any). */
    let lastArrivalWork = Date.now();
    let driversIdleSince = Date.now();
    const receptionTask = async (hotel: IncidentState['hotels'][number], n: number) => {
      const ip = `10.3.${Math.floor(n / 200)}.${(n % 200) + 1}`;
      const cookie = await login(`reception-${hotel.id.toLowerCase()}@soak.test`, ip);
      const url = `${base}/hotels/${hotel.id}/arrivals`;
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(replicas[n % replicas.length]!.app.url, {
        transports: ['websocket'],
        extraHeaders: { cookie },
        forceNew: true,
      });
      sockets.push(socket as unknown as Socket);
      let dirty = true;
      socket.on('hotel.changed', () => (dirty = true));
      const checkedIn = new Map<string, number>();
      const done = new Set<string>();
      let lastPoll = 0;
      while (!stopping) {
        if (dirty || Date.now() - lastPoll > 20_000) {
          dirty = false;
          lastPoll = Date.now();
          const list = (await call<HotelArrivals>('reception.arrivals', 'GET', url, { cookie, ip })).body;
          const arrived = (list?.households ?? []).filter((h) => h.status === 'arrived');
          if (arrived.length) lastArrivalWork = Date.now();
          for (const h of arrived) {
            const r = await call('reception.check_in', 'POST', `${url}/checkins`, {
              cookie,
              ip,
              body: {
                partyId: h.partyId,
                roomNumbers: Object.fromEntries(h.rooms.map((r, i) => [r.type, Array.from({ length: r.count }, (_, k) => `${100 + i * 20 + k}`)])),
              },
              expect: [409],
            });
            if (r.status === 200) checkedIn.set(h.partyId, simNow());
          }
        }
        for (const [partyId, at] of checkedIn) {
          if (done.has(partyId)) continue;
          if (getsPerk(partyId) && simNow() > at + 20 * 60_000) {
            done.add(partyId);
            await call('reception.perk', 'POST', `${base}/ledger/perks`, {
              cookie,
              ip,
              body: { partyId, category: 'meals', amountMinor: 1850, receiptRef: `R-${hotel.id}-${partyId}`, note: 'supper' },
              expect: [409],
            });
          } else if (checksOut(partyId) && simNow() > at + 30 * 60_000) {
            done.add(partyId);
            await call('reception.check_out', 'POST', `${url}/checkouts`, { cookie, ip, body: { partyId }, expect: [409] });
          }
        }
        await sleep(500);
      }
      socket.disconnect();
    };
    const receptionTasks = state0.hotels.map((h, i) => receptionTask(h, i));

    // ------------------------------------------------------------ guests
    const phones = state0.parties.filter((p) => hasPhone(p.id));
    const guestTask = async (partyId: string, n: number) => {
      const ip = `10.4.${Math.floor(n / 200)}.${(n % 200) + 1}`;
      let link = await call<{ token: string | null }>('dm.status_link', 'GET', `${base}/status-links/${partyId}`, { cookie: duty2 });
      if (!link.body?.token)
        link = await call<{ token: string | null }>('dm.status_link', 'POST', `${base}/status-links/${partyId}/reissue`, { cookie: duty2, body: {} });
      const token = link.body?.token;
      if (!token) return;
      const headers = { 'x-status-token': token };
      let replied = false;
      let fed = false;
      await sleep(Math.random() * 15_000);
      while (!stopping) {
        const s = await call<{ household?: { status: string } }>('guest.status', 'GET', '/api/guest/status', { headers, ip });
        const status = s.body?.household?.status ?? '';
        if (!replied && ownWay(partyId) && ['waiting', 'assigned'].includes(status)) {
          replied = true;
          selfEvacuated.add(partyId);
          await call('guest.reply', 'POST', '/api/guest/replies', {
            headers,
            ip,
            body: { kind: 'own_way', key: `own-${partyId}-key`, place: 'my sister in Lincoln' },
          });
        } else if (!replied && helpAfterCheckIn(partyId) && status === 'checked_in') {
          replied = true;
          await call('guest.reply', 'POST', '/api/guest/replies', {
            headers,
            ip,
            body: { kind: 'need_help', key: `help-${partyId}-key`, text: 'we left the inhaler at the park' },
          });
        } else if (!fed && status === 'checked_in' && idx(partyId) % 2 === 0) {
          fed = true;
          await call('guest.feedback', 'POST', '/api/guest/feedback', { headers, ip, body: { rating: 4, comment: 'warm and kind' } });
        }
        await sleep(15_000);
      }
    };
    const guestTasks = phones.map((p, i) => guestTask(p.id, i));
    log(`${receptionTasks.length} receptions, ${guestTasks.length} guests with a status link`);

    // ------------------------------------------------------------ sampling
    const loads: number[][] = [];
    /** Every sample also reads the console's counters: by whereabouts they must sum to the guest total. */
    const counterChecks: { t: number; ok: boolean; detail: string }[] = [];
    const checkCounters = async () => {
      const res = await call<IncidentState>('soak.counters', 'GET', `/api/incidents/${incidentId}/state`, { cookie: duty });
      if (!res.body?.guestCounts) return;
      const c = res.body.guestCounts;
      const sum = Object.values(c.byWhereabouts).reduce((a, b) => a + b, 0);
      const guests = res.body.parties.reduce((n, p) => n + p.guests.length, 0);
      const ok = sum === c.total && c.total === guests && c.total === state0.guestCounts.total;
      counterChecks.push({
        t: (Date.now() - runStart) / 60_000,
        ok,
        detail: `seq ${res.body.seq}: sum ${sum}, total ${c.total}, guests ${guests} (${Object.entries(c.byWhereabouts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`,
      });
    };
    const sample = async () => {
      loads.push(os.loadavg());
      await checkCounters().catch(() => undefined);
      for (const r of replicas) {
        try {
          const m = await r.app.memory!();
          r.samples.push({ t: (Date.now() - runStart) / 60_000, rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20, external: m.external / 2 ** 20 });
        } catch {
          /* a replica that does not answer is reported by the crash check */
        }
      }
      if (PGLITE) {
        const tree = mib(treeRss(replicas[0]!.app.child.pid!).bytes);
        const minute = Math.floor((Date.now() - runStart) / 60_000);
        if (rssMinutes.length <= minute) {
          rssMinutes.push(tree);
          log(`minute ${minute}: embedded server RSS (all processes) ${tree} MB`);
        } else rssMinutes[minute] = Math.max(rssMinutes[minute]!, tree);
      }
      const last = replicas
        .map((r) => r.samples.at(-1))
        .map((s, i) => `${replicas[i]!.name} rss ${s?.rss.toFixed(0)} heap ${s?.heap.toFixed(0)} external ${s?.external?.toFixed(0)} MB`);
      const total = [...ops.values()].reduce((a, s) => a + s.n, 0);
      log(`${simClock()} | ${last.join(' | ')} | load ${os.loadavg()[0]!.toFixed(2)} | ${total} requests, events ${watchers[0]?.lastSeq ?? 0}`);
    };
    await sample();
    const sampler = setInterval(() => void sample(), SAMPLE_MS);

    // ------------------------------------------------------------ until the window ends and the storm is over
    const hardStop = runStart + windowMs * 1.6;
    while (Date.now() < hardStop) {
      await sleep(1000);
      const timeUp = Date.now() - runStart >= windowMs;
      // Over: past the storm's end, no vehicle on a trip, and receptions found nothing to check in for 25 s.
      const settled = simNow() > simStart + simSpan && driversBusy === 0 && Date.now() - Math.max(driversIdleSince, lastArrivalWork) > 25_000;
      if (settled && !stormOver) {
        stormOver = true;
        log(`storm over at ${simClock()} (${((Date.now() - runStart) / 60_000).toFixed(1)} min)`);
      }
      if (timeUp && stormOver) break;
      if (replicas.some((r) => r.app.child.exitCode !== null || r.app.child.signalCode)) break;
    }
    const runMinutes = (Date.now() - runStart) / 60_000;
    if (!stormOver) log(`the storm was not over after ${runMinutes.toFixed(1)} min; stopping anyway`);
    await sample();
    clearInterval(sampler);
    stopping = true;
    stormOver = true;
    await Promise.race([Promise.all([...driverTasks, ...receptionTasks, ...guestTasks, ...dutyTasks]), sleep(60_000)]);

    // ------------------------------------------------------------ results
    const crashed = replicas.filter((r) => r.app.child.exitCode !== null || r.app.child.signalCode);
    let check: { query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>; end(): Promise<void> };
    let finalSeq: number;
    if (PGLITE) {
      finalSeq = (await call<IncidentState>('console.state', 'GET', `${base}/state`, { cookie: duty })).body!.seq;
      await Promise.all(watchers.map((w) => w.waitFor(finalSeq, 30_000).catch(() => undefined)));
      for (const r of replicas) await r.app.kill('SIGTERM');
      const lite = await PGlite.create(dataDir);
      check = { query: (t, p) => lite.query(t, p) as never, end: () => lite.close() };
    } else {
      const client = new pg.Client({ connectionString: dbUrl });
      await client.connect();
      check = client as never;
      finalSeq = Number((await check.query('select last_seq from incidents where id = $1', [incidentId])).rows[0]!.last_seq);
      await Promise.all(watchers.map((w) => w.waitFor(finalSeq, 30_000).catch(() => undefined)));
    }
    const accounting = (
      await check.query(
        `select case
                  when p.status = 'checked_in' and exists (select 1 from stays s where s.incident_id = p.incident_id and s.party_id = p.id and s.status = 'checked_in') then 'checked in'
                  when p.status = 'checked_out' then 'checked out'
                  when p.status = 'self_evacuated' then 'self-evacuated'
                  when p.status = 'no_show' then 'no-show'
                  when p.status = 'needs_help' then 'flagged: needs help'
                  when p.status = 'waiting' and not exists (select 1 from stays s where s.incident_id = p.incident_id and s.party_id = p.id and s.status in ('planned', 'checked_in')) then 'flagged: unplaced (no room left)'
                  else 'LOST: ' || p.status
                end as outcome, count(distinct p.id)::int as households, count(g.id)::int as guests
         from parties p join guests g on g.incident_id = p.incident_id and g.party_id = p.id
         where p.incident_id = $1 group by 1 order by 1`,
        [incidentId],
      )
    ).rows as { outcome: string; households: number; guests: number }[];
    const totalGuests = Number((await check.query('select count(*)::int as n from guests where incident_id = $1', [incidentId])).rows[0]!.n);
    // For anyone lost: what the database says about them, and their story in the event log.
    const lostDetail = (
      await check.query(
        `select p.id, p.status,
                (select string_agg(s.hotel_id || ':' || s.status, ',') from stays s where s.incident_id = p.incident_id and s.party_id = p.id) as stays,
                (select string_agg(t.vehicle_id || '@' || to_char(t.depart_at, 'HH24:MI') || ':' || t.status || '/' || r.status, ',') from trip_riders r join trips t on t.id = r.trip_id where r.incident_id = p.incident_id and r.party_id = p.id) as rides,
                (select string_agg(e.seq || ' ' || e.type, '; ' order by e.seq) from events e where e.incident_id = p.incident_id and (e.payload::text like '%"' || p.id || '"%')) as story
         from parties p where p.incident_id = $1 and p.status not in ('checked_in', 'checked_out', 'self_evacuated', 'no_show', 'needs_help', 'waiting')`,
        [incidentId],
      )
    ).rows as { id: string; status: string; stays: string; rides: string; story: string }[];
    await check.end();

    console.log('\n================ soak results ================');
    console.log(
      `run ${runMinutes.toFixed(1)} min, storm clock ${speed.toFixed(1)}x (asked ${SPEED}x), ${PGLITE ? '1 embedded server (PGlite)' : `2 replicas behind a round-robin proxy, PostgreSQL ${new URL(dbUrl).host}`}`,
    );
    if (PGLITE) {
      const max = Math.max(...rssMinutes);
      console.log(`embedded server RSS (all processes) each minute: ${rssMinutes.join(' ')} MB; max ${max} MB (target <= 300 MB)`);
      report({ figure: 'embedded server RSS during the soak, max', value: max, unit: 'MB', target: '<= 300' });
    }
    const rows = [...ops.entries()].sort((a, b) => b[1].n - a[1].n);
    let total = 0;
    let errors = 0;
    console.log(
      `${'op'.padEnd(22)} ${'n'.padStart(6)} ${'err'.padStart(5)} ${'expct'.padStart(5)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'p99'.padStart(6)}  statuses`,
    );
    for (const [op, s] of rows) {
      const sorted = [...s.lat].sort((a, b) => a - b);
      total += s.n;
      errors += s.errors;
      console.log(
        `${op.padEnd(22)} ${String(s.n).padStart(6)} ${String(s.errors).padStart(5)} ${String(s.expected).padStart(5)} ${pct(sorted, 50).toFixed(0).padStart(6)} ${pct(sorted, 95).toFixed(0).padStart(6)} ${pct(sorted, 99).toFixed(0).padStart(6)}  ${[...s.statuses].map(([k, v]) => `${k}:${v}`).join(' ')}`,
      );
    }
    const errorRate = total ? errors / total : 0;
    console.log(
      `requests ${total} (${(total / (runMinutes * 60)).toFixed(1)}/s), errors ${errors} (${(errorRate * 100).toFixed(3)}%); latency in ms; "expct" = answers that are part of the job (stale proposal, re-planned manifest)`,
    );
    if (errorSamples.length) console.log(`first errors:\n  ${errorSamples.join('\n  ')}`);

    console.log('\nmemory (MB, after GC) every 15 s:');
    for (const r of replicas) {
      const half = r.samples.filter((s) => s.t >= runMinutes / 2);
      console.log(`  ${r.name}: rss ${r.samples.map((s) => s.rss.toFixed(0)).join(' ')}`);
      console.log(`  ${r.name}: heap ${r.samples.map((s) => s.heap.toFixed(0)).join(' ')}`);
      console.log(
        `  ${r.name}: slope over the second half: rss ${slope(half, 'rss').toFixed(2)} MB/min, heap ${slope(half, 'heap').toFixed(2)} MB/min (${half.length} samples)`,
      );
    }
    const l = loads.map((x) => x[0]!);
    console.log(
      `load average (1 min) during the run: min ${Math.min(...l).toFixed(2)}, mean ${(l.reduce((a, b) => a + b, 0) / l.length).toFixed(2)}, max ${Math.max(...l).toFixed(2)} on ${os.cpus().length} cores`,
    );

    const expected = finalSeq - startSeq;
    let lostByPush = 0;
    let dup = 0;
    let behind = 0;
    for (const w of watchers) {
      let got = 0;
      for (let s = startSeq + 1; s <= finalSeq; s++) if (w.pushedSeqs.has(s)) got++;
      lostByPush += expected - got;
      dup += w.duplicates;
      if (w.lastSeq !== finalSeq) behind++;
    }
    console.log(
      `\nsocket events: ${expected} expected per watcher x ${watchers.length} watchers (A and B); not pushed ${lostByPush} (filled by catch-up), duplicates ${dup}, watchers not at the last seq after catch-up ${behind}`,
    );

    console.log('\nguests at the end (checked against the database):');
    for (const r of accounting) console.log(`  ${r.outcome.padEnd(36)} ${String(r.households).padStart(4)} households ${String(r.guests).padStart(5)} guests`);
    const lost = accounting.filter((r) => r.outcome.startsWith('LOST')).reduce((n, r) => n + r.guests, 0);
    const counted = accounting.reduce((n, r) => n + r.guests, 0);
    console.log(`  total ${counted} of ${totalGuests} guests; lost ${lost}`);
    for (const d of lostDetail) console.log(`  lost ${d.id} (${d.status}): stays ${d.stays}; rides ${d.rides}; events ${d.story}`);
    console.log(`plans: first ${plan.id.slice(0, 8)}, re-plan ${(replanned as PlanView | null)?.id.slice(0, 8) ?? 'none'}`);
    if (crashed.length) console.log(`CRASHED replicas: ${crashed.map((r) => `${r.name}\n${r.app.output().slice(-3000)}`).join('\n')}`);

    const badCounters = counterChecks.filter((c) => !c.ok);
    if (!counterChecks.length) console.log('counters NOT CHECKED: the state carries no guestCounts');
    else if (badCounters.length)
      console.log(
        `counters INCONSISTENT at ${badCounters.length} of ${counterChecks.length} samples:\n  ${badCounters
          .slice(0, 5)
          .map((c) => c.detail)
          .join('\n  ')}`,
      );
    else console.log(`counters consistent at every sample (${counterChecks.length} samples; last ${counterChecks.at(-1)!.detail})`);
    const failed =
      lost > 0 || counted !== totalGuests || errorRate > 0.01 || crashed.length > 0 || behind > 0 || badCounters.length > 0 || !counterChecks.length;
    console.log(
      `\n${failed ? 'FAIL' : 'PASS'}: lost guests ${lost}, error rate ${(errorRate * 100).toFixed(3)}% (limit 1%), crashed replicas ${crashed.length}, watchers behind ${behind}`,
    );
    exitCode = failed ? 1 : 0;
  } finally {
    stopping = true;
    for (const w of watchers) w.close();
    for (const s of sockets) s.disconnect();
    await proxy?.close();
    for (const r of replicas) await r.app.kill('SIGTERM');
    if (!KEEP) await scratch.drop();
    else log(`kept database ${scratch.name}`);
  }
  process.exit(exitCode);
}

/** Least-squares slope of `key` per minute. */
function slope(samples: { t: number; rss: number; heap: number }[], key: 'rss' | 'heap'): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mv = samples.reduce((a, s) => a + s[key], 0) / n;
  const num = samples.reduce((a, s) => a + (s.t - mt) * (s[key] - mv), 0);
  const den = samples.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return den ? num / den : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
