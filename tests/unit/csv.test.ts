/**
 * parseGuestCsv: a resort's booking export (one row per guest) to households. Pure: no database,
 * no server. Every bad row is named by its line in the file, and a file with any bad row yields
 * no households at all.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGuestCsv, CSV_COLUMNS, type CsvResult, type CsvSite } from '../../server/incidents/csv.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = readFileSync(path.join(ROOT, 'seed/examples/guests.csv'), 'utf8');

const SITES: CsvSite[] = [
  { id: 'depot-coastal', name: 'Coastal depot', kind: 'depot' },
  { id: 'muster-clubhouse', name: 'Clubhouse', kind: 'muster' },
  { id: 'muster-sports-hall', name: 'Sports Hall', kind: 'muster' },
];

const HEADER = CSV_COLUMNS.join(',');
/** A file from a header and rows given as column -> value (missing columns are empty). */
function csv(rows: Partial<Record<(typeof CSV_COLUMNS)[number], string>>[], header = HEADER): string {
  const cols = header.split(',');
  return [header, ...rows.map((r) => cols.map((c) => (r as Record<string, string>)[c] ?? '').join(','))].join('\n') + '\n';
}

function ok(r: CsvResult) {
  if (!r.ok) throw new Error(`expected the file to parse, got ${JSON.stringify(r.errors)}`);
  return r.parties;
}
function errors(r: CsvResult) {
  if (r.ok) throw new Error(`expected errors, got ${r.parties.length} households`);
  return r.errors;
}

describe('the example export in seed/examples/guests.csv', () => {
  const parties = ok(parseGuestCsv(EXAMPLE, SITES));

  test('gives one household per booking reference, in file order, with every guest', () => {
    expect(parties.map((p) => [p.id, p.guests.length])).toEqual([
      ['SV-104417', 2],
      ['SV-104452', 4],
      ['SV-104460', 2],
      ['SV-104501', 3],
      ['SV-104533', 2],
      ['SV-104578', 2],
      ['SV-104590', 1],
    ]);
  });

  test('a household carries its unit, muster point, contact details and one copy of repeated notes', () => {
    expect(parties[0]).toEqual({
      id: 'SV-104417',
      name: 'Okafor',
      unit: 'Lodge 14',
      siteId: 'muster-clubhouse',
      needs: [],
      notes: 'regulars; oat milk',
      phone: '+447700900001',
      email: 'ada.okafor@example.org',
      guests: [
        { id: 'SV-104417-1', name: 'Ada Okafor', age: 'adult', needs: ['wheelchair'] },
        { id: 'SV-104417-2', name: 'Ben Okafor', age: 'adult', needs: [] },
      ],
    });
  });

  test('pets is a household need; medical and mobility needs stay on the guest; muster point by name', () => {
    const patel = parties.find((p) => p.id === 'SV-104460')!;
    expect(patel.needs).toEqual(['pets']);
    expect(patel.notes).toBe('dog (labrador), very friendly');
    expect(patel.guests.every((g) => g.needs.length === 0)).toBe(true);
    const begum = parties.find((p) => p.id === 'SV-104501')!;
    expect(begum.siteId).toBe('muster-sports-hall');
    expect(begum.needs).toEqual([]);
    expect(begum.guests[0]!.needs).toEqual(['medical', 'reduced_mobility']);
    expect(parties.find((p) => p.id === 'SV-104452')!.guests.map((g) => g.age)).toEqual(['adult', 'adult', 'child', 'infant']);
    expect(parties.find((p) => p.id === 'SV-104533')!.email).toBe('');
  });
});

describe('households built from rows', () => {
  test('different notes on rows of one booking are joined with "; "', () => {
    const [p] = ok(
      parseGuestCsv(
        csv([
          { booking_ref: 'B1', guest_name: 'Ann Lee', age_group: 'adult', notes: 'vegetarian' },
          { booking_ref: 'B1', guest_name: 'Bo Lee', age_group: 'child', notes: 'asthma inhaler' },
          { booking_ref: 'B1', guest_name: 'Cy Lee', age_group: 'infant', notes: 'vegetarian' },
        ]),
        SITES,
      ),
    );
    expect(p!.notes).toBe('vegetarian; asthma inhaler');
  });

  test('pets on any row marks the household once; "pets" in the needs column counts too', () => {
    const parties = ok(
      parseGuestCsv(
        csv([
          { booking_ref: 'B1', guest_name: 'Ann Lee', age_group: 'adult', pets: 'no' },
          { booking_ref: 'B1', guest_name: 'Bo Lee', age_group: 'adult', pets: 'Yes' },
          { booking_ref: 'B1', guest_name: 'Cy Lee', age_group: 'adult', pets: 'y' },
          { booking_ref: 'B2', guest_name: 'Di Fox', age_group: 'adult', needs: 'pets;wheelchair' },
        ]),
        SITES,
      ),
    );
    expect(parties[0]!.needs).toEqual(['pets']);
    expect(parties[1]!.needs).toEqual(['pets']);
    expect(parties[1]!.guests[0]!.needs).toEqual(['wheelchair']);
  });

  test('needs are split on ; or | and normalised to snake_case', () => {
    const [p] = ok(parseGuestCsv(csv([{ booking_ref: 'B1', guest_name: 'Ann Lee', age_group: 'ADULT', needs: 'Reduced Mobility | Medical' }]), SITES));
    expect(p!.guests[0]).toEqual({ id: 'B1-1', name: 'Ann Lee', age: 'adult', needs: ['reduced_mobility', 'medical'] });
  });

  test('a blank muster point means the first muster site; a muster point may be given by id or any-case name', () => {
    const parties = ok(
      parseGuestCsv(
        csv([
          { booking_ref: 'B1', guest_name: 'Ann Lee', age_group: 'adult' },
          { booking_ref: 'B2', guest_name: 'Di Fox', age_group: 'adult', muster_point: 'muster-sports-hall' },
          { booking_ref: 'B3', guest_name: 'Ed Roe', age_group: 'adult', muster_point: 'sports hall' },
        ]),
        SITES,
      ),
    );
    expect(parties.map((p) => p.siteId)).toEqual(['muster-clubhouse', 'muster-sports-hall', 'muster-sports-hall']);
  });

  test('headers are matched without regard to case, spaces or column order; only three columns are required', () => {
    const text = 'Age Group,Guest Name,Booking Ref\r\nchild,Bo Lee,B1\r\nadult,Ann Lee,B1\r\n';
    const [p] = ok(parseGuestCsv(text, SITES));
    expect(p).toMatchObject({
      id: 'B1',
      name: 'Lee',
      siteId: 'muster-clubhouse',
      unit: '',
      phone: '',
      guests: [
        { name: 'Bo Lee', age: 'child' },
        { name: 'Ann Lee', age: 'adult' },
      ],
    });
  });

  test('a byte-order mark and quoted commas are handled', () => {
    const text = `\uFEFF${HEADER}\nB1,"Lodge 1, upper",Ann Lee,adult,,,,no,"cot, please",Clubhouse\n`;
    const [p] = ok(parseGuestCsv(text, SITES));
    expect(p).toMatchObject({ id: 'B1', unit: 'Lodge 1, upper', notes: 'cot, please' });
  });
});

describe('bad files are reported by line, and yield nothing', () => {
  const good = { booking_ref: 'B1', guest_name: 'Ann Lee', age_group: 'adult' };

  test('a bad age group on line 3', () => {
    const errs = errors(parseGuestCsv(csv([good, { booking_ref: 'B1', guest_name: 'Bo Lee', age_group: 'teen' }]), SITES));
    expect(errs).toEqual([{ path: 'line 3: age_group', message: 'expected adult, child or infant, got "teen"' }]);
  });

  test('an unknown muster point', () => {
    const errs = errors(parseGuestCsv(csv([good, { booking_ref: 'B2', guest_name: 'Di Fox', age_group: 'adult', muster_point: 'Car Park' }]), SITES));
    expect(errs).toEqual([{ path: 'line 3: muster_point', message: 'unknown muster point "Car Park"; expected one of Coastal depot, Clubhouse, Sports Hall' }]);
  });

  test('pets "maybe"', () => {
    const errs = errors(parseGuestCsv(csv([{ ...good, pets: 'maybe' }]), SITES));
    expect(errs).toEqual([{ path: 'line 2: pets', message: 'expected yes or no, got "maybe"' }]);
  });

  test('a missing required column is named on line 1', () => {
    const errs = errors(parseGuestCsv('booking_ref,unit,guest_name\nB1,Lodge 1,Ann Lee\n', SITES));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.path).toBe('line 1');
    expect(errs[0]!.message).toMatch(/^missing column\(s\) age_group; expected booking_ref,unit,guest_name/);
  });

  test('one booking at two muster points', () => {
    const errs = errors(
      parseGuestCsv(
        csv([
          { ...good, muster_point: 'Clubhouse' },
          { booking_ref: 'B1', guest_name: 'Bo Lee', age_group: 'child', muster_point: 'Sports Hall' },
        ]),
        SITES,
      ),
    );
    expect(errs).toEqual([{ path: 'line 3: muster_point', message: 'booking B1 is already at "muster-clubhouse" (line 2); a household stays together' }]);
  });

  test('a row without a booking reference or a guest name', () => {
    const errs = errors(parseGuestCsv(csv([good, { guest_name: 'Bo Lee', age_group: 'adult' }, { booking_ref: 'B2', age_group: 'adult' }]), SITES));
    expect(errs.map((e) => e.path)).toEqual(expect.arrayContaining(['line 3: booking_ref', 'line 4: guest_name']));
  });

  test('every bad row is listed, not only the first', () => {
    const errs = errors(
      parseGuestCsv(
        csv([
          { ...good, age_group: 'elder' },
          { booking_ref: 'B2', guest_name: 'Di Fox', age_group: 'adult', pets: 'perhaps' },
          { booking_ref: 'B3', guest_name: 'Ed Roe', age_group: 'adult', muster_point: 'Beach' },
        ]),
        SITES,
      ),
    );
    expect(errs.map((e) => e.path)).toEqual(expect.arrayContaining(['line 2: age_group', 'line 3: pets', 'line 4: muster_point']));
  });

  test('an empty file names the missing columns', () => {
    const errs = errors(parseGuestCsv('', SITES));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.path).toBe('line 1');
    expect(errs[0]!.message).toMatch(/^missing column\(s\) booking_ref, guest_name, age_group/);
  });

  test('a header with no rows', () => {
    expect(errors(parseGuestCsv(`${HEADER}\n`, SITES))).toEqual([{ path: 'file', message: 'the file has a header but no guests' }]);
  });

  test('an unterminated quote is reported as not valid CSV', () => {
    const errs = errors(parseGuestCsv(`${HEADER}\nB1,"Lodge 1,Ann Lee,adult,,,,no,,Clubhouse\n`, SITES));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toMatch(/^not valid CSV: /);
  });

  test('an incident without sites cannot place anyone', () => {
    expect(errors(parseGuestCsv(csv([good]), []))).toEqual([{ path: 'line 2: muster_point', message: 'the incident has no muster point' }]);
  });

  test('line numbers count the lines of the file, blank lines included', () => {
    const text = `${HEADER}\nB1,,Ann Lee,adult,,,,no,,\n\nB1,,Bo Lee,teen,,,,no,,\n`;
    expect(errors(parseGuestCsv(text, SITES))).toEqual([{ path: 'line 4: age_group', message: 'expected adult, child or infant, got "teen"' }]);
  });
});
