/**
 * The client's one door (`send` in client/src/api.ts) gives up on a request that goes unanswered:
 * a connection that dies without a word on patchy Wi-Fi must not hold the outbox's next check-ins,
 * or a list's next refresh, for minutes. Real sockets: a server that accepts and never answers, one
 * that sends its headers and then stalls the body, one that answers. Given up, it is "cannot reach
 * the server" like any network failure, which the outbox sends again with the same key.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { ApiError, exchange, send, readAnswer, REQUEST_DEADLINE_MS } from '../../client/src/api.js';
import { verdict } from '../../client/src/offline/retry.js';

let server: Server;
let url = '';
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (d) => {
      const path = d.toString().split(' ')[1] ?? '';
      const body = '{"ok":true}';
      if (path === '/answers')
        socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
      // Headers, then half the body and nothing more.
      else if (path === '/stalls') socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n{"ok"`);
      // '/silent': nothing at all.
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

test('the default deadline is half a minute: long enough for a slow answer, short enough not to hold the outbox', () => {
  expect(REQUEST_DEADLINE_MS).toBe(30_000);
});

test('a server that never answers: "cannot reach the server" once the deadline passes', async () => {
  const t0 = Date.now();
  const err = await send(`${url}/silent`, { deadlineMs: 300 }).catch((e: unknown) => e);
  const took = Date.now() - t0;
  expect(err).toBeInstanceOf(ApiError);
  expect(err).toMatchObject({ status: 0, code: 'network' });
  expect(took).toBeGreaterThanOrEqual(280);
  expect(took).toBeLessThan(5_000);
});

test("an action that got no answer is kept and sent again (the outbox's verdict)", async () => {
  const got = await exchange(`${url}/silent`, { method: 'POST', body: { partyId: 'P1' }, idempotencyKey: 'k1', deadlineMs: 300 });
  expect(got.status).toBe(0);
  expect(verdict(got.status, got.body, got.retryAfter)).toEqual({ kind: 'retry', afterMs: null });
});

test('an answer whose body stalls is given up too', async () => {
  const t0 = Date.now();
  const res = await send(`${url}/stalls`, { deadlineMs: 300 });
  expect(res.status).toBe(200);
  const err = await readAnswer(res).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect(Date.now() - t0).toBeLessThan(5_000);
});

test('an answer in time is read as usual', async () => {
  const res = await send(`${url}/answers`, { deadlineMs: 2_000 });
  expect(await readAnswer(res)).toEqual({ ok: true });
});
