/** Headline counts in big type, grouped the way a duty manager reads them: people, needs, beds, transport. */
import type { IncidentSummary } from '../../../shared/api.js';
import { formatCount, plural } from '../format.js';

interface Card {
  key: string;
  label: string;
  value: number;
  note?: string;
}

function groups(c: IncidentSummary['counts']): { title: string; cards: Card[] }[] {
  return [
    {
      title: 'People',
      cards: [
        { key: 'households', label: 'Households', value: c.households },
        { key: 'guests', label: 'Guests', value: c.guests },
        { key: 'adults', label: 'Adults', value: c.adults },
        { key: 'children', label: 'Children', value: c.children },
        { key: 'infants', label: 'Infants', value: c.infants },
      ],
    },
    {
      title: 'Needs',
      cards: [
        { key: 'wheelchair', label: 'Wheelchair users', value: c.needs.wheelchair },
        { key: 'reduced-mobility', label: 'Reduced mobility', value: c.needs.reducedMobility },
        { key: 'medical', label: 'Medical', value: c.needs.medical },
        { key: 'pet-households', label: 'Pet households', value: c.needs.petHouseholds },
      ],
    },
    {
      title: 'Places and beds',
      cards: [
        { key: 'muster-points', label: 'Muster points', value: c.musterPoints },
        { key: 'hotels', label: 'Hotels', value: c.hotels, note: `${formatCount(c.petFriendlyHotels)} take pets` },
        { key: 'rooms', label: 'Rooms offered', value: c.roomsOffered },
        { key: 'beds', label: 'Beds offered', value: c.bedsOffered, note: bedsNote(c) },
        { key: 'accessible-rooms', label: 'Accessible rooms', value: c.accessibleRooms },
      ],
    },
    {
      title: 'Transport',
      cards: [
        { key: 'vehicles', label: 'Vehicles', value: c.vehicles },
        { key: 'seats', label: 'Seats', value: c.seats, note: plural(c.wheelchairSpaces, 'wheelchair space') },
      ],
    },
  ];
}

function bedsNote(c: IncidentSummary['counts']): string {
  const gap = c.bedsOffered - c.guests;
  return gap >= 0 ? `${formatCount(gap)} more than guests` : `${formatCount(-gap)} short of guests`;
}

export function SummaryCards({ counts }: { counts: IncidentSummary['counts'] }) {
  return (
    <div className="summary">
      {groups(counts).map((g) => (
        <section key={g.title} className="summary-group" aria-label={g.title}>
          <h2>{g.title}</h2>
          <div className="cards">
            {g.cards.map((card) => (
              <div key={card.key} className="stat" data-count={card.key}>
                <span className="stat-value">{formatCount(card.value)}</span>
                <span className="stat-label">{card.label}</span>
                {card.note ? <span className="stat-note">{card.note}</span> : null}
              </div>
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
