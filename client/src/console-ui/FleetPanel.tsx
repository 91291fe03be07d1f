/** Fleet & trips: every vehicle, its trips, "broken down" / "back in service" in one click; record a vehicle offered. */
import { useState } from 'react';
import type { IncidentState } from '../../../shared/api.js';
import { api } from '../api.js';
import { humanize, plural } from '../format.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import type { PanelProps } from './SidePanel.js';
import { DriverLinkBox } from './DriverLinkBox.js';
import { VehicleOfferForm } from './VehicleOfferForm.js';
import { PlaceAddForm } from './PlaceAddForm.js';

type Vehicle = IncidentState['vehicles'][number];

function hhmm(iso: string, timeZone: string) {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone });
}

export function FleetPanel(props: PanelProps) {
  const { state, lookup, sel, onSel } = props;
  const [offering, setOffering] = useState<'vehicle' | 'place' | null>(null);
  const open = sel.fleet ? lookup.vehicle(sel.fleet) : undefined;
  if (open) return <VehicleDetails {...props} vehicle={open} onBack={() => onSel((s) => ({ ...s, fleet: null }))} />;
  if (offering === 'place') return <PlaceAddForm {...props} onDone={() => setOffering(null)} />;
  if (offering === 'vehicle')
    return (
      <VehicleOfferForm
        {...props}
        onDone={(id) => {
          setOffering(null);
          if (id) onSel((s) => ({ ...s, fleet: id }));
        }}
      />
    );
  const tripsOf = new Map<string, number>();
  for (const t of state.trips) if (t.status !== 'cancelled') tripsOf.set(t.vehicleId, (tripsOf.get(t.vehicleId) ?? 0) + 1);
  const out = state.vehicles.filter((v) => v.status === 'out_of_service').length;
  return (
    <section aria-labelledby="fleet-title">
      <div className="panel-title">
        <h2 id="fleet-title">Fleet & trips</h2>
        <button type="button" className="secondary" onClick={() => setOffering('place')}>
          Add a place
        </button>
        <button type="button" onClick={() => setOffering('vehicle')}>
          Record a vehicle
        </button>
      </div>
      <p className="muted">
        {plural(state.vehicles.length, 'vehicle')} · {plural(state.trips.filter((t) => t.status !== 'cancelled').length, 'trip')} planned · {out} out of service
      </p>
      <ul className="rows">
        {state.vehicles.map((v) => (
          <li key={v.id}>
            <button type="button" className="row" data-vehicle-id={v.id} onClick={() => onSel((s) => ({ ...s, fleet: v.id }))}>
              <span className="row-main">
                <strong>
                  {humanize(v.kind)} {v.id}
                </strong>{' '}
                <span className="muted">{v.provider}</span>
              </span>
              <span className={`status-word ${v.status === 'out_of_service' ? 'st-bad' : ''}`}>
                {v.status === 'out_of_service' ? '✖ out of service' : humanize(v.status)}
              </span>
              <span className="row-sub">
                {plural(v.seats, 'seat')}
                {v.wheelchairSpaces ? ` · ♿ ${v.wheelchairSpaces}` : ''} · {plural(tripsOf.get(v.id) ?? 0, 'trip')} · depot {lookup.name(v.depotSiteId)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function VehicleDetails({ incidentId, state, lookup, vehicle, onBack, onAuthError }: PanelProps & { vehicle: Vehicle; onBack: () => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const trips = state.trips.filter((t) => t.vehicleId === vehicle.id && t.status !== 'cancelled').sort((a, b) => a.departAt.localeCompare(b.departAt));
  const tz = state.incident.timezone;
  const broken = vehicle.status === 'out_of_service';
  const set = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.setVehicleStatus(incidentId, vehicle.id, {
        status: broken ? 'in_service' : 'out_of_service',
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      setReason('');
    } catch (err) {
      onAuthError(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="vehicle-title" className="details" data-vehicle-id={vehicle.id}>
      <button type="button" className="link" onClick={onBack}>
        ← All vehicles (Esc)
      </button>
      <h2 id="vehicle-title">
        {humanize(vehicle.kind)} {vehicle.id}
      </h2>
      <p>
        {vehicle.provider} · {plural(vehicle.seats, 'seat')}
        {vehicle.wheelchairSpaces ? `, ${plural(vehicle.wheelchairSpaces, 'wheelchair space')}` : ''} · depot {lookup.name(vehicle.depotSiteId)}
      </p>
      <p className={`status-word ${broken ? 'st-bad' : ''}`}>Status: {broken ? '✖ out of service' : humanize(vehicle.status)}</p>
      <label className="field-compact">
        <span>{broken ? 'Note (optional)' : 'What happened (optional)'}</span>
        <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} placeholder={broken ? '' : 'e.g. flat tyre on the A52'} />
      </label>
      <button type="button" className={broken ? 'secondary' : 'danger'} disabled={busy} onClick={() => void set()}>
        {broken ? 'Back in service' : 'Mark broken down'}
      </button>
      {!broken && trips.length ? <p className="muted">Its households wait for the next plan: compute again after marking it.</p> : null}
      {error ? <ErrorNotice error={error} /> : null}
      <DriverLinkBox incidentId={incidentId} vehicleId={vehicle.id} onAuthError={onAuthError} />
      <h3>Trips ({trips.length})</h3>
      <ol className="plain">
        {trips.map((t) => (
          <li key={t.id}>
            {hhmm(t.departAt, tz)} from {lookup.name(t.fromSiteId)} →{' '}
            {t.stops.map((s, i) => `${lookup.name(s)} (${t.arrivals[i] ? hhmm(t.arrivals[i]!, tz) : '?'})`).join(' → ')} ·{' '}
            {plural(t.partyIds.length, 'household')} · {humanize(t.status)}
          </li>
        ))}
      </ol>
    </section>
  );
}
