/**
 * A tiny hand-written scenario (12 households, 30 guests, 4 hotels, 5 vehicles) whose every answer
 * can be worked out on paper: one wheelchair user who needs the only accessible room, one pets
 * household that fits only the pet-friendly inn, an infant, and a big hotel in Lincoln that is
 * beyond the 60 km limit (cheap, pet-friendly, with accessible rooms: a trap) and must never be used. Unit and API tests start here.
 */
import { SCENARIO_FORMAT, type ScenarioInput } from '../shared/scenario.js';
import type { GuestInput, PartyInput } from './types.js';

export const SMALL_STARTED_AT = '2026-10-31T20:00:00+00:00';

type Member = [name: string, age: GuestInput['age'], needs?: string[]];

let guestNo = 0;
function household(id: string, name: string, siteId: string, unit: string, members: Member[], extra: Partial<PartyInput> = {}): PartyInput {
  return {
    id,
    name,
    unit,
    siteId,
    needs: [],
    notes: '',
    phone: `+447700900${id.slice(1).padStart(3, '0')}`,
    email: `${name.toLowerCase()}@example.org`,
    guests: members.map(([first, age, needs = []]) => ({ id: `G${String(++guestNo).padStart(2, '0')}`, name: `${first} ${name}`, age, needs })),
    ...extra,
  };
}

const C = 'muster-clubhouse';
const S = 'muster-sports-hall';

/** Fresh objects on every call, identical under JSON.stringify. */
export function smallScenario(): ScenarioInput {
  guestNo = 0;
  const parties: PartyInput[] = [
    household(
      'P01',
      'Okafor',
      C,
      'Lodge 14',
      [
        ['Ada', 'adult', ['wheelchair']],
        ['Ben', 'adult'],
      ],
      { notes: 'regulars; oat milk' },
    ),
    household(
      'P02',
      'Hughes',
      C,
      'Caravan B22',
      [
        ['Claire', 'adult'],
        ['Dan', 'adult'],
        ['Ellie', 'child'],
        ['Finn', 'infant'],
      ],
      { notes: 'needs a cot' },
    ),
    household(
      'P03',
      'Patel',
      C,
      'Lodge 3',
      [
        ['Priya', 'adult'],
        ['Sanjay', 'adult'],
      ],
      { needs: ['pets'], notes: 'dog (labrador)' },
    ),
    household('P04', 'Murphy', C, 'Caravan A7', [['Siobhan', 'adult']]),
    household(
      'P05',
      'Chen',
      C,
      'Caravan C1',
      [
        ['Mei', 'adult'],
        ['Tom', 'adult'],
        ['Ivy', 'child'],
      ],
      { notes: 'birthday tomorrow' },
    ),
    household(
      'P06',
      'Kowalski',
      C,
      'Lodge 21',
      [
        ['Agnieszka', 'adult'],
        ['Tomasz', 'adult'],
      ],
      { language: 'pl' },
    ),
    household('P07', 'Taylor', S, 'Caravan D5', [
      ['Gary', 'adult'],
      ['Helen', 'adult'],
      ['Jack', 'child'],
      ['Mia', 'child'],
    ]),
    household(
      'P08',
      'Begum',
      S,
      'Caravan E12',
      [
        ['Farah', 'adult', ['medical']],
        ['Imran', 'adult'],
        ['Yasmin', 'adult'],
      ],
      { notes: 'Farah: insulin, needs fridge' },
    ),
    household(
      'P09',
      'Walsh',
      S,
      'Chalet 2',
      [
        ['Margaret', 'adult', ['reduced_mobility']],
        ['Brian', 'adult'],
      ],
      { notes: 'prefers ground floor' },
    ),
    household(
      'P10',
      'Evans',
      S,
      'Chalet 9',
      [
        ['Rhys', 'adult'],
        ['Carys', 'adult'],
      ],
      { email: '' },
    ),
    household(
      'P11',
      'Adeyemi',
      S,
      'Caravan F30',
      [
        ['Grace', 'adult'],
        ['Tobi', 'child'],
        ['Amara', 'child'],
      ],
      { notes: 'nut allergy' },
    ),
    household('P12', 'Shaw', S, 'Caravan D18', [
      ['Lee', 'adult'],
      ['Dawn', 'adult'],
    ]),
  ];
  return {
    format: SCENARIO_FORMAT,
    incident: {
      name: 'Storm at Seaview Holiday Park (small)',
      startedAt: SMALL_STARTED_AT,
      currency: 'GBP',
      timezone: 'Europe/London',
      staffSpendLimitMinor: 10000,
    },
    sites: [
      { id: 'resort-seaview', name: 'Seaview Holiday Park', kind: 'resort', lat: 53.19, lng: 0.34 },
      { id: C, name: 'Clubhouse', kind: 'muster', lat: 53.1912, lng: 0.3405 },
      { id: S, name: 'Sports Hall', kind: 'muster', lat: 53.1887, lng: 0.3438 },
      { id: 'depot-skegness', name: 'Skegness depot', kind: 'depot', lat: 53.153, lng: 0.323 },
    ],
    parties,
    hotels: [
      {
        id: 'H1',
        name: 'Seafront Hotel',
        lat: 53.143,
        lng: 0.344,
        address: '12 Grand Parade, Skegness PE25',
        phone: '+441632960001',
        petsAllowed: false,
        roomTypes: [
          { type: 'double', sleeps: 2, count: 6, accessible: false, rateMinor: 8900 },
          { type: 'family', sleeps: 4, count: 2, accessible: false, rateMinor: 12900 },
        ],
        perks: [{ kind: 'open_bar', capMinorPerGuestPerNight: 3000 }],
      },
      {
        id: 'H2',
        name: 'Alford Dog & Duck Inn',
        lat: 53.26,
        lng: 0.181,
        address: '22 East Street, Alford LN13',
        phone: '+441632960002',
        petsAllowed: true,
        roomTypes: [
          { type: 'double', sleeps: 2, count: 3, accessible: false, rateMinor: 7400 },
          { type: 'twin', sleeps: 2, count: 2, accessible: false, rateMinor: 7400 },
        ],
        perks: [{ kind: 'meals', note: 'breakfast only' }],
      },
      {
        id: 'H3',
        name: 'Louth Spire Lodge',
        lat: 53.3665,
        lng: -0.005,
        address: '14 Upgate, Louth LN11',
        phone: '+441632960003',
        petsAllowed: false,
        roomTypes: [
          { type: 'double', sleeps: 2, count: 3, accessible: false, rateMinor: 8400 },
          { type: 'accessible-double', sleeps: 2, count: 1, accessible: true, rateMinor: 8400 },
        ],
        perks: [],
      },
      {
        id: 'H4',
        name: 'Lincoln Cathedral View Hotel',
        lat: 53.2307,
        lng: -0.5406,
        address: '5 Minster Yard, Lincoln LN1',
        phone: '+441632960004',
        petsAllowed: true,
        roomTypes: [
          { type: 'double', sleeps: 2, count: 10, accessible: false, rateMinor: 6900 },
          { type: 'family', sleeps: 4, count: 4, accessible: false, rateMinor: 9900 },
          { type: 'accessible-double', sleeps: 2, count: 2, accessible: true, rateMinor: 6900 },
        ],
        perks: [{ kind: 'meals', note: 'breakfast and evening meal' }],
      },
    ],
    vehicles: [
      {
        id: 'V1',
        provider: 'Coastal Coaches',
        kind: 'coach',
        seats: 49,
        wheelchairSpaces: 1,
        depotSiteId: 'depot-skegness',
        availableFrom: '2026-10-31T20:30:00+00:00',
        costPerTripMinor: 15000,
        costPerKmMinor: 120,
      },
      {
        id: 'V2',
        provider: 'Coastal Coaches',
        kind: 'minibus',
        seats: 16,
        wheelchairSpaces: 0,
        depotSiteId: 'depot-skegness',
        availableFrom: '2026-10-31T20:30:00+00:00',
        costPerTripMinor: 7500,
        costPerKmMinor: 90,
      },
      {
        id: 'V3',
        provider: 'Skeg Cabs',
        kind: 'taxi',
        seats: 4,
        wheelchairSpaces: 0,
        depotSiteId: 'depot-skegness',
        availableFrom: '2026-10-31T20:20:00+00:00',
        costPerTripMinor: 1500,
        costPerKmMinor: 180,
      },
      {
        id: 'V4',
        provider: 'Skeg Cabs',
        kind: 'taxi',
        seats: 4,
        wheelchairSpaces: 0,
        depotSiteId: 'depot-skegness',
        availableFrom: '2026-10-31T20:25:00+00:00',
        costPerTripMinor: 1500,
        costPerKmMinor: 180,
      },
      {
        id: 'V5',
        provider: 'Skeg Cabs',
        kind: 'accessible_taxi',
        seats: 3,
        wheelchairSpaces: 1,
        depotSiteId: 'depot-skegness',
        availableFrom: '2026-10-31T20:40:00+00:00',
        costPerTripMinor: 2000,
        costPerKmMinor: 200,
      },
    ],
  };
}
