/**
 * Configuration from the environment, validated once at start-up: a typo fails fast with a list
 * of what is wrong rather than surfacing later as odd behaviour.
 */
import { z } from 'zod';
import { describeFieldErrors, zodFieldErrors } from '../shared/errors.js';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Which proxies' X-Forwarded-For to believe (Express 'trust proxy'): the client address drives rate limits. */
  TRUST_PROXY: z.string().default('loopback'),
  /** Real PostgreSQL when set; embedded PGlite under DATA_DIR otherwise. */
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data/pglite'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Import the storm scenario and create demo users when the database has no incident. */
  SEED_DEMO: bool.default(true),
  DEMO_PASSWORD: z.string().min(8).default('storm-demo-2026'),
  /**
   * `live`: the demo storm struck 45 minutes before the first start (its times moved to now), so
   * plans leave from now and check-ins land on the night's own clock. `replay`: its recorded date
   * (31 October 2026), an old night whose times the clock never pushes.
   */
  DEMO_NIGHT: z.enum(['live', 'replay']).default('live'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24),
  /** Keep signed-in users in memory this long (ms; 0 = off). Sign-outs reach every process at once; edits made directly in the database wait for it. */
  SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** Write changes that arrive together in one transaction (server/events/log.ts); off by default. */
  GROUP_COMMIT: bool.default(false),
  /** Origins allowed to open sockets and send cookies, comma-separated; the server's own origin is always allowed. */
  ALLOWED_ORIGINS: z.string().default(''),
  /** Set true behind TLS so cookies are Secure; required in production. */
  COOKIE_SECURE: bool.default(false),
  TILE_URL: z.string().default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  MAX_BODY: z.string().default('5mb'),
  /** Base URL of the site, used in links sent to guests. */
  PUBLIC_URL: z.string().url().optional(),
  /** Guest email, e.g. smtp://user:pass@host:587 (?ignoreTLS=true for a local relay); off when unset. */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().optional(),
  /** Guest SMS: POST {id,to,body} JSON with Idempotency-Key; off when unset. */
  SMS_WEBHOOK_URL: z.string().url().optional(),
  MESSAGES_TICK_MS: z.coerce.number().int().positive().default(5000),
  MESSAGES_ENABLED: bool.default(true),
  /** Warm the planner's worker when a duty manager opens a console with no plan applied (server/planner/worker.ts). */
  PLANNER_PREWARM: bool.default(true),
  /** Background jobs retry an incident that failed after this long, doubling up to JOB_RETRY_MAX_MS. */
  JOB_RETRY_BASE_MS: z.coerce.number().int().positive().default(5000),
  JOB_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  /**
   * Signs drivers' per-vehicle links (HMAC); changing it revokes every link handed out. Unset: a
   * random secret is made on first start and kept in the database (shared by every replica).
   */
  DRIVER_LINK_SECRET: z.string().min(32, 'use at least 32 random characters (or leave it unset to have one made and kept in the database)').optional(),
  /** Per user per minute (per process): planner runs (propose, manual moves), export creation and verification, */
  RATE_LIMIT_PLANS_PER_MIN: z.coerce.number().int().positive().default(30),
  RATE_LIMIT_EXPORTS_PER_MIN: z.coerce.number().int().positive().default(20),
  /** export file downloads, and scenario / guest-list imports. Over the limit: 429 with Retry-After. */
  RATE_LIMIT_DOWNLOADS_PER_MIN: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_IMPORTS_PER_MIN: z.coerce.number().int().positive().default(20),
  /** Receipt photo uploads (each up to 5 MB, read before anything else). */
  RATE_LIMIT_UPLOADS_PER_MIN: z.coerce.number().int().positive().default(20),
  /** Perks recorded per user per minute: a desk's pace, not a script filling the append-only ledger with penny lines. */
  RATE_LIMIT_PERKS_PER_MIN: z.coerce.number().int().positive().default(120),
  /** Replies and feedback per status link (a household's token) per minute: a person's pace. */
  RATE_LIMIT_GUEST_REPLIES_PER_MIN: z.coerce.number().int().positive().default(6),
  /**
   * Ed25519 private key (PEM, or base64 of the PEM) that signs every export's manifest and ledger
   * head. Unset: read from LEDGER_KEY_FILE, made there on first start when absent. Replicas must
   * share one key (set this, or point LEDGER_KEY_FILE at a shared file).
   */
  LEDGER_SIGNING_KEY: z.string().optional(),
  /** Default: a file beside DATA_DIR (`<DATA_DIR>-ledger-signing-key.pem`), never inside the database. */
  LEDGER_KEY_FILE: z.string().optional(),
  /** How long a request holds its Idempotency-Key before a retry may take it over (after a crash). */
  IDEMPOTENCY_LEASE_MS: z.coerce.number().int().positive().default(15_000),
  /** How often open sockets' sessions are re-checked: a signed-out or expired session's socket is closed. */
  SOCKET_SESSION_CHECK_MS: z.coerce.number().int().positive().default(30_000),
  /** Open sockets one session, and one user, may hold on a process (a tab each); the next is refused until one closes. */
  SOCKETS_PER_SESSION: z.coerce.number().int().positive().default(20),
  SOCKETS_PER_USER: z.coerce.number().int().positive().default(60),
  /**
   * Socket requests that cost the server a database read, per user per minute on a process: a
   * subscribe answers with up to MAX_REPLAY events (hundreds of KB), a position checks its vehicle.
   */
  SOCKET_SUBSCRIBES_PER_MIN: z.coerce.number().int().positive().default(60),
  SOCKET_POSITIONS_PER_MIN: z.coerce.number().int().positive().default(600),
});

export type Config = z.output<typeof envSchema>;

/** Parse the environment; throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${describeFieldErrors(zodFieldErrors(parsed.error))}`);
  const c = parsed.data;
  // Links sent to guests must reach them: beyond loopback nobody can guess the public address.
  if (!c.PUBLIC_URL && !isLoopback(c.HOST)) {
    throw new Error(
      `Invalid configuration: PUBLIC_URL is required when HOST (${c.HOST}) is not a loopback address; set it to the address guests open, e.g. https://relocate.example.org`,
    );
  }
  if (c.NODE_ENV === 'production') {
    const problems: string[] = [];
    if (c.SEED_DEMO) problems.push('SEED_DEMO must be false in production (no demo users)');
    if (c.DEMO_PASSWORD === 'storm-demo-2026' && c.SEED_DEMO) problems.push('DEMO_PASSWORD is the default');
    if (!c.DATABASE_URL) problems.push('DATABASE_URL is required in production (PGlite is for trying it out)');
    // Session cookies must never travel in clear text. Browsers accept Secure cookies on
    // http://localhost, so a local trial of the production build still works.
    if (!c.COOKIE_SECURE) problems.push('COOKIE_SECURE must be true in production (session cookies only over HTTPS)');
    if (problems.length) throw new Error(`Refusing to start in production: ${problems.join('; ')}`);
  }
  return c;
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}
