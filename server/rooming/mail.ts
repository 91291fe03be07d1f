/**
 * Rooming lists to hotels' front desks through the message outbox. Run by the projector in the
 * transaction that moves its cursor, after events that can change who is coming (a plan applied,
 * rooms withdrawn, a vehicle out of service, a household's status): each hotel with an email gets
 * its list when it first has guests, and again whenever the list differs from the one last sent,
 * with what changed marked. `rooming_sent` keeps the last list; the outbox's dedupe key
 * (hotel, version) means a repeat projection queues nothing twice.
 */
import { createHash } from 'node:crypto';
import type { Tx } from '../db/client.js';
import { hotelIdsWithEmail, lastSent, queueRoomingEmail } from './repo.js';
import {
  localTime,
  roomingChanges,
  roomTotals,
  roomsLabel,
  snapshotOf,
  type RoomingChanges,
  type RoomingList,
  type RoomingSnapshot,
} from '../../shared/rooming.js';
import { loadRoomingList } from './service.js';
import { countOf } from '../../shared/plural.js';

/** Events after which a hotel's list may have changed. */
export const ROOMING_TRIGGERS = new Set([
  'plan.applied',
  'hotel.rooms_changed',
  'hotel.offered',
  'vehicle.status_changed',
  'party.status_changed',
  'party.changed',
  'party.no_show',
  'parties.added',
]);

/** Queue an email for every hotel whose list changed since the last one sent; returns how many. */
export async function queueRoomingLists(tx: Tx, incidentId: string, seq: number, now: Date): Promise<number> {
  const withEmail = await hotelIdsWithEmail(tx, incidentId);
  let queued = 0;
  for (const { id } of withEmail) {
    const list = await loadRoomingList(tx, incidentId, id, now);
    const snapshot = snapshotOf(list);
    const digest = createHash('sha256').update(JSON.stringify(snapshot)).digest('hex');
    const prev = await lastSent(tx, incidentId, id);
    if (!prev && snapshot.length === 0) continue;
    if (prev && prev.digest === digest) continue;
    const version = (prev?.version ?? 0) + 1;
    const changes = roomingChanges(prev ? (prev.rows as RoomingSnapshot[]) : null, snapshot);
    const { subject, body } = roomingEmail(list, version, changes);
    await queueRoomingEmail(tx, incidentId, id, { recipient: list.hotel.email, subject, body }, { version, digest, rows: snapshot, sentSeq: seq }, now);
    queued++;
  }
  return queued;
}

/** The email: totals, then each household in arrival order, marked NEW or CHANGED (what), then those no longer coming. */
export function roomingEmail(list: RoomingList, version: number, changes: RoomingChanges): { subject: string; body: string } {
  const tz = list.incident.timezone;
  const guestsN = list.households.reduce((n, h) => n + h.guests.length, 0);
  const first = version === 1;
  const subject = `${first ? 'Rooming list' : `Rooming list update ${version}`}: ${list.hotel.name}, ${countOf(list.households.length, 'household')}, ${countOf(guestsN, 'guest')}`;
  const lines: string[] = [];
  lines.push(`Rooming list for ${list.hotel.name} (${list.incident.name}), version ${version}, ${localTime(list.generatedAt, tz)}.`);
  if (!first) lines.push(`This replaces version ${version - 1}. Changes are marked [NEW], [CHANGED: ...] and listed under "No longer coming".`);
  if (list.incident.helpline) lines.push(`Questions about these guests: ring ${list.incident.helpline}.`);
  const rooms = roomTotals(list);
  lines.push('', `Rooms: ${rooms.length ? roomsLabel(rooms) : 'none'}`, '');
  for (const h of list.households) {
    const mark = changes.marks.get(h.partyId);
    const tag = first || !mark || mark.kind === 'same' ? '' : mark.kind === 'new' ? '[NEW] ' : `[CHANGED: ${mark.fields.join(', ')}] `;
    const arrival = h.vehicle
      ? `${h.vehicle.kind.replace(/_/g, ' ')} ${h.vehicle.id}, arriving about ${localTime(h.arrivalAt, tz) || 'time to be confirmed'}`
      : 'transport being arranged';
    lines.push(
      `${tag}${h.name}${h.unit ? ` (${h.unit})` : ''}, pass ${h.passCode}: ${countOf(h.guests.length, 'guest')}, ${roomsLabel(h.rooms)}; ${arrival}${h.phone ? `; phone ${h.phone}` : ''}`,
    );
    if (h.needs.length) lines.push(`    needs: ${h.needs.join(', ').replace(/_/g, ' ')}`);
    if (h.notes) lines.push(`    notes: ${h.notes}`);
    for (const g of h.guests) lines.push(`    - ${g.name}, ${g.age}${g.needs.length ? ` (${g.needs.join(', ').replace(/_/g, ' ')})` : ''}`);
  }
  if (!list.households.length) lines.push('No guests are placed at your hotel at the moment.');
  if (changes.removed.length) {
    lines.push('', 'No longer coming (moved elsewhere, cancelled or checked out):');
    for (const r of changes.removed)
      lines.push(`[REMOVED] ${r.name}${r.unit ? ` (${r.unit})` : ''}, pass ${r.passCode}: ${countOf(r.guests.length, 'guest')}, ${r.rooms}`);
  }
  return { subject, body: lines.join('\n') };
}
