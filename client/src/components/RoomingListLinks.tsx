/** Download links for a hotel's rooming list: the console's hotel panel and reception show the same two. */
import { roomingListUrl } from '../api.js';

export function RoomingListLinks({ incidentId, hotelId, hotelName }: { incidentId: string; hotelId: string; hotelName: string }) {
  return (
    <span className="rooming-links" role="group" aria-label={`Rooming list for ${hotelName}`}>
      <a className="button secondary small" href={roomingListUrl(incidentId, hotelId, 'pdf')} download data-testid="rooming-pdf">
        Rooming list (PDF)
      </a>
      <a className="button secondary small" href={roomingListUrl(incidentId, hotelId, 'csv')} download data-testid="rooming-csv">
        Rooming list (CSV)
      </a>
    </span>
  );
}
