/** One household in the plan: draggable onto a hotel, with a keyboard "Move to…" menu of hotels and vehicles. */
import type { IncidentState } from '../../../shared/api.js';
import { humanize } from '../format.js';

interface Props {
  partyId: string;
  name: string;
  text: string;
  hotels: IncidentState['hotels'];
  vehicles: IncidentState['vehicles'];
  currentHotel: string | null;
  disabled: boolean;
  onMove: (partyId: string, target: string) => void;
}

export function MoveRow({ partyId, name, text, hotels, vehicles, currentHotel, disabled, onMove }: Props) {
  return (
    <li
      className="move-row"
      draggable={!disabled}
      data-party-id={partyId}
      onDragStart={(e) => {
        e.dataTransfer.setData('text/plain', partyId);
        e.dataTransfer.effectAllowed = 'move';
      }}
    >
      <span className="drag-handle" aria-hidden="true">
        ⠿
      </span>
      <span className="row-main">
        <strong>{name}</strong> <span className="muted">{text}</span>
      </span>
      <select
        aria-label={`Move ${name} to…`}
        value=""
        disabled={disabled}
        onChange={(e) => {
          if (e.target.value) onMove(partyId, e.target.value);
        }}
      >
        <option value="">Move to…</option>
        <optgroup label="Hotels">
          {hotels
            .filter((h) => h.id !== currentHotel)
            .map((h) => (
              <option key={h.id} value={`hotel:${h.id}`}>
                {h.name}
              </option>
            ))}
        </optgroup>
        <optgroup label="Vehicles">
          {vehicles
            .filter((v) => v.status !== 'out_of_service')
            .map((v) => (
              <option key={v.id} value={`vehicle:${v.id}`}>
                {humanize(v.kind)} {v.id}
              </option>
            ))}
        </optgroup>
      </select>
    </li>
  );
}
