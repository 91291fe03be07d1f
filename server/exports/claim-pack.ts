/**
 * A claim pack for one household, as one PDF a claims handler can file as it is: who they are,
 * every night of lodging, every trip (the household's share of the trip's cost, split by head
 * count exactly as the spreadsheet splits it), every perk with its justification and status, and
 * the receipt photos themselves. The household's total comes from the same aggregator as every
 * export, so the pack agrees with the spreadsheet's "By household" row to the penny.
 */
import { numberPages, pdfBuffer } from '../files/pdf.js';
import type { Db } from '../db/client.js';
import { allocate, formatMinor, photoSha256, type ReceiptContentType } from '../../shared/ledger.js';
import { AppError } from '../http/errors.js';
import { loadIncident, loadTotalsContext } from '../ledger/context.js';
import { noteDigest } from '../ledger/chain.js';
import { pagesOf, readHead, type LedgerRow } from '../ledger/repo.js';
import { householdGuests } from '../checkin/repo.js';
import { findParty, partyTrips, userNames } from './repo.js';
import { receiptsBySha, receiptWithData } from '../ledger/receipt-repo.js';
import { LedgerAggregator } from '../ledger/totals.js';
import { paperTime } from './pdf.js';
import { pngUnreadable, tooLargeToDecode } from '../ledger/image-size.js';

export interface ClaimPack {
  incident: { id: string; name: string; currency: string; timezone: string };
  household: { id: string; name: string; unit: string; guests: { name: string; age: string }[] };
  generatedAt: string;
  head: { seq: number; hash: string };
  nights: { night: string; hotel: string; amountMinor: number; description: string }[];
  trips: { tripId: string; vehicleId: string; departAt: string; tripMinor: number | null; shareMinor: number | null; status: string }[];
  perks: {
    seq: number;
    /** When it was bought (ISO instant). */
    occurredAt: string;
    category: string;
    amountMinor: number;
    state: string;
    recordedBy: string;
    receiptRef: string | null;
    note: string;
    noteSha256: string;
    description: string;
  }[];
  /** Each photo once, with the entries that cite it (a photo cited by many lines is read and drawn once). */
  receipts: { seqs: number[]; sha256: string; contentType: string; data: Buffer | null }[];
  totalMinor: number;
  byCategory: Record<string, number>;
  pendingMinor: number;
}

/** Gather the pack from the ledger (read once, in seq order) and the household's rides. */
export async function buildClaimPack(db: Db, incidentId: string, partyId: string): Promise<ClaimPack> {
  const incident = await loadIncident(db, incidentId);
  const party = await findParty(db, incidentId, partyId);
  if (!party) throw new AppError('not_found', `No household ${partyId} in this incident.`);
  const ctx = await loadTotalsContext(db, incident);
  const agg = new LedgerAggregator(ctx);
  const mine: LedgerRow[] = [];
  const resolution = new Map<string, string>();
  const reversed = new Set<string>();
  const tripLines = new Map<string, LedgerRow>();
  const head = await readHead(db, incidentId);
  for await (const page of pagesOf(db, incidentId, head.seq)) {
    for (const r of page) {
      agg.add(r);
      if (r.partyId === partyId) mine.push(r);
      if ((r.kind === 'approval' || r.kind === 'rejection') && r.relatedEntryId)
        resolution.set(r.relatedEntryId, r.kind === 'approval' ? 'approved' : 'rejected');
      if (r.kind === 'reversal' && r.reversesEntryId) reversed.add(r.reversesEntryId);
      if (r.category === 'transport' && r.tripId && r.kind === 'charge' && r.status === 'posted') tripLines.set(r.tripId, r);
    }
  }
  const [guestRows, rideRows, userName] = await Promise.all([householdGuests(db, incidentId, partyId), partyTrips(db, incidentId, partyId), userNames(db)]);
  const hh = agg.households.get(partyId);
  const nights = mine
    .filter((r) => r.category === 'lodging' && r.status === 'posted')
    .map((r) => ({
      night: r.night ?? r.occurredAt.toISOString().slice(0, 10),
      hotel: r.hotelId ? (ctx.hotelNames.get(r.hotelId) ?? r.hotelId) : '',
      amountMinor: r.amountMinor,
      description: r.description,
    }));
  const tripsOut = rideRows.map(({ trip }) => {
    const line = tripLines.get(trip.id);
    const riders = ctx.tripRiders.get(trip.id) ?? [];
    const idx = riders.findIndex((r) => r.partyId === partyId);
    const share =
      line && idx >= 0
        ? allocate(
            line.amountMinor,
            riders.map((r) => r.guests),
          )[idx]!
        : null;
    return {
      tripId: trip.id,
      vehicleId: trip.vehicleId,
      departAt: trip.departAt.toISOString(),
      tripMinor: line?.amountMinor ?? null,
      shareMinor: share,
      status: line ? 'costed' : trip.status === 'completed' ? 'completed, not yet costed' : `${trip.status} (cost posts when the trip completes)`,
    };
  });
  const perks = mine
    .filter((r) => r.category !== 'lodging' && r.category !== 'transport' && r.kind === 'charge')
    .map((r) => ({
      seq: r.seq,
      occurredAt: r.occurredAt.toISOString(),
      category: r.category,
      amountMinor: r.amountMinor,
      state: reversed.has(r.id) ? 'reversed' : r.status === 'pending_approval' ? (resolution.get(r.id) ?? 'awaiting approval') : r.status,
      recordedBy: r.recordedBy ? (userName.get(r.recordedBy) ?? r.recordedBy) : 'system',
      receiptRef: r.receiptRef,
      note: r.note,
      noteSha256: r.note ? noteDigest(r.note) : '',
      description: r.description,
    }));
  const shas = [...new Set(mine.map((r) => photoSha256(r.receiptRef)).filter((s): s is string => Boolean(s)))];
  const info = await receiptsBySha(db, incidentId, shas);
  // One photo may back many lines (a 1p perk a thousand times over): read and drawn once, or one
  // request held a copy of its bytes per line.
  const citing = new Map<string, number[]>();
  for (const r of mine) {
    const sha = photoSha256(r.receiptRef);
    if (sha && info.has(sha)) citing.set(sha, [...(citing.get(sha) ?? []), r.seq]);
  }
  const receipts: ClaimPack['receipts'] = [];
  for (const [sha, seqs] of citing) {
    const meta = info.get(sha)!;
    const full = meta.contentType === 'image/webp' ? null : await receiptWithData(db, incidentId, meta.id);
    receipts.push({ seqs, sha256: sha, contentType: meta.contentType, data: full ? Buffer.from(full.data) : null });
  }
  return {
    incident: { id: incident.id, name: incident.name, currency: incident.currency, timezone: incident.timezone },
    household: { id: party.id, name: party.name, unit: party.unit, guests: guestRows.map((g) => ({ name: g.name, age: g.age })) },
    generatedAt: new Date().toISOString(),
    head: { seq: agg.headSeq, hash: agg.headHash },
    nights,
    trips: tripsOut,
    perks,
    receipts,
    totalMinor: hh?.totalMinor ?? 0,
    byCategory: hh?.byCategory ?? {},
    pendingMinor: perks.filter((p) => p.state === 'awaiting approval').reduce((n, p) => n + p.amountMinor, 0),
  };
}

const M = 50;

/** The pack as a PDF: a summary page, the lines by kind, then one receipt photo per page. */
export function claimPackPdf(pack: ClaimPack): Promise<Buffer> {
  return pdfBuffer({ size: 'A4', margin: M, bufferPages: true, info: { Title: `Claim pack: ${pack.household.name}`, Author: pack.incident.name } }, (doc) => {
    const cur = pack.incident.currency;
    const money = (m: number) => `${cur} ${formatMinor(m)}`;
    const width = doc.page.width - 2 * M;
    const h = pack.household;
    const tz = pack.incident.timezone;
    const when = (iso: string) => paperTime(iso, tz);
    doc
      .font('Helvetica-Bold')
      .fontSize(18)
      .text(`Claim pack: ${h.name}${h.unit ? ` (${h.unit})` : ''}`);
    doc
      .font('Helvetica')
      .fontSize(10)
      .fillColor('#333')
      .text(`${pack.incident.name} · household ${h.id} · generated ${when(pack.generatedAt)} (times in ${tz})`);
    doc.text(`Guests: ${h.guests.map((g) => `${g.name} (${g.age})`).join(', ')}`, { width });
    doc
      .moveDown(0.5)
      .fillColor('#000')
      .font('Helvetica-Bold')
      .fontSize(14)
      .text(`Household total: ${money(pack.totalMinor)}`);
    doc.font('Helvetica').fontSize(10);
    for (const [cat, amount] of Object.entries(pack.byCategory)) if (amount) doc.text(`${cat}: ${money(amount)}`);
    if (pack.pendingMinor) doc.text(`Awaiting approval, not included: ${money(pack.pendingMinor)}`);

    const section = (title: string) => {
      if (doc.y > doc.page.height - 120) doc.addPage();
      doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor('#000').text(title, M);
      doc.font('Helvetica').fontSize(9.5);
    };
    section(`Nights of lodging (${pack.nights.length})`);
    if (!pack.nights.length) doc.text('No nights posted yet.');
    for (const n of pack.nights) doc.text(`${n.night} · ${n.hotel} · ${money(n.amountMinor)} · ${n.description}`, { width });
    section(`Trips (${pack.trips.length})`);
    if (!pack.trips.length) doc.text('No trips.');
    for (const t of pack.trips) {
      doc.text(
        `${when(t.departAt)} · vehicle ${t.vehicleId} · ${t.shareMinor !== null ? `household's share ${money(t.shareMinor)} of ${money(t.tripMinor ?? 0)} (split by head count)` : t.status}`,
        { width },
      );
    }
    section(`Perks and other costs (${pack.perks.length})`);
    if (!pack.perks.length) doc.text('None.');
    for (const p of pack.perks) {
      doc
        .font('Helvetica-Bold')
        .text(
          `#${p.seq} ${when(p.occurredAt)} · ${p.category} ${money(p.amountMinor)} · ${p.state} · recorded by ${p.recordedBy}${p.receiptRef ? ` · receipt ${p.receiptRef.startsWith('photo:') ? 'photo (below)' : p.receiptRef}` : ''}`,
          { width },
        );
      doc.font('Helvetica');
      if (p.note)
        doc.text(`Justification: ${p.note}`, { width }).fillColor('#555').fontSize(7.5).text(`sha256 ${p.noteSha256}`).fillColor('#000').fontSize(9.5);
    }
    section('Proof of integrity');
    doc.text(`Figures from ledger entries up to #${pack.head.seq}; chain head sha256:`);
    doc
      .font('Courier')
      .fontSize(8)
      .text(pack.head.hash || '(empty ledger)');
    for (const r of pack.receipts) {
      doc.addPage();
      const listed = r.seqs.slice(0, 30).map((q) => `#${q}`);
      const more = r.seqs.length > listed.length ? ` and ${r.seqs.length - listed.length} more` : '';
      doc
        .font('Helvetica-Bold')
        .fontSize(12)
        .text(`Receipt for ${r.seqs.length === 1 ? 'entry' : 'entries'} ${listed.join(', ')}${more}`);
      doc.font('Courier').fontSize(8).text(`sha256 ${r.sha256}`);
      doc.moveDown(0.5);
      // A photo stored before uploads were size-checked may declare gigabytes of pixels: not drawn.
      const tooLarge = r.data ? tooLargeToDecode(r.data, r.contentType as ReceiptContentType) : null;
      if (tooLarge)
        doc
          .font('Helvetica')
          .fontSize(10)
          .text(`This photo (${tooLarge.width} x ${tooLarge.height} pixels) is too large to draw here; fetch it from the ledger by its sha256.`);
      // Nor one its PNG reader would choke on: that throws outside any try (stopping the server) or loops.
      else if (r.data && r.contentType === 'image/png' && pngUnreadable(r.data))
        doc.font('Helvetica').fontSize(10).text('This photo could not be drawn; fetch it from the ledger by its sha256.');
      else if (r.data) {
        try {
          doc.image(r.data, M, doc.y, { fit: [width, doc.page.height - doc.y - M], align: 'center' });
        } catch {
          doc.font('Helvetica').fontSize(10).text('This photo could not be drawn; fetch it from the ledger by its sha256.');
        }
      } else doc.font('Helvetica').fontSize(10).text(`A ${r.contentType} photo: fetch it from the ledger by its sha256.`);
    }
    numberPages(doc, `Claim pack: ${h.name}${h.unit ? ` (${h.unit})` : ''}, household ${h.id}`);
  });
}
