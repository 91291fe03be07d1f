/** One household: who, needs, where to, and its timeline from the event log; set its status. */
import { useMemo, useState } from 'react';
import type { IncidentState } from '../../../shared/api.js';
import { api } from '../api.js';
import { needsOf } from '../console/households.js';
import { timelineFor } from '../console/event-log.js';
import { humanize } from '../format.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { EventLine } from './ActivityPanel.js';
import type { PanelProps } from './SidePanel.js';

type Settable = 'self_evacuated' | 'needs_help' | 'waiting' | 'no_show';
const ACTIONS: { status: Settable; label: string }[] = [
  { status: 'self_evacuated', label: 'Made own way' },
  { status: 'needs_help', label: 'Needs help' },
  { status: 'waiting', label: 'Waiting' },
  { status: 'no_show', label: 'No-show' },
];

export function HouseholdDetails({ incidentId, state, log, lookup, party, onBack, onAuthError }: PanelProps & { party: IncidentState['parties'][number]; onBack: () => void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const timeline = useMemo(() => timelineFor(log.events, party.id).reverse(), [log.events, party.id]);
  const trip = party.tripId ? state.trips.find((t) => t.id === party.tripId) : undefined;
  const setStatus = async (status: Settable) => {
    setBusy(true);
    setError(null);
    try {
      await api.setPartyStatus(incidentId, party.id, status, note.trim() || undefined);
      setNote('');
    } catch (err) {
      onAuthError(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const needs = needsOf(party);
  return (
    <section aria-labelledby="household-title" className="details" data-party-id={party.id}>
      <button type="button" className="link" onClick={onBack}>← All households (Esc)</button>
      <h2 id="household-title">{party.name}</h2>
      <dl className="facts">
        <dt>Status</dt><dd className={`status-word st-${party.status}`}>{humanize(party.status)}</dd>
        <dt>Unit</dt><dd>{party.unit || '—'}</dd>
        <dt>Pass code</dt><dd><code>{party.passCode}</code></dd>
        <dt>Muster point</dt><dd>{lookup.name(party.siteId)}</dd>
        <dt>Hotel</dt><dd>{party.hotelId ? lookup.name(party.hotelId) : 'not placed yet'}</dd>
        <dt>Vehicle</dt><dd>{trip ? `${trip.vehicleId}, leaves ${new Date(trip.departAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: state.incident.timezone })}` : '—'}</dd>
        <dt>Needs</dt><dd>{needs.length ? needs.map(humanize).join(', ') : 'none recorded'}</dd>
        {party.notes ? (<><dt>Notes</dt><dd>{party.notes}</dd></>) : null}
      </dl>
      <h3>Guests ({party.size})</h3>
      <ul className="plain">
        {party.guests.map((g) => <li key={g.id}>{g.name} <span className="muted">({g.age}{g.needs.length ? `; ${g.needs.map(humanize).join(', ')}` : ''})</span></li>)}
      </ul>
      <h3>Set status</h3>
      <label className="field-compact">
        <span>Note (optional)</span>
        <input type="text" value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
      </label>
      <div className="button-row">
        {ACTIONS.map((a) => (
          <button key={a.status} type="button" className="secondary small" disabled={busy || party.status === a.status} onClick={() => void setStatus(a.status)}>{a.label}</button>
        ))}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      <h3>Timeline</h3>
      {timeline.length === 0 ? <p className="muted">No events name this household yet.</p> : (
        <ol className="feed">{timeline.map((e) => <EventLine key={e.seq} e={e} timeZone={state.incident.timezone} />)}</ol>
      )}
    </section>
  );
}
