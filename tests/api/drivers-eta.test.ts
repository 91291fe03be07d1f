/** Live ETAs for reception (pure): plan, late departure, on the road, live position, arrived. */
import { liveEta, POSITION_FRESH_MS } from '../../server/drivers/eta.js';
import { signDriverToken, signLink, verifyDriverToken, verifyLink } from '../../server/drivers/token.js';

const policy = { roadFactor: 1.3, speedKmh: 50 };
const departAt = new Date('2026-11-28T20:00:00Z');
const plannedEta = '2026-11-28T20:30:00Z';
const hotel = { lat: 53.2, lng: 0.3 };
const base = { departAt, departedAt: null, plannedEta, arrivedAt: null, position: null, ahead: [hotel], policy };

test('before departure the plan holds, shifted by a late departure', () => {
  expect(liveEta({ ...base, now: new Date('2026-11-28T19:50:00Z'), status: 'planned' })).toEqual({ eta: plannedEta, source: 'plan' });
  expect(liveEta({ ...base, now: new Date('2026-11-28T20:10:00Z'), status: 'boarding' })).toEqual({
    eta: '2026-11-28T20:40:00.000Z',
    source: 'late_departure',
  });
});

test('on the road: departure time plus the planned leg, or the road time from a fresh position', () => {
  const departedAt = new Date('2026-11-28T20:05:00Z');
  const now = new Date('2026-11-28T20:15:00Z');
  expect(liveEta({ ...base, now, status: 'departed', departedAt })).toEqual({ eta: '2026-11-28T20:35:00.000Z', source: 'on_the_road' });
  const here = { lat: 53.2, lng: 0.3, at: now };
  expect(liveEta({ ...base, now, status: 'departed', departedAt, position: here })).toEqual({ eta: now.toISOString(), source: 'position' });
  const stale = { ...here, at: new Date(now.getTime() - POSITION_FRESH_MS - 1) };
  expect(liveEta({ ...base, now, status: 'departed', departedAt, position: stale }).source).toBe('on_the_road');
  const away = { lat: 53.2, lng: 0.3 + 10 / (111.32 * Math.cos((53.2 * Math.PI) / 180)), at: now }; // ~10 km east
  const eta = Date.parse(liveEta({ ...base, now, status: 'departed', departedAt, position: away }).eta!);
  expect((eta - now.getTime()) / 60_000).toBeCloseTo((10 * 1.3 * 60) / 50, 0);
});

test('once arrived, the arrival time', () => {
  expect(liveEta({ ...base, now: new Date(), status: 'completed', arrivedAt: '2026-11-28T20:28:00Z' })).toEqual({
    eta: '2026-11-28T20:28:00Z',
    source: 'arrived',
  });
});

test('driver tokens verify only under the same secret and unaltered', () => {
  const t = signDriverToken('secret-one-0123456789', { incidentId: 'i-1', vehicleId: 'V1', generation: 1 });
  expect(verifyDriverToken('secret-one-0123456789', t)).toEqual({ incidentId: 'i-1', vehicleId: 'V1', generation: 1 });
  expect(verifyDriverToken('secret-two-0123456789', t)).toBeNull();
  expect(verifyDriverToken('secret-one-0123456789', `${t}x`)).toBeNull();
  expect(
    verifyDriverToken(
      'secret-one-0123456789',
      t.replace(/^./, (c) => (c === 'W' ? 'X' : 'W')),
    ),
  ).toBeNull();
});

test('a signed link verifies in its own spelling only: padding, stray characters or another last letter of its signature are refused', () => {
  const secret = 'secret-one-0123456789';
  for (const [purpose, parts] of [
    ['drive/v2', ['i-1', 'V1', 1]],
    ['rollcall/v1', ['i-1', 'S1', 1_900_000_000_000, 1]],
  ] as const) {
    const t = signLink(secret, purpose, [...parts]);
    expect(verifyLink(secret, purpose, t)).toEqual(parts);
    const [payload, sig] = t.split('.') as [string, string];
    const last = sig.at(-1)!;
    // A base64 character carries 6 bits; the last of 22 carries 2 of the 128: 16 letters decode alike.
    const sameBits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      .split('')
      .filter((c) => c !== last && Buffer.from(sig.slice(0, -1) + c, 'base64url').equals(Buffer.from(sig, 'base64url')));
    expect(sameBits.length).toBeGreaterThan(0);
    const respelt = [
      `${sig}=`,
      `${sig}==`,
      `${sig.slice(0, 5)}!${sig.slice(5)}`,
      `${sig.slice(0, 5)} ${sig.slice(5)}`,
      `${sig}*`,
      ...sameBits.map((c) => sig.slice(0, -1) + c),
    ];
    for (const s of respelt) {
      expect(Buffer.from(s, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
      expect(verifyLink(secret, purpose, `${payload}.${s}`)).toBeNull();
    }
  }
  expect(verifyDriverToken(secret, `${signDriverToken(secret, { incidentId: 'i-1', vehicleId: 'V1', generation: 1 })}=`)).toBeNull();
});
