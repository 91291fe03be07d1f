/**
 * The "Declare an incident" form's pure part (client/src/components/declare.ts) and the time
 * helpers it uses (shared/time.ts): ids from names, coordinates as typed, the start read on the
 * incident's clocks (not the browser's), and every problem under the path the form shows it by.
 */
import { checkDeclared, coordinate, siteIds, type DeclareForm } from '../../client/src/components/declare.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { wallClockAt, wallClockToIso } from '../../shared/time.js';

const form = (over: Partial<DeclareForm> = {}): DeclareForm => ({
  name: 'Storm at Seaview Holiday Park',
  startedAt: '2026-03-01T20:00',
  timezone: 'Europe/London',
  currency: 'GBP',
  helpline: '',
  places: [{ key: 0, name: 'Clubhouse', kind: 'muster', lat: '52.95', lng: '0.34' }],
  ...over,
});

describe('siteIds', () => {
  test('slugs of the names, made unique in order', () => {
    expect(siteIds(['Clubhouse', 'Clubhouse', 'clubhouse!', 'Coach Depot (north)'])).toEqual(['clubhouse', 'clubhouse-2', 'clubhouse-3', 'coach-depot-north']);
  });
  test('a name that slugs to one already numbered is not given it twice', () => {
    expect(siteIds(['Hall 2', 'Hall', 'Hall'])).toEqual(['hall-2', 'hall', 'hall-3']);
  });
  test('a name with no letters or digits (or none yet) still gets a valid id', () => {
    expect(siteIds(['', '***', 'Café'])).toEqual(['place', 'place-2', 'caf']);
  });
});

describe('coordinate', () => {
  test.each([
    ['52.95', 52.95],
    [' -0.5 ', -0.5],
    ['+1', 1],
    ['52,95', 52.95],
    ['.5', 0.5],
    ['95', 95],
  ])('"%s" is %s', (typed, n) => expect(coordinate(typed)).toBe(n));
  test('blank is none', () => expect(coordinate('  ')).toBeUndefined());
  test.each(['abc', '52.95N', '1e3', '0x10', '52.9.5', '-', '52 95'])('"%s" cannot be read', (typed) => expect(coordinate(typed)).toBeNaN());
});

describe('wallClockToIso', () => {
  test.each([
    // Winter: the clocks read UTC; summer: an hour ahead.
    ['2026-03-01T20:00', 'Europe/London', '2026-03-01T20:00:00+00:00'],
    ['2026-07-01T21:30', 'Europe/London', '2026-07-01T20:30:00+00:00'],
    ['2026-07-01T21:30:15', 'Europe/London', '2026-07-01T20:30:15+00:00'],
    // Another zone, across midnight UTC.
    ['2026-10-24T23:00', 'America/New_York', '2026-10-25T03:00:00+00:00'],
    ['2026-01-01T08:00', 'Asia/Kolkata', '2026-01-01T02:30:00+00:00'],
    // Clocks forward (01:00 -> 02:00): 01:30 does not exist and is read as after the change.
    ['2026-03-29T01:30', 'Europe/London', '2026-03-29T01:30:00+00:00'],
    // Clocks back (02:00 -> 01:00): 01:30 happens twice; the later one.
    ['2026-10-25T01:30', 'Europe/London', '2026-10-25T01:30:00+00:00'],
    // A leap day.
    ['2028-02-29T12:00', 'UTC', '2028-02-29T12:00:00+00:00'],
  ])('%s on the clocks of %s is %s', (local, zone, iso) => {
    expect(wallClockToIso(local, zone)).toBe(iso);
  });
  test.each(['', '2026-03-01', '2026-03-01 20:00', '2026-02-30T10:00', '2027-02-29T10:00', '2026-13-01T10:00', '2026-03-01T24:00', '0070-01-01T00:00'])(
    '"%s" is not a date and time',
    (local) => expect(wallClockToIso(local, 'Europe/London')).toBeNull(),
  );
  test('what the clocks read at an instant reads back as that instant (to the minute)', () => {
    for (const zone of ['Europe/London', 'America/New_York', 'Australia/Adelaide', 'UTC'])
      for (const iso of ['2026-01-15T09:07:00Z', '2026-07-15T23:59:00Z', '2026-12-31T23:30:00Z']) {
        const local = wallClockAt(Date.parse(iso), zone);
        expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
        expect(Date.parse(wallClockToIso(local, zone)!)).toBe(Date.parse(iso));
      }
  });
  test('wallClockAt reads the zone, not the machine: midnight is 00, not 24', () => {
    expect(wallClockAt(Date.parse('2026-07-01T23:05:00Z'), 'Europe/London')).toBe('2026-07-02T00:05');
    expect(wallClockAt(Date.parse('2026-07-01T23:05:00Z'), 'America/New_York')).toBe('2026-07-01T19:05');
  });
});

describe('checkDeclared', () => {
  test('a name and a muster point make a scenario the import accepts, with no households, hotels or vehicles', () => {
    const r = checkDeclared(
      form({
        currency: ' gbp ',
        helpline: '+44 1754 000000',
        places: [
          { key: 0, name: 'Clubhouse', kind: 'muster', lat: '52.95', lng: '0.34' },
          { key: 3, name: 'Coach depot', kind: 'depot', lat: '53,01', lng: '-0.1' },
          { key: 4, name: 'Clubhouse', kind: 'muster', lat: '52.96', lng: '0.35' },
        ],
      }),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.fields));
    expect(scenarioSchema.safeParse(r.scenario).success).toBe(true);
    expect(r.scenario.incident).toMatchObject({
      name: 'Storm at Seaview Holiday Park',
      startedAt: '2026-03-01T20:00:00+00:00',
      timezone: 'Europe/London',
      currency: 'GBP',
      helpline: '+44 1754 000000',
    });
    expect(r.scenario.sites).toEqual([
      { id: 'clubhouse', name: 'Clubhouse', kind: 'muster', lat: 52.95, lng: 0.34 },
      { id: 'coach-depot', name: 'Coach depot', kind: 'depot', lat: 53.01, lng: -0.1 },
      { id: 'clubhouse-2', name: 'Clubhouse', kind: 'muster', lat: 52.96, lng: 0.35 },
    ]);
    expect([r.scenario.parties, r.scenario.hotels, r.scenario.vehicles]).toEqual([[], [], []]);
  });

  test('the start is read in the chosen zone', () => {
    const r = checkDeclared(form({ startedAt: '2026-07-01T21:30', timezone: 'America/New_York' }));
    expect(r.ok && r.scenario.incident.startedAt).toBe('2026-07-02T01:30:00+00:00');
  });

  test('every problem comes back under the path its field is shown by, top to bottom', () => {
    const r = checkDeclared(
      form({
        name: '  ',
        startedAt: '',
        timezone: 'Europe/Londn',
        currency: 'pounds',
        helpline: 'ring the office',
        places: [
          { key: 0, name: 'Clubhouse', kind: 'depot', lat: '95', lng: '' },
          { key: 1, name: '', kind: 'resort', lat: 'north', lng: '181' },
        ],
      }),
    );
    expect(r.ok).toBe(false);
    const fields = r.ok ? [] : r.fields;
    expect(fields.map((f) => f.path)).toEqual([
      'incident.name',
      'incident.startedAt',
      'incident.timezone',
      'incident.currency',
      'incident.helpline',
      'sites',
      'sites[0].lat',
      'sites[0].lng',
      'sites[1].name',
      'sites[1].lat',
      'sites[1].lng',
    ]);
    const by = Object.fromEntries(fields.map((f) => [f.path, f.message]));
    expect(by['incident.name']).toBe('expected the incident name');
    expect(by['incident.startedAt']).toMatch(/required/);
    expect(by['incident.timezone']).toMatch(/time zone such as Europe\/London/);
    expect(by['sites']).toMatch(/at least one muster point/);
    expect(by['sites[0].lat']).toBe('latitude must be between -90 and 90');
    expect(by['sites[0].lng']).toMatch(/required: enter the longitude/);
    expect(by['sites[1].lat']).toMatch(/not a number that can be read/);
    expect(by['sites[1].lng']).toBe('longitude must be between -180 and 180');
  });

  test('one message per field: a start that is not a time is worded once, not also by the schema', () => {
    const r = checkDeclared(form({ startedAt: '2026-02-30T10:00' }));
    expect(r.ok ? [] : r.fields).toEqual([{ path: 'incident.startedAt', message: expect.stringMatching(/expected a date and time/) }]);
  });
});
