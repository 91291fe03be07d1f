/**
 * The Express application: request ids and logs, JSON bodies with a size limit, sessions,
 * the feature routers, the built client, and one error handler at the end.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { AuthService } from './auth/service.js';
import { loadUser } from './auth/middleware.js';
import { authRoutes } from './auth/routes.js';
import { EventBus } from './events/log.js';
import { errorHandler, notFound, AppError } from './http/errors.js';
import { IncidentService } from './incidents/service.js';
import { incidentRoutes } from './incidents/routes.js';
import { healthRoutes } from './health/routes.js';
import { idempotency } from './http/idempotency.js';
import { perUserRateLimit } from './http/rate-limit.js';
import { PlanService } from './plans/service.js';
import { planRoutes } from './plans/routes.js';
import { HotelService } from './hotels/service.js';
import { hotelRoutes } from './hotels/routes.js';
import { PartyService } from './parties/service.js';
import { partyRoutes } from './parties/routes.js';
import { CheckinService } from './checkin/service.js';
import { checkinRoutes } from './checkin/routes.js';
import { VehicleService } from './vehicles/service.js';
import { vehicleRoutes } from './vehicles/routes.js';
import { eventRoutes } from './events/routes.js';
import { LedgerService } from './ledger/service.js';
import { AccrualService } from './ledger/accrual.js';
import { ledgerRoutes } from './ledger/routes.js';
import { startLedgerJobs } from './ledger/jobs.js';
import { ExportService } from './exports/service.js';
import { exportRoutes } from './exports/routes.js';
import { DriverService } from './drivers/service.js';
import { driveRoutes, driverLinkRoutes, hotelEtaRoutes } from './drivers/routes.js';
import { PassService } from './passes/service.js';
import { passRoutes } from './passes/routes.js';
import { createMessaging, guestRoutes, messageRoutes, type MessagingService } from './messages/index.js';

export const CLIENT_DIST = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../dist/client');

export interface AppDeps {
  config: Config;
  database: Database;
  logger: Logger;
  bus?: EventBus;
}

export interface App {
  app: Express;
  auth: AuthService;
  bus: EventBus;
  services: { incidents: IncidentService; plans: PlanService; messaging: MessagingService };
}

export function createApp({ config, database, logger, bus = new EventBus() }: AppDeps): App {
  const app = express();
  const db = database.db;
  const auth = new AuthService(db, config.SESSION_TTL_HOURS * 3600_000);
  const incidents = new IncidentService(db, bus);
  const plansService = new PlanService(db, bus);
  const hotelService = new HotelService(db, bus);
  const partyService = new PartyService(db, bus);
  const checkinService = new CheckinService(db, bus);
  const vehicleService = new VehicleService(db, bus);
  const ledgerService = new LedgerService(db, bus);
  const accrualService = new AccrualService(db, bus);
  startLedgerJobs({ db, bus, accrual: accrualService, logger });
  const driverService = new DriverService(db, bus, config.DRIVER_LINK_SECRET);
  const { messaging, guest } = createMessaging(db, bus, logger, config);

  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use((req, res, next) => {
    req.id = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 64)) || randomUUID();
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => logger.debug({ reqId: req.id, method: req.method, url: req.originalUrl, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request'));
    next();
  });
  const csp = contentSecurityPolicy(config);
  app.use((_req, res, next) => {
    res.setHeader('content-security-policy', csp);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    res.setHeader('x-frame-options', 'DENY');
    next();
  });
  // gzip text answers (JSON, the client's scripts): reception's phones are often on a slow link.
  app.use(compression({ threshold: 1024 }));
  app.use('/api', sameOriginWrites(config));
  app.use('/api', express.json({ limit: config.MAX_BODY }));
  app.use('/api', express.text({ type: ['text/csv', 'text/plain'], limit: config.MAX_BODY }));
  app.use('/api', loadUser(auth));
  app.use('/api', idempotency(db));

  app.use('/api/health', healthRoutes(database));
  // Public runtime settings for the client (no secrets): where map tiles come from.
  app.get('/api/config', (_req, res) => res.json({ tileUrl: config.TILE_URL || null }));
  app.use('/api/auth', authRoutes(auth, { secureCookie: config.COOKIE_SECURE }));
  app.use('/api/guest', guestRoutes(guest));
  app.use('/api/incidents/:incidentId', messageRoutes(messaging, guest));
  app.use('/api/incidents/:incidentId/plans', planRoutes(plansService, perUserRateLimit({ limit: config.RATE_LIMIT_PLANS_PER_MIN, what: 'planner runs (propose or move)' })));
  app.use('/api/incidents/:incidentId/hotels/:hotelId/arrivals', checkinRoutes(checkinService));
  app.use('/api/incidents/:incidentId/hotels/:hotelId/etas', hotelEtaRoutes(driverService));
  app.use('/api/incidents/:incidentId/hotels', hotelRoutes(hotelService));
  app.use('/api/incidents/:incidentId/drivers', driverLinkRoutes(driverService));
  app.use('/api/incidents/:incidentId/passes', passRoutes(new PassService(db, config.PUBLIC_URL ? { linkFor: (token) => messaging.linkFor(token) } : {})));
  app.use('/api/drive/:token', driveRoutes(driverService));
  app.use('/api/incidents/:incidentId/parties', partyRoutes(partyService));
  app.use('/api/incidents/:incidentId/vehicles', vehicleRoutes(vehicleService));
  app.use('/api/incidents/:incidentId/events', eventRoutes(db));
  app.use('/api/incidents/:incidentId/ledger', ledgerRoutes(ledgerService, accrualService));
  app.use('/api/incidents/:incidentId/exports', exportRoutes(new ExportService(db, ledgerService), exportLimits(config)));
  app.use('/api/incidents', incidentRoutes(incidents, perUserRateLimit({ limit: config.RATE_LIMIT_IMPORTS_PER_MIN, what: 'imports' })));
  app.use('/api', notFound);

  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.sendFile(path.join(CLIENT_DIST, 'index.html')));
  }
  app.use(errorHandler(logger));
  return { app, auth, bus, services: { incidents, plans: plansService, messaging } };
}

/** Making or verifying an export (builds files, re-reads the ledger) and downloading its files, per user. */
function exportLimits(config: Config): express.RequestHandler[] {
  return [
    perUserRateLimit({ limit: config.RATE_LIMIT_EXPORTS_PER_MIN, what: 'export requests (create or verify)', applies: (req) => (req.method === 'POST' && (req.path === '/' || req.path === '/verify')) || (req.method === 'GET' && /^\/[^/]+\/verify$/.test(req.path)) }),
    perUserRateLimit({ limit: config.RATE_LIMIT_DOWNLOADS_PER_MIN, what: 'export downloads', applies: (req) => req.method === 'GET' && /^\/[^/]+\/files\//.test(req.path) }),
  ];
}

/** Only our own scripts; images also from the configured tile server; sockets to ourselves. */
function contentSecurityPolicy(config: Config): string {
  let tiles = '';
  try {
    tiles = config.TILE_URL ? new URL(config.TILE_URL.replace(/\{[a-z]\}/g, 'a')).origin : '';
  } catch {
    tiles = '';
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${tiles ? ` ${tiles} ${tiles.replace('://', '://*.')}` : ''}`,
    "connect-src 'self' ws: wss:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Cookie sessions need CSRF protection: a state-changing request that names a foreign Origin is
 * refused (browsers always send Origin on cross-site POSTs; SameSite=Lax covers the rest). Without
 * an Origin, a browser's `Sec-Fetch-Site` saying the request came from another site is refused too;
 * non-browser clients (curl, the CLI, tests) send neither and are let through.
 */
function sameOriginWrites(config: Config): express.RequestHandler {
  const allowed = new Set(config.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean));
  return (req, _res, next) => {
    const origin = req.headers.origin;
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    if (!origin) {
      const site = req.headers['sec-fetch-site'];
      if (site === undefined || site === 'same-origin' || site === 'none') return next();
      throw new AppError('forbidden', 'Requests from another site are not accepted.');
    }
    const own = `${req.protocol}://${req.headers.host ?? ''}`;
    if (origin === own || allowed.has(origin)) return next();
    throw new AppError('forbidden', 'Requests from another site are not accepted.');
  };
}
