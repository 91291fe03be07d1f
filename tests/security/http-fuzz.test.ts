/**
 * Property-based fuzzing of every HTTP route the routers declare (the same enumeration as the
 * authorization matrix): as a caller allowed to use the route, send generated bodies, path
 * parameters, query strings, content types and headers, and check that
 *  - the answer is never a 5xx,
 *  - a refused request (4xx) leaves the database exactly as it was (an md5 per table),
 *  - a refused request answers in the one error shape, and a validation error names its fields,
 *  - nothing reaches Object.prototype (the server runs in this process).
 * Runs are seeded (FUZZ_SEED, FUZZ_RUNS): a failure prints the seed and the request to replay.
 */
import http from 'node:http';
import fc from 'fast-check';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { loginCookie } from '../helpers/socket.js';
import { declaredRoutes, fillPath, parseRoute, type Method } from '../helpers/routes.js';
import { buildGuest, buildHotel, buildParty, buildRoomType, buildScenario, buildVehicle } from '../../seed/factories.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import type { Role } from '../../server/auth/types.js';
import {
  FUZZ_SEED,
  Raw,
  changedTables,
  fingerprinter,
  fuzzParams,
  malformedJsonArb,
  nastyStringArb,
  nastyValueArb,
  pollutionArb,
  prototypePolluted,
  toJsonText,
  type Fingerprint,
} from './fuzz-kit.js';

type Caller = 'none' | 'duty' | 'reception' | 'insurer';

let server: TestServer;
let fp: Awaited<ReturnType<typeof fingerprinter>>;
const cookies: Record<Caller, string> = { none: '', duty: '', reception: '', insurer: '' };
/** Valid values for every path parameter name, filled in beforeAll. */
const P: Record<string, string> = {};
/** Ids of other things, to try where an id goes. */
const otherIds: string[] = [];

// ---- the routes: who calls each and what a valid request looks like ----

interface FuzzRow {
  route: string;
  as: Caller;
  /** A valid body (object, or text with `contentType`), if the route takes one. */
  body?: () => unknown;
  contentType?: string;
  /** Path parameters that differ from P for this route. */
  params?: () => Record<string, string>;
  headers?: () => Record<string, string>;
  /** Query keys the route reads. */
  query?: string[];
  /** Field paths are relative to the body document, so "" names the document itself (the scenario import). */
  documentPaths?: true;
}

let seq = 0;
const statusHeader = (): Record<string, string> => ({ 'x-status-token': P.statusToken! });

/* prettier-ignore */
const ROWS: FuzzRow[] = [
  { route: 'GET /api/health', as: 'none' },
  { route: 'GET /api/config', as: 'none' },
  { route: 'POST /api/auth/login', as: 'none', body: () => ({ email: 'fuzz-duty@test.example', password: 'not the password' }) },
  { route: 'POST /api/auth/logout', as: 'none' },
  { route: 'POST /api/auth/logout-everywhere', as: 'none' },
  { route: 'GET /api/auth/me', as: 'duty' },
  { route: 'GET /api/incidents', as: 'duty' },
  { route: 'POST /api/incidents/import', as: 'duty', documentPaths: true, body: () => buildScenario({ incident: { name: `Fuzz import ${++seq}` } }) },
  { route: 'GET /api/incidents/:incidentId/summary', as: 'insurer' },
  { route: 'GET /api/incidents/:incidentId/state', as: 'duty' },
  { route: 'GET /api/incidents/:incidentId/state/part', as: 'duty', query: ['parties', 'trips'] },
  { route: 'GET /api/incidents/:incidentId/scenario', as: 'duty' },
  { route: 'POST /api/incidents/:incidentId/guests/csv', as: 'duty', contentType: 'text/csv', body: () => `booking_ref,guest_name,age_group\nFZ-${++seq},Guest ${seq},adult\n` },
  { route: 'GET /api/incidents/:incidentId/events', as: 'duty', query: ['after', 'limit'] },
  { route: 'GET /api/incidents/:incidentId/whereabouts-moves', as: 'duty' },
  { route: 'POST /api/incidents/:incidentId/plans', as: 'duty' },
  { route: 'GET /api/incidents/:incidentId/plans/latest', as: 'duty' },
  { route: 'GET /api/incidents/:incidentId/plans/:planId', as: 'duty' },
  { route: 'POST /api/incidents/:incidentId/plans/:planId/moves', as: 'duty', body: () => ({ partyId: 'A-P2', hotelId: 'A1' }) },
  { route: 'POST /api/incidents/:incidentId/plans/:planId/apply', as: 'duty' },
  { route: 'POST /api/incidents/:incidentId/hotels', as: 'duty', body: () => buildHotel({ id: `FZ-H-${++seq}` }) },
  { route: 'PATCH /api/incidents/:incidentId/hotels/:hotelId', as: 'duty', body: () => ({ petsAllowed: true, perks: [{ kind: 'tea_and_toast' }], roomTypes: [{ type: 'double', count: 40 }] }) },
  { route: 'POST /api/incidents/:incidentId/parties/:partyId/status', as: 'duty', params: () => ({ partyId: 'A-P3' }), body: () => ({ status: 'needs_help', note: 'fuzz' }) },
  { route: 'POST /api/incidents/:incidentId/vehicles', as: 'duty', body: () => buildVehicle({ id: `FZ-V-${++seq}` }) },
  { route: 'POST /api/incidents/:incidentId/sites', as: 'duty', body: () => ({ id: `fz-site-${++seq}`, name: `Fuzz ${seq}`, kind: 'depot', lat: 53.1, lng: 0.3 }) },
  { route: 'PUT /api/incidents/:incidentId/parties/:partyId', as: 'duty', params: () => ({ partyId: 'A-P4' }), body: () => buildParty({ id: 'A-P4', notes: `fuzz ${++seq}`, guests: [buildGuest({ id: 'A-P4-G1', name: 'Fay Four' })] }) },
  { route: 'POST /api/incidents/:incidentId/parties', as: 'duty', body: () => buildParty({ id: `FZ-P-${++seq}`, guests: [buildGuest({ id: `FZ-P-${seq}-G1` })] }) },
  { route: 'PATCH /api/incidents/:incidentId/vehicles/:vehicleId', as: 'duty', params: () => ({ vehicleId: 'A-V2' }), body: () => ({ status: 'in_service', reason: 'fuzz' }) },
  { route: 'GET /api/incidents/:incidentId/hotels/:hotelId/arrivals', as: 'reception' },
  { route: 'POST /api/incidents/:incidentId/hotels/:hotelId/arrivals/checkins', as: 'reception', body: () => ({ partyId: 'A-P1', guestIds: ['A-P1-G1'], roomNumbers: { double: ['101'] } }) },
  { route: 'POST /api/incidents/:incidentId/hotels/:hotelId/arrivals/no-shows', as: 'reception', body: () => ({ partyId: 'A-P1', kind: 'no_show', note: 'fuzz' }) },
  { route: 'POST /api/incidents/:incidentId/hotels/:hotelId/arrivals/checkouts', as: 'reception', body: () => ({ partyId: 'A-P1' }) },
  { route: 'GET /api/incidents/:incidentId/hotels/:hotelId/etas', as: 'reception' },
  { route: 'GET /api/incidents/:incidentId/drivers', as: 'duty' },
  { route: 'GET /api/incidents/:incidentId/passes', as: 'duty' },
  { route: 'GET /api/incidents/:incidentId/passes/:siteId', as: 'duty' },
  { route: 'POST /api/incidents/:incidentId/passes/scan', as: 'reception', body: () => ({ text: 'ABC234' }) },
  { route: 'GET /api/incidents/:incidentId/passes/:siteId/pdf', as: 'duty' },
  { route: 'GET /api/incidents/:incidentId/messages', as: 'duty', query: ['partyId', 'limit'] },
  { route: 'GET /api/incidents/:incidentId/message-templates', as: 'duty' },
  { route: 'PUT /api/incidents/:incidentId/message-templates/:key/:language', as: 'duty', body: () => JSON.parse(P.template!) },
  { route: 'DELETE /api/incidents/:incidentId/message-templates/:key/:language', as: 'duty' },
  { route: 'GET /api/incidents/:incidentId/message-settings', as: 'duty' },
  { route: 'PATCH /api/incidents/:incidentId/message-settings', as: 'duty', body: () => ({ departureNoticeMinutes: 30 }) },
  { route: 'GET /api/incidents/:incidentId/feedback', as: 'duty' },
  { route: 'GET /api/incidents/:incidentId/guest-replies', as: 'duty', query: ['partyId', 'open', 'limit'] },
  { route: 'POST /api/incidents/:incidentId/guest-replies/:replyId/handle', as: 'duty', body: () => ({ note: 'called back' }) },
  { route: 'GET /api/incidents/:incidentId/status-links/:partyId', as: 'duty' },
  { route: 'POST /api/incidents/:incidentId/status-links/:partyId/:action', as: 'duty', params: () => ({ partyId: 'A-P2' }) },
  { route: 'GET /api/incidents/:incidentId/ledger', as: 'insurer', query: ['afterSeq', 'limit', 'status'] },
  { route: 'GET /api/incidents/:incidentId/ledger/summary', as: 'insurer' },
  { route: 'GET /api/incidents/:incidentId/ledger/verify', as: 'insurer' },
  { route: 'GET /api/incidents/:incidentId/ledger/pending', as: 'duty' },
  { route: 'POST /api/incidents/:incidentId/ledger/perks', as: 'reception', body: () => ({ partyId: 'A-P1', hotelId: 'A1', category: 'meals', amountMinor: 1200, description: 'fuzz' }) },
  { route: 'POST /api/incidents/:incidentId/ledger/entries/:entryId/approve', as: 'duty', body: () => ({}) },
  { route: 'POST /api/incidents/:incidentId/ledger/entries/:entryId/reject', as: 'duty', body: () => ({ reason: 'no receipt' }) },
  { route: 'POST /api/incidents/:incidentId/ledger/entries/:entryId/reverse', as: 'duty', params: () => ({ entryId: P.postedEntry! }), body: () => ({ reason: 'entered twice' }) },
  { route: 'POST /api/incidents/:incidentId/ledger/receipts', as: 'reception', contentType: 'image/png', body: () => '\u0089PNG\r\n\u001a\nnot really a picture' },
  { route: 'GET /api/incidents/:incidentId/ledger/receipts/:receiptId', as: 'insurer' },
  { route: 'POST /api/incidents/:incidentId/ledger/accruals/lodging', as: 'duty', body: () => ({}) },
  { route: 'POST /api/incidents/:incidentId/ledger/trips/:tripId/complete', as: 'duty' },
  { route: 'POST /api/incidents/:incidentId/exports', as: 'insurer', body: () => ({}) },
  { route: 'GET /api/incidents/:incidentId/exports', as: 'insurer' },
  { route: 'POST /api/incidents/:incidentId/exports/verify', as: 'insurer', body: () => ({ manifest: JSON.parse(P.manifest!) }) },
  { route: 'GET /api/incidents/:incidentId/exports/:exportId', as: 'insurer' },
  { route: 'GET /api/incidents/:incidentId/exports/:exportId/verify', as: 'insurer' },
  { route: 'GET /api/incidents/:incidentId/exports/:exportId/files/:name', as: 'insurer' },
  { route: 'GET /api/incidents/:incidentId/exports/claim-packs/:partyId', as: 'insurer' },
  { route: 'GET /api/incidents/:incidentId/hotels/:hotelId/rooming-list', as: 'reception', query: ['format'] },
  { route: 'GET /api/incidents/:incidentId/passes/hotels/:hotelId/pdf', as: 'duty' },
  { route: 'GET /api/incidents/:incidentId/passes/households/:partyId/pdf', as: 'duty' },
  { route: 'GET /api/incidents/:incidentId/attention', as: 'duty' },
  { route: 'PATCH /api/incidents/:incidentId/attention/settings', as: 'duty', body: () => ({ overdueMinutes: 20, notCheckedInMinutes: 25 }) },
  { route: 'POST /api/incidents/:incidentId/attention/:itemId/resolve', as: 'duty', body: () => ({ note: 'called them back' }) },
  { route: 'GET /api/incidents/:incidentId/sites/:siteId/rollcall', as: 'duty' },
  { route: 'POST /api/incidents/:incidentId/sites/:siteId/rollcall', as: 'duty', body: () => ({ presentGuestIds: JSON.parse(P.present!) }) },
  { route: 'POST /api/incidents/:incidentId/vehicles/:vehicleId/driver-link/revoke', as: 'duty', params: () => ({ vehicleId: P.revokeVehicle! }) },
  { route: 'POST /api/incidents/:incidentId/sites/:siteId/rollcall/link', as: 'duty' },
  { route: 'POST /api/incidents/:incidentId/sites/:siteId/rollcall/link/withdraw', as: 'duty', params: () => ({ siteId: 'depot-test' }) },
  { route: 'GET /api/rollcall/:token', as: 'none', params: () => ({ token: P.rollCallToken! }) },
  { route: 'POST /api/rollcall/:token', as: 'none', params: () => ({ token: P.rollCallToken! }), body: () => ({ presentGuestIds: JSON.parse(P.present!) }) },
  { route: 'GET /api/drive/:token', as: 'none' },
  { route: 'POST /api/drive/:token/positions', as: 'none', body: () => ({ lat: 53.15, lng: 0.33 }) },
  { route: 'POST /api/drive/:token/boardings', as: 'none', body: () => ({ tripId: P.tripId, partyId: 'A-P2' }) },
  { route: 'POST /api/drive/:token/departures', as: 'none', body: () => ({ tripId: P.tripId }) },
  { route: 'POST /api/drive/:token/arrivals', as: 'none', body: () => ({ tripId: P.tripId, hotelId: 'A1' }) },
  { route: 'GET /api/guest/status', as: 'none', headers: statusHeader },
  { route: 'POST /api/guest/replies', as: 'none', headers: statusHeader, body: () => ({ kind: 'need_help', key: `fuzz-key-${++seq}`, text: 'fuzz' }) },
  { route: 'POST /api/guest/feedback', as: 'none', headers: statusHeader, body: () => ({ rating: 5, comment: 'warm and dry' }) },
];

// ---- setup: two incidents, the users, and one of everything a route can name ----

async function createUser(who: Caller, role: Role, opts: { incidentId?: string; hotelId?: string; bound?: string[] } = {}) {
  const email = `fuzz-${who}@test.example`;
  await insertUser(
    server.database.db,
    { email, name: `Fuzz ${who}`, role, passwordHash: await hashPassword(DEMO_PASSWORD), incidentId: opts.incidentId ?? null, hotelId: opts.hotelId ?? null },
    opts.bound ?? [],
  );
  cookies[who] = await loginCookie(server.url, email);
}

async function call(
  method: string,
  path: string,
  opts: { as?: Caller; body?: unknown; headers?: Record<string, string> } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- setup reads whatever the route answers
): Promise<{ status: number; json: any; text: string }> {
  const text = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const res = await send({
    method,
    path,
    headers: {
      ...(text !== undefined && typeof opts.body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...(opts.as && cookies[opts.as] ? { cookie: cookies[opts.as] } : {}),
      ...opts.headers,
    },
    body: text,
  });
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = undefined;
  }
  if (res.status >= 300) throw new Error(`setup ${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
  return { status: res.status, json, text: res.text };
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'none', env: { MESSAGES_ENABLED: 'false' } });
  await createUser('duty', 'duty_manager');
  const inc = (rest: string) => `/api/incidents/${P.incidentId}${rest}`;
  P.incidentId = (
    await call('POST', '/api/incidents/import', {
      as: 'duty',
      body: buildScenario({
        incident: { name: 'Fuzz incident A', staffSpendLimitMinor: 5000 },
        parties: ['A-P1', 'A-P2', 'A-P3', 'A-P4'].map((id) => buildParty({ id, guests: [buildGuest({ id: `${id}-G1` })] })),
        hotels: [
          buildHotel({ id: 'A1', roomTypes: [buildRoomType({ type: 'double', count: 50 })] }),
          buildHotel({ id: 'A2', lat: 53.17, lng: 0.3, roomTypes: [buildRoomType({ type: 'double', count: 2, rateMinor: 30000 })] }),
        ],
        vehicles: [buildVehicle({ id: 'A-V1' }), buildVehicle({ id: 'A-V2' })],
      }),
    })
  ).json.incidentId;
  const B = (
    await call('POST', '/api/incidents/import', {
      as: 'duty',
      body: buildScenario({ incident: { name: 'Fuzz incident B' }, hotels: [buildHotel({ id: 'B1' })] }),
    })
  ).json.incidentId as string;
  await createUser('reception', 'reception', { incidentId: P.incidentId, hotelId: 'A1' });
  await createUser('insurer', 'insurer', { bound: [P.incidentId!] });
  const applied = (await call('POST', inc('/plans'), { as: 'duty' })).json.id as string;
  await call('POST', inc(`/plans/${applied}/apply`), { as: 'duty' });
  P.planId = (await call('POST', inc('/plans'), { as: 'duty' })).json.id;
  P.hotelId = 'A1';
  P.partyId = 'A-P1';
  P.vehicleId = 'A-V1';
  P.key = 'assigned';
  P.language = 'en';
  P.action = 'reissue';
  P.siteId = 'muster-test';
  P.name = 'ledger.csv';
  P.receiptId = '00000000-0000-4000-8000-0000000000aa';
  const templates = (await call('GET', inc('/message-templates'), { as: 'duty' })).json.templates as {
    key: string;
    language: string;
    subject: string;
    body: string;
  }[];
  const assigned = templates.find((t) => t.key === 'assigned' && t.language === 'en')!;
  P.template = JSON.stringify({ subject: assigned.subject, body: assigned.body });
  // Perks are for households that have arrived: A-P1 is checked in first.
  await call('POST', inc('/hotels/A1/arrivals/checkins'), { as: 'duty', body: { partyId: 'A-P1' } });
  const pending = await call('POST', inc('/ledger/perks'), { as: 'reception', body: { partyId: 'A-P1', category: 'meals', amountMinor: 25_000 } });
  if (!pending.json.entryId) throw new Error(`setup: the pending perk was refused: ${JSON.stringify(pending.json)}`);
  P.entryId = pending.json.entryId;
  P.postedEntry = (
    await call('POST', inc('/ledger/perks'), { as: 'duty', body: { partyId: 'A-P1', hotelId: 'A1', category: 'bar', amountMinor: 700 } })
  ).json.entryId;
  const manifest = (await call('POST', inc('/exports'), { as: 'insurer', body: {} })).json;
  P.exportId = manifest.exportId;
  P.manifest = JSON.stringify(manifest);
  const state = (await call('GET', inc('/state'), { as: 'duty' })).json as { trips: { id: string; vehicleId: string }[] };
  P.tripId = state.trips[0]!.id;
  const links = (await call('GET', inc('/drivers'), { as: 'duty' })).json.links as { vehicleId: string; token: string }[];
  P.token = links.find((l) => l.vehicleId === state.trips[0]!.vehicleId)!.token;
  P.statusToken = (await call('GET', inc('/status-links/A-P4'), { as: 'duty' })).json.token;
  await call('POST', '/api/guest/replies', { headers: statusHeader(), body: { kind: 'need_help', key: 'setup-reply', text: 'setup' } });
  P.replyId = ((await call('GET', inc('/guest-replies'), { as: 'duty' })).json.replies as { id: string }[])[0]!.id;
  P.itemId = ((await call('GET', inc('/attention'), { as: 'duty' })).json.items as { id: string }[])[0]?.id ?? '00000000-0000-4000-8000-0000000000ab';
  P.revokeVehicle = links.find((l) => l.vehicleId !== state.trips[0]!.vehicleId)!.vehicleId;
  const rollcall = (await call('GET', inc('/sites/muster-test/rollcall'), { as: 'duty' })).json as { households: { guests: { id: string }[] }[] };
  P.present = JSON.stringify(rollcall.households.flatMap((h) => h.guests.map((g) => g.id)));
  P.rollCallToken = (await call('POST', inc('/sites/muster-test/rollcall/link'), { as: 'duty' })).json.token;
  otherIds.push(B, P.planId!, P.exportId!, P.entryId!, P.tripId!, P.replyId!, 'B1', 'A2', 'A-P2', '00000000-0000-4000-8000-000000000000');
  fp = await fingerprinter(server.database);
}, 120_000);
afterAll(async () => server?.close());

// ---- requests: raw, so that anything can be sent ----

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function send(r: RawRequest): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body, 'utf8');
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...r.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Percent-encode every byte outside the unreserved set (lone surrogates become U+FFFD, as a browser would send). */
function encodeSegment(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8'))
    out += /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** Path segments sent exactly as written: bad escapes, dot segments, encoded slashes. */
const RAW_SEGMENTS = ['%', '%E0%A4%A', '%ZZ', '%00', '%C0%AF', '%2F', '%2e%2e', '..', '.', '%FF%FE'];

// ---- what a generated case is ----

/** `key`: sent with an Idempotency-Key, whose request hash walks the body before any route does. */
type Case = { key?: boolean } & (
  | { kind: 'json'; text: string }
  | { kind: 'field'; path: (string | number)[]; value: unknown; drop: boolean }
  | { kind: 'pollute'; raw: Raw }
  | { kind: 'malformed'; text: string }
  | { kind: 'contentType'; contentType: string; text: string }
  | { kind: 'param'; name: string; value: string; raw: boolean }
  | { kind: 'query'; query: string }
  | { kind: 'header'; name: string; value: string }
);

/** Paths to every leaf of a valid body (objects and arrays, three levels deep). */
function leafPaths(v: unknown, depth = 0): (string | number)[][] {
  if (depth >= 3 || v === null || typeof v !== 'object') return [[]];
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  const out: (string | number)[][] = [[]];
  for (const [k, x] of entries) for (const p of leafPaths(x, depth + 1)) out.push([k, ...p]);
  return out;
}

function setAt(v: unknown, path: (string | number)[], value: unknown, drop: boolean): unknown {
  if (!path.length) return drop ? undefined : value;
  const [k, ...rest] = path;
  const copy = (Array.isArray(v) ? [...(v as unknown[])] : { ...(v as object) }) as Record<string | number, unknown>;
  if (drop && rest.length === 0) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(k as number, 1);
    else delete copy[k!];
    return copy;
  }
  copy[k!] = setAt(copy[k!], rest, value, drop);
  return copy;
}

const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.integer({ min: 201, max: 4_000 }).map((n) => 'k'.repeat(n)),
  fc.constantFrom(
    'rc_session=%E0%A4%A',
    'rc_session=',
    'rc_session=%',
    'rc_session="x"; rc_session=y',
    '=;=;=',
    'gzip',
    'br',
    'identity, bogus',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'application/json; charset=nope',
  ),
);

function caseArb(row: FuzzRow): fc.Arbitrary<Case> {
  const { method, params } = parseRoute(row.route);
  const valid = row.body?.();
  const arbs: { weight: number; arbitrary: fc.Arbitrary<Case> }[] = [];
  const takesBody = method !== 'get';
  if (takesBody) {
    arbs.push({ weight: 3, arbitrary: nastyValueArb(otherIds).map((v) => ({ kind: 'json' as const, text: toJsonText(v) })) });
    arbs.push({ weight: 1, arbitrary: malformedJsonArb.map((text) => ({ kind: 'malformed' as const, text })) });
    // Deeper than recursive code survives (JSON.stringify of an Idempotency-Key's hash overflowed at ~5,000).
    arbs.push({
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 3_000, max: 20_000 }), fc.boolean()).map(([depth, arrays]) => ({
        kind: 'json' as const,
        text: arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      })),
    });
    arbs.push({
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'text/csv',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/xml',
            'application/json; charset=utf-16',
            'application/json; charset=koi8-r',
            'application/vnd.api+json',
            '',
          ),
          nastyValueArb(otherIds),
        )
        .map(([contentType, v]) => ({ kind: 'contentType' as const, contentType, text: toJsonText(v) })),
    });
  }
  if (takesBody && valid !== undefined && typeof valid === 'object') {
    const paths = leafPaths(valid);
    arbs.push({
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...paths), nastyValueArb(otherIds), fc.boolean())
        .map(([path, value, drop]) => ({ kind: 'field' as const, path, value, drop: drop && path.length > 0 })),
    });
    arbs.push({ weight: 1, arbitrary: pollutionArb.map((raw) => ({ kind: 'pollute' as const, raw })) });
  }
  if (params.length) {
    arbs.push({
      weight: takesBody ? 2 : 4,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...params),
          fc.oneof(
            nastyStringArb(otherIds).map((value) => ({ value, raw: false })),
            fc.constantFrom(...RAW_SEGMENTS).map((value) => ({ value, raw: true })),
          ),
        )
        .map(([name, v]) => ({ kind: 'param' as const, name, ...v })),
    });
  }
  const keys = fc.oneof(fc.constantFrom(...(row.query ?? ['q']), '__proto__', 'constructor', 'a[b]', 'a[]', 'limit'), fc.string({ maxLength: 8 }));
  const pair = fc.tuple(keys, nastyStringArb(otherIds)).map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`);
  arbs.push({
    weight: row.query ? 4 : 1,
    arbitrary: fc
      .oneof(
        fc.array(pair, { minLength: 1, maxLength: 4 }).map((ps) => ps.join('&')),
        fc.constantFrom(
          'limit=1&limit=2',
          'a[b][c][d]=1',
          '__proto__[polluted]=yes',
          'constructor[prototype][polluted]=yes',
          '%',
          '%E0%A4%A=%FF',
          '&&&',
          'limit=1e309',
          'after=-0',
          'afterSeq=NaN',
          'open=TRUE',
        ),
      )
      .map((query) => ({ kind: 'query' as const, query })),
  });
  arbs.push({
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('cookie', 'idempotency-key', 'x-status-token', 'content-encoding', 'content-type', 'x-request-id', 'origin'), headerValue)
      .map(([name, value]) => ({ kind: 'header' as const, name, value })),
  });
  return takesBody ? fc.tuple(fc.oneof(...arbs), fc.boolean()).map(([c, key]): Case => ({ ...c, key })) : fc.oneof(...arbs);
}

function buildRequest(row: FuzzRow, c: Case): RawRequest {
  const { method, pattern } = parseRoute(row.route);
  const values = { ...P, ...row.params?.() };
  const headers: Record<string, string> = { ...row.headers?.() };
  if (cookies[row.as]) headers.cookie = cookies[row.as];
  let path = fillPath(pattern, values);
  if (c.kind === 'param')
    path = pattern.replace(/:(\w+)/g, (_, n: string) => (n === c.name ? (c.raw ? c.value : encodeSegment(c.value)) : encodeURIComponent(values[n]!)));
  if (c.kind === 'query') path += `?${c.query}`;
  const valid = row.body?.();
  let body: string | undefined = valid === undefined ? undefined : typeof valid === 'string' ? valid : toJsonText(valid);
  let contentType = valid === undefined ? undefined : (row.contentType ?? 'application/json');
  switch (c.kind) {
    case 'json':
    case 'malformed':
      body = c.text;
      contentType = 'application/json';
      break;
    case 'contentType':
      body = c.text;
      contentType = c.contentType;
      break;
    case 'field': {
      const v = setAt(valid, c.path, c.value, c.drop);
      body = v === undefined ? '' : toJsonText(v);
      contentType = 'application/json';
      break;
    }
    case 'pollute': {
      const validText = toJsonText(valid);
      const inner = c.raw.text.slice(1, -1);
      body = validText === '{}' ? c.raw.text : `${validText.slice(0, -1)},${inner}}`;
      contentType = 'application/json';
      break;
    }
    case 'header':
      break;
  }
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (c.key && c.kind !== 'header') headers['idempotency-key'] = `fuzz-${Math.random().toString(36).slice(2)}`;
  if (c.kind === 'header') headers[c.name] = c.name === 'cookie' && headers.cookie ? `${headers.cookie}; ${c.value}` : c.value;
  return { method: method.toUpperCase(), path, headers, body };
}

const describeRequest = (r: RawRequest) => `${r.method} ${r.path.slice(0, 300)}\n${JSON.stringify(r.headers).slice(0, 300)}\n${(r.body ?? '').slice(0, 500)}`;

/** Answers per route and status; FUZZ_STATS=1 prints them (to see how deep the fuzzer gets). */
const stats = new Map<string, number>();
afterAll(() => {
  if (process.env.FUZZ_STATS)
    console.log(
      [...stats]
        .sort()
        .map(([k, n]) => `${k}: ${n}`)
        .join('\n'),
    );
});

/** Whether the previous request may have set off background work (then the next "before" waits for it). */
let unsettled = true;

async function check(row: FuzzRow, c: Case): Promise<void> {
  const req = buildRequest(row, c);
  const before: Fingerprint = unsettled ? await fp.settled() : await fp.take();
  const res = await send(req);
  stats.set(`${row.route} ${res.status}`, (stats.get(`${row.route} ${res.status}`) ?? 0) + 1);
  unsettled = res.status < 400 && req.method !== 'GET';
  const where = `\n${describeRequest(req)}\n-> ${res.status} ${res.text.slice(0, 400)}\n(FUZZ_SEED=${FUZZ_SEED})`;
  if (res.status >= 500) throw new Error(`5xx${where}`);
  const polluted = prototypePolluted();
  if (polluted) throw new Error(`Object.prototype.${polluted} was set${where}`);
  if (res.status === 431 || res.status === 414) {
    // Node's HTTP parser refused the request line or headers as too large: the app never saw it.
    if (changedTables(before, await fp.take()).length) throw new Error(`refused by the HTTP parser, yet the database changed${where}`);
    return;
  }
  if (res.status >= 400) {
    let body: { error?: { code?: unknown; message?: unknown; details?: { fields?: { path?: unknown; message?: unknown }[] } } };
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new Error(`a refusal that is not JSON${where}`);
    }
    if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string' || typeof body.error.details !== 'object')
      throw new Error(`a refusal not in the one error shape${where}`);
    if (body.error.code === 'validation_failed') {
      const fields = body.error.details?.fields;
      const named = (f: { path?: unknown; message?: unknown }) =>
        typeof f.path === 'string' && (f.path.length > 0 || row.documentPaths) && typeof f.message === 'string' && f.message.length > 0;
      if (!Array.isArray(fields) || !fields.length || !fields.every(named)) throw new Error(`a validation error that names no field${where}`);
    }
    const after = await fp.take();
    const changed = changedTables(before, after);
    if (changed.length) throw new Error(`refused with ${res.status}, yet changed ${changed.join(', ')}${where}`);
  }
}

describe.each(ROWS)('$route', (row) => {
  test('never a 5xx; a refusal changes nothing and names the field', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(row), (c) => check(row, c)),
      fuzzParams(row.route),
    );
  });
});

test('every route the routers declare has a fuzz row (and every row is a real route)', () => {
  expect(ROWS.map((r) => r.route).sort()).toEqual(declaredRoutes());
});

describe('fixed hostile requests', () => {
  const asDuty = (method: Method, path: string, headers: Record<string, string> = {}, body?: string) =>
    send({ method: method.toUpperCase(), path, headers: { cookie: cookies.duty, ...headers }, body });

  test('a bad escape in the path is a 400, not a 500', async () => {
    for (const path of ['/api/incidents/%E0%A4%A/summary', '/api/incidents/%/state', `/api/incidents/${P.incidentId}/hotels/%ZZ/arrivals`]) {
      const res = await asDuty('get', path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(JSON.parse(res.text).error.code).toBe('bad_request');
    }
  });

  test('a body in a charset or encoding the server does not read is refused with 4xx', async () => {
    const path = `/api/incidents/${P.incidentId}/hotels/A1`;
    for (const headers of [
      { 'content-type': 'application/json; charset=utf-16' } as Record<string, string>,
      { 'content-type': 'application/json', 'content-encoding': 'bogus' },
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    ]) {
      const res = await asDuty('patch', path, headers, '{"petsAllowed":true}');
      expect({ headers, status: res.status }).toEqual({ headers, status: expect.any(Number) });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.parse(res.text).error.code).toEqual(expect.any(String));
    }
  });

  test('a body over the size limit is a 413 and changes nothing', async () => {
    const before = await fp.settled();
    const res = await asDuty('post', '/api/incidents/import', { 'content-type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(6 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).error.code).toBe('payload_too_large');
    expect(changedTables(before, await fp.take())).toEqual([]);
  });

  test('a malformed session cookie is treated as no session', async () => {
    const res = await send({ method: 'GET', path: '/api/auth/me', headers: { cookie: 'rc_session=%E0%A4%A' } });
    expect(res.status).toBe(401);
  });
});
