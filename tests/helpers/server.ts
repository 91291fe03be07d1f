/**
 * The real product on a random port against a fresh test database, seeded like `npm start`
 * (storm scenario + demo users) unless told otherwise.
 */
import { pino } from 'pino';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export const DEMO_PASSWORD = 'storm-demo-2026';

/**
 * Tests drive one user through dozens of plans and exports a minute (and one status link through
 * dozens of replies); the limits on those endpoints are tested on their own (tests/security/rate-limits.test.ts passes the real values).
 */
const RELAXED_LIMITS = {
  RATE_LIMIT_PLANS_PER_MIN: '100000',
  RATE_LIMIT_EXPORTS_PER_MIN: '100000',
  RATE_LIMIT_DOWNLOADS_PER_MIN: '100000',
  RATE_LIMIT_IMPORTS_PER_MIN: '100000',
  RATE_LIMIT_GUEST_REPLIES_PER_MIN: '100000',
  RATE_LIMIT_PERKS_PER_MIN: '100000',
  // Every round trip that proves a message did not arrive is a subscribe (./socket.ts).
  SOCKET_SUBSCRIBES_PER_MIN: '100000',
  SOCKET_POSITIONS_PER_MIN: '100000',
};

export interface TestServer extends RunningServer {
  db: TestDatabase;
}

export async function startTestServer(opts: { seed?: 'storm' | 'none'; env?: Record<string, string> } = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SEED_DEMO: opts.seed === 'none' ? 'false' : 'true',
    DEMO_PASSWORD,
    // Tests read the storm on its recorded date (their figures and times are that night's).
    DEMO_NIGHT: 'replay',
    // A warm-up plan per test file is CPU the suite does not need (the worker is tested on its own).
    PLANNER_PREWARM: 'false',
    ...RELAXED_LIMITS,
    ...opts.env,
  });
  const running = await startServer(config, { database: db, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  return {
    ...running,
    db,
    async close() {
      await running.close();
      await db.destroy();
    },
  };
}
