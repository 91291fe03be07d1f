/** One household: who, needs, where to, and its timeline from the event log; set its status, or correct it. */
import { useMemo, useState } from 'react';
import type { IncidentState } from '../../../shared/api.js';
import { api, passUrls } from '../api.js';
import { needsOf } from '../../../shared/whereabouts.js';
import { timelineFor } from '../console/event-log.js';
import { humanize } from '../format.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { EventLine } from './ActivityPanel.js';
import type { PanelProps } from './SidePanel.js';
import { ATTENTION_TITLE, type AttentionItem } from '../../../shared/attention.js';
import { WHEREABOUTS_LABEL } from '../../../shared/whereabouts.js';
import type { SettablePartyStatus } from '../../../shared/statuses.js';

/** The household's journey status in words a duty manager uses. */
const JOURNEY_LABEL: Record<string, string> = {
  waiting: 'Waiting for a place',
  assigned: 'Placed: hotel and vehicle booked',
  on_vehicle: 'On a vehicle',
  arrived: 'At the hotel door',
  checked_in: 'Checked in',
  checked_out: 'Checked out',
  no_show: 'Did not arrive',
  self_evacuated: 'Made own way',
  needs_help: 'Needs help',
};

const ACTIONS: { status: SettablePartyStatus; label: string }[] = [
  { status: 'self_evacuated', label: 'Made own way' },
  { status: 'needs_help', label: 'Needs help' },
  { status: 'waiting', label: 'Waiting' },
  { status: 'no_show', label: 'No-show' },
];

export function HouseholdDetails({
  incidentId,
  state,
  log,
  lookup,
  party,
  openItems = [],
  onBack,
  onEdit,
  onAuthError,
}: PanelProps & { party: IncidentState['parties'][number]; openItems?: readonly AttentionItem[]; onBack: () => void; onEdit?: () => void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const timeline = useMemo(() => timelineFor(log.events, party.id).reverse(), [log.events, party.id]);
  const trip = party.tripId ? state.trips.find((t) => t.id === party.tripId) : undefined;
  const setStatus = async (status: SettablePartyStatus) => {
    // Made own way and no-show give the household's room and seat back at once: asked first.
    if ((status === 'self_evacuated' || status === 'no_show') && (party.hotelId || party.tripId)) {
      const hotel = party.hotelId ? lookup.name(party.hotelId) : null;
      const what = [hotel ? `their room at ${hotel}` : null, party.tripId ? 'their seat' : null].filter(Boolean).join(' and ');
      const said = status === 'self_evacuated' ? 'made their own way' : 'a no-show';
      if (!window.confirm(`Mark ${party.name} as ${said}? ${what[0]!.toUpperCase()}${what.slice(1)} will be given back.`)) return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.setPartyStatus(incidentId, party.id, { status, ...(note.trim() ? { note: note.trim() } : {}) });
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
      <button type="button" className="link" onClick={onBack}>
        ← All households (Esc)
      </button>
      <h2 id="household-title">{party.name}</h2>
      <dl className="facts">
        <dt>Where</dt>
        <dd className={`status-word st-${party.whereabouts?.state ?? party.status}`} data-testid="household-whereabouts">
          {party.whereabouts?.label ?? humanize(party.status)}
        </dd>
        <dt>Status</dt>
        <dd>{JOURNEY_LABEL[party.status] ?? humanize(party.status)}</dd>
        <dt>Phone</dt>
        <dd>
          {party.phone ? (
            <a className="tel" href={`tel:${party.phone.replace(/[^+\d]/g, '')}`} data-testid="household-phone">
              {party.phone}
            </a>
          ) : (
            '—'
          )}
        </dd>
        {party.email ? (
          <>
            <dt>Email</dt>
            <dd>
              <a href={`mailto:${party.email}`}>{party.email}</a>
            </dd>
          </>
        ) : null}
        <dt>Unit</dt>
        <dd>{party.unit || '—'}</dd>
        <dt>Pass code</dt>
        <dd>
          <code>{party.passCode}</code>
        </dd>
        <dt>Muster point</dt>
        <dd>{lookup.name(party.siteId)}</dd>
        <dt>Hotel</dt>
        <dd>{party.hotelId ? lookup.name(party.hotelId) : 'not placed yet'}</dd>
        {party.roomNumbers ? (
          <>
            <dt>Rooms</dt>
            <dd data-testid="household-rooms">{party.roomNumbers}</dd>
          </>
        ) : null}
        <dt>Vehicle</dt>
        <dd>
          {trip
            ? `${trip.vehicleId}, leaves ${new Date(trip.departAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: state.incident.timezone })}`
            : '—'}
        </dd>
        <dt>Needs</dt>
        <dd>{needs.length ? needs.map(humanize).join(', ') : 'none recorded'}</dd>
        {party.notes ? (
          <>
            <dt>Notes</dt>
            <dd>{party.notes}</dd>
          </>
        ) : null}
      </dl>
      <p className="button-row">
        {onEdit ? (
          <button type="button" className="secondary small" onClick={onEdit} data-testid="household-edit">
            Correct details
          </button>
        ) : null}
        <a className="button secondary small" href={passUrls.household(incidentId, party.id)} target="_blank" rel="noreferrer" data-testid="print-pass">
          Print pass
        </a>
        <a className="button secondary small" href={passUrls.claimPack(incidentId, party.id)} download data-testid="claim-pack">
          Claim pack (PDF)
        </a>
      </p>
      <h3>Guests ({party.size})</h3>
      <ul className="plain">
        {party.guests.map((g) => (
          <li key={g.id} data-guest-id={g.id} data-whereabouts={g.whereabouts}>
            {g.name}{' '}
            <span className="muted">
              ({g.age}
              {g.needs.length ? `; ${g.needs.map(humanize).join(', ')}` : ''})
            </span>{' '}
            <span className={`status-word st-${g.whereabouts}`}>{WHEREABOUTS_LABEL[g.whereabouts] ?? g.whereabouts}</span>
            {g.roomNumber ? <span className="muted"> · room {g.roomNumber}</span> : null}
          </li>
        ))}
      </ul>
      {openItems.length ? (
        <>
          <h3>Open exceptions</h3>
          <ul className="plain" data-testid="household-exceptions">
            {openItems.map((i) => (
              <li key={i.id} className={`k-${i.kind}`}>
                <strong>{ATTENTION_TITLE[i.kind]}</strong>: {i.summary} <span className="muted">Suggested: {i.suggestion}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>Set status</h3>
      <label className="field-compact">
        <span>Note (optional)</span>
        <input type="text" value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
      </label>
      <div className="button-row">
        {ACTIONS.map((a) => (
          <button
            key={a.status}
            type="button"
            className="secondary small"
            disabled={busy || party.status === a.status}
            onClick={() => void setStatus(a.status)}
          >
            {a.label}
          </button>
        ))}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      <h3>Timeline</h3>
      {timeline.length === 0 ? (
        <p className="muted">No events name this household yet.</p>
      ) : (
        <ol className="feed">
          {timeline.map((e) => (
            <EventLine key={e.seq} e={e} timeZone={state.incident.timezone} name={lookup.name} />
          ))}
        </ol>
      )}
    </section>
  );
}
