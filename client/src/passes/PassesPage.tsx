/**
 * Guest passes for a muster point, for duty managers: print from the browser or download the PDF.
 * Always generated from the current state, so a reprint after a re-plan shows the new hotel. The
 * QR is the household's status link (the guest scans it for live updates; reception's scanner
 * reads it too), with the pass code printed under it.
 */
import { useEffect, useState } from 'react';
import { registerServiceWorker } from '../offline/service-worker.js';
import { passJourney, type PassSheet, type PassSites } from '../../../shared/passes.js';
import { QrSvg } from './QrSvg.js';
import { api, passUrls } from '../api.js';
import './passes.css';
import { countOf } from '../../../shared/plural.js';
import { dateFormat } from '../../../shared/intl.js';

function when(iso: string, timeZone: string): string {
  try {
    return dateFormat('en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
  } catch {
    return iso;
  }
}

export function PassesPage({ incidentId, siteId }: { incidentId: string; siteId: string | null }) {
  // Field pages work with no network after one visit (client/sw/sw.js).
  useEffect(() => registerServiceWorker(), []);
  const [sites, setSites] = useState<PassSites['sites'] | null>(null);
  const [sheet, setSheet] = useState<PassSheet | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.passSites(incidentId).then(
      (s) => setSites(s.sites),
      (e: Error) => setError(e.message),
    );
  }, [incidentId]);
  useEffect(() => {
    setSheet(null);
    if (!siteId) return;
    api.passSheet(incidentId, siteId).then(setSheet, (e: Error) => setError(e.message));
  }, [incidentId, siteId]);

  const tz = sheet?.incident.timezone ?? 'Europe/London';
  return (
    <main className="passes-page">
      <div className="no-print">
        <p className="crumbs">
          <a href={`#/incidents/${encodeURIComponent(incidentId)}`}>Back to the incident</a>
        </p>
        <h1>Guest passes</h1>
        {error && (
          <p className="notice error" role="alert">
            {error}
          </p>
        )}
        <nav className="pass-sites" aria-label="Muster points">
          {sites?.map((s) => (
            <a
              key={s.id}
              href={`#/incidents/${encodeURIComponent(incidentId)}/passes/${encodeURIComponent(s.id)}`}
              aria-current={s.id === siteId ? 'page' : undefined}
              className="button secondary"
            >
              {s.name} ({countOf(s.households, 'household')})
            </a>
          ))}
        </nav>
        {sheet && (
          <p className="pass-tools">
            <button type="button" onClick={() => window.print()}>
              Print {sheet.passes.length} passes
            </button>
            <a className="button secondary" href={passUrls.sheet(incidentId, sheet.site.id)} target="_blank" rel="noreferrer">
              PDF
            </a>
            <span className="muted">As of {when(sheet.generatedAt, tz)}. Reprint after a re-plan: passes always show the plan in force.</span>
          </p>
        )}
        {siteId && !sheet && !error && <p aria-busy="true">Preparing passes…</p>}
      </div>
      {sheet && (
        <div className="pass-grid" data-count={sheet.passes.length}>
          {sheet.passes.map((p) => (
            <article key={p.partyId} className="pass-card" data-party={p.partyId}>
              <div className="pass-main">
                <h2>{p.name}</h2>
                <p className="pass-who">
                  {countOf(p.size, 'guest')}
                  {p.unit && ` · from ${p.unit}`}
                  {p.needs.length > 0 && ` · ${p.needs.join(', ').replace(/_/g, ' ')}`}
                </p>
                {p.hotel ? (
                  <>
                    <p className="pass-hotel">{p.hotel.name}</p>
                    <p className="pass-addr">{[p.hotel.address, p.hotel.phone].filter(Boolean).join(' · ')}</p>
                  </>
                ) : (
                  <p className="pass-hotel">Hotel: being arranged. Please stay at {sheet.site.name}.</p>
                )}
                {(() => {
                  const journey = passJourney(p, (iso) => when(iso, tz));
                  return (
                    <>
                      {journey.stay && <p className="pass-ride">{journey.stay}</p>}
                      {journey.ride && <p className="pass-ride">{journey.ride}</p>}
                      {journey.detail && <p className="pass-addr">{journey.detail}</p>}
                    </>
                  );
                })()}
                {p.hotel && p.hotel.perks.length > 0 && <p className="pass-perks">On the park's account: {p.hotel.perks.join(' · ')}</p>}
              </div>
              <div className="pass-code">
                <QrSvg qr={p.qr} label={p.statusUrl ? `QR code: live updates for ${p.name}, pass code ${p.passCode}` : `Pass code ${p.passCode}`} />
                {p.statusUrl && <span className="pass-scan">Scan for live updates</span>}
                <code>{p.passCode}</code>
              </div>
            </article>
          ))}
        </div>
      )}
    </main>
  );
}

export default PassesPage;
