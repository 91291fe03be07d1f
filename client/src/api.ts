/**
 * The console's only door to the server: typed calls over fetch with the session cookie.
 * Every failure becomes an ApiError carrying the server's code, message and field errors, so
 * pages can show plain words instead of status numbers.
 */
import type { PlanDiff } from '../../shared/plan-diff.js';
import type { LedgerTotals, PendingLine } from '../../shared/ledger.js';
import type { FeedbackView, HandleReplyResult, StaffReplyView } from '../../shared/messages.js';
import type { LiveEvent } from '../../shared/realtime.js';
import type { HotelOffer, HotelUpdate, PlanMove } from '../../shared/operations.js';
import type {
  PlanView,
  ApiErrorBody,
  HotelArrivals,
  ImportResult,
  IncidentListItem,
  IncidentState,
  IncidentSummary,
  LoginRequest,
  UserView,
} from '../../shared/api.js';

export interface FieldError {
  path: string;
  message: string;
}

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

/** A fresh key per user action: a retried request (flaky Wi-Fi) is applied once. */
function idempotencyKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && !path.startsWith('/api/auth/')) headers['Idempotency-Key'] = idempotencyKey();
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check the connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    if (isErrorBody(parsed)) {
      const { code, message, details } = parsed.error;
      const fields = Array.isArray(details?.fields) ? details.fields : [];
      throw new ApiError(res.status, code, message, fields, details ?? {});
    }
    throw new ApiError(res.status, `http_${res.status}`, fallbackMessage(res.status));
  }
  if (parsed === undefined) throw new ApiError(res.status, 'bad_response', 'The server sent an unreadable answer.');
  return parsed as T;
}

const inc = (incidentId: string) => `/api/incidents/${encodeURIComponent(incidentId)}`;
const seg = encodeURIComponent;

export const api = {
  login: (body: LoginRequest) => request<{ user: UserView }>('POST', '/api/auth/login', body),
  logout: () => request<void>('POST', '/api/auth/logout'),
  me: () => request<{ user: UserView }>('GET', '/api/auth/me'),
  incidents: () => request<{ incidents: IncidentListItem[] }>('GET', '/api/incidents'),
  summary: (incidentId: string) => request<IncidentSummary>('GET', `/api/incidents/${encodeURIComponent(incidentId)}/summary`),
  state: (incidentId: string) => request<IncidentState>('GET', `/api/incidents/${encodeURIComponent(incidentId)}/state`),
  importScenario: (scenario: unknown) => request<ImportResult>('POST', '/api/incidents/import', scenario),
  ledgerSummary: (incidentId: string) => request<LedgerTotals>('GET', `${inc(incidentId)}/ledger/summary`),
  events: (incidentId: string, after: number, limit = 5000) => request<{ events: LiveEvent[] }>('GET', `${inc(incidentId)}/events?after=${after}&limit=${limit}`),
  proposePlan: (incidentId: string) => request<PlanView>('POST', `${inc(incidentId)}/plans`, {}),
  latestPlan: (incidentId: string) => request<{ plan: PlanView | null }>('GET', `${inc(incidentId)}/plans/latest`),
  movePlan: (incidentId: string, planId: string, move: PlanMove) => request<PlanView>('POST', `${inc(incidentId)}/plans/${seg(planId)}/moves`, move),
  applyPlan: (incidentId: string, planId: string) => request<{ applied: true; seq: number; diff: PlanDiff }>('POST', `${inc(incidentId)}/plans/${seg(planId)}/apply`, {}),
  offerHotel: (incidentId: string, offer: HotelOffer) => request<{ hotelId: string; seq: number }>('POST', `${inc(incidentId)}/hotels`, offer),
  updateHotel: (incidentId: string, hotelId: string, change: HotelUpdate) => request<{ hotelId: string; displacedPartyIds: string[]; seq: number }>('PATCH', `${inc(incidentId)}/hotels/${seg(hotelId)}`, change),
  arrivals: (incidentId: string, hotelId: string) => request<HotelArrivals>('GET', `${inc(incidentId)}/hotels/${seg(hotelId)}/arrivals`),
  setVehicleStatus: (incidentId: string, vehicleId: string, status: 'in_service' | 'out_of_service', reason?: string) =>
    request<unknown>('PATCH', `${inc(incidentId)}/vehicles/${seg(vehicleId)}`, { status, ...(reason ? { reason } : {}) }),
  setPartyStatus: (incidentId: string, partyId: string, status: 'self_evacuated' | 'needs_help' | 'waiting' | 'no_show', note?: string) =>
    request<unknown>('POST', `${inc(incidentId)}/parties/${seg(partyId)}/status`, { status, ...(note ? { note } : {}) }),
  feedback: (incidentId: string) => request<{ feedback: FeedbackView[]; count: number; averageRating: number | null }>('GET', `${inc(incidentId)}/feedback`),
  openReplies: (incidentId: string) => request<{ replies: StaffReplyView[] }>('GET', `${inc(incidentId)}/guest-replies?open=true&limit=1000`),
  handleReply: (incidentId: string, replyId: string, note: string, resume = false) =>
    request<HandleReplyResult>('POST', `${inc(incidentId)}/guest-replies/${seg(replyId)}/handle`, { note, resume }),
  pendingPerks: (incidentId: string) => request<{ lines: PendingLine[] }>('GET', `${inc(incidentId)}/ledger/pending`),
  approvePerk: (incidentId: string, entryId: string) => request<{ entryId: string; seq: number }>('POST', `${inc(incidentId)}/ledger/entries/${seg(entryId)}/approve`, {}),
  rejectPerk: (incidentId: string, entryId: string, reason: string) =>
    request<{ entryId: string; seq: number }>('POST', `${inc(incidentId)}/ledger/entries/${seg(entryId)}/reject`, reason ? { reason } : {}),
};
