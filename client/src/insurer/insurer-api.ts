/**
 * The insurer portal's calls (read-only for insurers; creating an export only records it), through
 * the client's one door: errors are its ApiError, so the shared ErrorNotice shows them in plain words.
 */
import { incidentPath as inc, request, HEAVY_REQUEST_DEADLINE_MS } from '../api.js';
import type { IncidentSummary } from '../../../shared/api.js';
import type { ExportListItem, ExportManifest, ExportVerification, ChainCheck, LedgerSummary } from '../../../shared/ledger.js';

export const insurerApi = {
  incident: (id: string) => request<IncidentSummary>('GET', `${inc(id)}/summary`),
  totals: (id: string) => request<LedgerSummary>('GET', `${inc(id)}/ledger/summary`),
  chain: (id: string) => request<ChainCheck>('GET', `${inc(id)}/ledger/verify`),
  exports: (id: string) => request<{ exports: ExportListItem[] }>('GET', `${inc(id)}/exports`),
  createExport: (id: string, range: { from?: string; to?: string }) =>
    request<ExportManifest>('POST', `${inc(id)}/exports`, range, { deadlineMs: HEAVY_REQUEST_DEADLINE_MS }),
  verifyExport: (id: string, exportId: string) => request<ExportVerification>('GET', `${inc(id)}/exports/${encodeURIComponent(exportId)}/verify`),
  verifyManifest: (id: string, manifest: unknown, files: { name: string; sha256: string }[]) =>
    request<ExportVerification>('POST', `${inc(id)}/exports/verify`, { manifest, files }, { deadlineMs: HEAVY_REQUEST_DEADLINE_MS }),
  fileUrl: (id: string, exportId: string, name: string) => `${inc(id)}/exports/${encodeURIComponent(exportId)}/files/${encodeURIComponent(name)}`,
};

/** sha256 of a file the insurer holds, computed in the browser (nothing is uploaded but the digest). */
export async function sha256OfFile(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
