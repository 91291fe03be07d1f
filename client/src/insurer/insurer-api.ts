/**
 * The insurer portal's calls (read-only for insurers; creating an export only records it).
 * Errors become the console's ApiError so the shared ErrorNotice shows them in plain words.
 */
import { ApiError } from '../api.js';
import type { IncidentSummary } from '../../../shared/api.js';
import type { ExportListItem, ExportManifest, ExportVerification, ChainCheck, LedgerTotals } from '../../../shared/ledger.js';

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check the connection and try again.');
  }
  const parsed: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string; details?: { fields?: { path: string; message: string }[] } } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? (res.status === 404 ? 'Not found.' : `The request failed (HTTP ${res.status}).`), err?.details?.fields ?? []);
  }
  return parsed as T;
}

const inc = (id: string) => `/api/incidents/${encodeURIComponent(id)}`;

export const insurerApi = {
  incident: (id: string) => call<IncidentSummary>('GET', `${inc(id)}/summary`),
  totals: (id: string) => call<LedgerTotals>('GET', `${inc(id)}/ledger/summary`),
  chain: (id: string) => call<ChainCheck>('GET', `${inc(id)}/ledger/verify`),
  exports: (id: string) => call<{ exports: ExportListItem[] }>('GET', `${inc(id)}/exports`),
  createExport: (id: string, range: { from?: string; to?: string }) => call<ExportManifest>('POST', `${inc(id)}/exports`, range),
  verifyExport: (id: string, exportId: string) => call<ExportVerification>('GET', `${inc(id)}/exports/${encodeURIComponent(exportId)}/verify`),
  verifyManifest: (id: string, manifest: unknown, files: { name: string; sha256: string }[]) => call<ExportVerification>('POST', `${inc(id)}/exports/verify`, { manifest, files }),
  fileUrl: (id: string, exportId: string, name: string) => `${inc(id)}/exports/${encodeURIComponent(exportId)}/files/${encodeURIComponent(name)}`,
};

/** sha256 of a file the insurer holds, computed in the browser (nothing is uploaded but the digest). */
export async function sha256OfFile(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
