/**
 * The driver's phone: the manifest of the vehicle's current trip, a big tick per household as it
 * boards, "Depart", then "Arrived" at each hotel; optionally the phone's position for the duty
 * managers' map. Actions go through the device's outbox (kept offline, sent once, in order).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { registerServiceWorker } from '../offline/service-worker.js';
import { notRiding, type DriverHousehold, type DriverView } from '../../../shared/drivers.js';
import { WHEREABOUTS_LABEL } from '../../../shared/whereabouts.js';
import { OutboxBar } from '../offline/OutboxBar.js';
import { useOfflineQueue } from '../offline/useOfflineQueue.js';
import '../reception/reception.css';
import './driver.css';
import { countOf } from '../../../shared/plural.js';
import { api, ApiError, driveUrl } from '../api.js';
import { oneInFlight } from '../one-in-flight.js';
import { dateFormat } from '../../../shared/intl.js';
import { lateMinutes, lateText } from './late.js';

const KIND: Record<string, string> = { coach: 'Coach', minibus: 'Minibus', taxi: 'Taxi', accessible_taxi: 'Accessible taxi' };
/** `21:06`, or `Sat 21:06` when not today: a driver must not misread yesterday's time. */
const time = (iso: string | null, tz?: string) => {
  if (!iso) return '—';
  const d = new Date(iso);
  const opts: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', timeZone: tz };
  try {
    const day = dateFormat('en-GB', { dateStyle: 'short', timeZone: tz });
    if (day.format(d) !== day.format(new Date())) opts.weekday = 'short';
    return d.toLocaleString('en-GB', opts);
  } catch {
    return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  }
};

export function DriverPage({ token }: { token: string }) {
  // Field pages work with no network after one visit (client/sw/sw.js).
  useEffect(() => registerServiceWorker(), []);
  const [view, setView] = useState<DriverView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sharing, setSharing] = useState(false);
  const [shareNote, setShareNote] = useState<string | null>(null);
  const [confirmDepart, setConfirmDepart] = useState(false);
  // The clock the "late" mark is read against, moved on every half minute.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(id);
  }, []);
  // The trip in hand when the last stop is reached gives way to the next: say so.
  const [finished, setFinished] = useState<string | null>(null);
  const lastTrip = useRef<{ id: string; done: number } | null>(null);
  useEffect(() => {
    if (!view) return;
    const prev = lastTrip.current;
    if (prev && prev.id !== view.trip?.id && view.done > prev.done)
      setFinished(`Trip complete at ${time(new Date().toISOString(), view.incident.timezone)}: every stop reached.`);
    lastTrip.current = view.trip ? { id: view.trip.id, done: view.done } : null;
  }, [view]);
  // One fetch at a time, and one more after it if asked meanwhile: an older answer never lands last.
  const load = useMemo(
    () =>
      oneInFlight(async () => {
        try {
          setView(await api.driverView(token));
          setError(null);
        } catch (err) {
          if (err instanceof ApiError && err.status !== 0) return setError(err.message);
          setError('Cannot reach the server: showing the manifest as last loaded. Ticks are kept on this phone.');
        }
      }),
    [token],
  );

  const outbox = useOfflineQueue(`drive:${token}`, { onApplied: () => void load() });

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 20_000);
    const online = () => void load();
    window.addEventListener('online', online);
    return () => {
      clearInterval(t);
      window.removeEventListener('online', online);
    };
  }, [load]);

  // Position sharing: watchPosition, at most one report every 5 s.
  const lastSent = useRef(0);
  useEffect(() => {
    if (!sharing) return;
    if (!navigator.geolocation) {
      setShareNote('This phone cannot share its position.');
      setSharing(false);
      return;
    }
    const id = navigator.geolocation.watchPosition(
      (p) => {
        const now = Date.now();
        if (now - lastSent.current < 5000) return;
        lastSent.current = now;
        setShareNote(`Position shared at ${time(new Date(now).toISOString())}`);
        void api.driverPosition(token, { lat: p.coords.latitude, lng: p.coords.longitude, accuracyM: p.coords.accuracy }).catch(() => undefined);
      },
      () => setShareNote('Location permission refused or unavailable.'),
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 20_000 },
    );
    return () => navigator.geolocation.clearWatch(id);
  }, [sharing, token]);

  if (error && !view)
    return (
      <main className="driver">
        <p className="notice error" role="alert">
          {error}
        </p>
      </main>
    );
  if (!view)
    return (
      <main className="driver">
        <p aria-busy="true">Loading the manifest…</p>
      </main>
    );

  const tz = view.incident.timezone;
  const trip = view.trip;
  const pendingFor = (partyId: string) => outbox.actions.filter((a) => a.partyId === partyId && a.state !== 'conflict');
  const boardedNow = (h: DriverHousehold) => {
    const last = pendingFor(h.partyId).at(-1);
    return last ? (last.body as { boarded: boolean }).boarded : h.status !== 'planned';
  };
  const pendingDepart = trip
    ? outbox.actions.some((a) => a.kind === 'depart' && a.state !== 'conflict' && (a.body as { tripId: string }).tripId === trip.id)
    : false;
  const departed = trip ? trip.status === 'departed' || trip.status === 'completed' || pendingDepart : false;
  const arrivedPending = (hotelId: string) =>
    outbox.actions.some((a) => a.kind === 'arrive' && a.state !== 'conflict' && (a.body as { hotelId: string }).hotelId === hotelId);
  const onBoard = trip ? trip.households.filter(boardedNow) : [];
  // People, not households: a household boards whole, but a member reported missing (or already
  // at the hotel) does not ride; those set down at their stop are off.
  const riding = (h: DriverHousehold) => h.size - notRiding(h).length;
  const aboardNow = onBoard.filter((h) => h.status !== 'dropped');
  const guestsOnBoard = aboardNow.reduce((n, h) => n + riding(h), 0);
  const guestsExpected = trip ? trip.households.filter((h) => h.status !== 'dropped').reduce((n, h) => n + riding(h), 0) : 0;

  const board = (h: DriverHousehold, boarded: boolean) =>
    void outbox.enqueue({
      url: driveUrl(token, 'boardings'),
      body: { tripId: trip!.id, partyId: h.partyId, boarded },
      label: `${boarded ? 'Boarded' : 'Not boarded'}: ${h.name}`,
      kind: 'board',
      partyId: h.partyId,
    });

  return (
    <main className="driver" data-trip-status={trip?.status ?? 'none'} data-trip-id={trip?.id ?? ''}>
      <header className="rx-head">
        <h1>
          {KIND[view.vehicle.kind] ?? view.vehicle.kind} {view.vehicle.id}
        </h1>
        <p className="muted rx-sub">
          {view.vehicle.provider} · {view.incident.name}
        </p>
      </header>
      <OutboxBar outbox={outbox} />
      {view.vehicle.status === 'out_of_service' && (
        <p className="notice error" role="alert" data-testid="out-of-service">
          This vehicle is marked out of service: the duty managers know. Keep everyone with you and wait for their call. If you do reach a hotel, still record
          the arrival below.
        </p>
      )}
      {error && <p className="notice error">{error}</p>}
      {finished && (
        <p className="notice success" role="status">
          {finished}
        </p>
      )}
      {!trip ? (
        <p className="notice info">No trip to drive right now{view.done ? ` (${view.done} done)` : ''}. This page updates itself.</p>
      ) : (
        <>
          <section className="dr-trip" aria-label="Current trip">
            <p className="dr-when">
              From <strong>{trip.from.name}</strong> · leave {time(trip.departAt, tz)}
              {trip.departedAt && <> · left {time(trip.departedAt, tz)}</>}
              {!departed && lateMinutes(trip.departAt, now) > 0 && (
                <strong className="dr-late" data-testid="late">
                  {' '}
                  · {lateText(lateMinutes(trip.departAt, now))}
                </strong>
              )}
            </p>
            <p className="dr-count" data-testid="on-board">
              On board:{' '}
              <strong>
                {guestsOnBoard} of {countOf(guestsExpected, 'guest')}
              </strong>{' '}
              ({aboardNow.length} of {countOf(trip.households.filter((h) => h.status !== 'dropped').length, 'household')})
            </p>
          </section>
          {!departed && (
            <section aria-label="Manifest">
              <h2 className="dr-h2">Tick households as they board</h2>
              {trip.households.map((h) => {
                const on = boardedNow(h);
                return (
                  <article key={h.partyId} className={`dr-hh${on ? ' on' : ''}`} data-party={h.partyId} data-boarded={on}>
                    <button type="button" className="dr-tick" aria-pressed={on} onClick={() => board(h, !on)}>
                      <span className="dr-box" aria-hidden="true">
                        {on ? '✓' : ''}
                      </span>
                      <span className="dr-name">
                        {h.name} · {notRiding(h).length ? `${riding(h)} of ${h.size}` : h.size} <code className="pass">{h.passCode}</code>
                        <span className="dr-to">to {trip.stops.find((s) => s.hotelId === h.hotelId)?.name ?? h.hotelId}</span>
                      </span>
                    </button>
                    {notRiding(h).length > 0 && (
                      <p className="dr-away" data-testid="not-riding">
                        Not with them:{' '}
                        {notRiding(h)
                          .map((g) => `${g.name} (${WHEREABOUTS_LABEL[g.whereabouts]})`)
                          .join(', ')}
                      </p>
                    )}
                    {h.phone && (
                      <p className="dr-phone">
                        <a className="tel" href={`tel:${h.phone.replace(/[^+\d]/g, '')}`}>
                          Call {h.name}: {h.phone}
                        </a>
                      </p>
                    )}
                    {(h.needs.length > 0 || h.notes || h.guests.some((g) => g.needs.length)) && (
                      <p className="dr-care">
                        {[...new Set([...h.needs, ...h.guests.flatMap((g) => g.needs)])].map((n) => (
                          <span key={n} className={`need need-${n}`}>
                            {n.replace(/_/g, ' ')}
                          </span>
                        ))}
                        {h.notes && <span className="dr-note">{h.notes}</span>}
                      </p>
                    )}
                    {pendingFor(h.partyId).length > 0 && <p className="badge-pending dr-pend">waiting to send</p>}
                  </article>
                );
              })}
              {confirmDepart ? (
                <div className="dr-confirm" role="alertdialog" aria-label="Confirm departure">
                  <p>
                    {countOf(trip.households.length - onBoard.length, 'household is', 'households are')} not on board. They stay at {trip.from.name} for the
                    duty manager to re-plan.
                  </p>
                  <button
                    type="button"
                    className="danger big"
                    onClick={() => {
                      setConfirmDepart(false);
                      void outbox.enqueue({ url: driveUrl(token, 'departures'), body: { tripId: trip.id }, label: 'Departed', kind: 'depart' });
                    }}
                  >
                    Depart anyway
                  </button>
                  <button type="button" className="secondary big" onClick={() => setConfirmDepart(false)}>
                    Wait
                  </button>
                </div>
              ) : (
                <button
                  type="button"
                  className="big dr-go"
                  disabled={onBoard.length === 0}
                  onClick={() =>
                    onBoard.length < trip.households.length
                      ? setConfirmDepart(true)
                      : void outbox.enqueue({ url: driveUrl(token, 'departures'), body: { tripId: trip.id }, label: 'Departed', kind: 'depart' })
                  }
                >
                  Depart with {countOf(onBoard.length, 'household')}
                </button>
              )}
            </section>
          )}
          <section aria-label="Stops">
            <h2 className="dr-h2">Stops</h2>
            <ol className="dr-stops">
              {trip.stops.map((s) => {
                const here = trip.households.filter((h) => h.hotelId === s.hotelId && boardedNow(h));
                const arrived = Boolean(s.arrivedAt) || arrivedPending(s.hotelId);
                return (
                  <li key={s.hotelId} className={arrived ? 'done' : ''} data-stop={s.hotelId} data-arrived={arrived}>
                    <p className="dr-stop-name">
                      <strong>{s.name}</strong> · ETA {time(s.eta, tz)}
                    </p>
                    <p className="muted dr-stop-addr">
                      {s.address}
                      {s.phone && (
                        <>
                          {' '}
                          · <a href={`tel:${s.phone}`}>{s.phone}</a>
                        </>
                      )}
                    </p>
                    <p className="dr-stop-who">
                      {here.length ? `Drop: ${here.map((h) => `${h.name} (${h.passCode})`).join(', ')}` : 'Nobody on board for here'}
                    </p>
                    {arrived ? (
                      <p className="dr-arrived">Arrived {s.arrivedAt ? time(s.arrivedAt, tz) : '(waiting to send)'}</p>
                    ) : (
                      <button
                        type="button"
                        className="big"
                        disabled={!departed}
                        onClick={() =>
                          void outbox.enqueue({
                            url: driveUrl(token, 'arrivals'),
                            body: { tripId: trip.id, hotelId: s.hotelId },
                            label: `Arrived at ${s.name}`,
                            kind: 'arrive',
                          })
                        }
                      >
                        Arrived at {s.name}
                      </button>
                    )}
                  </li>
                );
              })}
            </ol>
          </section>
        </>
      )}
      <section className="dr-share" aria-label="Location">
        <label className="tick">
          <input type="checkbox" checked={sharing} onChange={(e) => setSharing(e.target.checked)} />
          <span>Share this phone's location with the duty managers</span>
        </label>
        {shareNote && <p className="muted">{shareNote}</p>}
      </section>
      {view.upcoming.length > 0 && (
        <section aria-label="Later trips">
          <h2 className="dr-h2">Later</h2>
          <ul className="dr-later">
            {view.upcoming.map((u) => (
              <li key={u.id}>
                {time(u.departAt, tz)} from {u.from} to {u.stops.join(', ')} · {countOf(u.households, 'household')}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

export default DriverPage;
