/**
 * The exports on record: make a new one, download its files and manifest, verify one against the
 * live ledger, or check files the insurer holds (hashed in the browser) with their manifest.
 */
import { useState } from 'react';
import type { ExportListItem, ExportVerification } from '../../../shared/ledger.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { formatDateTime, formatMoneyMinor } from '../format.js';
import { insurerApi, sha256OfFile } from './insurer-api.js';
import { VerificationResult } from './VerificationResult.js';

interface Props {
  incidentId: string;
  currency: string;
  timezone: string;
  exports: ExportListItem[];
  onChanged: () => void;
  onError: (err: unknown) => void;
}

export function ExportsPanel({ incidentId, currency, timezone, exports, onChanged, onError }: Props) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ label: string; verification: ExportVerification } | null>(null);

  const run = async (label: string, fn: () => Promise<void>) => {
    setBusy(label);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
      onError(err);
    } finally {
      setBusy(null);
    }
  };

  const create = () =>
    run('create', async () => {
      await insurerApi.createExport(incidentId, {});
      onChanged();
    });
  const verify = (e: ExportListItem) =>
    run(`verify-${e.id}`, async () =>
      setResult({ label: `Export of ${formatDateTime(e.createdAt, timezone)}`, verification: await insurerApi.verifyExport(incidentId, e.id) }),
    );
  const checkHeld = (files: FileList | null) =>
    run('held', async () => {
      const list = [...(files ?? [])];
      const manifestFile = list.find((f) => f.name.endsWith('manifest.json'));
      if (!manifestFile) throw new Error('Choose the manifest.json of the export together with its files.');
      const manifest = JSON.parse(await manifestFile.text()) as { files?: { name: string }[] };
      const hashes = [];
      for (const f of list.filter((x) => x !== manifestFile)) {
        const listed = manifest.files?.find((m) => f.name === m.name || f.name.endsWith(`-${m.name}`));
        hashes.push({ name: listed?.name ?? f.name, sha256: await sha256OfFile(f) });
      }
      setResult({ label: `Files you hold (${list.length})`, verification: await insurerApi.verifyManifest(incidentId, manifest, hashes) });
    });

  return (
    <section className="card insurer-card insurer-exports">
      <h2>Exports</h2>
      <p>
        <button type="button" onClick={() => void create()} disabled={busy !== null}>
          {busy === 'create' ? 'Preparing export…' : 'Create export (CSV, spreadsheet, PDF)'}
        </button>
      </p>
      {error ? <ErrorNotice error={error} /> : null}
      {exports.length === 0 ? <p className="muted">No exports yet.</p> : null}
      {exports.length > 0 ? (
        <table className="incident-table">
          <thead>
            <tr>
              <th>Made</th>
              <th>By</th>
              <th>Entries</th>
              <th className="num">Total</th>
              <th>Files</th>
              <th>Check</th>
            </tr>
          </thead>
          <tbody>
            {exports.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.createdAt, timezone)}</td>
                <td>{e.createdBy ?? 'unknown'}</td>
                <td>{e.range ? `#${e.range.fromSeq} to #${e.range.toSeq}` : ''}</td>
                <td className="num">{e.totalMinor === null ? '' : formatMoneyMinor(e.totalMinor, currency)}</td>
                <td className="insurer-files">
                  {e.files.map((f) => (
                    <a key={f.name} href={insurerApi.fileUrl(incidentId, e.id, f.name)} download>
                      {f.format.toUpperCase()}
                    </a>
                  ))}
                  <a href={insurerApi.fileUrl(incidentId, e.id, 'manifest.json')} download>
                    Manifest
                  </a>
                </td>
                <td>
                  <button type="button" className="secondary" onClick={() => void verify(e)} disabled={busy !== null}>
                    {busy === `verify-${e.id}` ? 'Checking…' : 'Verify'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="field">
        <label htmlFor="insurer-held">Check files you hold: choose the manifest and its files</label>
        <input
          id="insurer-held"
          type="file"
          multiple
          accept=".json,.csv,.xlsx,.pdf"
          onChange={(ev) => void checkHeld(ev.target.files)}
          disabled={busy !== null}
        />
      </div>
      {result ? (
        <>
          <h3>{result.label}</h3>
          <VerificationResult result={result.verification} />
        </>
      ) : null}
    </section>
  );
}
