/**
 * Socket requests that read the database are counted per user: a subscribe is answered with up to
 * MAX_REPLAY events (hundreds of KB) for a message of a few dozen bytes, so a client sending them
 * by the hundred and not reading the answers made the server buffer them all. Beyond the budget a
 * request is refused saying when to retry, and nothing is read or sent for it.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn } from '../helpers/api.js';
import { connect, connected, loginCookie, type ClientSocket } from '../helpers/socket.js';
import type { SyncAck } from '../../shared/realtime.js';

let server: TestServer;
let incidentId: string;
const sockets: ClientSocket[] = [];
const open = async (email: string) => {
  const s = connect(server.url, { cookie: await loginCookie(server.url, email) });
  sockets.push(s);
  await connected(s);
  return s;
};
const subscribe = (s: ClientSocket, sinceSeq = 1) => new Promise<SyncAck>((resolve) => s.emit('subscribe', { incidentId, sinceSeq }, resolve));

beforeAll(async () => {
  server = await startTestServer({ env: { SOCKET_SUBSCRIBES_PER_MIN: '10', SOCKET_POSITIONS_PER_MIN: '10' } });
  incidentId = (await (await signIn(server.url, DEMO.duty)).get('/api/incidents').expect(200)).body.incidents[0].id;
});
afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
afterAll(async () => server?.close());

test('a burst of subscribes from one user, over any number of sockets, is answered up to the budget and refused beyond it', async () => {
  const [a, b] = [await open(DEMO.duty), await open(DEMO.duty)];
  const acks = await Promise.all(Array.from({ length: 15 }, (_, i) => subscribe(i % 2 ? a : b)));
  expect(acks.filter((x) => x.ok)).toHaveLength(10);
  const refused = acks.filter((x) => !x.ok);
  expect(refused).toHaveLength(5);
  for (const r of refused) expect(r).toEqual({ ok: false, error: expect.stringMatching(/^too many subscribe requests: try again in \d+ s$/) });
  // Another user's budget is their own.
  expect(await subscribe(await open(DEMO.duty2))).toMatchObject({ ok: true });
});

test('a burst of positions is checked up to the budget and refused beyond it', async () => {
  const s = await open(DEMO.admin);
  const rejected: string[] = [];
  const all = new Promise<void>((resolve) =>
    s.on('request.rejected', ({ message }) => {
      rejected.push(message);
      if (rejected.length === 15) resolve();
    }),
  );
  for (let i = 0; i < 15; i++) s.emit('vehicle.position', { incidentId, vehicleId: 'NO-SUCH-VEHICLE', lat: 53, lng: 0.3 });
  await all;
  expect(rejected.filter((m) => m === 'no such vehicle in this incident')).toHaveLength(10);
  expect(rejected.filter((m) => /^too many vehicle\.position requests/.test(m))).toHaveLength(5);
});
