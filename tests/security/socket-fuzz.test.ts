/**
 * Property-based fuzzing of every client -> server socket message, as each kind of connected user:
 * generated payloads (wrong types, odd and huge strings, deep nesting, pollution keys, extra
 * arguments, with and without an acknowledgement). The server must answer each one (an ack, or
 * `request.rejected` naming what is wrong), keep the connection usable, never write to the
 * database, and never pass a malformed value on to other listeners.
 */
import fc from 'fast-check';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { signIn } from '../helpers/api.js';
import { connect, connected, drained, loginCookie, roundTrip, type ClientSocket } from '../helpers/socket.js';
import { buildHotel, buildScenario, buildVehicle } from '../../seed/factories.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import type { Role } from '../../server/auth/types.js';
import type { ClientToServerEvents, PresenceEntry, SyncAck, VehiclePosition } from '../../shared/realtime.js';
import {
  FUZZ_SEED,
  changedTables,
  deepArb,
  fingerprinter,
  fuzzParams,
  hugeStringArb,
  jsonArb,
  nastyValueArb,
  pollutionArb,
  prototypePolluted,
  type Fingerprint,
} from './fuzz-kit.js';

type Who = 'duty' | 'reception' | 'insurer';
const WHO: Who[] = ['duty', 'reception', 'insurer'];

let server: TestServer;
let A: string;
let fp: Awaited<ReturnType<typeof fingerprinter>>;
const cookies = {} as Record<Who | 'observer', string>;
const sockets: ClientSocket[] = [];

async function createUser(who: Who | 'observer', role: Role, opts: { incidentId?: string; hotelId?: string; bound?: string[] } = {}) {
  const email = `sfuzz-${who}@test.example`;
  await insertUser(
    server.database.db,
    {
      email,
      name: `Socket fuzz ${who}`,
      role,
      passwordHash: await hashPassword(DEMO_PASSWORD),
      incidentId: opts.incidentId ?? null,
      hotelId: opts.hotelId ?? null,
    },
    opts.bound ?? [],
  );
  cookies[who] = await loginCookie(server.url, email);
  return email;
}

/** Messages over the server's 64 KiB limit close the connection by design (tested on its own below). */
const UNDER_LIMIT = 60_000;

/** What a payload can be: anything at all, or the valid one with a field spoiled, or hostile by construction. */
function payloadArb(valid: () => Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid());
  return fc
    .oneof(
      jsonArb,
      nastyValueArb([A, '00000000-0000-4000-8000-000000000000', 'A-V1']).map((v) =>
        v && typeof v === 'object' && 'text' in (v as object) ? safeParse((v as { text: string }).text) : v,
      ),
      fc.tuple(fc.constantFrom(...keys), nastyValueArb([A]), fc.boolean()).map(([k, v, drop]) => {
        const p: Record<string, unknown> = { ...valid() };
        if (drop) delete p[k];
        else p[k] = v && typeof v === 'object' && 'text' in (v as object) ? safeParse((v as { text: string }).text) : v;
        return p;
      }),
      pollutionArb.map((r) => ({ ...valid(), ...(safeParse(r.text) as object) })),
      hugeStringArb,
      deepArb.map((r) => safeParse(r.text)),
    )
    .filter((p) => Buffer.byteLength(JSON.stringify(p) ?? '') < UNDER_LIMIT);
}

/** `Raw` JSON text from the kit, parsed as the socket's JSON decoder would (own `__proto__` keys included). */
function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A valid payload per event: typed on the contract, so a new event needs an entry here too. */
const VALID: Record<keyof ClientToServerEvents, () => Record<string, unknown>> = {
  subscribe: () => ({ incidentId: A, sinceSeq: 0 }),
  'presence.update': () => ({ viewing: 'map' }),
  'vehicle.position': () => ({ incidentId: A, vehicleId: 'A-V1', lat: 53.1, lng: 0.3 }),
};

beforeAll(async () => {
  server = await startTestServer({ seed: 'none', env: { MESSAGES_ENABLED: 'false' } });
  const duty = await signIn(server.url, await createUser('duty', 'duty_manager'));
  A = (
    await duty
      .post('/api/incidents/import')
      .send(buildScenario({ incident: { name: 'Socket fuzz' }, hotels: [buildHotel({ id: 'A1' })], vehicles: [buildVehicle({ id: 'A-V1' })] }))
      .expect(201)
  ).body.incidentId;
  await createUser('observer', 'duty_manager');
  await createUser('reception', 'reception', { incidentId: A, hotelId: 'A1' });
  await createUser('insurer', 'insurer', { bound: [A] });
  fp = await fingerprinter(server.database);
});
afterAll(async () => {
  sockets.splice(0).forEach((s) => s.disconnect());
  await server?.close();
});

describe.each(Object.keys(VALID) as (keyof ClientToServerEvents)[])('%s', (event) => {
  test.each(WHO)('as %s: every payload is answered, nothing is written, nothing malformed is passed on', async (who) => {
    const s = connect(server.url, { cookie: cookies[who] });
    const observer = connect(server.url, { cookie: cookies.observer });
    sockets.push(s, observer);
    await Promise.all([connected(s), connected(observer)]);
    await new Promise<SyncAck>((resolve) => observer.emit('subscribe', { incidentId: A, sinceSeq: 0 }, resolve));
    const relayed: { presence: PresenceEntry[][]; positions: VehiclePosition[][] } = { presence: [], positions: [] };
    observer.on('presence.changed', (_id, entries) => relayed.presence.push(entries));
    observer.on('vehicles.moved', (_id, list) => relayed.positions.push(list));
    const rejections: { event: string; message: string }[] = [];
    s.on('request.rejected', (r) => rejections.push(r));
    const before: Fingerprint = await fp.take();

    await fc.assert(
      fc.asyncProperty(payloadArb(VALID[event]), fc.boolean(), fc.array(jsonArb, { maxLength: 2 }), async (payload, withAck, extra) => {
        const raw = s as unknown as { emit(e: string, ...args: unknown[]): void };
        const answered = rejections.length;
        let ack: unknown;
        const acked = withAck
          ? new Promise((resolve) => raw.emit(event, payload, ...extra, (a: unknown) => resolve((ack = a))))
          : (raw.emit(event, payload, ...extra), null);
        await roundTrip(s); // everything sent before has been handled
        const where = `\n${event} as ${who}: ${JSON.stringify(payload)?.slice(0, 300)} + ${extra.length} more argument(s) (FUZZ_SEED=${FUZZ_SEED})`;
        // subscribe with its acknowledgement in place must be answered (its checks may still be reading the database).
        if (acked && event === 'subscribe' && extra.length === 0)
          await Promise.race([acked, new Promise((_, reject) => setTimeout(() => reject(new Error(`subscribe was never acknowledged${where}`)), 5000))]);
        if (!s.connected) throw new Error(`the server dropped the connection${where}`);
        const polluted = prototypePolluted();
        if (polluted) throw new Error(`Object.prototype.${polluted} was set${where}`);
        // An answer for every message: subscribe acks (ok, or an error that says what), the others accept quietly or reject with a reason.
        if (event === 'subscribe' && typeof ack === 'object' && ack && 'ok' in ack && !(ack as { ok: boolean }).ok) {
          const error = (ack as { error?: unknown }).error;
          if (typeof error !== 'string' || !error.length || error.startsWith(':'))
            throw new Error(`an ack error that says nothing: ${JSON.stringify(ack)}${where}`);
        }
        for (const r of rejections.slice(answered))
          if (!r.message || r.message.startsWith(':')) throw new Error(`a rejection that says nothing: ${JSON.stringify(r)}${where}`);
      }),
      fuzzParams(`socket ${event} ${who}`),
    );

    // Whatever the server had batched (positions) or coalesced (presence) is sent now, ahead of a round trip.
    await drained(server, observer);
    expect(changedTables(before, await fp.take())).toEqual([]);
    for (const entries of relayed.presence)
      for (const e of entries) expect(e.viewing === null || (typeof e.viewing === 'string' && e.viewing.length <= 200)).toBe(true);
    for (const list of relayed.positions) {
      for (const p of list) {
        expect(p.vehicleId).toBe('A-V1');
        expect(Number.isFinite(p.lat) && Math.abs(p.lat) <= 90 && Number.isFinite(p.lng) && Math.abs(p.lng) <= 180).toBe(true);
      }
    }
    // Only managers' messages may have effects; reception and insurers were refused every time.
    if (who !== 'duty' && event !== 'subscribe') expect(rejections.length).toBeGreaterThan(0);
    s.disconnect();
    observer.disconnect();
  });
});

test('a message over the size limit closes only that connection; the server keeps serving', async () => {
  const s = connect(server.url, { cookie: cookies.duty });
  const other = connect(server.url, { cookie: cookies.duty });
  sockets.push(s, other);
  await Promise.all([connected(s), connected(other)]);
  const closed = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
  s.emit('presence.update', { viewing: 'x'.repeat(200 * 1024) });
  expect(await closed).toMatch(/transport/);
  expect(await roundTrip(other)).toMatchObject({ ok: false });
});
