/** Duty managers: each vehicle's driver link, to copy into a message or show as a QR to scan. */
import { useEffect, useState } from 'react';
import type { DriverLink } from '../../../shared/drivers.js';
import { QrSvg } from '../passes/QrSvg.js';
import { api } from '../api.js';
import { formatTime, plural } from '../format.js';
import '../reception/reception.css';
import './driver.css';
import '../passes/passes.css';

export function DriverLinksPage({ incidentId }: { incidentId: string }) {
  const [links, setLinks] = useState<DriverLink[] | null>(null);
  const [timezone, setTimezone] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    api.driverLinks(incidentId).then(
      (r) => {
        setLinks(r.links);
        setTimezone(r.timezone);
      },
      (err: Error) => setError(err.message),
    );
  }, [incidentId]);

  return (
    <main className="driver driver-links">
      <p className="crumbs">
        <a href={`#/incidents/${encodeURIComponent(incidentId)}`}>Back to the incident</a>
      </p>
      <h1>Driver links</h1>
      <p className="muted">
        One link per vehicle: it always opens that vehicle's current trip, even after a re-plan. Anyone with the link can tick boardings for that vehicle, so
        send it only to its driver.
      </p>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {!links && !error && <p aria-busy="true">Loading…</p>}
      <ul className="dr-links">
        {links?.map((l) => {
          const url = `${window.location.origin}${l.path}`;
          return (
            <li key={l.vehicleId} data-vehicle={l.vehicleId}>
              <p>
                <strong>{l.vehicleId}</strong> · {l.kind.replace(/_/g, ' ')} · {l.provider}
                {l.status !== 'in_service' && <strong className="s-no_show"> · out of service</strong>}
              </p>
              <p className="muted">
                {l.currentTrip
                  ? `Next: leaves ${formatTime(l.currentTrip.departAt, timezone ?? 'UTC')} with ${plural(l.currentTrip.households, 'household')} (${l.currentTrip.status})`
                  : 'No trip planned'}
              </p>
              <div className="hh-actions">
                <a className="button" href={l.path} target="_blank" rel="noreferrer">
                  Open
                </a>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    void navigator.clipboard?.writeText(url).then(() => setCopied(l.vehicleId));
                  }}
                >
                  {copied === l.vehicleId ? 'Copied' : 'Copy link'}
                </button>
                <button type="button" className="secondary" onClick={() => setShown(shown === l.vehicleId ? null : l.vehicleId)}>
                  {shown === l.vehicleId ? 'Hide QR' : 'Show QR'}
                </button>
              </div>
              {shown === l.vehicleId && l.qr && <QrSvg qr={l.qr} label={`Driver link for ${l.vehicleId}`} className="dr-qr" />}
            </li>
          );
        })}
      </ul>
    </main>
  );
}

export default DriverLinksPage;
