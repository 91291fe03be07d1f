/**
 * The planner's fast structures behave exactly as the slow ones they replaced, so plans stay the
 * same: the hotels' occupant lists iterate as a Set does while households move in and out, trip
 * times format as Date.toISOString did (to the second), and a wheelchair run costed from a
 * remembered first part costs what it does costed from its start.
 */
import { generateScenario } from '../../seed/generate.js';
import { Occupants } from '../../shared/planner/assignment.js';
import { buildModel, carriable } from '../../shared/planner/model.js';
import { initialVehicles } from '../../shared/planner/route.js';
import { formatIso } from '../../shared/planner/time.js';
import { runArrivals, runCoster, runTerm } from '../../shared/planner/wheel-runs.js';
import { scenarioSchema } from '../../shared/scenario.js';

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same operations on Sets (one hotel per party at most) and on Occupants. */
interface Places {
  add(h: number, p: number): void;
  delete(h: number, p: number): void;
  each(h: number, visit: (p: number) => boolean): void;
  list(h: number): number[];
  hotelOf(p: number): number;
}

function setPlaces(hotels: number, parties: number): Places {
  const sets = Array.from({ length: hotels }, () => new Set<number>());
  const where = new Int32Array(parties).fill(-1);
  return {
    add(h, p) {
      if (where[p]! >= 0 && where[p] !== h) sets[where[p]!]!.delete(p);
      sets[h]!.add(p);
      where[p] = h;
    },
    delete(h, p) {
      if (sets[h]!.delete(p)) where[p] = -1;
    },
    each(h, visit) {
      for (const p of sets[h]!) if (visit(p)) return;
    },
    list: (h) => [...sets[h]!],
    hotelOf: (p) => where[p]!,
  };
}

function listPlaces(hotels: number, parties: number): Places {
  const o = new Occupants(hotels, parties);
  const where = new Int32Array(parties).fill(-1);
  return {
    add(h, p) {
      o.add(h, p);
      where[p] = h;
    },
    delete(h, p) {
      if (where[p] === h) {
        o.delete(h, p);
        where[p] = -1;
      }
    },
    each: (h, visit) => o.each(h, visit),
    list: (h) => o.list(h),
    hotelOf: (p) => where[p]!,
  };
}

/** Random moves, and iterations that move households (the visited one among them) as they go. */
function script(places: Places, seed: number): number[][] {
  const H = 4;
  const P = 40;
  const r = rng(seed);
  const pick = (n: number) => Math.floor(r() * n);
  const seen: number[][] = [];
  const move = () => {
    const p = pick(P);
    const h = places.hotelOf(p);
    if (h >= 0 && r() < 0.4) places.delete(h, p);
    else places.add(pick(H), p);
  };
  for (let step = 0; step < 300; step++) {
    if (r() < 0.7) {
      move();
      continue;
    }
    const h = pick(H);
    const visited: number[] = [];
    let n = 0;
    places.each(h, (q) => {
      visited.push(q);
      if (++n > 60) return true;
      const x = r();
      if (x < 0.3) {
        // Out and back: the visited household goes to the back of its hotel.
        places.delete(h, q);
        places.add(h, q);
      } else if (x < 0.45) places.delete(h, q);
      else if (x < 0.6) move();
      else if (x < 0.7) {
        // Another household in and out again, as a swap test does.
        const p = pick(P);
        if (places.hotelOf(p) < 0) {
          places.add(h, p);
          places.delete(h, p);
        }
      }
      return r() < 0.05;
    });
    seen.push(visited);
  }
  seen.push(...Array.from({ length: H }, (_, h) => places.list(h)));
  return seen;
}

test('occupant lists visit and order households exactly as Sets do, while they move', () => {
  for (let seed = 1; seed <= 300; seed++) expect(script(listPlaces(4, 40), seed)).toEqual(script(setPlaces(4, 40), seed));
});

test('trip times read as Date.toISOString to the second, around midnight and across years', () => {
  const reference = (ms: number) => new Date(Math.round(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const r = rng(7);
  const edges = [0, -1, -499, -500, -501, 499.999, 500, 86_399_500, 86_400_000 - 1, Date.UTC(2026, 9, 31, 23, 59, 59, 600), Date.UTC(1969, 11, 31, 23, 59, 59)];
  for (const ms of edges) expect(formatIso(ms)).toBe(reference(ms));
  for (let i = 0; i < 20_000; i++) {
    const ms = (r() - 0.3) * 4e12;
    expect(formatIso(ms)).toBe(reference(ms));
  }
  expect(formatIso(Date.UTC(2026, 2, 1, 21, 5))).toBe('2026-03-01T21:05:00Z');
  expect(() => formatIso(Number.NaN)).toThrow(RangeError);
});

test('a wheelchair run costed from where it differs from the last one costs exactly what it costs from its start', () => {
  for (const seed of [1, 2, 3]) {
    const scenario = scenarioSchema.parse(generateScenario({ guests: 300, shape: 'needs-heavy', seed }));
    const m = buildModel(scenario);
    const next = rng(seed);
    // Any hotel for each household (the costing does not look at rooms), and households of every
    // kind, so that some do not fit some vehicles (their arrival and every later one: Infinity).
    const hotelOf = Int32Array.from(m.parties, () => Math.floor(next() * m.hotels.length));
    const pool = m.parties.filter((p) => carriable(m, p)).map((p) => p.idx);
    // Vehicles at their depots, one standing at a hotel after a locked trip, and one at neither
    // (the costing's slow path, from its position).
    const start = initialVehicles(m, []);
    start[1] = { ...start[1]!, hotel: 0, site: -1, pos: { lat: m.hotels[0]!.hotel.lat, lng: m.hotels[0]!.hotel.lng } };
    start[2] = { ...start[2]!, hotel: -1, site: -1, pos: { lat: m.sites[0]!.lat + 0.05, lng: m.sites[0]!.lng } };
    const target = Math.min(...start.map((v) => v.readyMs)) + 90 * 60_000;
    const origin = Math.min(...start.map((v) => v.readyMs));
    const cost = runCoster(m, hotelOf, start, 12, target, origin);
    const fromStart = (v: number, seq: number[], len: number) =>
      runArrivals(m, hotelOf, start[v]!, seq, len).reduce((c, at) => c + runTerm(at, target, origin), 0);
    // Runs that share first parts as the local search's do: one household changed, inserted,
    // removed, or the tail replaced, on a few vehicles in turn.
    const runs = [0, 1, 2, 3].map(() => [] as number[]);
    for (let step = 0; step < 600; step++) {
      const v = Math.floor(next() * runs.length);
      const seq = runs[v]!;
      const at = Math.floor(next() * (seq.length + 1));
      const p = pool[Math.floor(next() * pool.length)]!;
      const move = next();
      if (move < 0.3 && seq.length < 12) seq.splice(at, 0, p);
      else if (move < 0.5 && seq.length) seq.splice(Math.min(at, seq.length - 1), 1);
      else if (move < 0.8 && seq.length) seq[Math.min(at, seq.length - 1)] = p;
      else seq.splice(at, seq.length - at, ...pool.slice(0, Math.floor(next() * 4)).filter(() => seq.length < 12));
      const len = Math.floor(next() * (seq.length + 1));
      expect(cost(v, seq, len)).toBe(fromStart(v, seq, len));
    }
  }
});
