/** Hotels: every hotel with its beds taken and flags; record a new offer; open one to change rooms or see arrivals. */
import { useState } from 'react';
import { formatCount, plural } from '../format.js';
import { ShapeIcon } from '../map/MapLegend.js';
import { MARKER_STYLES } from '../map/marker-styles.js';
import type { PanelProps } from './SidePanel.js';
import { HotelOfferForm } from './HotelOfferForm.js';
import { HotelDetails } from './HotelDetails.js';

export function HotelsPanel(props: PanelProps) {
  const { state, lookup, sel, onSel } = props;
  const [offering, setOffering] = useState(false);
  const open = sel.hotels ? lookup.hotel(sel.hotels) : undefined;
  if (open) return <HotelDetails {...props} hotel={open} onBack={() => onSel((s) => ({ ...s, hotels: null }))} />;
  if (offering)
    return (
      <HotelOfferForm
        {...props}
        onDone={(id) => {
          setOffering(false);
          if (id) onSel((s) => ({ ...s, hotels: id }));
        }}
      />
    );
  const hotels = [...state.hotels].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section aria-labelledby="hotels-title">
      <div className="panel-title">
        <h2 id="hotels-title">Hotels ({hotels.length})</h2>
        <button type="button" onClick={() => setOffering(true)}>
          Record an offer
        </button>
      </div>
      <ul className="rows">
        {hotels.map((h) => {
          const accessible = h.roomTypes.reduce((n, r) => n + (r.accessible ? r.count - r.used : 0), 0);
          const ratio = h.bedsOffered ? h.bedsTaken / h.bedsOffered : 0;
          return (
            <li key={h.id}>
              <button
                type="button"
                className="row"
                data-place-id={`hotel:${h.id}`}
                data-beds-taken={h.bedsTaken}
                onClick={() => onSel((s) => ({ ...s, hotels: h.id }))}
              >
                <span className="row-main">
                  <ShapeIcon style={MARKER_STYLES.hotel} size={16} fillRatio={ratio} /> <strong>{h.name}</strong>
                </span>
                <span className="row-stat">
                  {formatCount(h.bedsTaken)}/{plural(h.bedsOffered, 'bed')} · {formatCount(Math.max(0, h.bedsOffered - h.bedsTaken))} free
                </span>
                <span className="row-sub">
                  {accessible > 0 ? `♿ ${plural(accessible, 'accessible room')} free` : 'no accessible room free'} ·{' '}
                  {h.petsAllowed ? 'pets welcome' : 'no pets'}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
