/** Check a household in: who is here now (all, or guest by guest) and the room number of each room. */
import { roomNumbersText } from '../../../shared/room-numbers.js';
import { useState, type FormEvent } from 'react';
import type { Household } from './model.js';
import type { CheckInRequest } from '../../../shared/checkin.js';

/** `tried`: a check-in the server refused (a room number already given, say): the form opens as it was sent, to correct. */
export function CheckInForm({
  household,
  onCheckIn,
  tried,
}: {
  household: Household;
  onCheckIn: (body: CheckInRequest, label: string) => void;
  tried?: CheckInRequest;
}) {
  const waiting = household.guests.filter((g) => !g.checkedIn);
  const [here, setHere] = useState<Set<string>>(() => new Set(tried?.guestIds ?? waiting.map((g) => g.id)));
  const [rooms, setRooms] = useState<Record<string, string[]>>(() => {
    const init: Record<string, string[]> = {};
    for (const r of household.rooms)
      init[r.type] = Array.from({ length: r.count }, (_, i) => tried?.roomNumbers?.[r.type]?.[i] ?? household.roomNumbers?.[r.type]?.[i] ?? '');
    return init;
  });
  const all = here.size === waiting.length;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (here.size === 0) return;
    const roomNumbers: Record<string, string[]> = {};
    for (const [type, list] of Object.entries(rooms)) {
      const given = list.map((n) => n.trim()).filter(Boolean);
      if (given.length) roomNumbers[type] = given;
    }
    const body: CheckInRequest = { partyId: household.partyId, roomNumbers };
    if (!all) body.guestIds = [...here];
    const rooms_ = roomNumbersText(roomNumbers);
    const label = `Check in ${household.name}${all ? '' : ` (${here.size} of ${household.guests.length})`}${rooms_ ? `, ${rooms_}` : ''}`;
    onCheckIn(body, label);
  };

  return (
    <form className="checkin-form" onSubmit={submit} aria-label={`Check in ${household.name}`}>
      <fieldset>
        <legend>Who is here now</legend>
        {household.guests.map((g) => (
          <label key={g.id} className="tick">
            <input
              type="checkbox"
              checked={g.checkedIn || here.has(g.id)}
              disabled={g.checkedIn}
              onChange={(e) => {
                const next = new Set(here);
                if (e.target.checked) next.add(g.id);
                else next.delete(g.id);
                setHere(next);
              }}
            />
            <span>
              {g.name} <span className="muted">{g.age}</span>
              {g.needs.length > 0 && <span className="need-inline"> · {g.needs.join(', ').replace(/_/g, ' ')}</span>}
              {g.checkedIn && <span className="muted"> · already in{g.roomNumber ? `, room ${g.roomNumber}` : ''}</span>}
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Room numbers</legend>
        {household.rooms.map((r) =>
          Array.from({ length: r.count }, (_, i) => (
            <label key={`${r.type}-${i}`} className="room-field">
              <span>
                {r.type.replace(/_/g, ' ')} room{r.count > 1 ? ` ${i + 1}` : ''}
              </span>
              <input
                type="text"
                inputMode="numeric"
                autoComplete="off"
                value={rooms[r.type]?.[i] ?? ''}
                onChange={(e) => setRooms({ ...rooms, [r.type]: (rooms[r.type] ?? []).map((v, j) => (j === i ? e.target.value : v)) })}
                aria-label={`${r.type} room ${i + 1} number`}
                maxLength={20}
              />
            </label>
          )),
        )}
        {Object.values(rooms).some((list) => list.some((n) => !n.trim())) ? (
          <p className="muted small-text" role="note" data-testid="room-number-missing">
            A room without a number shows blank on the rooming list and the guests’ pages.
          </p>
        ) : null}
      </fieldset>
      <button type="submit" className="big" disabled={here.size === 0}>
        {all
          ? `Check in ${waiting.length === household.guests.length ? 'everyone' : 'the rest'} (${waiting.length})`
          : `Check in ${here.size} of ${household.guests.length}`}
      </button>
    </form>
  );
}
