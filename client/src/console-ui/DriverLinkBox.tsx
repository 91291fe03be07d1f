/**
 * A vehicle's driver link inside the console: the QR to scan, copy, print (a card with the QR and
 * the vehicle), and revoke (the old link stops working; the server answers with what to show next).
 */
import { useCallback, useEffect, useState } from 'react';
import type { DriverLink } from '../../../shared/drivers.js';
import { api, ApiError } from '../api.js';
import { humanize } from '../format.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { QrSvg } from '../passes/QrSvg.js';
import { InfoNote } from '../components/Notices.js';

export function DriverLinkBox({ incidentId, vehicleId, onAuthError }: { incidentId: string; vehicleId: string; onAuthError: (err: unknown) => void }) {
  const [link, setLink] = useState<DriverLink | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const { links } = await api.driverLinks(incidentId);
      setLink(links.find((l) => l.vehicleId === vehicleId) ?? null);
    } catch (err) {
      onAuthError(err);
      setError(err);
    }
  }, [incidentId, vehicleId, onAuthError]);
  useEffect(() => void load(), [load]);

  const url = link ? `${window.location.origin}${link.path}` : '';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setNote("Link copied. Send it only to this vehicle's driver.");
    } catch {
      setNote(`Copy this link by hand: ${url}`);
    }
  };
  const revoke = async () => {
    if (!window.confirm(`Revoke ${vehicleId}'s driver link? The driver's page stops working until you give them the new link.`)) return;
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      await api.revokeDriverLink(incidentId, vehicleId);
      await load();
      setNote('Revoked: the old link no longer opens this vehicle. The new link and QR are below.');
    } catch (err) {
      onAuthError(err);
      if (err instanceof ApiError && err.status === 404 && /No such endpoint/.test(err.message))
        setNote('This server cannot revoke driver links yet; nothing was changed.');
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="driver-link-title" className="driver-link-box" data-testid="driver-link">
      <h3 id="driver-link-title">Driver link</h3>
      {!link && !error ? (
        <p className="muted" aria-busy="true">
          Loading…
        </p>
      ) : null}
      {link ? (
        <>
          <div className="print-card">
            {link.qr ? <QrSvg qr={link.qr} label={`Driver link for ${vehicleId}`} className="driver-qr" /> : null}
            <p className="print-only">
              <strong>
                {humanize(link.kind)} {vehicleId}
              </strong>{' '}
              · {link.provider}
              <br />
              Driver: scan to open your trips. Keep this card in the cab.
            </p>
            <p className="muted small-print">
              <code data-testid="driver-url">{url}</code>
            </p>
          </div>
          <div className="button-row">
            <a className="button secondary small" href={link.path} target="_blank" rel="noreferrer">
              Open
            </a>
            <button type="button" className="secondary small" onClick={() => void copy()}>
              Copy link
            </button>
            <button type="button" className="secondary small" onClick={() => window.print()}>
              Print
            </button>
            <button type="button" className="danger small" disabled={busy} onClick={() => void revoke()}>
              {busy ? 'Revoking…' : 'Revoke link'}
            </button>
          </div>
        </>
      ) : null}
      <InfoNote note={note} />
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
