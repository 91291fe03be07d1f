/**
 * The storm scenario after a plan is applied, signed-in agents for every role, and small helpers
 * for the ledger tests (direct SQL for setting stay times and for tampering).
 */
import { sql, type SQL } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import type { ArrivalHousehold, HotelArrivals, IncidentState } from '../../shared/api.js';
import type { LedgerLine } from '../../shared/ledger.js';

export interface Night {
  server: TestServer;
  duty: Agent;
  duty2: Agent;
  reception: Agent;
  insurer: Agent;
  incidentId: string;
  hotelId: string;
  arrivals: HotelArrivals;
  state: () => Promise<IncidentState>;
  /** A household at the reception's hotel not yet used by another test. */
  household: (pred?: (h: ArrivalHousehold) => boolean) => ArrivalHousehold;
  checkIn: (partyId: string, hotelId?: string) => Promise<void>;
  lines: (who?: Agent) => Promise<LedgerLine[]>;
  exec: (query: SQL) => Promise<Record<string, unknown>[]>;
  base: string;
}

export async function stormAfterPlan(): Promise<Night> {
  const server = await startTestServer();
  const [duty, duty2, reception, insurer] = await Promise.all([
    signIn(server.url, DEMO.duty),
    signIn(server.url, DEMO.duty2),
    signIn(server.url, DEMO.reception),
    signIn(server.url, DEMO.insurer),
  ]);
  const incidentId: string = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  const hotelId: string = (await reception.get('/api/auth/me').expect(200)).body.user.hotelId;
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
  const arrivals: HotelArrivals = (await reception.get(`/api/incidents/${incidentId}/hotels/${hotelId}/arrivals`).expect(200)).body;
  const taken = new Set<string>();
  const base = `/api/incidents/${incidentId}`;
  return {
    server,
    duty,
    duty2,
    reception,
    insurer,
    incidentId,
    hotelId,
    arrivals,
    base,
    state: async () => (await duty.get(`${base}/state`).expect(200)).body,
    household(pred = () => true) {
      const h = arrivals.households.find((x) => !taken.has(x.partyId) && pred(x));
      if (!h) throw new Error('no such household left at the reception hotel');
      taken.add(h.partyId);
      return h;
    },
    async checkIn(partyId, hotel = hotelId) {
      const who = hotel === hotelId ? reception : duty;
      // Each household is checked in once per file: the next household() never returns it.
      taken.add(partyId);
      await who.post(`${base}/hotels/${hotel}/arrivals/checkins`).send({ partyId }).expect(200);
    },
    async lines(who = duty) {
      return (await who.get(`${base}/ledger?limit=5000`).expect(200)).body.lines;
    },
    async exec(query) {
      const res = await server.database.db.execute(query);
      return ((res as { rows?: Record<string, unknown>[] }).rows ?? (res as unknown as Record<string, unknown>[])) as Record<string, unknown>[];
    },
  };
}

/** Set a stay's check-in/out times (the API stamps "now"; accrual tests need chosen instants). */
export async function setStayTimes(n: Night, partyId: string, checkedInAt: string, checkedOutAt: string | null): Promise<void> {
  await n.exec(sql`update stays set checked_in_at = ${checkedInAt}::timestamptz,
    checked_out_at = ${checkedOutAt}::timestamptz, ended_at = ${checkedOutAt}::timestamptz,
    status = ${checkedOutAt ? 'checked_out' : 'checked_in'}
    where incident_id = ${n.incidentId} and party_id = ${partyId} and status in ('checked_in', 'checked_out')`);
}

/** Room cost of one night of a household's stay, from the agreed rates. */
export function nightlyRate(state: IncidentState, hotelId: string, rooms: { type: string; count: number }[]): number {
  const hotel = state.hotels.find((h) => h.id === hotelId)!;
  return rooms.reduce((n, r) => n + r.count * hotel.roomTypes.find((t) => t.type === r.type)!.rateMinor, 0);
}

export { parseCsv } from '../../server/exports/csv-read.js';
