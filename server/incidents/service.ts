/** Incident use cases: import (scenario or guest CSV), export, list, headline counts, state. */
import type { Db } from '../db/client.js';
import { guestIdsTwice, partySchema, scenarioSchema, sitesNamed, unknownSite, type Party } from '../../shared/scenario.js';
import { zodFieldErrors } from '../../shared/errors.js';
import type { ImportResult, IncidentListItem, IncidentState, IncidentStatePart, IncidentSummary } from '../../shared/api.js';
import type { SessionUser } from '../auth/types.js';
import { AppError, parseOr400, validationError } from '../http/errors.js';
import { commitWithEvents, type Actor, type Emit, type EventBus } from '../events/log.js';
import type { Tx } from '../db/client.js';
import { insertParties, insertScenario } from './import.js';
import { exportScenario } from './export.js';
import { parseGuestCsv } from './csv.js';
import * as repo from './repo.js';
import { openAttention } from '../attention/repo.js';
import { countOf } from '../../shared/plural.js';
import { isoUtc } from '../../shared/time.js';
import { siteAddSchema, type HouseholdAddResult, type SiteAddResult } from '../../shared/operations.js';
import { presentState, presentSummary } from './presenters.js';
import { shelterExtras, shelterInput } from '../shelter/service.js';
import { projectShelter } from '../../shared/live-shelter.js';

export class IncidentService {
  /** State reads under way, by incident: joined by reads at the same seq (`readState`). */
  private readonly reading = new Map<string, { seq: number; state: Promise<IncidentState> }>();

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /** Validate a `relocation-scenario/1` document and create an incident from it, all or nothing. */
  async importScenario(raw: unknown, actor: Actor): Promise<ImportResult> {
    const parsed = scenarioSchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error), 'scenario');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const result = await insertScenario(tx, parsed.data);
      await emit(result.incidentId, actor, [{ type: 'incident.imported', payload: { name: parsed.data.incident.name, counts: result.counts } }]);
      return result;
    });
  }

  /** Add the households of a guest-list CSV to an incident; a file with any bad row adds nothing. */
  async importGuestCsv(incidentId: string, text: string, actor: Actor): Promise<{ parties: number; guests: number }> {
    const siteRows = await repo.siteList(this.db, incidentId);
    if (siteRows.length === 0) throw new AppError('not_found', 'No such incident.');
    const parsed = parseGuestCsv(text, siteRows);
    if (!parsed.ok) throw validationError(parsed.errors, 'guest list');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const existing = await repo.partyKeys(tx, incidentId);
      const ids = new Set(existing.map((p) => p.id));
      const clash = parsed.parties.filter((p) => ids.has(p.id));
      if (clash.length)
        throw validationError(
          clash.map((p) => ({ path: `booking_ref ${p.id}`, message: 'this booking is already in the incident' })),
          'guest list',
        );
      const used = await repo.guestIdsUsed(
        tx,
        incidentId,
        parsed.parties.flatMap((p) => p.guests.map((g) => g.id)),
      );
      if (used.size)
        throw validationError(
          parsed.parties.flatMap((p) => repo.guestIdErrors(used, p.guests, () => `booking_ref ${p.id}`)),
          'guest list',
        );
      const added = await addParties(tx, emit, incidentId, actor, parsed.parties, existing, siteRows);
      return { parties: added.parties, guests: added.guests };
    });
  }

  /**
   * Add one household typed in the console (guests found during the night), in the scenario's
   * party shape. Its site must be one of the incident's; a household id or guest id already used
   * is refused by field (409 for the household: it is never overwritten). The next plan houses it.
   */
  async addHousehold(incidentId: string, raw: unknown, actor: Actor): Promise<HouseholdAddResult> {
    const party = parseOr400(partySchema, raw, 'body', 'household');
    const twice = guestIdsTwice(party);
    if (twice.length) throw validationError(twice, 'household');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const siteRows = await repo.siteList(tx, incidentId);
      if (siteRows.length === 0) throw new AppError('not_found', 'No such incident.');
      const site = unknownSite(party.siteId, new Set(siteRows.map((x) => x.id)), sitesNamed(siteRows));
      if (site) throw validationError([{ path: 'body.siteId', message: site }], 'household');
      // Guests first, then households: a colleague's add of this household committed between the
      // two reads is seen by the second, so a race for one booking is a 409, never "guest id used".
      const guestIds = party.guests.map((g) => g.id);
      const used = await repo.guestIdsUsed(tx, incidentId, guestIds);
      const existing = await repo.partyKeys(tx, incidentId);
      if (existing.some((p) => p.id === party.id))
        throw new AppError('conflict', `Household ${party.id} is already in this incident: choose another booking reference.`, { partyId: party.id });
      if (used.size)
        throw validationError(
          repo.guestIdErrors(used, party.guests, (_, i) => `body.guests[${i}].id`),
          'household',
        );
      const r = await addParties(tx, emit, incidentId, actor, [party], existing, siteRows);
      return { partyId: party.id, guests: r.guests, seq: r.seq };
    });
  }

  /**
   * Add a place during the night (a second muster point, a coach firm's depot), in the scenario's
   * site shape. An id already used is a 409, never an overwrite; every console hears of it.
   */
  async addSite(incidentId: string, raw: unknown, actor: Actor): Promise<SiteAddResult> {
    const site = parseOr400(siteAddSchema, raw, 'body', 'place');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      if (!(await repo.findIncident(tx, incidentId))) throw new AppError('not_found', 'No such incident.');
      if (!(await repo.insertSite(tx, incidentId, site)))
        throw new AppError('conflict', `A place with the id ${site.id} is already in this incident: choose another name or id.`, { siteId: site.id });
      const [ev] = await emit(incidentId, actor, [
        { type: 'site.added', payload: { siteId: site.id, name: site.name, kind: site.kind, lat: site.lat, lng: site.lng } },
      ]);
      return { siteId: site.id, seq: ev!.seq };
    });
  }

  async exportScenario(incidentId: string) {
    return exportScenario(this.db, incidentId);
  }

  async list(user: SessionUser): Promise<IncidentListItem[]> {
    const ids = user.role === 'insurer' ? user.incidentIds : user.role === 'reception' ? (user.incidentId ? [user.incidentId] : []) : undefined;
    const rows = await repo.listIncidents(this.db, ids);
    return rows.map((r) => ({ ...r, startedAt: isoUtc(r.startedAt), status: r.status as 'active' | 'closed' }));
  }

  async summary(incidentId: string): Promise<IncidentSummary> {
    const inc = await this.mustFind(incidentId);
    return presentSummary(inc, await repo.loadSummaryRows(this.db, incidentId));
  }

  async state(incidentId: string): Promise<IncidentState> {
    return this.readState(incidentId);
  }

  /** The state with only the named households, and the trips when asked for (`IncidentStatePart`). */
  async statePart(incidentId: string, ask: { partyIds: readonly string[]; trips: boolean }): Promise<IncidentStatePart> {
    const { parties, trips, ...rest } = await this.readState(incidentId);
    const named = new Set(ask.partyIds);
    return { ...rest, parties: parties.filter((p) => named.has(p.id)), ...(ask.trips ? { trips } : {}) };
  }

  /**
   * The whole state as of the incident's seq now. Consoles hear each change together and ask
   * together: a read asked while another of the same incident at the same seq is under way joins
   * it instead of loading every row again (at 10,000 guests a read is 100-200 ms of the server's
   * time; decision 0017). Nothing is kept once the read is answered.
   */
  private async readState(incidentId: string): Promise<IncidentState> {
    // Read the sequence number first: events after it may already be reflected, never the reverse.
    const inc = await this.mustFind(incidentId);
    const going = this.reading.get(incidentId);
    if (going && going.seq === inc.lastSeq) return going.state;
    const state = (async () => {
      const rows = await repo.loadIncidentRows(this.db, incidentId);
      const extras = await shelterExtras(this.db, incidentId, rows);
      return { ...presentState(inc, rows), shelter: projectShelter(shelterInput(inc, rows, extras, Date.now())) };
    })();
    const entry = { seq: inc.lastSeq, state };
    this.reading.set(incidentId, entry);
    try {
      return await state;
    } finally {
      if (this.reading.get(incidentId) === entry) this.reading.delete(incidentId);
    }
  }

  private async mustFind(incidentId: string) {
    const inc = await repo.findIncident(this.db, incidentId);
    if (!inc) throw new AppError('not_found', 'No such incident.');
    return inc;
  }
}

/** Insert households after those already in the incident (new pass codes, next positions) and tell every console. */
async function addParties(
  tx: Tx,
  emit: Emit,
  incidentId: string,
  actor: Actor,
  list: Party[],
  existing: readonly { passCode: string; position: number }[],
  siteRows: readonly { id: string; name: string }[],
): Promise<{ parties: number; guests: number; seq: number }> {
  const first = existing.reduce((m, p) => Math.max(m, p.position + 1), 0);
  await insertParties(tx, incidentId, list, first, new Set(existing.map((p) => p.passCode)));
  const guests = list.reduce((n, p) => n + p.guests.length, 0);
  const [ev] = await emit(incidentId, actor, [{ type: 'parties.added', payload: { partyIds: list.map((p) => p.id), guests } }]);
  // With a plan in force nothing places them until the next plan: a duty manager is told, and the
  // item closes when a plan gives them a bed (as for households a withdrawal or correction unplaced).
  if (await repo.hasAppliedPlan(tx, incidentId)) {
    await openAttention(
      tx,
      emit,
      incidentId,
      actor,
      list.map((p) => {
        const site = siteRows.find((x) => x.id === p.siteId);
        return {
          kind: 'unplaced' as const,
          partyId: p.id,
          guestIds: p.guests.map((g) => g.id),
          place: site ? { kind: 'site' as const, id: site.id, name: site.name } : null,
          summary: `${p.name} (${countOf(p.guests.length, 'person', 'people')}) added after the plan: no bed or vehicle yet.`,
          suggestion: 'Compute a plan and apply it: the next plan gives them a bed and a seat.',
          dedupeKey: `unplaced:${p.id}`,
        };
      }),
    );
  }
  return { parties: list.length, guests, seq: ev!.seq };
}
