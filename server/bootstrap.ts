/**
 * First start on an empty database: load the storm scenario and create demo users, so a new user
 * can sign in and look around at once. Runs only when there are no users and no incidents, so a
 * restart never duplicates the seed.
 */
import { sql } from 'drizzle-orm';
import type { Database } from './db/client.js';
import { incidents } from './db/schema.js';
import { hashPassword } from './auth/password.js';
import { countUsers, insertUser } from './auth/repo.js';
import type { Role } from './auth/types.js';
import { SYSTEM_ACTOR } from './events/log.js';
import type { IncidentService } from './incidents/service.js';
import { stormScenario } from '../seed/storm.js';
import type { ScenarioInput } from '../shared/scenario.js';

export interface DemoLogin {
  email: string;
  role: Role;
  note: string;
}

export async function seedDemoIfEmpty(
  database: Database,
  incidentService: IncidentService,
  password: string,
  /** Move the storm's times so it struck 45 minutes before this moment (epoch ms); null keeps its recorded date. */
  liveAt: number | null = null,
): Promise<{ seeded: boolean; logins: DemoLogin[] }> {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(incidents);
  if ((row?.n ?? 0) > 0 || (await countUsers(database.db)) > 0) return { seeded: false, logins: [] };
  const scenario = liveAt === null ? stormScenario() : struckAt(stormScenario(), liveAt - DEMO_STRUCK_AGO_MS);
  const { incidentId } = await incidentService.importScenario(scenario, SYSTEM_ACTOR);
  const firstHotel = scenario.hotels?.[0];
  const hash = await hashPassword(password);
  const logins: (DemoLogin & { name: string; incidentId?: string; hotelId?: string; bound?: string[] })[] = [
    { email: 'admin@demo.test', name: 'Alex Admin', role: 'admin', note: 'everything' },
    { email: 'duty@demo.test', name: 'Dana Duty', role: 'duty_manager', note: 'runs the night' },
    { email: 'duty2@demo.test', name: 'Sam Second', role: 'duty_manager', note: 'a second duty manager' },
    ...(firstHotel
      ? [
          {
            email: 'reception@demo.test',
            name: 'Robin Reception',
            role: 'reception' as const,
            note: `reception at ${firstHotel.name}`,
            incidentId,
            hotelId: firstHotel.id,
          },
        ]
      : []),
    { email: 'insurer@demo.test', name: 'Ines Insurer', role: 'insurer', note: 'read-only, storm incident', bound: [incidentId] },
  ];
  await database.db.transaction(async (tx) => {
    for (const l of logins)
      await insertUser(
        tx,
        { email: l.email, name: l.name, role: l.role, passwordHash: hash, incidentId: l.incidentId ?? null, hotelId: l.hotelId ?? null },
        l.bound ?? [],
      );
  });
  return { seeded: true, logins: logins.map(({ email, role, note }) => ({ email, role, note })) };
}

/** How long before the first start the live demo storm struck. */
export const DEMO_STRUCK_AGO_MS = 45 * 60_000;

/**
 * The scenario as if its incident started at `startedAt` (epoch ms): every time in it (the
 * incident's start, each vehicle's availability) moved by the same amount, to the minute.
 * A night recorded weeks ago would otherwise be an old night on the live clock: a check-in made
 * now lands weeks after the plan said, and the console reports the last arrival slipped by weeks.
 */
export function struckAt(scenario: ScenarioInput, startedAt: number): ScenarioInput {
  const shift = Math.round((startedAt - Date.parse(scenario.incident.startedAt)) / 60_000) * 60_000;
  const moved = (iso: string) => new Date(Date.parse(iso) + shift).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    ...scenario,
    incident: { ...scenario.incident, startedAt: moved(scenario.incident.startedAt) },
    vehicles: scenario.vehicles?.map((v) => ({ ...v, availableFrom: moved(v.availableFrom) })),
  };
}
