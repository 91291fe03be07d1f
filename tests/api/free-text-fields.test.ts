/**
 * Every text field of every request refuses what makes text display other than it reads: the
 * bidirectional overrides, embeddings and isolates (the RLO that reversed a name in the insurer's
 * CSV) and control characters (an ANSI escape in the duty manager's attention summary, a NUL byte
 * that reached the database). The test walks each write route's request schema to its string
 * fields, sends a hostile value to each one over HTTP, and expects a 400 naming that field, with
 * nothing written. A route added without a row, or a field added to a schema without a sample in
 * the row's body, fails here; so does a text field given a plain `z.string()`.
 */
import request from 'supertest';
import type { z } from 'zod';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { signIn, type Agent } from '../helpers/api.js';
import { declaredRoutes, fillPath, parseRoute } from '../helpers/routes.js';
import { fingerprinter, changedTables } from '../security/fuzz-kit.js';
import { buildGuest, buildHotel, buildParty, buildRoomType, buildScenario, buildVehicle } from '../../seed/factories.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import { proposeSchema } from '../../server/plans/service.js';
import { loginRequestSchema } from '../../shared/api.js';
import { attentionSettingsSchema, resolveAttentionSchema, rollCallSchema } from '../../shared/attention.js';
import { checkInSchema, checkOutSchema, noShowSchema } from '../../shared/checkin.js';
import { driverArriveSchema, driverBoardSchema, driverDepartSchema, driverPositionSchema } from '../../shared/drivers.js';
import { formatPath } from '../../shared/errors.js';
import { accrueSchema, exportRequestSchema, recordPerkSchema, resolveEntrySchema, reverseEntrySchema } from '../../shared/ledger.js';
import { guestFeedbackSchema, guestReplySchema, handleReplySchema, messageSettingsSchema, templateUpdateSchema } from '../../shared/messages.js';
import {
  hotelOfferSchema,
  hotelUpdateSchema,
  partyStatusUpdateSchema,
  planMoveSchema,
  siteAddSchema,
  vehicleOfferSchema,
  vehicleUpdateSchema,
} from '../../shared/operations.js';
import { passScanSchema } from '../../shared/passes.js';
import { presenceUpdateSchema, subscribeSchema, vehiclePositionSchema } from '../../shared/realtime.js';
import { partySchema, scenarioSchema } from '../../shared/scenario.js';

/** Put inside a valid value, so that nothing else is wrong with it: a right-to-left override, an ANSI escape, a NUL byte. */
const HOSTILE = ['\u202e', '\u001b[31m', '\u0000'];
const spoil = (valid: unknown, bad: string) => {
  const s = typeof valid === 'string' && valid ? valid : 'Ada';
  return `${s.slice(0, 1)}${bad}${s.slice(1)}`;
};
/** A name written right to left: every text field takes it. */
const RIGHT_TO_LEFT = 'שרה כהן מחיפה';

// ---- the schema walk ----

type Seg = string | number | typeof KEY;
/** Stands for "a key of this record": the key itself is the text sent. */
const KEY = Symbol('record key');

interface Leaf {
  path: Seg[];
  schema: z.ZodType;
  /** In one option of a discriminated union: the body must be that option. */
  when?: { key: string; value: unknown };
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
  values?: unknown[];
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Every string a request may carry, with its path (arrays as [0], records as KEY and '*'). */
function stringLeaves(schema: z.ZodType, path: Seg[] = [], when?: Leaf['when'], depth = 0): Leaf[] {
  if (depth > 30) return [];
  const def = defOf(schema);
  const down = (s: z.ZodType, p: Seg[] = path, w = when) => stringLeaves(s, p, w, depth + 1);
  switch (def.type) {
    case 'string':
      return [{ path, schema, ...(when ? { when } : {}) }];
    case 'object':
      return Object.entries(def.shape!).flatMap(([k, s]) => down(s, [...path, k]));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return down(def.innerType!);
    case 'pipe':
      return defOf(def.in!).type === 'transform' ? down(def.out!) : down(def.in!);
    case 'array':
      return down(def.element!, [...path, 0]);
    case 'record':
      return [...down(def.keyType!, [...path, KEY]), ...down(def.valueType!, [...path, '*'])];
    case 'union':
      return def.options!.flatMap((o) => {
        const tag = def.discriminator ? defOf(defOf(o).shape![def.discriminator]!).values?.[0] : undefined;
        return down(o, path, def.discriminator ? { key: def.discriminator, value: tag } : when);
      });
    case 'intersection':
      return [...down(def.left!), ...down(def.right!)];
    case 'lazy':
      return down(def.getter!());
    default:
      return [];
  }
}

/** Text a person types (names, notes, reasons, places, references) and ids: a field that takes plain words. */
const takesWords = (leaf: Leaf) => leaf.schema.safeParse('Ada Lovelace').success;

/**
 * `body` with `value` at `path`, or null when the body has no container there (the row needs a
 * sample: an element in that list, an entry in that record). `*` is the record's first entry; KEY
 * renames it to `value`.
 */
function placed(body: unknown, path: Seg[], value: (valid: unknown) => string): { body: unknown; at: (string | number)[] } | null {
  const at: (string | number)[] = [];
  const put = (v: unknown, i: number): unknown => {
    if (i === path.length) return value(v);
    const seg = path[i]!;
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      if (typeof seg !== 'number' || v.length === 0) return undefined;
      at.push(0);
      const inner = put(v[0], i + 1);
      return inner === undefined ? undefined : [inner, ...v.slice(1)];
    }
    const o = v as Record<string, unknown>;
    if (seg === KEY || seg === '*') {
      const first = Object.keys(o)[0];
      if (first === undefined) return undefined;
      if (seg === KEY) {
        const key = value(first);
        at.push(key);
        const { [first]: kept, ...rest } = o;
        return { [key]: kept, ...rest };
      }
      at.push(first);
      const inner = put(o[first], i + 1);
      return inner === undefined ? undefined : { ...o, [first]: inner };
    }
    at.push(seg as string);
    if (i === path.length - 1) return { ...o, [seg as string]: value(o[seg as string]) };
    const inner = put(o[seg as string], i + 1);
    return inner === undefined ? undefined : { ...o, [seg as string]: inner };
  };
  const out = put(body, 0);
  return out === undefined ? null : { body: out, at };
}

// ---- the routes ----

type Caller = 'none' | 'duty' | 'reception';

interface Row {
  route: string;
  as: Caller;
  /** The schema the route's body is checked with. */
  schema: z.ZodType;
  /** Valid bodies; together they hold a sample of every list, record and union option of the schema. */
  bodies: () => Record<string, unknown>[];
  params?: () => Record<string, string>;
  headers?: () => Record<string, string>;
  /** Field paths (formatPath, lists as [0]) not tested, and why. */
  exempt?: Record<string, string>;
  /** The refusal's paths start at the document, not `body` (the scenario import). */
  documentPaths?: true;
}

/** Write routes that take no JSON body. */
const NO_JSON_BODY: Record<string, string> = {
  'POST /api/auth/logout': 'no body',
  'POST /api/auth/logout-everywhere': 'no body',
  'POST /api/incidents/:incidentId/guests/csv': 'a CSV file: its rows are checked by the household schema (partySchema, walked below)',
  'POST /api/incidents/:incidentId/plans/:planId/apply': 'no body',
  'DELETE /api/incidents/:incidentId/message-templates/:key/:language': 'no body',
  'POST /api/incidents/:incidentId/status-links/:partyId/:action': 'no body',
  'POST /api/incidents/:incidentId/ledger/receipts': 'image bytes',
  'POST /api/incidents/:incidentId/ledger/trips/:tripId/complete': 'no body',
  'POST /api/incidents/:incidentId/exports/verify':
    'an export manifest the server wrote, compared value by value with the ledger: refusing its text would stop an old export verifying',
  'POST /api/incidents/:incidentId/vehicles/:vehicleId/driver-link/revoke': 'no body',
  'POST /api/incidents/:incidentId/sites/:siteId/rollcall/link': 'no body',
  'POST /api/incidents/:incidentId/sites/:siteId/rollcall/link/withdraw': 'no body',
};

const P: Record<string, string> = {};
const agents: Partial<Record<Caller, Agent>> = {};
const statusHeader = () => ({ 'x-status-token': P.statusToken! });
const someUuid = '00000000-0000-4000-8000-0000000000aa';
const partyInput = (id: string) => buildParty({ id, needs: ['pets'], notes: 'Two dogs', guests: [buildGuest({ id: `${id}-G1`, needs: ['wheelchair'] })] });
const hotelInput = (id: string) => buildHotel({ id, perks: [{ kind: 'open_bar', capMinorPerGuestPerNight: 1500, note: 'until midnight' }] });
const party = (id: string) => partyInput(id) as unknown as Record<string, unknown>;
const hotel = (id: string) => hotelInput(id) as unknown as Record<string, unknown>;
const IDS_MATCHED = 'guest ids, matched against the household or site; an unknown one is refused by name';

/* prettier-ignore */
const ROWS: Row[] = [
  { route: 'POST /api/auth/login', as: 'none', schema: loginRequestSchema, bodies: () => [{ email: 'nobody@test.example', password: 'wrong password' }],
    exempt: { email: 'compared with the accounts, never stored or shown', password: 'a password may hold any character' } },
  { route: 'POST /api/incidents/import', as: 'duty', schema: scenarioSchema, documentPaths: true,
    bodies: () => [buildScenario({ parties: [partyInput('I-P1')], hotels: [hotelInput('I-H1')] }) as unknown as Record<string, unknown>] },
  { route: 'POST /api/incidents/:incidentId/plans', as: 'duty', schema: proposeSchema, bodies: () => [{ mode: 'full' }] },
  { route: 'POST /api/incidents/:incidentId/plans/:planId/moves', as: 'duty', schema: planMoveSchema, bodies: () => [{ partyId: 'A-P2', hotelId: 'A1', vehicleId: 'A-V1' }] },
  { route: 'POST /api/incidents/:incidentId/hotels', as: 'duty', schema: hotelOfferSchema, bodies: () => [hotel('FT-H')] },
  { route: 'PATCH /api/incidents/:incidentId/hotels/:hotelId', as: 'duty', schema: hotelUpdateSchema,
    bodies: () => [{ petsAllowed: true, perks: [{ kind: 'tea', note: 'all night' }], roomTypes: [buildRoomType({ count: 40 })], email: 'desk@example.org' }] },
  { route: 'POST /api/incidents/:incidentId/parties/:partyId/status', as: 'duty', schema: partyStatusUpdateSchema, bodies: () => [{ status: 'needs_help', note: 'rang' }] },
  { route: 'POST /api/incidents/:incidentId/vehicles', as: 'duty', schema: vehicleOfferSchema, bodies: () => [buildVehicle({ id: 'FT-V' }) as unknown as Record<string, unknown>] },
  { route: 'POST /api/incidents/:incidentId/sites', as: 'duty', schema: siteAddSchema, bodies: () => [{ id: 'ft-site', name: 'Church hall', kind: 'muster', lat: 53.1, lng: 0.3 }] },
  { route: 'PUT /api/incidents/:incidentId/parties/:partyId', as: 'duty', schema: partySchema, params: () => ({ partyId: 'A-P4' }), bodies: () => [party('A-P4')] },
  { route: 'POST /api/incidents/:incidentId/parties', as: 'duty', schema: partySchema, bodies: () => [party('FT-P')] },
  { route: 'PATCH /api/incidents/:incidentId/vehicles/:vehicleId', as: 'duty', schema: vehicleUpdateSchema, bodies: () => [{ status: 'out_of_service', reason: 'flat tyre' }] },
  { route: 'POST /api/incidents/:incidentId/hotels/:hotelId/arrivals/checkins', as: 'reception', schema: checkInSchema,
    bodies: () => [{ partyId: 'A-P1', guestIds: ['A-P1-G1'], roomNumbers: { double: ['101'] }, guestRooms: { 'A-P1-G1': '101' } }],
    exempt: { 'guestIds[0]': IDS_MATCHED, 'guestRooms.<key>': IDS_MATCHED } },
  { route: 'POST /api/incidents/:incidentId/hotels/:hotelId/arrivals/no-shows', as: 'reception', schema: noShowSchema, bodies: () => [{ partyId: 'A-P1', kind: 'no_show', note: 'no answer' }] },
  { route: 'POST /api/incidents/:incidentId/hotels/:hotelId/arrivals/checkouts', as: 'reception', schema: checkOutSchema, bodies: () => [{ partyId: 'A-P1' }] },
  { route: 'POST /api/incidents/:incidentId/passes/scan', as: 'reception', schema: passScanSchema, bodies: () => [{ text: 'ABC234' }] },
  { route: 'PUT /api/incidents/:incidentId/message-templates/:key/:language', as: 'duty', schema: templateUpdateSchema,
    bodies: () => [{ subject: 'Your room at {{hotel}}', body: 'Hello {{household}},\nyour room is at {{hotel}}: {{link}}' }] },
  { route: 'PATCH /api/incidents/:incidentId/message-settings', as: 'duty', schema: messageSettingsSchema, bodies: () => [{ helplinePhone: '+44 7700 900123', departureNoticeMinutes: 30 }] },
  { route: 'POST /api/incidents/:incidentId/guest-replies/:replyId/handle', as: 'duty', schema: handleReplySchema, bodies: () => [{ note: 'called back', resume: false }] },
  { route: 'POST /api/incidents/:incidentId/ledger/perks', as: 'reception', schema: recordPerkSchema,
    bodies: () => [{ partyId: 'A-P1', guestId: 'A-P1-G1', hotelId: 'A1', category: 'meals', amountMinor: 1200, occurredAt: '2026-10-31T21:00:00+00:00', receiptRef: 'till 4 #1182', note: 'soup' }] },
  { route: 'POST /api/incidents/:incidentId/ledger/entries/:entryId/approve', as: 'duty', schema: resolveEntrySchema, bodies: () => [{ reason: 'fine' }] },
  { route: 'POST /api/incidents/:incidentId/ledger/entries/:entryId/reject', as: 'duty', schema: resolveEntrySchema, bodies: () => [{ reason: 'no receipt' }] },
  { route: 'POST /api/incidents/:incidentId/ledger/entries/:entryId/reverse', as: 'duty', schema: reverseEntrySchema,
    bodies: () => [{ reason: 'entered twice', replacement: { amountMinor: 900, category: 'bar', receiptRef: 'till 2 #77', note: 'corrected' } }] },
  { route: 'POST /api/incidents/:incidentId/ledger/accruals/lodging', as: 'duty', schema: accrueSchema, bodies: () => [{ asOf: '2026-11-01T09:00:00+00:00' }] },
  { route: 'POST /api/incidents/:incidentId/exports', as: 'duty', schema: exportRequestSchema, bodies: () => [{ from: '2026-10-31T00:00:00+00:00', to: '2026-11-02T00:00:00+00:00' }] },
  { route: 'PATCH /api/incidents/:incidentId/attention/settings', as: 'duty', schema: attentionSettingsSchema, bodies: () => [{ overdueMinutes: 20 }] },
  { route: 'POST /api/incidents/:incidentId/attention/:itemId/resolve', as: 'duty', schema: resolveAttentionSchema, bodies: () => [{ note: 'called them back' }] },
  { route: 'POST /api/incidents/:incidentId/sites/:siteId/rollcall', as: 'duty', schema: rollCallSchema, bodies: () => [{ presentGuestIds: ['A-P1-G1'] }],
    exempt: { 'presentGuestIds[0]': IDS_MATCHED } },
  { route: 'POST /api/rollcall/:token', as: 'none', schema: rollCallSchema, params: () => ({ token: P.rollCallToken! }), bodies: () => [{ presentGuestIds: ['A-P1-G1'] }],
    exempt: { 'presentGuestIds[0]': IDS_MATCHED } },
  { route: 'POST /api/drive/:token/positions', as: 'none', schema: driverPositionSchema, bodies: () => [{ lat: 53.15, lng: 0.33 }] },
  { route: 'POST /api/drive/:token/boardings', as: 'none', schema: driverBoardSchema, bodies: () => [{ tripId: P.tripId, partyId: 'A-P2' }] },
  { route: 'POST /api/drive/:token/departures', as: 'none', schema: driverDepartSchema, bodies: () => [{ tripId: P.tripId }] },
  { route: 'POST /api/drive/:token/arrivals', as: 'none', schema: driverArriveSchema, bodies: () => [{ tripId: P.tripId, hotelId: 'A1' }] },
  { route: 'POST /api/guest/replies', as: 'none', schema: guestReplySchema, headers: statusHeader,
    bodies: () => [
      { kind: 'own_way', key: 'reply-key-1', place: 'My sister’s in Louth', text: 'we have the car', toHotel: false },
      { kind: 'need_help', key: 'reply-key-2', text: 'Gran needs her oxygen' },
      { kind: 'missing_member', key: 'reply-key-3', guestId: 'A-P4-G1', text: 'Tom went back for the cat' },
    ] },
  { route: 'POST /api/guest/feedback', as: 'none', schema: guestFeedbackSchema, headers: statusHeader, bodies: () => [{ rating: 5, comment: 'warm and dry' }] },
];

/** The socket payloads with a string in them: checked by schema (the socket tests send them). */
const SOCKET_PAYLOADS: { name: string; schema: z.ZodType; sample: Record<string, unknown> }[] = [
  { name: 'presence.update', schema: presenceUpdateSchema, sample: { viewing: 'Plan' } },
  { name: 'subscribe', schema: subscribeSchema, sample: { incidentId: someUuid, sinceSeq: 0 } },
  { name: 'vehicle.position', schema: vehiclePositionSchema, sample: { incidentId: someUuid, vehicleId: 'A-V1', lat: 53.1, lng: 0.3 } },
];

const pathName = (path: Seg[]) => formatPath(path.map((s) => (s === KEY ? '<key>' : s)));

/** Each row's text fields: where, and which body to put a hostile value in. */
function cases(row: Row): { leaf: Leaf; name: string; body: Record<string, unknown> | null }[] {
  return stringLeaves(row.schema)
    .filter((leaf) => takesWords(leaf) && !row.exempt?.[pathName(leaf.path)])
    .map((leaf) => {
      const bodies = row.bodies().filter((b) => !leaf.when || b[leaf.when.key] === leaf.when.value);
      return { leaf, name: pathName(leaf.path), body: bodies.find((b) => placed(b, leaf.path, () => 'x')) ?? null };
    });
}

// ---- setup: an incident with a plan applied, and one of everything a route names ----

let server: TestServer;
let fp: Awaited<ReturnType<typeof fingerprinter>>;

async function user(who: Caller, role: 'duty_manager' | 'reception', extra: { incidentId?: string; hotelId?: string } = {}) {
  const email = `free-text-${who}@test.example`;
  await insertUser(server.database.db, {
    email,
    name: `Free text ${who}`,
    role,
    passwordHash: await hashPassword(DEMO_PASSWORD),
    incidentId: extra.incidentId ?? null,
    hotelId: extra.hotelId ?? null,
  });
  agents[who] = await signIn(server.url, email);
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'none', env: { MESSAGES_ENABLED: 'false' } });
  await user('duty', 'duty_manager');
  const duty = agents.duty!;
  P.incidentId = (
    await duty
      .post('/api/incidents/import')
      .send(
        buildScenario({
          parties: ['A-P1', 'A-P2', 'A-P3', 'A-P4'].map((id) => buildParty({ id, guests: [buildGuest({ id: `${id}-G1` })] })),
          hotels: [buildHotel({ id: 'A1', roomTypes: [buildRoomType({ type: 'double', count: 50 })] })],
          vehicles: [buildVehicle({ id: 'A-V1' }), buildVehicle({ id: 'A-V2' })],
        }),
      )
      .expect(201)
  ).body.incidentId;
  await user('reception', 'reception', { incidentId: P.incidentId, hotelId: 'A1' });
  const inc = `/api/incidents/${P.incidentId}`;
  const applied = (await duty.post(`${inc}/plans`).expect(201)).body.id as string;
  await duty.post(`${inc}/plans/${applied}/apply`).expect(200);
  P.planId = (await duty.post(`${inc}/plans`).expect(201)).body.id;
  Object.assign(P, { hotelId: 'A1', partyId: 'A-P1', vehicleId: 'A-V2', key: 'assigned', language: 'en', siteId: 'muster-test' });
  P.entryId = someUuid;
  P.replyId = someUuid;
  P.itemId = someUuid;
  const state = (await duty.get(`${inc}/state`).expect(200)).body as { trips: { id: string; vehicleId: string }[] };
  P.tripId = state.trips[0]!.id;
  const links = (await duty.get(`${inc}/drivers`).expect(200)).body.links as { vehicleId: string; token: string }[];
  P.token = links.find((l) => l.vehicleId === state.trips[0]!.vehicleId)!.token;
  P.statusToken = (await duty.get(`${inc}/status-links/A-P4`).expect(200)).body.token;
  P.rollCallToken = (await duty.post(`${inc}/sites/muster-test/rollcall/link`).expect(200)).body.token;
  fp = await fingerprinter(server.database);
}, 120_000);
afterAll(async () => server?.close());

function send(row: Row, body: unknown) {
  const { method, pattern } = parseRoute(row.route);
  const path = fillPath(pattern, { ...P, ...row.params?.() });
  const agent = row.as === 'none' ? request(server.url) : agents[row.as]!;
  let req = agent[method](path).set('content-type', 'application/json');
  for (const [k, v] of Object.entries(row.headers?.() ?? {})) req = req.set(k, v);
  return req.send(JSON.stringify(body));
}

// ---- the tests ----

test('every write route has a row here, or says why it takes no JSON body', () => {
  const writes = declaredRoutes().filter((r) => !r.startsWith('GET '));
  expect([...ROWS.map((r) => r.route), ...Object.keys(NO_JSON_BODY)].sort()).toEqual(writes);
});

test.each(ROWS.map((r) => [r.route, r] as const))('%s: the bodies hold a sample of every text field', (_route, row) => {
  const missing = cases(row)
    .filter((c) => !c.body)
    .map((c) => c.name);
  expect(missing).toEqual([]);
  for (const name of Object.keys(row.exempt ?? {})) expect(stringLeaves(row.schema).map((l) => pathName(l.path))).toContain(name);
});

test.each(ROWS.filter((r) => cases(r).length > 0).map((r) => [r.route, r] as const))(
  '%s: a bidi override, an escape or a NUL in any text field is a 400 naming it, and nothing is written',
  async (_route, row) => {
    const wrong: string[] = [];
    for (const c of cases(row)) {
      for (const value of HOSTILE) {
        const { body, at } = placed(c.body, c.leaf.path, (valid) => spoil(valid, value))!;
        const expected = formatPath(row.documentPaths ? at : ['body', ...at]);
        const before = await fp.settled();
        const res = await send(row, body);
        const paths = (res.body?.error?.details?.fields ?? []).map((f: { path: string }) => f.path) as string[];
        const named = c.leaf.path.includes(KEY) ? paths.some((p) => p.startsWith(expected.slice(0, expected.lastIndexOf('.')))) : paths.includes(expected);
        if (res.status !== 400 || res.body.error.code !== 'validation_failed' || !named)
          wrong.push(`${c.name} = ${JSON.stringify(value)}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        const changed = changedTables(before, await fp.take());
        if (changed.length) wrong.push(`${c.name} = ${JSON.stringify(value)}: changed ${changed.join(', ')}`);
      }
    }
    expect(wrong).toEqual([]);
  },
  120_000,
);

test('every text field of every request and socket payload takes a name written right to left', () => {
  const refused: string[] = [];
  const all = [...ROWS.map((r) => ({ name: r.route, schema: r.schema })), ...SOCKET_PAYLOADS];
  for (const { name, schema } of all)
    for (const leaf of stringLeaves(schema).filter(takesWords))
      if (!leaf.schema.safeParse(RIGHT_TO_LEFT).success) refused.push(`${name} ${pathName(leaf.path)}`);
  expect(refused).toEqual([]);
});

test('every text field of every request and socket payload refuses half a character (a lone surrogate)', () => {
  // Stored as U+FFFD, so what was hashed or compared before the write is not what was kept
  // (tests/security/lone-surrogates.test.ts: one perk made the ledger's chain read as tampered).
  const taken: string[] = [];
  const all = [...ROWS.map((r) => ({ name: r.route, schema: r.schema, exempt: r.exempt })), ...SOCKET_PAYLOADS.map((p) => ({ ...p, exempt: undefined }))];
  for (const { name, schema, exempt } of all)
    for (const leaf of stringLeaves(schema).filter((l) => takesWords(l) && !exempt?.[pathName(l.path)]))
      for (const half of ['\ud800', '\udfff']) if (leaf.schema.safeParse(spoil('Ada Lovelace', half)).success) taken.push(`${name} ${pathName(leaf.path)}`);
  expect(taken).toEqual([]);
});

test.each(SOCKET_PAYLOADS.map((s) => [s.name, s] as const))('socket %s: a bidi override, an escape or a NUL in a text field is refused by name', (_name, p) => {
  expect(p.schema.safeParse(p.sample).success).toBe(true);
  for (const leaf of stringLeaves(p.schema).filter(takesWords))
    for (const value of HOSTILE) {
      const { body, at } = placed(p.sample, leaf.path, (valid) => spoil(valid, value))!;
      const r = p.schema.safeParse(body);
      expect({ value, success: r.success }).toEqual({ value, success: false });
      expect(r.error!.issues.map((i) => formatPath(i.path as PropertyKey[]))).toContain(formatPath(at));
    }
});

test('a right-to-left note over two lines is accepted over HTTP and comes back as sent', async () => {
  const res = await request(server.url)
    .post('/api/guest/replies')
    .set(statusHeader())
    .send({ kind: 'need_help', key: RIGHT_TO_LEFT, text: `${RIGHT_TO_LEFT}\nبيت خالتي في لاوث` })
    .expect(201);
  expect(res.body.reply.text).toBe(`${RIGHT_TO_LEFT}\nبيت خالتي في لاوث`);
});
