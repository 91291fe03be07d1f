/** Signed-in HTTP clients against a running test server (supertest agents keep the cookie). */
import type { EventEmitter } from 'node:events';
import request from 'supertest';
import { DEMO_PASSWORD, startTestServer, type TestServer } from './server.js';
import { smallScenario } from '../../seed/small.js';
import type { PlanView } from '../../shared/api.js';

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

/**
 * A test server with the small scenario imported and its plan applied by a duty manager (planner
 * runs not rate-limited): the start of the tests that play a night through the API.
 */
export async function smallNightAfterPlan(): Promise<{ server: TestServer; duty: Agent; incidentId: string; base: string }> {
  const server = await startTestServer({ env: { RATE_LIMIT_PLANS_PER_MIN: '1000' } });
  const duty = await signIn(server.url, DEMO.duty);
  const incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId as string;
  const base = `/api/incidents/${incidentId}`;
  const proposal = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
  return { server, duty, incidentId, base };
}
