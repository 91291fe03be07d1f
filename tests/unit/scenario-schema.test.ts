import { scenarioSchema } from '../../shared/scenario.js';
import { zodFieldErrors } from '../../shared/errors.js';

const base = {
  format: 'relocation-scenario/1',
  incident: { name: 'T', startedAt: '2026-03-01T20:00:00+00:00', currency: 'GBP' },
  sites: [{ id: 'm', name: 'M', kind: 'muster', lat: 53, lng: 0.3 }],
  parties: [{ id: 'P1', name: 'A', siteId: 'm', guests: [{ id: 'G1', name: 'a', age: 'adult' }] }],
};

test('fills defaults', () => {
  const s = scenarioSchema.parse(base);
  expect(s.incident.policy.maxDistanceKm).toBe(60);
  expect(s.incident.staffSpendLimitMinor).toBe(10000);
  expect(s.parties[0]!.guests[0]!.needs).toEqual([]);
});

test('names the JSON path of a bad guest age', () => {
  const bad = structuredClone(base);
  (bad.parties[0]!.guests[0] as { age: string }).age = 'elder';
  const r = scenarioSchema.safeParse(bad);
  expect(r.success).toBe(false);
  if (!r.success) expect(zodFieldErrors(r.error)).toEqual([{ path: 'parties[0].guests[0].age', message: 'expected adult, child or infant' }]);
});

test('names and notes refuse the invisible characters that make text display other than it reads; right-to-left names stand', () => {
  const spoof = structuredClone(base) as typeof base & { parties: { notes?: string; unit?: string }[] };
  spoof.parties[0]!.name = 'Smith\u202Egnp.exe';
  spoof.parties[0]!.guests[0]!.name = 'Ann\u2066Lee';
  spoof.parties[0]!.unit = 'Lodge\u20281';
  spoof.parties[0]!.notes = 'oat milk\u202D';
  const r = scenarioSchema.safeParse(spoof);
  expect(r.success).toBe(false);
  if (!r.success)
    expect(zodFieldErrors(r.error).map((e) => e.path)).toEqual(['parties[0].name', 'parties[0].unit', 'parties[0].notes', 'parties[0].guests[0].name']);
  const rtl = structuredClone(base);
  rtl.parties[0]!.name = 'כהן';
  rtl.parties[0]!.guests[0]!.name = 'Łucja Wójcik';
  expect(scenarioSchema.safeParse(rtl).success).toBe(true);
});
