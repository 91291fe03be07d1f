/**
 * A sign-out that lands while a socket is being let in: the handshake has read the session (still
 * live), the sign-out commits and closes the session's sockets, and only then does this socket
 * connect. It must still be closed at once, not stay in its hotel's room hearing its changes until
 * the periodic session check (ten minutes in this file, so only the check at connect can close it).
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO } from '../helpers/api.js';
import { connect, connected, loginCookie, type ClientSocket } from '../helpers/socket.js';
import { readCookie, SESSION_COOKIE } from '../../server/auth/service.js';

let server: TestServer;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { SOCKET_SESSION_CHECK_MS: '600000' } });
});
afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
afterAll(async () => server?.close());

/**
 * The next time `token`'s session is read, it is read as live and then signed out (`how`) before
 * the reader goes on: exactly a sign-out landing between the handshake's read and the connect.
 */
function signOutRightAfterTheNextRead(token: string, how: 'logout' | 'logoutEverywhere') {
  const auth = server.app.auth;
  const original = auth.authenticate.bind(auth);
  auth.authenticate = async (t) => {
    const user = await original(t);
    if (t !== token || !user) return user;
    auth.authenticate = original;
    if (how === 'logout') await auth.logout(token);
    else await auth.logoutEverywhere(user.id);
    return user;
  };
}

test.each(['logout', 'logoutEverywhere'] as const)('a %s landing during the handshake still closes the socket at once', async (how) => {
  const cookie = await loginCookie(server.url, DEMO.reception);
  const token = readCookie(cookie, SESSION_COOKIE)!;
  signOutRightAfterTheNextRead(token, how);
  const s = connect(server.url, { cookie });
  sockets.push(s);
  const closed = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
  await connected(s);
  // The session is over: the server closes the socket (the periodic check is ten minutes away).
  let timer: NodeJS.Timeout | undefined;
  const reason = await Promise.race([closed, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still open after 5 s'), 5000)))]);
  clearTimeout(timer);
  expect(reason).toBe('io server disconnect');
  expect((await fetch(`${server.url}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
});
