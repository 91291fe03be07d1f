/** One hotel: rooms by type (withdraw by lowering a count), perks, and who is coming (arrivals). */
import { useState, type FormEvent } from 'react';
import type { HotelArrivals, IncidentState } from '../../../shared/api.js';
import { api, passUrls } from '../api.js';
import { formatCount, formatMoneyMinor, humanize, plural } from '../format.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { RoomingListLinks } from '../components/RoomingListLinks.js';
import type { PanelProps } from './SidePanel.js';

type Hotel = IncidentState['hotels'][number];

export function HotelDetails({ incidentId, state, lookup, hotel, onBack, onAuthError }: PanelProps & { hotel: Hotel; onBack: () => void }) {
  const [counts, setCounts] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<string | null>(null);
  const [arrivals, setArrivals] = useState<HotelArrivals | null>(null);
  const [email, setEmail] = useState<string | null>(null);

  const withdraw = async (e: FormEvent) => {
    e.preventDefault();
    const changed = hotel.roomTypes.filter((r) => counts[r.type] !== undefined && counts[r.type] !== '' && Number(counts[r.type]) !== r.count);
    if (changed.length === 0) {
      setError(new Error('Change at least one room count first.'));
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await api.updateHotel(incidentId, hotel.id, {
        roomTypes: changed.map((rt) => ({
          type: rt.type,
          sleeps: rt.sleeps,
          accessible: rt.accessible,
          rateMinor: rt.rateMinor,
          count: Number(counts[rt.type]),
        })),
      });
      setCounts({});
      setResult(
        r.displacedPartyIds.length
          ? `Saved. ${plural(r.displacedPartyIds.length, 'household')} lost their room and wait for the next plan: ${r.displacedPartyIds.map(lookup.name).join(', ')}.`
          : 'Saved. Nobody was displaced.',
      );
    } catch (err) {
      onAuthError(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const saveEmail = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      await api.updateHotel(incidentId, hotel.id, { email: (email ?? hotel.email).trim() });
      setEmail(null);
      setResult(
        (email ?? hotel.email).trim()
          ? 'Saved. The front desk gets the rooming list now and whenever it changes.'
          : 'Saved. Rooming lists will not be emailed.',
      );
    } catch (err) {
      onAuthError(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const loadArrivals = async () => {
    try {
      setArrivals(await api.arrivals(incidentId, hotel.id));
    } catch (err) {
      onAuthError(err);
      setError(err);
    }
  };

  const tz = state.incident.timezone;
  return (
    <section aria-labelledby="hotel-title" className="details" data-hotel-id={hotel.id}>
      <button type="button" className="link" onClick={onBack}>
        ← All hotels (Esc)
      </button>
      <h2 id="hotel-title">{hotel.name}</h2>
      <p className="muted">
        {hotel.address}
        {hotel.phone ? ` · ☎ ${hotel.phone}` : ''}
      </p>
      <p>
        <strong>{formatCount(hotel.bedsTaken)}</strong> of {plural(hotel.bedsOffered, 'bed')} taken · {hotel.petsAllowed ? 'pets welcome' : 'no pets'}
      </p>
      {hotel.perks.length ? (
        <p>
          Perks:{' '}
          {hotel.perks
            .map(
              (p) =>
                humanize(p.kind) +
                (p.capMinorPerGuestPerNight ? ` (up to ${formatMoneyMinor(p.capMinorPerGuestPerNight, state.incident.currency)} a guest a night)` : ''),
            )
            .join(', ')}
        </p>
      ) : null}
      <form onSubmit={(e) => void withdraw(e)} aria-labelledby="rooms-title">
        <h3 id="rooms-title">Rooms (lower a count to withdraw rooms)</h3>
        <table className="grid">
          <thead>
            <tr>
              <th>Type</th>
              <th>Sleeps</th>
              <th>Used</th>
              <th>Offered</th>
            </tr>
          </thead>
          <tbody>
            {hotel.roomTypes.map((r) => (
              <tr key={r.type}>
                <td>
                  {r.type}
                  {r.accessible ? ' ♿ accessible' : ''}
                </td>
                <td>{r.sleeps}</td>
                <td>{r.used}</td>
                <td>
                  <input
                    type="number"
                    min={0}
                    className="num-input"
                    aria-label={`${r.type} rooms offered`}
                    value={counts[r.type] ?? String(r.count)}
                    onChange={(e) => setCounts({ ...counts, [r.type]: e.target.value })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save room changes'}
        </button>
      </form>
      {result ? (
        <p className="notice success" role="status">
          {result}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      <h3 id="rooming-title">Rooming list</h3>
      <p className="button-row">
        <RoomingListLinks incidentId={incidentId} hotelId={hotel.id} hotelName={hotel.name} />
        <a className="button secondary small" href={passUrls.hotel(incidentId, hotel.id)} target="_blank" rel="noreferrer" data-testid="print-hotel-passes">
          Print guests' passes
        </a>
      </p>
      <form className="inline-form" onSubmit={(e) => void saveEmail(e)} aria-labelledby="rooming-title">
        <label htmlFor="hotel-email">Front desk email (gets the list when a plan is applied and each time it changes)</label>
        <input id="hotel-email" type="email" placeholder="frontdesk@hotel.example" value={email ?? hotel.email} onChange={(e) => setEmail(e.target.value)} />
        <button type="submit" className="secondary small" disabled={busy || email === null || email.trim() === hotel.email}>
          Save email
        </button>
      </form>
      <h3>Arrivals</h3>
      <button type="button" className="secondary small" onClick={() => void loadArrivals()}>
        {arrivals ? 'Refresh arrivals' : 'See arrivals'}
      </button>
      {arrivals ? (
        <ul className="plain arrivals" data-testid="arrivals">
          {arrivals.households.length === 0 ? <li className="muted">Nobody is expected yet.</li> : null}
          {arrivals.households.map((h) => (
            <li key={h.partyId}>
              <strong>{h.name}</strong> ({h.guests.length}) — {humanize(h.status)}
              {h.trip
                ? `, ${h.trip.vehicleKind ? humanize(h.trip.vehicleKind) : 'vehicle'} ${h.trip.vehicleId}${h.trip.eta ? `, due ${new Date(h.trip.eta).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: tz })}` : ''}`
                : ''}
              {h.needs.length ? ` · ${h.needs.map(humanize).join(', ')}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
