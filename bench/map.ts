/**
 * `npm run bench:map`: the duty manager's console at scale in headless Chromium.
 *
 * A fresh PostgreSQL database with a generated scenario (default 10,000 guests, 500 hotels, 300
 * vehicles) imported, planned and applied, one app process, then the console opened by the duty
 * manager. Prints: time to interactive (the console's own `console-interactive` mark), frames per
 * second while the map is dragged and zoomed with the mouse wheel, while the clock plays, and while
 * a colleague changes a hotel's rooms every 400 ms and while reception checks a household in every
 * 400 ms (a busy night: every change reaches the console) (requestAnimationFrame callbacks counted
 * in the page), the worst long task after the first paint
 * (PerformanceObserver 'longtask', registered before the page's own scripts run), and the
 * JavaScript shipped per role (gzip, from dist/client). Headless and software-rendered: compare
 * runs of the same setup, not with a phone.
 *   --small (2,000 guests, 100 hotels, 60 vehicles)   --seconds N per measurement (4)
 *   --profile FILE (a CPU profile of the page from opening the console until it settles, for
 *   Chrome's DevTools or `node --cpu-prof`-style readers: where the long tasks' time goes)
 *   BENCH_GUESTS, BENCH_HOTELS, BENCH_VEHICLES   BENCH_DATABASE_URL
 *   --profile-live FILE (the same while hotels change: where each change's long task goes)
 *   --trace FILE (a Chrome trace of the console's load, with the page's JavaScript sampled: each task,
 *   the browser's own style, layout and paint within it, and which functions ran; for DevTools'
 *   Performance panel)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openDatabase } from '../server/db/client.js';
import { EventBus, SYSTEM_ACTOR } from '../server/events/log.js';
import { IncidentService } from '../server/incidents/service.js';
import { generateScenario } from '../seed/generate.js';
import { startAppProcess, type AppProcess } from '../tests/helpers/process.js';
import { loginCookie } from '../tests/helpers/socket.js';
import { assertClientBuilt, browserAvailable, openBrowser, type BrowserSession } from '../tests/browser/browser.js';
import { openConsole, signIn, PASSWORD } from '../tests/browser/console-helpers.js';
import { flag, num } from './args.js';
import { createScratchDatabase } from './scratch-db.js';
import { jsPerRole } from './lib/bundle.js';
import { report } from './lib/result.js';
import { benchAppOptions } from './lib/app.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SMALL = process.argv.includes('--small');
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const guests = Number(process.env.BENCH_GUESTS ?? (SMALL ? 2_000 : 10_000));
const hotels = Number(process.env.BENCH_HOTELS ?? (SMALL ? 100 : 500));
const vehicles = Number(process.env.BENCH_VEHICLES ?? (SMALL ? 60 : 300));
const seconds = num('seconds', 4);
const profileAt = process.argv.indexOf('--profile');
const profileFile = profileAt > 0 ? process.argv[profileAt + 1] : undefined;

// JS per role first: it needs only the build, and it is printed even when no browser is here.
assertClientBuilt();
for (const r of jsPerRole(path.join(ROOT, 'dist/client'))) {
  console.log(`JS for ${r.role}: ${(r.gzipBytes / 1024).toFixed(1)} kB gz (${(r.rawBytes / 1024).toFixed(0)} kB raw) in ${r.files.length} files`);
  report({ figure: `JS shipped, ${r.role}`, value: r.gzipBytes / 1024, unit: 'kB gz', target: '<= 400' });
}
if (!browserAvailable()) process.exit(0);

/**
 * In the page before any of its scripts: long tasks and a frame counter, kept on window. A string,
 * not a function: the TypeScript runner would add helpers to a function that the page lacks.
 */
const PROBE = `
  window.benchLongTasks = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.benchLongTasks.push({ start: e.startTime, duration: e.duration }))).observe({ type: 'longtask', buffered: true });
  window.benchFrames = (ms) => new Promise((resolve) => {
    let frames = 0;
    const t0 = performance.now();
    const tick = (t) => {
      frames++;
      if (t - t0 < ms) requestAnimationFrame(tick);
      else resolve({ frames, ms: performance.now() - t0 });
    };
    requestAnimationFrame(tick);
  });
`;

interface Probe {
  benchLongTasks: { start: number; duration: number }[];
  benchFrames(ms: number): Promise<{ frames: number; ms: number }>;
}

/** Frames per second over `ms` while `drive` works the page; and the worst long task meanwhile. */
async function framesWhile(page: Page, ms: number, drive: (until: number) => Promise<void>): Promise<{ fps: number; worstTask: number; busyMs: number }> {
  const metrics = await page.context().newCDPSession(page);
  await metrics.send('Performance.enable');
  const taskSeconds = async () => (await metrics.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  const busyFrom = await taskSeconds();
  const from = await page.evaluate(() => performance.now());
  const counting = page.evaluate((d) => (window as unknown as Probe).benchFrames(d), ms);
  await drive(Date.now() + ms);
  const { frames, ms: took } = await counting;
  const worstTask = await page.evaluate(
    (f) => Math.max(0, ...(window as unknown as Probe).benchLongTasks.filter((t) => t.start >= f).map((t) => t.duration)),
    from,
  );
  const busyMs = ((await taskSeconds()) - busyFrom) * 1000;
  await metrics.detach();
  return { fps: (frames * 1000) / took, worstTask, busyMs };
}

const scratch = await createScratchDatabase(adminUrl, `rc_bench_map_${Date.now().toString(36)}`);
let app: AppProcess | undefined;
let browser: BrowserSession | undefined;
try {
  app = await startAppProcess(
    { DATABASE_URL: scratch.url, SEED_DEMO: 'true', DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn', MESSAGES_ENABLED: 'false' },
    benchAppOptions(),
  );
  const base = app.url;
  const cookie = await loginCookie(base, 'duty@demo.test', PASSWORD);
  const call = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${base}${p}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: base }, body: '{}' });
    if (!res.ok) throw new Error(`POST ${p}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  };
  let t0 = performance.now();
  const database = await openDatabase({ databaseUrl: scratch.url, migrate: false, poolSize: 2 });
  const { incidentId } = await new IncidentService(database.db, new EventBus()).importScenario(
    generateScenario({ guests, hotels, vehicles, seed: 7 }),
    SYSTEM_ACTOR,
  );
  await database.close();
  const proposal = await call<{ id: string }>(`/api/incidents/${incidentId}/plans`);
  await call(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`);
  console.log(
    `${guests.toLocaleString('en-GB')} guests, ${hotels} hotels, ${vehicles} vehicles imported, planned and applied in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  browser = await openBrowser(base);
  const { page } = browser;
  await page.emulateMedia({ reducedMotion: 'no-preference' }); // zoom animations on, as people see them
  await page.addInitScript({ content: PROBE });
  await signIn(page, base, 'duty@demo.test');
  const cdp = profileFile ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const traceFile = flag('trace');
  const tracer = traceFile ? await page.context().newCDPSession(page) : null;
  if (tracer) {
    await tracer.send('Tracing.start', {
      transferMode: 'ReturnAsStream',
      traceConfig: {
        includedCategories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'toplevel',
          'v8',
          'blink',
          'loading',
          'disabled-by-default-v8.cpu_profiler',
        ],
      },
    });
  }
  t0 = performance.now();
  const tti = await openConsole(page, base, incidentId);
  const map = page.locator('[data-testid="incident-map"]');
  const drawn = {
    markers: await map.getAttribute('data-marker-count'),
    hotels: await map.getAttribute('data-marker-hotel'),
    trips: await map.getAttribute('data-trip-count'),
  };
  console.log(
    `console interactive after ${tti} ms (page's own mark; ${Math.round(performance.now() - t0)} ms as the driver saw it); map ${JSON.stringify(drawn)}`,
  );
  report({ figure: 'time to interactive', value: tti, unit: 'ms', target: '<= 2000' });
  // Let what the load started settle before measuring frames.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
  if (tracer && traceFile) {
    const done = new Promise<string>((resolve) => tracer.once('Tracing.tracingComplete', (e) => resolve(e.stream!)));
    await tracer.send('Tracing.end');
    const stream = await done;
    let text = '';
    for (;;) {
      const chunk = await tracer.send('IO.read', { handle: stream });
      text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
      if (chunk.eof) break;
    }
    writeFileSync(traceFile, text);
    console.log(`Trace of the console's load written to ${traceFile} (chrome://tracing or DevTools' Performance panel)`);
  }
  if (cdp && profileFile) {
    writeFileSync(profileFile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    console.log(`CPU profile of the console's load written to ${profileFile}`);
  }

  const box = (await map.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // The map's pane moves and scales under the drag and the wheel: read it to be sure the input took.
  const pane = () => page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="incident-map"] .leaflet-map-pane')?.style.transform ?? '');
  const paneBefore = await pane();
  const pan = await framesWhile(page, seconds * 1000, async (until) => {
    for (let i = 0; Date.now() < until; i++) {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      const dx = (i % 2 ? -1 : 1) * box.width * 0.25;
      await page.mouse.move(cx + dx, cy + dx / 3, { steps: 12 });
      await page.mouse.up();
      if (Date.now() >= until) break;
      await page.mouse.wheel(0, i % 2 ? 240 : -240); // zoom in, then out again
      await page.waitForTimeout(150);
    }
  });
  const moved = (await pane()) !== paneBefore;
  console.log(`pan and zoom: ${pan.fps.toFixed(1)} frames/s, worst long task ${Math.round(pan.worstTask)} ms; the map ${moved ? 'moved' : 'DID NOT MOVE'}`);
  if (!moved) throw new Error('the map did not move under the mouse: the pan/zoom figure would measure nothing');
  report({ figure: 'frames/s while panning and zooming', value: pan.fps, unit: 'fps', target: '>= 30' });

  const play = page.getByRole('button', { name: 'Play', exact: true });
  await play.click();
  const clock = await framesWhile(page, seconds * 1000, async (until) => {
    await page.waitForTimeout(Math.max(0, until - Date.now()));
  });
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const vehiclesAway = await map.getAttribute('data-vehicle-dots');
  console.log(
    `clock playing: ${clock.fps.toFixed(1)} frames/s, worst long task ${Math.round(clock.worstTask)} ms; ${vehiclesAway} vehicles drawn away from their depot`,
  );
  report({ figure: 'frames/s while the clock plays', value: clock.fps, unit: 'fps', target: '>= 30' });

  // What the page costs doing nothing, per 400 ms (drawing frames): the changes below are measured against it.
  const idle = await framesWhile(page, seconds * 1000, async (until) => {
    await page.waitForTimeout(Math.max(0, until - Date.now()));
  });
  const idlePer400 = (idle.busyMs * 400) / (seconds * 1000);
  console.log(`idle: main thread busy ${Math.round(idlePer400)} ms per 400 ms`);
  const perChange = (busyMs: number, n: number) => Math.round(busyMs / n - idlePer400);

  // A busy night: a colleague changes a hotel's rooms every 400 ms, and every change reaches the map.
  const held = (await (await fetch(`${base}/api/incidents/${incidentId}/state`, { headers: { cookie } })).json()) as {
    hotels: { id: string; roomTypes: { type: string; sleeps: number; count: number; rateMinor: number; accessible: boolean }[] }[];
    parties: { id: string; hotelId: string | null; status: string }[];
  };
  const hotelList = held.hotels;
  let changes = 0;
  const liveProfile = flag('profile-live');
  const profiler = liveProfile ? await page.context().newCDPSession(page) : null;
  if (profiler) {
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
    await profiler.send('Profiler.start');
  }
  const live = await framesWhile(page, seconds * 1000, async (until) => {
    for (let i = 0; Date.now() < until; i++) {
      const h = hotelList[i % hotelList.length]!;
      const res = await fetch(`${base}/api/incidents/${incidentId}/hotels/${encodeURIComponent(h.id)}`, {
        method: 'PATCH',
        headers: { cookie, 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ roomTypes: h.roomTypes.map((r, k) => ({ ...r, count: r.count + (k === 0 ? 1 : 0) })) }),
      });
      if (!res.ok) throw new Error(`PATCH hotel: ${res.status} ${(await res.text()).slice(0, 300)}`);
      h.roomTypes[0]!.count += 1;
      changes++;
      await page.waitForTimeout(400);
    }
  });
  if (profiler) {
    const { profile } = await profiler.send('Profiler.stop');
    writeFileSync(liveProfile!, JSON.stringify(profile));
    console.log(`CPU profile of the console while hotels change written to ${liveProfile}`);
  }
  console.log(
    `live changes (${changes} hotel offers): ${live.fps.toFixed(1)} frames/s, worst long task ${Math.round(live.worstTask)} ms; main thread ${perChange(live.busyMs, changes)} ms per change over idle`,
  );
  report({ figure: 'frames/s while hotels change (one offer per 400 ms)', value: live.fps, unit: 'fps', target: '>= 30' });
  report({ figure: 'worst long task while hotels change', value: live.worstTask, unit: 'ms', target: '<= 50' });

  // ... and reception checks a household in every 400 ms: what most of a night's changes are.
  const arriving = held.parties.filter((p) => p.hotelId && p.status === 'assigned');
  let checkIns = 0;
  const desk = await framesWhile(page, seconds * 1000, async (until) => {
    for (let i = 0; Date.now() < until && i < arriving.length; i++) {
      const h = arriving[i]!;
      const res = await fetch(`${base}/api/incidents/${incidentId}/hotels/${encodeURIComponent(h.hotelId!)}/arrivals/checkins`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ partyId: h.id }),
      });
      if (!res.ok) throw new Error(`check-in: ${res.status} ${(await res.text()).slice(0, 300)}`);
      checkIns++;
      await page.waitForTimeout(400);
    }
  });
  console.log(
    `live check-ins (${checkIns} households): ${desk.fps.toFixed(1)} frames/s, worst long task ${Math.round(desk.worstTask)} ms; main thread ${perChange(desk.busyMs, checkIns)} ms per change over idle`,
  );
  report({ figure: 'frames/s while households check in (one per 400 ms)', value: desk.fps, unit: 'fps', target: '>= 30' });
  report({ figure: 'worst long task while households check in', value: desk.worstTask, unit: 'ms', target: '<= 50' });

  const tasks = await page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0] ?? performance.getEntriesByName('first-paint')[0];
    const after = paint ? paint.startTime : 0;
    const all = (window as unknown as Probe).benchLongTasks.filter((t) => t.start >= after);
    const interactive = performance.getEntriesByName('console-interactive')[0]?.startTime ?? Infinity;
    return {
      after,
      count: all.length,
      worst: Math.max(0, ...all.map((t) => t.duration)),
      worstAfterInteractive: Math.max(0, ...all.filter((t) => t.start >= interactive).map((t) => t.duration)),
      list: all.map((t) => `${Math.round(t.duration)} ms at ${Math.round(t.start - interactive)} ms`),
    };
  });
  console.log(
    `long tasks after first paint (${Math.round(tasks.after)} ms): ${tasks.count}, worst ${Math.round(tasks.worst)} ms; worst once interactive ${Math.round(tasks.worstAfterInteractive)} ms`,
  );
  console.log(`  each (start relative to interactive): ${tasks.list.join(', ')}`);
  report({ figure: 'worst long task after first paint', value: tasks.worst, unit: 'ms', target: '<= 50' });
  report({ figure: 'worst long task once interactive (pan, zoom, clock, changes)', value: tasks.worstAfterInteractive, unit: 'ms', target: '<= 50' });
} finally {
  await browser?.close();
  await app?.kill('SIGTERM');
  await scratch.drop();
}
