/**
 * The claim summary for the insurer's file (pdfkit): incident facts, totals by category and by
 * hotel, guests and nights, a bar chart of spend by night, and the ledger head hash that ties the
 * paper to the chain. Figures come from the same aggregator as the CSV and XLSX.
 */
import { dateFormat } from '../../shared/intl.js';
import { newPdf, type PdfDoc } from '../files/pdf.js';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { formatMinor, nightLabel, type MoneyRow } from '../../shared/ledger.js';
import type { ExportFigures, ExportMeta } from './meta.js';
import { countOf } from '../../shared/plural.js';

/**
 * A time as people read it on paper the insurer files ("7 Dec 2026, 22:29"), in the incident's
 * zone, like every other time in the claim papers; the CSV and spreadsheet keep the exact instants.
 */
export function paperTime(iso: string, timeZone: string): string {
  try {
    return dateFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  } catch {
    return iso;
  }
}

const MARGIN = 50;

export async function writePdf(out: Writable, meta: ExportMeta, fig: ExportFigures): Promise<void> {
  const t = fig.totals;
  const doc = await newPdf({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `Claim summary: ${meta.incident.name}`, Author: 'relocation-coordinator', CreationDate: new Date(meta.createdAt) },
  });
  doc.pipe(out);
  const width = doc.page.width - MARGIN * 2;
  const cur = t.currency;

  doc.font('Helvetica-Bold').fontSize(18).text('Claim summary');
  doc.font('Helvetica').fontSize(12).text(meta.incident.name);
  doc.moveDown(0.5);
  doc.fontSize(9).fillColor('#333');
  const when = (iso: string) => paperTime(iso, meta.incident.timezone);
  const facts: [string, string][] = [
    ['Incident id', meta.incident.id],
    ['Incident started', when(meta.incident.startedAt)],
    ['Time zone', meta.incident.timezone],
    ['Export', `${meta.exportId}, ${when(meta.createdAt)} by ${meta.createdBy}`],
    ['Ledger entries', `#${meta.range.fromSeq} to #${meta.range.toSeq} (${countOf(t.lines, 'line')})`],
    ['Occurred', `${meta.range.occurredFrom ? when(meta.range.occurredFrom) : 'start'} to ${meta.range.occurredTo ? when(meta.range.occurredTo) : 'head'}`],
    ['Households housed', `${t.households} (${countOf(t.guests, 'guest')})`],
    ['Nights', `${t.householdNights} household-nights, ${t.guestNights} guest-nights`],
  ];
  for (const [k, v] of facts) doc.font('Helvetica-Bold').text(`${k}: `, { continued: true }).font('Helvetica').text(v);
  doc.moveDown(0.6);
  doc
    .fillColor('#000')
    .font('Helvetica-Bold')
    .fontSize(14)
    .text(`Total spend: ${cur} ${formatMinor(t.totalMinor)}`);
  doc
    .font('Helvetica')
    .fontSize(9)
    .text(`Awaiting approval, not included: ${cur} ${formatMinor(t.pendingMinor)}`);
  doc.moveDown(0.6);

  table(
    doc,
    'By category',
    t.byCategory.filter((r) => r.amountMinor !== 0),
    cur,
    width,
  );
  table(doc, 'By hotel', t.byHotel, cur, width);
  chart(doc, 'Spend by night (noon to noon, incident time)', t.byNight, cur, width);

  doc.moveDown(1);
  doc.fillColor('#000').font('Helvetica-Bold').fontSize(10).text('Ledger head (proof of integrity)', MARGIN);
  doc.font('Helvetica').fontSize(8).text(`Entry #${t.headSeq}, sha256 hash chain head:`);
  doc.font('Courier').fontSize(8).text(t.headHash);
  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor('#444')
    .text(
      'Each ledger entry carries sha256(previous hash + its canonical contents). Recomputing the chain from the CSV or the live ledger must reach this head; the manifest lists the sha256 of every file of this export.',
    );
  doc.end();
  await once(out, 'finish');
}

function table(doc: PdfDoc, title: string, rows: MoneyRow[], cur: string, width: number): void {
  ensureSpace(doc, 40 + rows.length * 13);
  doc.fillColor('#000').font('Helvetica-Bold').fontSize(11).text(title, MARGIN);
  doc.moveDown(0.2);
  doc.font('Helvetica').fontSize(9);
  let sum = 0;
  for (const r of rows) {
    ensureSpace(doc, 14);
    const y = doc.y;
    doc.text(r.label, MARGIN, y, { width: width - 120, lineBreak: false });
    doc.text(`${cur} ${formatMinor(r.amountMinor)}`, MARGIN + width - 120, y, { width: 120, align: 'right' });
    sum += r.amountMinor;
  }
  const y = doc.y;
  doc
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + width, y)
    .strokeColor('#999')
    .stroke();
  doc.font('Helvetica-Bold').text(`${title.replace('By ', 'Total by ')}`, MARGIN, y + 2, { width: width - 120, lineBreak: false });
  doc.text(`${cur} ${formatMinor(sum)}`, MARGIN + width - 120, y + 2, { width: 120, align: 'right' });
  doc.moveDown(0.8);
}

function chart(doc: PdfDoc, title: string, rows: MoneyRow[], cur: string, width: number): void {
  const height = 150;
  ensureSpace(doc, height + 60);
  doc.fillColor('#000').font('Helvetica-Bold').fontSize(11).text(title, MARGIN);
  const top = doc.y + 6;
  const base = top + height;
  const max = Math.max(1, ...rows.map((r) => r.amountMinor));
  const n = Math.max(1, rows.length);
  const slot = width / n;
  const bar = Math.max(2, Math.min(60, slot * 0.7));
  doc
    .moveTo(MARGIN, base)
    .lineTo(MARGIN + width, base)
    .strokeColor('#666')
    .stroke();
  doc.font('Helvetica').fontSize(7);
  rows.forEach((r, i) => {
    const h = Math.max(0, (r.amountMinor / max) * (height - 14));
    const x = MARGIN + i * slot + (slot - bar) / 2;
    doc.rect(x, base - h, bar, h).fill('#2f6db5');
    doc.fillColor('#000');
    if (n <= 20) {
      doc.text(formatMinor(r.amountMinor), x - 10, base - h - 9, { width: bar + 20, align: 'center', lineBreak: false });
      doc.text(nightLabel(r.key), x - 10, base + 3, { width: bar + 20, align: 'center', lineBreak: false });
    }
  });
  doc
    .fontSize(7)
    .fillColor('#444')
    .text(`Bars: ${cur} posted per night; tallest ${cur} ${formatMinor(max)}.`, MARGIN, base + 14);
}

function ensureSpace(doc: PdfDoc, needed: number): void {
  if (doc.y + needed > doc.page.height - MARGIN) doc.addPage();
}
