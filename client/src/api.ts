/**
 * The client's only door to the server: every request of every page goes through `send` (the one
 * `fetch` of the client; the service worker in client/sw is a separate program). Every failure
 * becomes an ApiError carrying the server's code, message and field errors, so pages show plain
 * words instead of status numbers. Signed-in pages use the session cookie; pages opened by a link
 * (guest status, driver, roll call) pass their own header or credentials mode.
 */
import type { LedgerLine, LedgerTotals, PendingLine, PerkApproveResult, PerkRejectResult, RecordPerkRequest, RecordPerkResult } from '../../shared/ledger.js';
import type { DriverLink, DriverLinkRevoked, DriverPositionRequest, DriverView, HotelEta } from '../../shared/drivers.js';
import type { FeedbackList, HandleReplyResult, StaffReplyView } from '../../shared/messages.js';
import type { LiveEvent } from '../../shared/realtime.js';
import type {
  AttentionList,
  AttentionSettings,
  RollCallLink,
  RollCallLinksWithdrawn,
  RollCallList,
  RollCallResult,
  ResolveAttentionResult,
} from '../../shared/attention.js';
import type { Party } from '../../shared/scenario.js';
import type {
  HotelOffer,
  HotelOfferResult,
  VehicleOffer,
  VehicleOfferResult,
  HouseholdAddResult,
  HouseholdChangeResult,
  SiteAdd,
  SiteAddResult,
  HotelUpdate,
  HotelUpdateResult,
  PartyStatusUpdate,
  PlanMove,
  VehicleStatusUpdate,
} from '../../shared/operations.js';
import type { PassScanResult, PassSheet, PassSites } from '../../shared/passes.js';
import type { FieldError } from '../../shared/errors.js';
import type {
  PlanApplyResult,
  PlanView,
  ApiErrorBody,
  HotelArrivals,
  ImportResult,
  IncidentListItem,
  IncidentState,
  IncidentStatePart,
  IncidentSummary,
  LoginRequest,
  LogoutEverywhereResult,
  SignedInAnswer,
} from '../../shared/api.js';

export type { FieldError };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many attempts. Please wait a minute and try again.';
  if (status >= 500) return 'The server had a problem. Please try again in a moment.';
  return `The request failed (HTTP ${status}).`;
}

/** The one error parser: a status and whatever body came with it -> an ApiError in plain words. */
export function apiErrorOf(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) {
    const { code, message, details } = body.error;
    const fields = Array.isArray(details?.fields) ? details.fields : [];
    return new ApiError(status, typeof code === 'string' ? code : `http_${status}`, message, fields, details ?? {});
  }
  return new ApiError(status, `http_${status}`, fallbackMessage(status));
}

/** A fresh key per intended action: a retried request (flaky Wi-Fi) is applied once. */
export function newIdempotencyKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface DoorOptions {
  method?: Method;
  /** Sent as JSON; a Blob (a receipt photo) is sent as it is, with its own type. */
  body?: unknown;
  /** Extra headers: a link's token (X-Status-Token), If-None-Match. */
  headers?: Record<string, string>;
  /** 'same-origin' (the session cookie) by default; a page opened by a token link may 'omit' it. */
  credentials?: RequestCredentials;
  /** The key of an attempt that may already have reached the server; a fresh one per call otherwise. */
  idempotencyKey?: string;
  /** How long to wait for the whole answer; REQUEST_DEADLINE_MS unless the call does heavy work. */
  deadlineMs?: number;
}

/**
 * How long a request may go unanswered before it counts as no answer at all. On patchy Wi-Fi a
 * connection can die without a word and the browser then waits for minutes: the outbox's next
 * check-ins, and a list's next refresh, would wait behind it. After the deadline the request is
 * "cannot reach the server" like any network failure: a read shows the list as last loaded and is
 * asked again at the next change; an action stays in the outbox and is sent again with the same
 * Idempotency-Key, so the server applies it once whether or not the first attempt reached it.
 */
export const REQUEST_DEADLINE_MS = 30_000;
/** For the calls that do heavy work on the server: an import, a plan of 100,000 guests and its apply. */
export const HEAVY_REQUEST_DEADLINE_MS = 180_000;

const NO_CONNECTION = 'Cannot reach the server. Check the connection and try again.';

/** The one `fetch` of the client. Any answer is returned as it came; no answer at all (or none by the deadline) is ApiError(0, 'network'). */
export async function send(path: string, o: DoorOptions = {}): Promise<Response> {
  const method = o.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (o.body instanceof Blob) {
    headers['Content-Type'] = o.body.type;
    body = o.body;
  } else if (o.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(o.body);
  }
  if (method !== 'GET' && !path.startsWith('/api/auth/')) headers['Idempotency-Key'] = o.idempotencyKey ?? newIdempotencyKey();
  try {
    return await fetch(path, {
      method,
      credentials: o.credentials ?? 'same-origin',
      headers: { ...headers, ...o.headers },
      body,
      signal: AbortSignal.timeout(o.deadlineMs ?? REQUEST_DEADLINE_MS),
    });
  } catch {
    throw new ApiError(0, 'network', NO_CONNECTION);
  }
}

/** The body of an answer, parsed when it is JSON (null when empty or unreadable). */
export async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** An answer's JSON, or the ApiError it carries. */
export async function readAnswer<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const parsed = await bodyOf(res);
  if (!res.ok) throw apiErrorOf(res.status, parsed);
  if (parsed === null) throw new ApiError(res.status, 'bad_response', 'The server sent an unreadable answer.');
  return parsed as T;
}

/** A typed call: the answer's JSON, or an ApiError. */
export async function request<T>(method: Method, path: string, body?: unknown, o: Omit<DoorOptions, 'method' | 'body'> = {}): Promise<T> {
  return readAnswer<T>(await send(path, { ...o, method, body }));
}

/** An answer reduced to what the outbox decides on; status 0 when there was none (no connection). */
export interface Exchange {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

export async function exchange(path: string, o: DoorOptions): Promise<Exchange> {
  try {
    const res = await send(path, o);
    return { status: res.status, body: await bodyOf(res), retryAfter: res.headers.get('retry-after') };
  } catch {
    return { status: 0, body: null, retryAfter: null };
  }
}

/** `/api/incidents/<id>`: where every signed-in call about an incident starts. */
export const incidentPath = (incidentId: string) => `/api/incidents/${encodeURIComponent(incidentId)}`;
const inc = incidentPath;
const seg = encodeURIComponent;
const hotel = (incidentId: string, hotelId: string) => `${inc(incidentId)}/hotels/${seg(hotelId)}`;

/** Pages opened by a link, not a sign-in: the driver's (the token is in the path). */
const drive = (token: string) => `/api/drive/${seg(token)}`;

export const api = {
  login: (body: LoginRequest) => request<SignedInAnswer>('POST', '/api/auth/login', body),
  logout: () => request<void>('POST', '/api/auth/logout'),
  /** End every session of this user (a lost phone, a shared laptop): this one included. */
  logoutEverywhere: () => request<LogoutEverywhereResult>('POST', '/api/auth/logout-everywhere'),
  me: () => request<SignedInAnswer>('GET', '/api/auth/me'),
  incidents: () => request<{ incidents: IncidentListItem[] }>('GET', '/api/incidents'),
  summary: (incidentId: string) => request<IncidentSummary>('GET', `${inc(incidentId)}/summary`),
  state: (incidentId: string) => request<IncidentState>('GET', `${inc(incidentId)}/state`),
  /** The state with only some households (client/src/console/state-part.ts builds the query). */
  statePart: (incidentId: string, query: string) => request<IncidentStatePart>('GET', `${inc(incidentId)}/state/part?${query}`),
  importScenario: (scenario: unknown) => request<ImportResult>('POST', '/api/incidents/import', scenario, { deadlineMs: HEAVY_REQUEST_DEADLINE_MS }),
  driverLinks: (incidentId: string) => request<{ links: DriverLink[]; timezone: string }>('GET', `${inc(incidentId)}/drivers`),
  revokeDriverLink: (incidentId: string, vehicleId: string) =>
    request<DriverLinkRevoked>('POST', `${inc(incidentId)}/vehicles/${seg(vehicleId)}/driver-link/revoke`, {}),
  ledgerSummary: (incidentId: string) => request<LedgerTotals>('GET', `${inc(incidentId)}/ledger/summary`),
  /** Every person's moves, [seq, guest id, where to] in log order (replay). */
  whereaboutsMoves: (incidentId: string) => request<{ moves: [number, string, string][] }>('GET', `${inc(incidentId)}/whereabouts-moves`),
  events: (incidentId: string, after: number, limit = 5000) =>
    request<{ events: LiveEvent[] }>('GET', `${inc(incidentId)}/events?after=${after}&limit=${limit}`),
  /** `{ mode: 'transport' }`: every stay kept, vehicles re-planned from now (with its gain on the live projection). */
  proposePlan: (incidentId: string, body: { mode?: 'full' | 'transport' } = {}) =>
    request<PlanView>('POST', `${inc(incidentId)}/plans`, body, { deadlineMs: HEAVY_REQUEST_DEADLINE_MS }),
  getPlan: (incidentId: string, planId: string) => request<PlanView>('GET', `${inc(incidentId)}/plans/${planId}`),
  latestPlan: (incidentId: string) => request<{ plan: PlanView | null }>('GET', `${inc(incidentId)}/plans/latest`),
  movePlan: (incidentId: string, planId: string, move: PlanMove) =>
    request<PlanView>('POST', `${inc(incidentId)}/plans/${seg(planId)}/moves`, move, { deadlineMs: HEAVY_REQUEST_DEADLINE_MS }),
  applyPlan: (incidentId: string, planId: string) =>
    request<PlanApplyResult>('POST', `${inc(incidentId)}/plans/${seg(planId)}/apply`, {}, { deadlineMs: HEAVY_REQUEST_DEADLINE_MS }),
  offerHotel: (incidentId: string, offer: HotelOffer) => request<HotelOfferResult>('POST', `${inc(incidentId)}/hotels`, offer),
  updateHotel: (incidentId: string, hotelId: string, change: HotelUpdate) => request<HotelUpdateResult>('PATCH', hotel(incidentId, hotelId), change),
  arrivals: (incidentId: string, hotelId: string) => request<HotelArrivals>('GET', `${hotel(incidentId, hotelId)}/arrivals`),
  /** Reception's list, and when it was fresh if the service worker answered with its cached copy (no network). */
  arrivalsAsKept: async (incidentId: string, hotelId: string): Promise<{ arrivals: HotelArrivals; cachedAt: number | null }> => {
    const res = await send(`${hotel(incidentId, hotelId)}/arrivals`);
    const cachedAt = res.headers.get('x-sw-cached-at');
    return { arrivals: await readAnswer<HotelArrivals>(res), cachedAt: cachedAt ? Date.parse(cachedAt) : null };
  },
  hotelEtas: (incidentId: string, hotelId: string) => request<{ etas: HotelEta[] }>('GET', `${hotel(incidentId, hotelId)}/etas`),
  offerVehicle: (incidentId: string, offer: VehicleOffer) => request<VehicleOfferResult>('POST', `${inc(incidentId)}/vehicles`, offer),
  addHousehold: (incidentId: string, household: Party) => request<HouseholdAddResult>('POST', `${inc(incidentId)}/parties`, household),
  /**
   * A household corrected (the scenario's party shape, its id unchanged): guests left out are removed
   * if still waiting. `version`: the household as the form was opened on (`householdVersion`); a
   * colleague's correction since then is refused, never overwritten.
   */
  changeHousehold: (incidentId: string, household: Party, version: string) =>
    request<HouseholdChangeResult>('PUT', `${inc(incidentId)}/parties/${seg(household.id)}`, household, { headers: { 'If-Match': `"${version}"` } }),
  addSite: (incidentId: string, site: SiteAdd) => request<SiteAddResult>('POST', `${inc(incidentId)}/sites`, site),
  /** A booking system's guest list (README, "Guest list CSV"): every bad row is refused by line, and nothing is added. */
  importGuestList: (incidentId: string, csv: string) =>
    request<{ parties: number; guests: number }>('POST', `${inc(incidentId)}/guests/csv`, new Blob([csv], { type: 'text/csv' }), {
      deadlineMs: HEAVY_REQUEST_DEADLINE_MS,
    }),
  setVehicleStatus: (incidentId: string, vehicleId: string, change: VehicleStatusUpdate) =>
    request<unknown>('PATCH', `${inc(incidentId)}/vehicles/${seg(vehicleId)}`, change),
  setPartyStatus: (incidentId: string, partyId: string, change: PartyStatusUpdate) =>
    request<unknown>('POST', `${inc(incidentId)}/parties/${seg(partyId)}/status`, change),
  feedback: (incidentId: string) => request<FeedbackList>('GET', `${inc(incidentId)}/feedback`),
  openReplies: (incidentId: string) => request<{ replies: StaffReplyView[] }>('GET', `${inc(incidentId)}/guest-replies?open=true&limit=1000`),
  attention: (incidentId: string) => request<AttentionList>('GET', `${inc(incidentId)}/attention`),
  resolveAttention: (incidentId: string, itemId: string, note: string) =>
    request<ResolveAttentionResult>('POST', `${inc(incidentId)}/attention/${itemId}/resolve`, { note }),
  attentionSettings: (incidentId: string, body: Partial<AttentionSettings>) =>
    request<AttentionSettings>('PATCH', `${inc(incidentId)}/attention/settings`, body),
  rollCallList: (incidentId: string, siteId: string) => request<RollCallList>('GET', `${inc(incidentId)}/sites/${seg(siteId)}/rollcall`),
  rollCallLink: (incidentId: string, siteId: string) => request<RollCallLink>('POST', `${inc(incidentId)}/sites/${seg(siteId)}/rollcall/link`),
  withdrawRollCallLinks: (incidentId: string, siteId: string) =>
    request<RollCallLinksWithdrawn>('POST', `${inc(incidentId)}/sites/${seg(siteId)}/rollcall/link/withdraw`),
  rollCallListByLink: (token: string) => request<RollCallList>('GET', `/api/rollcall/${seg(token)}`),
  rollCallByLink: (token: string, presentGuestIds: string[]) => request<RollCallResult>('POST', `/api/rollcall/${seg(token)}`, { presentGuestIds }),
  rollCall: (incidentId: string, siteId: string, presentGuestIds: string[]) =>
    request<RollCallResult>('POST', `${inc(incidentId)}/sites/${seg(siteId)}/rollcall`, { presentGuestIds }),
  handleReply: (incidentId: string, replyId: string, note: string, resume = false) =>
    request<HandleReplyResult>('POST', `${inc(incidentId)}/guest-replies/${seg(replyId)}/handle`, { note, resume }),
  pendingPerks: (incidentId: string) => request<{ lines: PendingLine[] }>('GET', `${inc(incidentId)}/ledger/pending`),
  approvePerk: (incidentId: string, entryId: string) => request<PerkApproveResult>('POST', `${inc(incidentId)}/ledger/entries/${seg(entryId)}/approve`, {}),
  rejectPerk: (incidentId: string, entryId: string, reason: string) =>
    request<PerkRejectResult>('POST', `${inc(incidentId)}/ledger/entries/${seg(entryId)}/reject`, reason ? { reason } : {}),
  /** The ledger lines the caller may see (reception: its own hotel's). */
  ledgerLines: (incidentId: string, limit = 5000) => request<{ lines: LedgerLine[] }>('GET', `${inc(incidentId)}/ledger?limit=${limit}`),
  /** `key`: the attempt's Idempotency-Key, kept so "try again" after a lost answer never records twice. */
  recordPerk: (incidentId: string, body: RecordPerkRequest, key: string) =>
    request<RecordPerkResult>('POST', perkUrls.perks(incidentId), body, { idempotencyKey: key }),
  /** What a scanned status link names, for this caller's hotel only. */
  scanPass: (incidentId: string, text: string) => request<PassScanResult>('POST', `${inc(incidentId)}/passes/scan`, { text }),
  passSites: (incidentId: string) => request<PassSites>('GET', `${inc(incidentId)}/passes`),
  passSheet: (incidentId: string, siteId: string) => request<PassSheet>('GET', `${inc(incidentId)}/passes/${seg(siteId)}`),
  /** The driver's manifest, opened by the vehicle's link (no sign-in). */
  driverView: (token: string) => request<DriverView>('GET', drive(token)),
  /** A position for the duty managers' map; a lost one is not sent again (the next follows in seconds). */
  driverPosition: (token: string, position: DriverPositionRequest) => request<unknown>('POST', `${drive(token)}/positions`, position),
};

/** Where perks and their receipt photos are sent (straight away, or later by the outbox). */
export const perkUrls = {
  perks: (incidentId: string) => `${inc(incidentId)}/ledger/perks`,
  receipts: (incidentId: string) => `${inc(incidentId)}/ledger/receipts`,
};

/** Where the driver's phone sends boardings, departures and arrivals (through the outbox). */
export const driveUrl = (token: string, action: 'boardings' | 'departures' | 'arrivals') => `${drive(token)}/${action}`;

/** Where a hotel's rooming list downloads from (a plain link: the browser keeps the session cookie). */
export function roomingListUrl(incidentId: string, hotelId: string, format: 'csv' | 'pdf'): string {
  return `${hotel(incidentId, hotelId)}/rooming-list?format=${format}`;
}

/** Printable passes: one household, a hotel's placed guests, or a muster point's sheet of those still waiting. */
export const passUrls = {
  household: (incidentId: string, partyId: string) => `${inc(incidentId)}/passes/households/${seg(partyId)}/pdf`,
  hotel: (incidentId: string, hotelId: string) => `${inc(incidentId)}/passes/hotels/${seg(hotelId)}/pdf`,
  waitingAt: (incidentId: string, siteId: string) => `${inc(incidentId)}/passes/${seg(siteId)}/pdf?waiting=true`,
  /** Every pass of a muster point, as printed from the passes page. */
  sheet: (incidentId: string, siteId: string) => `${inc(incidentId)}/passes/${seg(siteId)}/pdf`,
  claimPack: (incidentId: string, partyId: string) => `${inc(incidentId)}/exports/claim-packs/${seg(partyId)}`,
};
