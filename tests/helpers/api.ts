/** Signed-in HTTP clients against a running test server (supertest agents keep the cookie). */
import request from 'supertest';
import { DEMO_PASSWORD } from './server.js';

export type Agent = ReturnType<typeof request.agent>;

export async function signIn(url: string, email: string, password = DEMO_PASSWORD): Promise<Agent> {
  const agent = request.agent(url);
  const res = await agent.post('/api/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return agent;
}

export const DEMO = {
  admin: 'admin@demo.test',
  duty: 'duty@demo.test',
  duty2: 'duty2@demo.test',
  reception: 'reception@demo.test',
  insurer: 'insurer@demo.test',
} as const;
