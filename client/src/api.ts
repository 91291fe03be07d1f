/**
 * The console's only door to the server: typed calls over fetch with the session cookie.
 * Every failure becomes an ApiError carrying the server's code, message and field errors, so
 * pages can show plain words instead of status numbers.
 */
import type {
  ApiErrorBody,
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

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
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
      throw new ApiError(res.status, code, message, fields);
    }
    throw new ApiError(res.status, `http_${res.status}`, fallbackMessage(res.status));
  }
  if (parsed === undefined) throw new ApiError(res.status, 'bad_response', 'The server sent an unreadable answer.');
  return parsed as T;
}

export const api = {
  login: (body: LoginRequest) => request<{ user: UserView }>('POST', '/api/auth/login', body),
  logout: () => request<void>('POST', '/api/auth/logout'),
  me: () => request<{ user: UserView }>('GET', '/api/auth/me'),
  incidents: () => request<{ incidents: IncidentListItem[] }>('GET', '/api/incidents'),
  summary: (incidentId: string) => request<IncidentSummary>('GET', `/api/incidents/${encodeURIComponent(incidentId)}/summary`),
  state: (incidentId: string) => request<IncidentState>('GET', `/api/incidents/${encodeURIComponent(incidentId)}/state`),
  importScenario: (scenario: unknown) => request<ImportResult>('POST', '/api/incidents/import', scenario),
};
