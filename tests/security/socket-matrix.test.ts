/**
 * The socket authorization matrix, both ways.
 *
 * Client -> server: every event of `ClientToServerEvents` x every kind of caller, with the outcome
 * observed on a real connection: the connection refused, the event rejected (`request.rejected`),
 * an error in the acknowledgement, or accepted (its effect seen by a duty manager following the
 * incident). The table is typed `Record<keyof ClientToServerEvents, ...>` and checked at run time
 * against the contract's source and the server's registered handlers, so a new event without a row
 * fails both `tsc` and this file.
 *
 * Server -> client: which of `ServerToClientEvents` each kind of listener receives while changes
 * happen in two incidents, and that what reception hears carries no other hotel's guest data.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { signIn, type Agent } from '../helpers/api.js';
import { connect, connected, drained, loginCookie, type ClientSocket } from '../helpers/socket.js';
import { ROOT } from '../helpers/routes.js';
import { buildGuest, buildHotel, buildParty, buildRoomType, buildScenario, buildVehicle } from '../../seed/factories.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import { lastSeq } from '../../server/events/repo.js';
import type { Role } from '../../server/auth/types.js';
import type { ClientToServerEvents, ServerToClientEvents, SyncAck } from '../../shared/realtime.js';

/** Who tries to connect. The first four never get a connection. */
const CALLERS = [
  'none', //               no cookie
  'foreignOrigin', //      a duty manager's valid cookie, sent from another site
  'signedOut', //          a cookie whose session was signed out
  'driverLink', //         a driver's per-vehicle link token offered as the session
  'admin',
  'duty', //               duty_manager
  'reception', //          reception at hotel A1 of incident A
  'insurer', //            insurer bound to incident A
  'receptionElsewhere', // reception at hotel B1 of incident B
  'insurerElsewhere', //   insurer bound to incident B only
] as const;
type Caller = (typeof CALLERS)[number];

type Outcome = 'refused' | 'rejected' | 'ackError' | 'accepted';

/* prettier-ignore */
const CLIENT_EVENTS = {
  //                  connection refused for the four callers without a live, same-site session
  subscribe:          { none: 'refused', foreignOrigin: 'refused', signedOut: 'refused', driverLink: 'refused', admin: 'accepted', duty: 'accepted', reception: 'ackError', insurer: 'ackError', receptionElsewhere: 'ackError', insurerElsewhere: 'ackError' },
  'presence.update':  { none: 'refused', foreignOrigin: 'refused', signedOut: 'refused', driverLink: 'refused', admin: 'accepted', duty: 'accepted', reception: 'rejected', insurer: 'rejected', receptionElsewhere: 'rejected', insurerElsewhere: 'rejected' },
  'vehicle.position': { none: 'refused', foreignOrigin: 'refused', signedOut: 'refused', driverLink: 'refused', admin: 'accepted', duty: 'accepted', reception: 'rejected', insurer: 'rejected', receptionElsewhere: 'rejected', insurerElsewhere: 'rejected' },
} satisfies Record<keyof ClientToServerEvents, Record<Caller, Outcome>>;

/** Who listens while things change (all connected; managers follow the incident named). */
const LISTENERS = [
  'admin', //              follows A
  'duty', //               follows A
  'dutyOnB', //            a duty manager following B
  'reception', //          hotel A1
  'receptionNextDoor', //  hotel A2 of the same incident
  'insurer', //            bound to A
  'receptionElsewhere', // hotel B1
  'insurerElsewhere', //   bound to B
] as const;
type Listener = (typeof LISTENERS)[number];

/**
 * `own`: receives it, and only about its own incident (managers) or hotel (reception);
 * `never`: receives none of it. `request.rejected` goes only to the socket that sent the bad request.
 */
type Delivery = 'own' | 'never';
/* prettier-ignore */
const SERVER_EVENTS = {
  events:             { admin: 'own', duty: 'own', dutyOnB: 'own', reception: 'never', receptionNextDoor: 'never', insurer: 'never', receptionElsewhere: 'never', insurerElsewhere: 'never' },
  'hotel.changed':    { admin: 'never', duty: 'never', dutyOnB: 'never', reception: 'own', receptionNextDoor: 'own', insurer: 'never', receptionElsewhere: 'own', insurerElsewhere: 'never' },
  'presence.changed': { admin: 'own', duty: 'own', dutyOnB: 'own', reception: 'never', receptionNextDoor: 'never', insurer: 'never', receptionElsewhere: 'never', insurerElsewhere: 'never' },
  'vehicles.moved':   { admin: 'own', duty: 'own', dutyOnB: 'never', reception: 'never', receptionNextDoor: 'never', insurer: 'never', receptionElsewhere: 'never', insurerElsewhere: 'never' },
  'request.rejected': { admin: 'never', duty: 'never', dutyOnB: 'never', reception: 'own', receptionNextDoor: 'never', insurer: 'never', receptionElsewhere: 'never', insurerElsewhere: 'never' },
} satisfies Record<keyof ServerToClientEvents, Record<Listener, Delivery>>;

/** The keys of an interface in shared/realtime.ts, read from the source (interfaces do not exist at run time). */
function contractKeys(name: 'ClientToServerEvents' | 'ServerToClientEvents'): string[] {
  const src = readFileSync(path.join(ROOT, 'shared/realtime.ts'), 'utf8');
  const body = new RegExp(`export interface ${name} \\{([^}]*)\\}`).exec(src)?.[1];
  if (!body) throw new Error(`${name} not found in shared/realtime.ts`);
  return [...body.matchAll(/^\s*'?([\w.]+)'?\s*:/gm)].map((m) => m[1]!).sort();
}

let server: TestServer;
let A: string;
let B: string;
let duty: Agent;
const cookies = {} as Record<string, string>;
let driverToken: string;
const sockets: ClientSocket[] = [];
const open = (s: ClientSocket) => (sockets.push(s), s);
const SECRET_NOTE = 'SECRET-NOTE-pet-owner-left';
const SECRET_PHONE = '+447700900999';

async function createUser(key: string, role: Role, opts: { incidentId?: string; hotelId?: string; bound?: string[] } = {}) {
  const email = `sock-${key}@test.example`;
  await insertUser(
    server.database.db,
    { email, name: `Sock ${key}`, role, passwordHash: await hashPassword(DEMO_PASSWORD), incidentId: opts.incidentId ?? null, hotelId: opts.hotelId ?? null },
    opts.bound ?? [],
  );
  cookies[key] = await loginCookie(server.url, email);
  return email;
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'none', env: { MESSAGES_ENABLED: 'false', SOCKET_SESSION_CHECK_MS: '500' } });
  const dutyEmail = await createUser('duty', 'duty_manager');
  duty = await signIn(server.url, dutyEmail);
  A = (
    await duty
      .post('/api/incidents/import')
      .send(
        buildScenario({
          incident: { name: 'Socket incident A' },
          parties: [
            buildParty({ id: 'A-P1', guests: [buildGuest({ id: 'A-P1-G1', name: 'Ann One' })] }),
            buildParty({
              id: 'A-PETS',
              name: 'Petowner',
              needs: ['pets'],
              phone: SECRET_PHONE,
              guests: [buildGuest({ id: 'A-PETS-G1', name: 'Dee Petowner' })],
            }),
          ],
          hotels: [
            buildHotel({ id: 'A1', petsAllowed: false, roomTypes: [buildRoomType({ count: 50, rateMinor: 5000 })] }),
            buildHotel({ id: 'A2', lat: 53.17, lng: 0.3, petsAllowed: true, roomTypes: [buildRoomType({ count: 5, rateMinor: 30000 })] }),
          ],
          vehicles: [buildVehicle({ id: 'A-V1' })],
        }),
      )
      .expect(201)
  ).body.incidentId;
  B = (
    await duty
      .post('/api/incidents/import')
      .send(buildScenario({ incident: { name: 'Socket incident B' }, hotels: [buildHotel({ id: 'B1' })], vehicles: [buildVehicle({ id: 'B-V1' })] }))
      .expect(201)
  ).body.incidentId;
  const plan = (await duty.post(`/api/incidents/${A}/plans`).expect(201)).body.id;
  await duty.post(`/api/incidents/${A}/plans/${plan}/apply`).expect(200);
  await createUser('admin', 'admin');
  await createUser('observer', 'duty_manager');
  await createUser('dutyOnB', 'duty_manager');
  await createUser('reception', 'reception', { incidentId: A, hotelId: 'A1' });
  await createUser('receptionNextDoor', 'reception', { incidentId: A, hotelId: 'A2' });
  await createUser('insurer', 'insurer', { bound: [A] });
  await createUser('receptionElsewhere', 'reception', { incidentId: B, hotelId: 'B1' });
  await createUser('insurerElsewhere', 'insurer', { bound: [B] });
  const signedOut = await loginCookie(server.url, dutyEmail);
  const out = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie: signedOut } });
  expect(out.status).toBe(204);
  cookies.signedOut = signedOut;
  driverToken = ((await duty.get(`/api/incidents/${A}/drivers`).expect(200)).body.links as { vehicleId: string; token: string }[]).find(
    (l) => l.vehicleId === 'A-V1',
  )!.token;
});
afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
afterAll(async () => server?.close());

function socketFor(who: Caller): ClientSocket {
  switch (who) {
    case 'none':
      return open(connect(server.url));
    case 'foreignOrigin':
      return open(connect(server.url, { cookie: cookies.duty, origin: 'https://evil.example' }));
    case 'driverLink':
      return open(connect(server.url, { cookie: `rc_session=${encodeURIComponent(driverToken)}` }));
    default:
      return open(connect(server.url, { cookie: cookies[who] }));
  }
}

/** Everything a socket receives, in order. */
function record(s: ClientSocket) {
  const log: { event: string; args: unknown[] }[] = [];
  s.onAny((event: string, ...args: unknown[]) => log.push({ event, args }));
  return log;
}

function subscribe(s: ClientSocket, incidentId: string, sinceSeq = 0): Promise<SyncAck> {
  return new Promise((resolve) => s.emit('subscribe', { incidentId, sinceSeq }, resolve));
}

function waitFor<T>(s: ClientSocket, event: string, match: (...args: never[]) => T | undefined, timeoutMs = 4000): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => (s.off(event as never, handler as never), resolve(undefined)), timeoutMs);
    const handler = (...args: never[]) => {
      const hit = match(...args);
      if (hit !== undefined) {
        clearTimeout(timer);
        s.off(event as never, handler as never);
        resolve(hit);
      }
    };
    s.on(event as never, handler as never);
  });
}

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  for (const started = Date.now(); !cond();) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A duty manager following incident A: sees accepted presence and positions. */
async function observer() {
  const s = open(connect(server.url, { cookie: cookies.observer }));
  await connected(s);
  const ack = await subscribe(s, A);
  if (!ack.ok) throw new Error(ack.error);
  return s;
}

let marker = 0;
/** Refused presence and positions, each proven absent from the watcher once everything before it was flushed. */
const provenAbsent: { viewing: string[]; lat: number[] } = { viewing: [], lat: [] };

/**
 * Perform one cell of the client -> server table and report what happened. A presence or position
 * that was not accepted must never reach the watcher: once the server has flushed what it had
 * batched and the watcher has completed a round trip after it, the cell is 'leaked' if it did.
 */
async function attempt(event: keyof ClientToServerEvents, who: Caller, watcher: ClientSocket): Promise<Outcome | 'leaked'> {
  const s = socketFor(who);
  try {
    await connected(s);
  } catch {
    return 'refused';
  }
  const rejected = waitFor(s, 'request.rejected', (r: { event: string }) => (r.event === event ? ('rejected' as const) : undefined));
  switch (event) {
    case 'subscribe': {
      const ack = await subscribe(s, A);
      return ack.ok ? 'accepted' : 'ackError';
    }
    case 'presence.update': {
      await subscribe(s, A); // a manager must follow the incident for presence to mean anything
      const viewing = `viewing-${++marker}`;
      const seen = waitFor(watcher, 'presence.changed', (_id: string, entries: { viewing: string | null }[]) =>
        entries.some((e) => e.viewing === viewing) ? ('accepted' as const) : undefined,
      );
      const heard = record(watcher);
      s.emit('presence.update', { viewing });
      const outcome = (await Promise.race([rejected, seen])) ?? 'timeout';
      if (outcome === 'accepted') return outcome;
      await drained(server, watcher);
      if (JSON.stringify(heard).includes(`"${viewing}"`)) return 'leaked';
      provenAbsent.viewing.push(viewing);
      return outcome as Outcome;
    }
    case 'vehicle.position': {
      const lat = 53 + ++marker / 1000;
      const seen = waitFor(watcher, 'vehicles.moved', (_id: string, list: { lat: number }[]) =>
        list.some((p) => p.lat === lat) ? ('accepted' as const) : undefined,
      );
      const heard = record(watcher);
      s.emit('vehicle.position', { incidentId: A, vehicleId: 'A-V1', lat, lng: 0.3 });
      const outcome = (await Promise.race([rejected, seen])) ?? 'timeout';
      if (outcome === 'accepted') return outcome;
      await drained(server, watcher);
      if (JSON.stringify(heard).includes(String(lat))) return 'leaked';
      provenAbsent.lat.push(lat);
      return outcome as Outcome;
    }
  }
}

describe('client -> server: every event x every caller', () => {
  test('the table has a row for every event of the contract, and the server handles exactly those', async () => {
    const contract = contractKeys('ClientToServerEvents');
    expect(Object.keys(CLIENT_EVENTS).sort()).toEqual(contract);
    for (const row of Object.values(CLIENT_EVENTS)) expect(Object.keys(row).sort()).toEqual([...CALLERS].sort());
    const s = open(connect(server.url, { cookie: cookies.duty }));
    await connected(s);
    const serverSide = [...server.realtime.io.of('/').sockets.values()].find((x) => x.id === s.id)!;
    const reserved = new Set(['disconnect', 'disconnecting', 'error']);
    expect(
      serverSide
        .eventNames()
        .map(String)
        .filter((e) => !reserved.has(e))
        .sort(),
    ).toEqual(contract);
  });

  const cells = (Object.keys(CLIENT_EVENTS) as (keyof ClientToServerEvents)[]).flatMap((event) =>
    CALLERS.map((who) => ({ event, who, expected: CLIENT_EVENTS[event][who] as Outcome })),
  );
  test.each(cells)('$event as $who -> $expected', async ({ event, who, expected }) => {
    const watcher = await observer();
    expect(await attempt(event, who, watcher)).toBe(expected);
  });

  test('every refused presence and position was proven not to have reached the incident', () => {
    // Four connected callers are refused each of the two (the four without a connection sent nothing).
    expect(provenAbsent.viewing).toHaveLength(4);
    expect(provenAbsent.lat).toHaveLength(4);
  });
});

describe('client -> server: the edges', () => {
  test('admins and duty managers may follow any existing incident, but not one that does not exist', async () => {
    const s = socketFor('admin');
    await connected(s);
    expect(await subscribe(s, B)).toMatchObject({ ok: true });
    expect(await subscribe(s, '00000000-0000-4000-8000-000000000000')).toEqual({ ok: false, error: 'No such incident.' });
    expect(await subscribe(s, 'not-a-uuid')).toMatchObject({ ok: false, error: expect.stringMatching(/^incidentId: /) });
  });

  test('a position for a vehicle that is not in the incident is rejected and never broadcast', async () => {
    const watcher = await observer();
    const log = record(watcher);
    const s = socketFor('duty');
    await connected(s);
    for (const vehicleId of ['B-V1', 'no-such-vehicle']) {
      const rejected = waitFor(s, 'request.rejected', (r: { event: string; message: string }) => r);
      s.emit('vehicle.position', { incidentId: A, vehicleId, lat: 51.5, lng: 0.1 });
      expect(await rejected).toEqual({ event: 'vehicle.position', message: 'no such vehicle in this incident' });
    }
    await drained(server, watcher);
    expect(log.filter((l) => l.event === 'vehicles.moved')).toEqual([]);
  });

  test('subscribe without an acknowledgement, and unknown events, are answered request.rejected', async () => {
    const s = socketFor('duty');
    await connected(s);
    const raw = s as unknown as { emit(e: string, p?: unknown): void };
    let rejected = waitFor(s, 'request.rejected', (r: unknown) => r);
    raw.emit('subscribe', { incidentId: A, sinceSeq: 0 });
    expect(await rejected).toEqual({ event: 'subscribe', message: 'subscribe needs an acknowledgement callback' });
    rejected = waitFor(s, 'request.rejected', (r: unknown) => r);
    raw.emit('hotel.changed', { incidentId: A, hotelId: 'A1', seq: 1, type: 'spoofed' });
    expect(await rejected).toEqual({ event: 'hotel.changed', message: 'unknown event' });
  });

  test('signing out closes the sockets opened with that session, and it cannot subscribe again', async () => {
    const cookie = await loginCookie(server.url, 'sock-duty@test.example');
    const following = open(connect(server.url, { cookie }));
    const idle = open(connect(server.url, { cookie }));
    await Promise.all([connected(following), connected(idle)]);
    expect(await subscribe(following, A)).toMatchObject({ ok: true });
    const closed = (s: ClientSocket) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
    const followingClosed = closed(following);
    const idleClosed = closed(idle);
    expect((await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie } })).status).toBe(204);
    // On its next request the socket is turned away at once...
    void subscribe(idle, A);
    expect(await idleClosed).toBe('io server disconnect');
    // ...and a quiet one is closed by the periodic check (every 500 ms in this file).
    expect(await followingClosed).toBe('io server disconnect');
  });
});

describe('server -> client: who receives what', () => {
  test('the table has a row for every event the server sends, and a column for every listener', () => {
    expect(Object.keys(SERVER_EVENTS).sort()).toEqual(contractKeys('ServerToClientEvents'));
    for (const row of Object.values(SERVER_EVENTS)) expect(Object.keys(row).sort()).toEqual([...LISTENERS].sort());
  });

  test('changes in two incidents reach exactly the listeners the table names, and nothing of another hotel', async () => {
    const cookieOf: Record<Listener, string> = { ...(cookies as Record<Listener, string>), duty: cookies.observer! };
    const follows: Partial<Record<Listener, string>> = { admin: A, duty: A, dutyOnB: B };
    const s = {} as Record<Listener, ClientSocket>;
    const logs = {} as Record<Listener, { event: string; args: unknown[] }[]>;
    for (const who of LISTENERS) {
      s[who] = open(connect(server.url, { cookie: cookieOf[who] }));
      await connected(s[who]);
      logs[who] = record(s[who]);
      const target = follows[who];
      if (target) expect(await subscribe(s[who], target)).toMatchObject({ ok: true });
      // Reception and insurers asking to follow the incident changes nothing.
      else expect(await subscribe(s[who], who.endsWith('Elsewhere') ? B : A)).toEqual({ ok: false, error: 'No such incident.' });
    }

    // Incident A: a change at A1, a household at A2 leaving with a note, a driver's position.
    await duty.patch(`/api/incidents/${A}/hotels/A1`).send({ petsAllowed: true }).expect(200);
    await duty.post(`/api/incidents/${A}/parties/A-PETS/status`).send({ status: 'self_evacuated', note: SECRET_NOTE }).expect(200);
    await fetch(`${server.url}/api/drive/${driverToken}/positions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lat: 53.16, lng: 0.33 }),
    }).then((r) => expect(r.status).toBe(200));
    // Incident B: a change at B1.
    await duty.patch(`/api/incidents/${B}/hotels/B1`).send({ petsAllowed: true }).expect(200);
    // One bad request, from reception A1.
    (s.reception as unknown as { emit(e: string, p: unknown): void }).emit('presence.update', { viewing: 'x' });

    // Barriers: the managers have everything they should, then every socket completes a round trip.
    const [seqA, seqB] = [(await lastSeq(server.database.db, A))!, (await lastSeq(server.database.db, B))!];
    const heard = (who: Listener, event: string, ok: (args: unknown[]) => boolean = () => true) =>
      until(() => logs[who].some((l) => l.event === event && ok(l.args)), `${who} to hear ${event}`);
    const reached = (seq: number) => (args: unknown[]) => (args[0] as { seq: number }[]).some((e) => e.seq >= seq);
    await Promise.all([heard('admin', 'events', reached(seqA)), heard('duty', 'events', reached(seqA)), heard('dutyOnB', 'events', reached(seqB))]);
    await Promise.all([heard('admin', 'vehicles.moved'), heard('duty', 'vehicles.moved'), heard('reception', 'request.rejected')]);
    // Then presence (coalesced) and positions (batched) are sent now, and every socket completes a round trip after them.
    await drained(server, ...LISTENERS.map((who) => s[who]));

    const incidentOf = (event: string, args: unknown[]): string[] => {
      if (event === 'events') return (args[0] as { incidentId: string }[]).map((e) => e.incidentId);
      if (event === 'hotel.changed') return [(args[0] as { incidentId: string }).incidentId];
      if (event === 'presence.changed' || event === 'vehicles.moved') return [args[0] as string];
      return [];
    };
    const ownIncident: Record<Listener, string> = {
      admin: A,
      duty: A,
      dutyOnB: B,
      reception: A,
      receptionNextDoor: A,
      insurer: A,
      receptionElsewhere: B,
      insurerElsewhere: B,
    };
    const ownHotel: Partial<Record<Listener, string>> = { reception: 'A1', receptionNextDoor: 'A2', receptionElsewhere: 'B1' };

    for (const who of LISTENERS) {
      for (const [event, row] of Object.entries(SERVER_EVENTS)) {
        const got = logs[who].filter((l) => l.event === event);
        if (row[who] === 'never') expect({ who, event, got }).toEqual({ who, event, got: [] });
        else {
          expect({ who, event, received: got.length > 0 }).toEqual({ who, event, received: true });
          for (const l of got)
            for (const id of incidentOf(event, l.args)) expect({ who, event, incident: id }).toEqual({ who, event, incident: ownIncident[who] });
        }
      }
      // Nothing but the table's events, ever.
      expect(logs[who].map((l) => l.event).filter((e) => !(e in SERVER_EVENTS))).toEqual([]);
      const hotel = ownHotel[who];
      if (hotel) {
        for (const l of logs[who].filter((x) => x.event === 'hotel.changed')) {
          expect(Object.keys(l.args[0] as object).sort()).toEqual(['hotelId', 'incidentId', 'seq', 'type']);
          expect((l.args[0] as { hotelId: string }).hotelId).toBe(hotel);
        }
      }
      if (who !== 'admin' && who !== 'duty') {
        const text = JSON.stringify(logs[who]);
        for (const secret of [SECRET_NOTE, SECRET_PHONE, 'Petowner', 'Dee Petowner', 'Ann One'])
          expect({ who, leaks: text.includes(secret) ? secret : null }).toEqual({ who, leaks: null });
      }
    }
    // The managers following A heard the household leave A2, note and all; A2's reception heard only that something changed.
    expect(JSON.stringify(logs.duty)).toContain(SECRET_NOTE);
    expect(logs.receptionNextDoor.filter((l) => l.event === 'hotel.changed').map((l) => (l.args[0] as { type: string }).type)).toContain(
      'party.status_changed',
    );
    expect(logs.reception.filter((l) => l.event === 'hotel.changed').map((l) => (l.args[0] as { type: string }).type)).toEqual(['hotel.rooms_changed']);
  });
});
