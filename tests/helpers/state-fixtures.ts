/** Households and hotels as the console's state carries them, for the client's pure-logic tests. */
import type { IncidentState } from '../../shared/api.js';

export type Party = IncidentState['parties'][number];
export type Hotel = IncidentState['hotels'][number];
/** A guest as a test names it: where they are and their room default to waiting and none. */
export type GuestIn = Omit<Party['guests'][number], 'whereabouts' | 'roomNumber'> & Partial<Party['guests'][number]>;

/** A household waiting at muster point m1 with one adult, `over` on top. */
export function partyFixture(id: string, over: Partial<Omit<Party, 'guests'>> & { guests?: GuestIn[] } = {}): Party {
  const guests = (over.guests ?? [{ id: `${id}g`, name: `Ann ${id}`, age: 'adult', needs: [] }]).map((g) => ({
    whereabouts: 'waiting' as const,
    roomNumber: null,
    ...g,
  }));
  return {
    id,
    name: `Household ${id}`,
    unit: `L${id}`,
    siteId: 'm1',
    needs: [],
    notes: '',
    status: 'waiting',
    passCode: `PC-${id}`,
    size: 2,
    hotelId: null,
    roomNumbers: '',
    tripId: null,
    whereabouts: { state: 'waiting', label: 'waiting' },
    phone: '',
    email: '',
    language: null,
    ...over,
    guests,
  };
}

/** A hotel with no rooms listed, `offered` beds of which `taken` are taken, `over` on top. */
export function hotelFixture(id: string, offered: number, taken: number, over: Partial<Hotel> = {}): Hotel {
  return {
    id,
    name: id,
    lat: 0,
    lng: 0,
    address: '',
    phone: '',
    email: '',
    petsAllowed: false,
    perks: [],
    roomTypes: [],
    bedsOffered: offered,
    bedsTaken: taken,
    ...over,
  };
}
