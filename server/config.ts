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
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24),
  /** Origins allowed to open sockets and send cookies, comma-separated; the server's own origin is always allowed. */
  ALLOWED_ORIGINS: z.string().default(''),
  /** Set true behind TLS so cookies are Secure. */
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
  /** Signs drivers' per-vehicle links (HMAC); changing it revokes every link handed out. */
  DRIVER_LINK_SECRET: z.string().min(16, 'use at least 16 characters').default('dev-only-driver-link-secret'),
  /** Per user per minute (per process): planner runs (propose, manual moves), export creation and verification, */
  RATE_LIMIT_PLANS_PER_MIN: z.coerce.number().int().positive().default(30),
  RATE_LIMIT_EXPORTS_PER_MIN: z.coerce.number().int().positive().default(20),
  /** export file downloads, and scenario / guest-list imports. Over the limit: 429 with Retry-After. */
  RATE_LIMIT_DOWNLOADS_PER_MIN: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_IMPORTS_PER_MIN: z.coerce.number().int().positive().default(20),
  /** How often open sockets' sessions are re-checked: a signed-out or expired session's socket is closed. */
  SOCKET_SESSION_CHECK_MS: z.coerce.number().int().positive().default(30_000),
});

export type Config = z.output<typeof envSchema>;

/** Parse the environment; throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${describeFieldErrors(zodFieldErrors(parsed.error))}`);
  const c = parsed.data;
  if (c.NODE_ENV === 'production') {
    const problems: string[] = [];
    if (c.SEED_DEMO) problems.push('SEED_DEMO must be false in production (no demo users)');
    if (c.DEMO_PASSWORD === 'storm-demo-2026' && c.SEED_DEMO) problems.push('DEMO_PASSWORD is the default');
    if (c.DRIVER_LINK_SECRET === 'dev-only-driver-link-secret') problems.push('DRIVER_LINK_SECRET must be set (it signs drivers\' links)');
    if (!c.DATABASE_URL) problems.push('DATABASE_URL is required in production (PGlite is for trying it out)');
    if (problems.length) throw new Error(`Refusing to start in production: ${problems.join('; ')}`);
  }
  return c;
}
