/**
 * `npm run import -- FILE.json` imports a relocation-scenario/1 file as a new incident, into the
 * same database `npm start` uses (PGlite under DATA_DIR, or DATABASE_URL).
 * `npm run import -- --csv GUESTS.csv --incident ID` adds a guest list to an incident.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { EventBus, SYSTEM_ACTOR } from '../events/log.js';
import { AppError } from '../http/errors.js';
import { IncidentService } from '../incidents/service.js';
import { countOf } from '../../shared/plural.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const csv = flag('--csv');
const incidentId = flag('--incident');
const file = csv ?? args.find((a) => !a.startsWith('--'));
if (!file || (csv && !incidentId)) {
  console.error('usage: npm run import -- SCENARIO.json\n       npm run import -- --csv GUESTS.csv --incident INCIDENT_ID');
  process.exit(2);
}

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
const service = new IncidentService(database.db, new EventBus());
const t0 = performance.now();
try {
  const text = readFileSync(file, 'utf8');
  if (csv) {
    const r = await service.importGuestCsv(incidentId!, text, SYSTEM_ACTOR);
    console.log(`Added ${countOf(r.parties, 'household')} (${countOf(r.guests, 'guest')}) in ${Math.round(performance.now() - t0)} ms.`);
  } else {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new AppError('bad_request', `${file} is not valid JSON: ${(e as Error).message}`);
    }
    const r = await service.importScenario(json, SYSTEM_ACTOR);
    console.log(
      `Imported incident ${r.incidentId}: ${countOf(r.counts.parties, 'household')}, ${countOf(r.counts.guests, 'guest')}, ${countOf(r.counts.hotels, 'hotel')}, ${countOf(r.counts.vehicles, 'vehicle')} in ${Math.round(performance.now() - t0)} ms.`,
    );
  }
} catch (e) {
  if (e instanceof AppError) {
    console.error(e.message);
    const fields = (e.details as { fields?: { path: string; message: string }[] } | undefined)?.fields ?? [];
    for (const f of fields.slice(0, 50)) console.error(`  ${f.path}: ${f.message}`);
    process.exitCode = 1;
  } else throw e;
} finally {
  await database.close();
}
