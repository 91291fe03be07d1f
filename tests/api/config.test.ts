/**
 * Where guests' links point: PUBLIC_URL is required as soon as the server listens beyond this
 * machine, and when it is set no message links to localhost.
 */
import { loadConfig, isLoopback } from '../../server/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn } from '../helpers/api.js';
import { smallScenario } from '../../seed/small.js';
import type { MessageView } from '../../shared/messages.js';

test('a server listening beyond loopback refuses to start without PUBLIC_URL, naming it', () => {
  for (const HOST of ['0.0.0.0', '::', '10.0.0.5', 'relocate.example.org']) {
    expect(() => loadConfig({ NODE_ENV: 'test', HOST })).toThrow(/PUBLIC_URL is required when HOST \(.*\) is not a loopback address/);
    expect(loadConfig({ NODE_ENV: 'test', HOST, PUBLIC_URL: 'https://relocate.example.org' }).PUBLIC_URL).toBe('https://relocate.example.org');
  }
  for (const HOST of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) {
    expect(isLoopback(HOST)).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', HOST }).PUBLIC_URL).toBeUndefined();
  }
  expect(() => loadConfig({ NODE_ENV: 'test', HOST: '0.0.0.0', PUBLIC_URL: 'not a url' })).toThrow(/PUBLIC_URL/);
});

describe('with PUBLIC_URL set', () => {
  let server: TestServer;
  afterAll(async () => server?.close());

  test('every link in every message and status link points at it, never at localhost', async () => {
    server = await startTestServer({ env: { PUBLIC_URL: 'https://relocate.example.org' } });
    await server.app.services.messaging.stop();
    const duty = await signIn(server.url, DEMO.duty);
    const incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId as string;
    const inc = (p: string) => `/api/incidents/${incidentId}${p}`;
    const proposal = (await duty.post(inc('/plans')).expect(201)).body;
    await duty.post(inc(`/plans/${proposal.id}/apply`)).expect(200);
    await server.app.services.messaging.project();
    const messages: MessageView[] = (await duty.get(inc('/messages?limit=1000')).expect(200)).body.messages;
    expect(messages.length).toBeGreaterThan(5);
    for (const m of messages) {
      expect(m.body).toMatch(/https:\/\/relocate\.example\.org\/#\/s\/[A-Za-z0-9_-]{16,}/);
      expect(m.body).not.toMatch(/localhost|127\.0\.0\.1/);
    }
    expect((await duty.get(inc('/status-links/P01')).expect(200)).body.url).toMatch(/^https:\/\/relocate\.example\.org\/#\/s\//);
  });
});
