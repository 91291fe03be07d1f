/**
 * `npm run bench:status`: guests' phones polling their status page, on PostgreSQL.
 *
 * A fresh database with a generated scenario (default 10,000 guests) planned and applied through
 * the API, a status token for every household (written as the reissue does: random, unique), then
 * the status page (GET /api/guest/status with X-Status-Token) asked for by every token in turn,
 * each "phone" from its own address (X-Forwarded-For; the app trusts loopback proxies) so the
 * per-address limit applies as in the field. Two runs: one app process, then two app processes
 * (one load generator each, same total connections). While they run, a reception checks households
 * in (a few per second) so the pages change under load. Traffic goes to 127.0.0.1 only; every run
 * is bounded in time. Counts only 200 and 304 answers as served. Each phone sends back the ETag of
 * its last answer in If-None-Match, as the page does (decision 0017): unchanged pages are 304.
 * Phones have their page open already: each opens it once before the runs (measured apart).
 *   --no-etag   phones that never send If-None-Match (the figure before conditional requests)
 *   --small (2,000 guests, 8 s per run)   --seconds N (20)   BENCH_GUESTS   BENCH_CONNECTIONS (32)
 */
import autocannon from 'autocannon';
import pg from 'pg';
import os from 'node:os';
import { openDatabase } from '../server/db/client.js';
import { EventBus, SYSTEM_ACTOR } from '../server/events/log.js';
import { IncidentService } from '../server/incidents/service.js';
import { generateScenario } from '../seed/generate.js';
import { startAppProcess, type AppProcess } from '../tests/helpers/process.js';
import { loginCookie } from '../tests/helpers/socket.js';
import type { HotelArrivals, IncidentState } from '../shared/api.js';
import { num } from './args.js';
import { createScratchDatabase } from './scratch-db.js';
import { report } from './lib/result.js';
import { benchAppOptions } from './lib/app.js';

const SMALL = process.argv.includes('--small');
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const guests = Number(process.env.BENCH_GUESTS ?? (SMALL ? 2_000 : 10_000));
const seconds = num('seconds', SMALL ? 8 : 20);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const password = 'storm-demo-2026';

const scratch = await createScratchDatabase(adminUrl, `rc_bench_status_${Date.now().toString(36)}`);
const env = { DATABASE_URL: scratch.url, SEED_DEMO: 'true', DEMO_PASSWORD: password, LOG_LEVEL: 'warn', MESSAGES_ENABLED: 'false' };
const apps: AppProcess[] = [];
const appOptions = benchAppOptions();
try {
  apps.push(await startAppProcess(env, appOptions));
  const base = apps[0]!.url;
  const cookie = await loginCookie(base, 'duty@demo.test', password);
  const call = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { cookie, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  };

  const database = await openDatabase({ databaseUrl: scratch.url, migrate: false, poolSize: 2 });
  const imported = await new IncidentService(database.db, new EventBus()).importScenario(generateScenario({ guests, seed: 7 }), SYSTEM_ACTOR);
  await database.close();
  const incidentId = imported.incidentId;
  const proposal = await call<{ id: string }>('POST', `/api/incidents/${incidentId}/plans`, {});
  await call('POST', `/api/incidents/${incidentId}/plans/${proposal.id}/apply`, {});
  // Real tokens, as a reissue makes them (random, unique per household).
  const db = new pg.Client({ connectionString: scratch.url });
  await db.connect();
  await db.query(`update parties set status_token = md5(random()::text || id) || md5(random()::text) where incident_id = $1`, [incidentId]);
  const tokens = (await db.query<{ t: string }>('select status_token as t from parties where incident_id = $1 order by random()', [incidentId])).rows.map(
    (r) => r.t,
  );
  await db.end();
  console.log(
    `${tokens.length} households with a status token (${guests.toLocaleString('en-GB')} guests), ${seconds} s per run, ${connections} connections in all`,
  );

  // A reception at work meanwhile: check-ins one after another (one request in flight).
  const state = await call<IncidentState>('GET', `/api/incidents/${incidentId}/state`);
  const work: { hotelId: string; partyId: string }[] = [];
  for (const h of state.hotels.slice(0, 30))
    for (const x of (await call<HotelArrivals>('GET', `/api/incidents/${incidentId}/hotels/${encodeURIComponent(h.id)}/arrivals`)).households)
      work.push({ hotelId: h.id, partyId: x.partyId });
  let checkins = 0;
  let stopReception = false;
  const reception = async () => {
    while (!stopReception && work.length) {
      const w = work.pop()!;
      const res = await fetch(`${apps[checkins % apps.length]!.url}/api/incidents/${incidentId}/hotels/${encodeURIComponent(w.hotelId)}/arrivals/checkins`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ partyId: w.partyId }),
      });
      await res.text();
      if (res.ok) checkins++;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const NO_ETAG = process.argv.includes('--no-etag');
  const etags: (string | undefined)[] = new Array(tokens.length);
  let cursor = 0;
  const runOn = (url: string, conns: number) => {
    const statuses = new Map<number, number>();
    return new Promise<{ ok: number; statuses: Map<number, number>; latencies: autocannon.Result }>((resolve, reject) => {
      autocannon(
        {
          url,
          connections: conns,
          duration: seconds,
          requests: [
            {
              method: 'GET',
              path: '/api/guest/status',
              setupRequest: (req, context) => {
                const i = cursor++ % tokens.length;
                (context as { i?: number }).i = i;
                const etag = NO_ETAG ? undefined : etags[i];
                return {
                  ...req,
                  headers: {
                    'x-status-token': tokens[i]!,
                    'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
                    ...(etag ? { 'if-none-match': etag } : {}),
                  },
                };
              },
              onResponse: (status, _body, context, headers) => {
                statuses.set(status, (statuses.get(status) ?? 0) + 1);
                const i = (context as { i?: number }).i;
                const etag = headers?.['etag'];
                if (i !== undefined && typeof etag === 'string') etags[i] = etag;
              },
            },
          ],
        },
        (err, result) => (err ? reject(err) : resolve({ ok: (statuses.get(200) ?? 0) + (statuses.get(304) ?? 0), statuses, latencies: result })),
      );
    });
  };

  // Every phone has its page open already (the scenario: guests with the page open, refreshing):
  // each opens it once here, and keeps the answer's ETag. Measured apart: the first opens.
  if (!NO_ETAG) {
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let i = next++; i < tokens.length; i = next++) {
          const res = await fetch(`${apps[0]!.url}/api/guest/status`, {
            headers: { 'x-status-token': tokens[i]!, 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
          });
          await res.text();
          etags[i] = res.headers.get('etag') ?? undefined;
        }
      }),
    );
    const rate = tokens.length / ((performance.now() - t0) / 1000);
    console.log(`\nfirst opens (no ETag yet, every page read whole): ${Math.round(rate)} pages/s, 1 process`);
    report({ figure: 'first opens of the status page/s, 1 process (200)', value: rate, unit: 'req/s' });
  }

  const summaries: { processes: number; rps: number; p99: number }[] = [];
  for (const processes of [1, 2]) {
    while (apps.length < processes) apps.push(await startAppProcess(env, appOptions));
    stopReception = false;
    const before = checkins;
    const bg = reception();
    const load = os.loadavg()[0]!;
    const runs = await Promise.all(apps.map((a) => runOn(a.url, Math.round(connections / processes))));
    stopReception = true;
    await bg;
    const ok = runs.reduce((n, r) => n + r.ok, 0);
    const rps = ok / seconds;
    // p99 of the slower process (autocannon gives percentiles per run).
    const p99 = Math.max(...runs.map((r) => r.latencies.latency.p99));
    const statuses: Record<string, number> = {};
    for (const r of runs) for (const [k, v] of r.statuses) statuses[k] = (statuses[k] ?? 0) + v;
    console.log(
      `\n${processes} app process${processes > 1 ? 'es' : ''}: ${Math.round(rps)} status pages/s (200/304), p50 ${Math.max(...runs.map((r) => r.latencies.latency.p50))} ms, p99 ${p99} ms; statuses ${JSON.stringify(statuses)}; ${checkins - before} check-ins meanwhile; load before ${load.toFixed(2)}`,
    );
    summaries.push({ processes, rps, p99 });
    report({ figure: `status pages/s, ${processes} process${processes > 1 ? 'es' : ''} (200/304)`, value: rps, unit: 'req/s', target: '>= 3000' });
    report({ figure: `status page p99, ${processes} process${processes > 1 ? 'es' : ''}`, value: p99, unit: 'ms', target: '<= 100' });
  }
  const [one, two] = summaries;
  console.log(`\ngain from the second process: x${(two!.rps / one!.rps).toFixed(2)}`);
  report({ figure: 'gain from the second process', value: two!.rps / one!.rps, unit: 'x', target: '>= 1.8' });
  const best = summaries.reduce((a, b) => (b.rps > a.rps ? b : a));
  console.log(`Summary: status pages ${Math.round(best.rps)} req/s, p99 ${best.p99} ms (${best.processes} process${best.processes > 1 ? 'es' : ''})`);
} finally {
  for (const a of apps) await a.kill('SIGTERM');
  await scratch.drop();
}
