/**
 * Record a hotel offer while on the phone. The form is checked in the browser with the same zod
 * schema the server uses; every problem is shown beside its field by path (`roomTypes[0].count`),
 * and the server's own field errors are shown the same way.
 */
import { useState, type FormEvent } from 'react';
import { hotelOfferSchema } from '../../../shared/operations.js';
import { zodFieldErrors } from '../../../shared/errors.js';
import { api } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import type { PanelProps } from './SidePanel.js';
import { num, pence, slug, useOfferForm } from './offer-fields.js';

interface RoomRow {
  type: string;
  sleeps: string;
  count: string;
  accessible: boolean;
  rate: string;
}
const BLANK_ROOM: RoomRow = { type: 'double', sleeps: '2', count: '', accessible: false, rate: '' };

export function HotelOfferForm({ incidentId, state, onAuthError, onDone }: PanelProps & { onDone: (hotelId: string | null) => void }) {
  const [v, setV] = useState({ name: '', id: '', lat: '', lng: '', address: '', phone: '', petsAllowed: false, openBar: false, barCap: '' });
  const [rooms, setRooms] = useState<RoomRow[]>([{ ...BLANK_ROOM }]);
  const { busy, error, refuse, send, fieldProps, Err, textFields } = useOfferForm(onAuthError);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const taken = new Set(state.hotels.map((h) => h.id));
    let id = v.id.trim() || slug(v.name) || 'hotel';
    if (!v.id.trim()) for (let i = 2; taken.has(id); i++) id = `${slug(v.name)}-${i}`;
    const offer = {
      id,
      name: v.name,
      lat: num(v.lat),
      lng: num(v.lng),
      address: v.address,
      phone: v.phone,
      petsAllowed: v.petsAllowed,
      roomTypes: rooms.map((r) => ({ type: r.type, sleeps: num(r.sleeps), count: num(r.count), accessible: r.accessible, rateMinor: pence(r.rate) })),
      perks: v.openBar ? [{ kind: 'open_bar', ...(v.barCap.trim() ? { capMinorPerGuestPerNight: pence(v.barCap) } : {}) }] : [],
    };
    const checked = hotelOfferSchema.safeParse(offer);
    if (!checked.success) return refuse(zodFieldErrors(checked.error));
    await send(
      () => api.offerHotel(incidentId, checked.data),
      (r) => onDone(r.hotelId),
    );
  };

  const field = textFields(v, setV);
  const text = (key: keyof typeof v, label: string, extra: Record<string, string> = {}) => field(key, key, label, extra);
  const setRoom = (i: number, patch: Partial<RoomRow>) => setRooms(rooms.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <section aria-labelledby="offer-title" className="details">
      <button type="button" className="link" onClick={() => onDone(null)}>
        ← All hotels
      </button>
      <h2 id="offer-title">Record a hotel offer</h2>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="offer-form">
        {text('name', 'Hotel name')}
        <div className="form-row">
          {text('lat', 'Latitude', { inputMode: 'decimal' })}
          {text('lng', 'Longitude', { inputMode: 'decimal' })}
        </div>
        {text('address', 'Address')}
        <div className="form-row">
          {text('phone', 'Phone')}
          {text('id', 'Short id (optional)')}
        </div>
        <label className="check">
          <input type="checkbox" checked={v.petsAllowed} onChange={(e) => setV({ ...v, petsAllowed: e.target.checked })} /> Pets welcome
        </label>
        <fieldset>
          <legend>Rooms</legend>
          {rooms.map((r, i) => (
            <div className="room-row" key={i}>
              <label className="field-compact">
                <span>Type</span>
                <input type="text" value={r.type} onChange={(e) => setRoom(i, { type: e.target.value })} {...fieldProps(`roomTypes[${i}].type`)} />
                <Err path={`roomTypes[${i}].type`} />
              </label>
              <label className="field-compact">
                <span>Sleeps</span>
                <input
                  type="text"
                  inputMode="numeric"
                  value={r.sleeps}
                  onChange={(e) => setRoom(i, { sleeps: e.target.value })}
                  {...fieldProps(`roomTypes[${i}].sleeps`)}
                />
                <Err path={`roomTypes[${i}].sleeps`} />
              </label>
              <label className="field-compact">
                <span>Rooms</span>
                <input
                  type="text"
                  inputMode="numeric"
                  value={r.count}
                  onChange={(e) => setRoom(i, { count: e.target.value })}
                  {...fieldProps(`roomTypes[${i}].count`)}
                />
                <Err path={`roomTypes[${i}].count`} />
              </label>
              <label className="field-compact">
                <span>£ a night</span>
                <input
                  type="text"
                  inputMode="decimal"
                  value={r.rate}
                  onChange={(e) => setRoom(i, { rate: e.target.value })}
                  {...fieldProps(`roomTypes[${i}].rateMinor`)}
                />
                <Err path={`roomTypes[${i}].rateMinor`} />
              </label>
              <label className="check">
                <input type="checkbox" checked={r.accessible} onChange={(e) => setRoom(i, { accessible: e.target.checked })} /> Accessible
              </label>
            </div>
          ))}
          <button type="button" className="secondary small" onClick={() => setRooms([...rooms, { ...BLANK_ROOM }])}>
            Add a room type
          </button>
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={v.openBar} onChange={(e) => setV({ ...v, openBar: e.target.checked })} /> Open bar on the park’s account
        </label>
        {v.openBar ? text('barCap', 'Bar cap £ per guest per night (optional)') : null}
        <Err path="perks[0].capMinorPerGuestPerNight" />
        {error ? <ErrorNotice error={error} title="Not saved." paths="words" /> : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save offer'}
        </button>
      </form>
    </section>
  );
}
