/**
 * Record a vehicle offered while on the phone (a coach firm rings back, a taxi rank sends two
 * accessible taxis). Checked in the browser with the schema the server uses; every problem is shown
 * beside its field, and the server's own (an unknown depot, an id already taken) the same way.
 * "Free from" is a time of day on the incident's clocks, read as the nearest such time to now on a
 * live night (later tonight, or earlier this evening for a vehicle already free), or to the
 * incident's start when the night is not now (an exercise replayed, an incident prepared ahead).
 */
import { useState, type FormEvent } from 'react';
import { vehicleOfferSchema } from '../../../shared/operations.js';
import { zodFieldErrors } from '../../../shared/errors.js';
import { VEHICLE_KINDS } from '../../../shared/scenario.js';
import { wallClockNear } from '../../../shared/time.js';
import { dateFormat } from '../../../shared/intl.js';
import { api } from '../api.js';
import { humanize } from '../format.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import type { PanelProps } from './SidePanel.js';
import { num, pence, useOfferForm } from './offer-fields.js';

const HOUR = 3_600_000;

/** The moment "free from" is read around: now during the night, else the incident's start. */
function readAround(startedAt: string): number {
  const [now, started] = [Date.now(), Date.parse(startedAt)];
  return now >= started - 12 * HOUR && now <= started + 72 * HOUR ? now : started;
}

/** Now on the incident's clocks, rounded up to five minutes ("21:05"). */
function soon(timeZone: string): string {
  const t = Math.ceil(Date.now() / 300_000) * 300_000;
  return dateFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(new Date(t));
}

export function VehicleOfferForm({ incidentId, state, onAuthError, onDone }: PanelProps & { onDone: (vehicleId: string | null) => void }) {
  const tz = state.incident.timezone;
  const depots = [...state.sites].sort((a, b) => Number(b.kind === 'depot') - Number(a.kind === 'depot'));
  const [v, setV] = useState({
    kind: 'coach' as (typeof VEHICLE_KINDS)[number],
    provider: '',
    seats: '',
    wheelchairSpaces: '0',
    depotSiteId: depots[0]?.id ?? '',
    from: soon(tz),
    perTrip: '',
    perKm: '',
    id: '',
  });
  const { busy, error, refuse, send, fieldProps, Err, textFields } = useOfferForm(onAuthError);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const taken = new Set(state.vehicles.map((x) => x.id));
    let id = v.id.trim();
    for (let n = state.vehicles.length + 1; !id || (!v.id.trim() && taken.has(id)); n++) id = `V${String(n).padStart(2, '0')}`;
    const availableFrom = wallClockNear(v.from, tz, readAround(state.incident.startedAt));
    const offer = {
      id,
      provider: v.provider,
      kind: v.kind,
      seats: num(v.seats),
      wheelchairSpaces: num(v.wheelchairSpaces),
      depotSiteId: v.depotSiteId,
      availableFrom: availableFrom ?? v.from,
      costPerTripMinor: pence(v.perTrip),
      costPerKmMinor: pence(v.perKm),
    };
    const checked = vehicleOfferSchema.safeParse(offer);
    if (!checked.success || !availableFrom)
      return refuse([
        ...(checked.success ? [] : zodFieldErrors(checked.error).filter((f) => f.path !== 'availableFrom')),
        ...(availableFrom ? [] : [{ path: 'availableFrom', message: 'expected a time of day such as 22:30' }]),
      ]);
    await send(
      () => api.offerVehicle(incidentId, checked.data),
      (r) => onDone(r.vehicleId),
    );
  };

  const text = textFields(v, setV);

  return (
    <section aria-labelledby="vehicle-offer-title" className="details">
      <button type="button" className="link" onClick={() => onDone(null)}>
        ← All vehicles
      </button>
      <h2 id="vehicle-offer-title">Record a vehicle</h2>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="vehicle-offer-form">
        <div className="form-row">
          <label className="field-compact">
            <span>Kind</span>
            <select value={v.kind} onChange={(e) => setV({ ...v, kind: e.target.value as typeof v.kind })} {...fieldProps('kind')}>
              {VEHICLE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {humanize(k)}
                </option>
              ))}
            </select>
            <Err path="kind" />
          </label>
          {text('provider', 'provider', 'Firm')}
        </div>
        <div className="form-row">
          {text('seats', 'seats', 'Seats', { inputMode: 'numeric' })}
          {text('wheelchairSpaces', 'wheelchairSpaces', 'Wheelchair spaces', { inputMode: 'numeric' })}
        </div>
        <div className="form-row">
          <label className="field-compact">
            <span>Depot</span>
            <select value={v.depotSiteId} onChange={(e) => setV({ ...v, depotSiteId: e.target.value })} {...fieldProps('depotSiteId')}>
              {depots.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <Err path="depotSiteId" />
          </label>
          {text('from', 'availableFrom', 'Free from (hh:mm)', { inputMode: 'numeric' })}
        </div>
        <div className="form-row">
          {text('perTrip', 'costPerTripMinor', '£ a trip', { inputMode: 'decimal' })}
          {text('perKm', 'costPerKmMinor', '£ a km', { inputMode: 'decimal' })}
        </div>
        {text('id', 'id', 'Short id (optional)')}
        {error ? <ErrorNotice error={error} title="Not saved." paths="words" /> : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save vehicle'}
        </button>
      </form>
    </section>
  );
}
