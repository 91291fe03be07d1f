/** Signed-in HTTP clients against a running test server (supertest agents keep the cookie). */
import type { EventEmitter } from 'node:events';
import request from 'supertest';
import { DEMO_PASSWORD } from './server.js';

export type Agent = ReturnType<typeof request.agent>;

export async function signIn(url: string, email: string, password = DEMO_PASSWORD): Promise<Agent> {
  const agent = request.agent(url);
  const res = await agent.post('/api/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return agent;
}

/**
 * Supertest's parser for a binary answer (a PDF, a spreadsheet, a photo): the body as one Buffer.
 * Use as `.buffer(true).parse(binaryBody)`.
 */
export function binaryBody(res: EventEmitter, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

export const DEMO = {
  admin: 'admin@demo.test',
  duty: 'duty@demo.test',
  duty2: 'duty2@demo.test',
  reception: 'reception@demo.test',
  insurer: 'insurer@demo.test',
} as const;

/**
 * A household's vehicle brings it to its hotel's door, as its driver would with the vehicle's link:
 * ticked aboard, departed (others on the trip are left behind), arrived at the hotel.
 */
export async function driveToDoor(
  url: string,
  duty: Agent,
  incidentId: string,
  ride: { tripId: string; vehicleId: string; partyId: string; hotelId: string },
): Promise<void> {
  const links = (await duty.get(`/api/incidents/${incidentId}/drivers`).expect(200)).body.links as { vehicleId: string; token: string }[];
  const drive = `/api/drive/${links.find((l) => l.vehicleId === ride.vehicleId)!.token}`;
  await request(url).post(`${drive}/boardings`).send({ tripId: ride.tripId, partyId: ride.partyId }).expect(200);
  await request(url).post(`${drive}/departures`).send({ tripId: ride.tripId }).expect(200);
  await request(url).post(`${drive}/arrivals`).send({ tripId: ride.tripId, hotelId: ride.hotelId }).expect(200);
}
