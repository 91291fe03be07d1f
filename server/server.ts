/** Start the whole product (database, HTTP, client) on a port: used by `npm start` and by tests. */
import { hostAllowed } from './http/host-check.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { createApp, type App } from './app.js';
import { startStatisticsKeeper } from './db/statistics.js';
import { seedDemoIfEmpty, type DemoLogin } from './bootstrap.js';
import { attachRealtime } from './realtime/socket.js';
import { listenForRevocations } from './auth/session-cache.js';
import { endWarmPlanner } from './planner/worker.js';

export interface RunningServer {
  url: string;
  app: App;
  database: Database;
  http: http.Server;
  realtime: Awaited<ReturnType<typeof attachRealtime>>;
  logger: Logger;
  demoLogins: DemoLogin[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Use this database instead of opening one from the config (tests). */
  database?: Database;
  logger?: Logger;
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? pino({ level: config.LOG_LEVEL });
  const database = opts.database ?? (await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }));
  const app = createApp({ config, database, logger });
  const statistics = startStatisticsKeeper({ db: database.db, bus: app.bus, logger });
  const seeded = config.SEED_DEMO
    ? await seedDemoIfEmpty(database, app.services.incidents, config.DEMO_PASSWORD, config.DEMO_NIGHT === 'live' ? Date.now() : null)
    : { logins: [] };
  const revocations = database.url && app.auth.sessions.enabled ? await listenForRevocations(database.url, app.auth.sessions, logger) : null;
  const server = http.createServer(app.app);
  const realtime = await attachRealtime({
    httpServer: server,
    auth: app.auth,
    bus: app.bus,
    database,
    logger,
    allowedOrigins: config.ALLOWED_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    hostAllowed: hostAllowed(config),
    sessionCheckMs: config.SOCKET_SESSION_CHECK_MS,
    socketsPer: { session: config.SOCKETS_PER_SESSION, user: config.SOCKETS_PER_USER },
    requestsPerMin: { subscribe: config.SOCKET_SUBSCRIBES_PER_MIN, 'vehicle.position': config.SOCKET_POSITIONS_PER_MIN },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  app.services.messaging.start();
  const { port } = server.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return {
    url: `http://${host}:${port}`,
    app,
    database,
    http: server,
    realtime,
    logger,
    demoLogins: seeded.logins,
    async close() {
      await app.services.messaging.stop();
      await realtime.close();
      await endWarmPlanner();
      await revocations?.close();
      statistics.stop();
      await statistics.idle();
      server.closeAllConnections();
      if (!opts.database) await database.close();
    },
  };
}
