/**
 * The 25 fictional hotels of the storm scenario, in real towns within 60 km road of the park.
 * Hand-placed so the scenario reads like the real coast: big seafront hotels in Skegness, guest
 * houses and inns inland, a spa hotel in Woodhall Spa. Room mixes are drawn from `beds` and `tier`
 * (see seed/rooms.ts); `accessible` is the number of accessible rooms, kept tight on purpose.
 */
import type { Perk } from '../../shared/scenario.js';
import type { Tier } from '../rooms.js';

export interface StormHotelRow {
  name: string;
  address: string;
  lat: number;
  lng: number;
  tier: Tier;
  beds: number;
  accessible: number;
  pets: boolean;
  perks: Perk[];
}

const bar: Perk = { kind: 'open_bar', capMinorPerGuestPerNight: 3000 };
const meals: Perk = { kind: 'meals', note: 'breakfast and evening meal' };
const breakfast: Perk = { kind: 'meals', note: 'breakfast only' };
const parking: Perk = { kind: 'parking', note: 'free car park' };

export const STORM_HOTELS: readonly StormHotelRow[] = [
  { name: 'The Grand Skegness', address: '12 Grand Parade, Skegness PE25', lat: 53.143, lng: 0.344, tier: 'mid', beds: 80, accessible: 2, pets: false, perks: [bar, meals] },
  { name: 'Clock Tower Hotel', address: '40 North Parade, Skegness PE25', lat: 53.1452, lng: 0.3432, tier: 'mid', beds: 50, accessible: 1, pets: true, perks: [breakfast] },
  { name: 'Seacroft Links Hotel', address: '3 Drummond Road, Skegness PE25', lat: 53.133, lng: 0.339, tier: 'premium', beds: 44, accessible: 1, pets: true, perks: [meals, parking] },
  { name: 'Lumley Road Inn', address: '88 Lumley Road, Skegness PE25', lat: 53.144, lng: 0.335, tier: 'budget', beds: 20, accessible: 0, pets: false, perks: [] },
  { name: 'Tower Gardens Guest House', address: '7 Rutland Road, Skegness PE25', lat: 53.1415, lng: 0.341, tier: 'budget', beds: 14, accessible: 0, pets: true, perks: [breakfast] },
  { name: 'Winthorpe Lodge', address: '215 Roman Bank, Skegness PE25', lat: 53.162, lng: 0.333, tier: 'mid', beds: 26, accessible: 1, pets: false, perks: [breakfast, parking] },
  { name: 'Ingoldmells Sands Hotel', address: '21 Sea Lane, Ingoldmells PE25', lat: 53.193, lng: 0.343, tier: 'mid', beds: 40, accessible: 1, pets: true, perks: [bar] },
  { name: 'Marsh Lane Motel', address: 'Marsh Lane, Ingoldmells PE25', lat: 53.199, lng: 0.332, tier: 'budget', beds: 24, accessible: 1, pets: false, perks: [parking] },
  { name: 'Chapel Point Hotel', address: '2 South Road, Chapel St Leonards PE24', lat: 53.226, lng: 0.338, tier: 'mid', beds: 30, accessible: 1, pets: true, perks: [meals] },
  { name: 'The Anchor Inn', address: '15 Sea Road, Chapel St Leonards PE24', lat: 53.2215, lng: 0.331, tier: 'budget', beds: 12, accessible: 0, pets: true, perks: [breakfast] },
  { name: 'Sandilands Hall Hotel', address: 'Sea Lane, Sandilands, Sutton-on-Sea LN12', lat: 53.3, lng: 0.286, tier: 'premium', beds: 28, accessible: 1, pets: false, perks: [meals] },
  { name: 'Mablethorpe Bay Hotel', address: '1 Quebec Road, Mablethorpe LN12', lat: 53.342, lng: 0.262, tier: 'mid', beds: 42, accessible: 2, pets: false, perks: [bar, breakfast] },
  { name: 'Queens Park Guest House', address: '30 Queens Park Close, Mablethorpe LN12', lat: 53.344, lng: 0.258, tier: 'budget', beds: 16, accessible: 0, pets: true, perks: [breakfast] },
  { name: 'Trusthorpe Manor', address: 'Sutton Road, Trusthorpe, Mablethorpe LN12', lat: 53.325, lng: 0.27, tier: 'mid', beds: 22, accessible: 1, pets: false, perks: [meals, parking] },
  { name: 'Wainfleet Brewery Arms', address: '4 High Street, Wainfleet All Saints PE24', lat: 53.1065, lng: 0.2355, tier: 'budget', beds: 12, accessible: 0, pets: true, perks: [breakfast] },
  { name: 'Burgh Windmill Inn', address: '9 High Street, Burgh le Marsh PE24', lat: 53.161, lng: 0.245, tier: 'budget', beds: 14, accessible: 0, pets: false, perks: [] },
  { name: 'The Spilsby Market Hotel', address: '3 Market Street, Spilsby PE23', lat: 53.174, lng: 0.0945, tier: 'mid', beds: 24, accessible: 1, pets: false, perks: [meals] },
  { name: 'Alford Mill House Hotel', address: '22 East Street, Alford LN13', lat: 53.26, lng: 0.181, tier: 'mid', beds: 18, accessible: 0, pets: true, perks: [breakfast] },
  { name: 'Bain Valley Hotel', address: '5 Bridge Street, Horncastle LN9', lat: 53.208, lng: -0.115, tier: 'mid', beds: 36, accessible: 2, pets: false, perks: [bar, meals] },
  { name: 'Wolds Gate Inn', address: '61 West Street, Horncastle LN9', lat: 53.21, lng: -0.118, tier: 'budget', beds: 16, accessible: 0, pets: true, perks: [breakfast] },
  { name: 'Louth Spire Hotel', address: '14 Upgate, Louth LN11', lat: 53.3665, lng: -0.005, tier: 'mid', beds: 38, accessible: 2, pets: false, perks: [meals, parking] },
  { name: 'Westgate House', address: '47 Westgate, Louth LN11', lat: 53.368, lng: -0.011, tier: 'premium', beds: 14, accessible: 0, pets: true, perks: [breakfast] },
  { name: 'Woodhall Spa Manor', address: 'The Broadway, Woodhall Spa LN10', lat: 53.153, lng: -0.218, tier: 'premium', beds: 56, accessible: 2, pets: true, perks: [bar, meals] },
  { name: 'Coningsby Airfield Lodge', address: '18 Silver Street, Coningsby LN4', lat: 53.105, lng: -0.17, tier: 'budget', beds: 30, accessible: 1, pets: false, perks: [breakfast, parking] },
  { name: 'The Boston Stump Hotel', address: '2 Wide Bargate, Boston PE21', lat: 52.978, lng: -0.025, tier: 'mid', beds: 60, accessible: 2, pets: false, perks: [meals] },
];
