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
import type { Database, Db } from './db/client.js';
import { SessionCache } from './auth/session-cache.js';
import { AuthService } from './auth/service.js';
import { loadUser } from './auth/middleware.js';
import { authRoutes } from './auth/routes.js';
import { EventBus, setGroupCommit } from './events/log.js';
import { errorHandler, notFound, AppError } from './http/errors.js';
import { routerFrom, routesFor, type RateLimitName, type Route } from './http/route.js';
import { IncidentService } from './incidents/service.js';
import { incidentRoutes } from './incidents/routes.js';
import { healthRoutes } from './health/routes.js';
import { idempotency } from './http/idempotency.js';
import { nestingLimit } from './http/nesting.js';
import { hostCheck } from './http/host-check.js';
import { perUserRateLimit } from './http/rate-limit.js';
import { PlanService } from './plans/service.js';
import { planRoutes } from './plans/routes.js';
import { HotelService } from './hotels/service.js';
import { hotelRoutes } from './hotels/routes.js';
import { roomingRoutes } from './rooming/routes.js';
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
import { defaultKeyFile, loadLedgerSigner } from './exports/signing.js';
import { DriverService } from './drivers/service.js';
import { driveRoutes, driverLinkRoutes, hotelEtaRoutes, vehicleDriverLinkRoutes } from './drivers/routes.js';
import { PassService } from './passes/service.js';
import { passRoutes } from './passes/routes.js';
import { createMessaging, isolationFrom, guestRoutes, messageRoutes, type MessagingService } from './messages/index.js';
import type { GuestService } from './guest/service.js';
import { guestGate, type GuestGate } from './guest/routes.js';
import { AttentionService } from './attention/service.js';
import { attentionRoutes, rollCallLinkRoutes, rollCallRoutes } from './attention/routes.js';
import { startAttentionSweep } from './attention/jobs.js';
import { CLIENT_DIST } from './paths.js';

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

/** What the route handlers are given: each feature's table names the part it uses. */
export interface AppServices {
  config: Config;
  database: Database;
  db: Db;
  auth: AuthService;
  incidents: IncidentService;
  plans: PlanService;
  hotels: HotelService;
  parties: PartyService;
  checkin: CheckinService;
  vehicles: VehicleService;
  ledger: LedgerService;
  accrual: AccrualService;
  exports: ExportService;
  drivers: DriverService;
  passes: PassService;
  messaging: MessagingService;
  guest: GuestService;
  guestGate: GuestGate;
  attention: AttentionService;
}

/** Public runtime settings for the client (no secrets): where map tiles come from. */
const configRoutes = [
  routesFor<{ config: Config }>()({
    method: 'get',
    path: '/api/config',
    roles: 'public',
    why: 'the client reads it before anyone signs in; it holds no secret',
    handler: ({ res, deps }) => res.json({ tileUrl: deps.config.TILE_URL || null }),
  }),
];

/**
 * Every API route, in the order they are matched (the first whose method and path fit answers:
 * the more specific paths under /hotels/:hotelId and /vehicles/:vehicleId come before the
 * feature's own). The authorization matrix and the fuzzer read this same table (decision 0018).
 */
export const API_ROUTES: readonly Route<AppServices>[] = [
  ...healthRoutes,
  ...configRoutes,
  ...authRoutes,
  ...guestRoutes,
  ...messageRoutes,
  ...planRoutes,
  ...checkinRoutes,
  ...hotelEtaRoutes,
  ...roomingRoutes,
  ...hotelRoutes,
  ...driverLinkRoutes,
  ...passRoutes,
  ...driveRoutes,
  ...partyRoutes,
  ...attentionRoutes,
  ...rollCallRoutes,
  ...rollCallLinkRoutes,
  ...vehicleDriverLinkRoutes,
  ...vehicleRoutes,
  ...eventRoutes,
  ...ledgerRoutes,
  ...exportRoutes,
  ...incidentRoutes,
];

/** The client's own pages: any GET outside /api/ and /socket.io/ is answered with index.html. */
export const CLIENT_PAGES = /^\/(?!api\/|socket\.io\/).*/;

/**
 * What the app serves outside the table, and why no role rule applies (only when the client is
 * built). The matrix test checks that Express's router holds nothing else.
 */
export const NOT_IN_TABLE = [
  {
    middleware: 'serveStatic',
    what: 'the built client files (scripts, styles, icons, the service worker sw.js)',
    why: 'the same public files for everyone; no data',
  },
  {
    method: 'get',
    path: CLIENT_PAGES,
    what: 'index.html for every path outside /api/ and /socket.io/',
    why: "the client's single page for its own routes (#/rollcall/<token> and the like); the page holds no data, the API it calls checks the caller",
  },
] as const;

export function createApp({ config, database, logger, bus = new EventBus() }: AppDeps): App {
  const app = express();
  const db = database.db;
  // On PostgreSQL the session cache is used only while this process hears sign-outs (server.ts).
  setGroupCommit(config.GROUP_COMMIT);
  const auth = new AuthService(db, config.SESSION_TTL_HOURS * 3600_000, new SessionCache(config.SESSION_CACHE_MS, 20_000, database.kind === 'postgres'), bus);
  const incidents = new IncidentService(db, bus);
  const plansService = new PlanService(db, bus);
  const hotelService = new HotelService(db, bus);
  const partyService = new PartyService(db, bus);
  const checkinService = new CheckinService(db, bus);
  const vehicleService = new VehicleService(db, bus);
  const ledgerService = new LedgerService(db, bus);
  const accrualService = new AccrualService(db, bus);
  startLedgerJobs({ db, bus, accrual: accrualService, logger, isolation: isolationFrom(config) });
  const attentionService = new AttentionService(db, bus, config.DRIVER_LINK_SECRET);
  startAttentionSweep({ db, bus, service: attentionService, logger, isolation: isolationFrom(config) });
  const driverService = new DriverService(db, bus, config.DRIVER_LINK_SECRET);
  const { messaging, guest } = createMessaging(db, bus, logger, config);

  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(hostCheck(config));
  app.use((req, res, next) => {
    req.id = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 64)) || randomUUID();
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () =>
      logger.debug(
        { reqId: req.id, method: req.method, url: req.originalUrl, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      ),
    );
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
  app.use('/api', nestingLimit());
  app.use('/api', express.text({ type: ['text/csv', 'text/plain'], limit: config.MAX_BODY }));
  app.use('/api', loadUser(auth));
  app.use('/api', idempotency(db, { leaseMs: config.IDEMPOTENCY_LEASE_MS }));

  const signer = loadLedgerSigner({ pem: config.LEDGER_SIGNING_KEY, keyFile: config.LEDGER_KEY_FILE ?? defaultKeyFile(config.DATA_DIR) });
  const services: AppServices = {
    config,
    database,
    db,
    auth,
    incidents,
    plans: plansService,
    hotels: hotelService,
    parties: partyService,
    checkin: checkinService,
    vehicles: vehicleService,
    ledger: ledgerService,
    accrual: accrualService,
    exports: new ExportService(db, ledgerService, signer),
    drivers: driverService,
    passes: new PassService(db, config.PUBLIC_URL ? { linkFor: (token) => messaging.linkFor(token) } : {}),
    messaging,
    guest,
    guestGate: guestGate({ writesPerMinute: config.RATE_LIMIT_GUEST_REPLIES_PER_MIN }),
    attention: attentionService,
  };
  app.use(routerFrom(API_ROUTES, services, rateLimits(config)));
  app.use('/api', notFound);

  if (existsSync(CLIENT_DIST)) {
    app.use(
      express.static(CLIENT_DIST, {
        index: false,
        maxAge: '1h',
        // The service worker is checked for a new version on every load, never taken from a cache.
        setHeaders: (res, file) => {
          if (path.basename(file) === 'sw.js') res.setHeader('cache-control', 'no-cache');
        },
      }),
    );
    app.get(CLIENT_PAGES, (_req, res) => res.sendFile(path.join(CLIENT_DIST, 'index.html')));
  }
  app.use(errorHandler(logger));
  return { app, auth, bus, services: { incidents, plans: plansService, messaging } };
}

/** The per-user limits routes name in the table (one counter per name, shared by its routes). */
function rateLimits(config: Config): Record<RateLimitName, express.RequestHandler> {
  return {
    planner: perUserRateLimit({ limit: config.RATE_LIMIT_PLANS_PER_MIN, what: 'planner runs (propose or move)' }),
    imports: perUserRateLimit({ limit: config.RATE_LIMIT_IMPORTS_PER_MIN, what: 'imports' }),
    exports: perUserRateLimit({ limit: config.RATE_LIMIT_EXPORTS_PER_MIN, what: 'export requests (create or verify)' }),
    downloads: perUserRateLimit({ limit: config.RATE_LIMIT_DOWNLOADS_PER_MIN, what: 'export downloads' }),
    uploads: perUserRateLimit({ limit: config.RATE_LIMIT_UPLOADS_PER_MIN, what: 'receipt photo uploads' }),
    perks: perUserRateLimit({ limit: config.RATE_LIMIT_PERKS_PER_MIN, what: 'perks recorded' }),
  };
}

/**
 * Only our own scripts and style sheets (no inline <style> or style="" attributes: the client sets
 * styles through the DOM, which CSP allows); images also from the configured tile server; fetches
 * and sockets to ourselves and the configured ALLOWED_ORIGINS only, so an injected script (were one
 * ever to run) could not send what it read anywhere else.
 */
export function contentSecurityPolicy(config: Config): string {
  let tiles = '';
  try {
    tiles = config.TILE_URL ? new URL(config.TILE_URL.replace(/\{[a-z]\}/g, 'a')).origin : '';
  } catch {
    tiles = '';
  }
  const connect = ["'self'"];
  for (const raw of config.ALLOWED_ORIGINS.split(',')) {
    try {
      const origin = new URL(raw.trim()).origin;
      if (origin === 'null') continue;
      connect.push(origin, origin.replace(/^http/, 'ws'));
    } catch {
      // not an origin: ignored here as it is by the origin checks
    }
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${tiles ? ` ${tiles} ${tiles.replace('://', '://*.')}` : ''}`,
    `connect-src ${connect.join(' ')}`,
    "font-src 'self'",
    "worker-src 'self'",
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
  const allowed = new Set(
    config.ALLOWED_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  );
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
