/**
 * Passes as a PDF for the printer at the muster point: four cards per A4 page, QR drawn as
 * rectangles. The QR is the household's status link ("Scan for live updates"), the pass code under it.
 */
import { pdfBuffer, type PdfDoc } from '../files/pdf.js';
import { passJourney, type GuestPass, type PassSheet } from '../../shared/passes.js';
import { qrRuns } from './qr.js';
import { countOf } from '../../shared/plural.js';
import { dateFormat } from '../../shared/intl.js';

const MM = 72 / 25.4;

function when(iso: string, timeZone: string): string {
  try {
    return dateFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
  } catch {
    return iso;
  }
}

/** Render the sheet; resolves with the whole file (a few hundred households is well under a megabyte). */
export function passesPdf(sheet: PassSheet): Promise<Buffer> {
  return pdfBuffer({ size: 'A4', margin: 10 * MM, info: { Title: `Guest passes: ${sheet.site.name}`, Author: sheet.incident.name } }, (doc) => {
    const pageW = doc.page.width - 20 * MM;
    const cardH = (doc.page.height - 20 * MM) / 4;
    if (sheet.passes.length === 0) doc.fontSize(14).text(`No households to print at ${sheet.site.name}.`);
    sheet.passes.forEach((p, i) => {
      if (i > 0 && i % 4 === 0) doc.addPage();
      card(doc, p, sheet, 10 * MM, 10 * MM + (i % 4) * cardH, pageW, cardH - 3 * MM);
    });
  });
}

function card(doc: PdfDoc, p: GuestPass, sheet: PassSheet, x: number, y: number, w: number, h: number) {
  const tz = sheet.incident.timezone;
  doc.save().lineWidth(0.8).roundedRect(x, y, w, h, 6).stroke('#444444').restore();
  const qrSide = Math.min(h - 14 * MM, 42 * MM);
  const qx = x + w - qrSide - 5 * MM;
  const qy = y + 5 * MM;
  const { size, runs } = qrRuns(p.statusUrl ?? p.passCode);
  const cell = qrSide / (size + 2);
  doc.save().fillColor('#000000');
  for (const [r, c, n] of runs) doc.rect(qx + (c + 1) * cell, qy + (r + 1) * cell, n * cell, cell);
  doc.fill().restore();
  doc
    .font('Courier-Bold')
    .fontSize(16)
    .fillColor('#000000')
    .text(p.passCode, qx, qy + qrSide + 1 * MM, { width: qrSide, align: 'center' });
  if (p.statusUrl)
    doc.font('Helvetica').fontSize(8).fillColor('#333333').text('Scan for live updates', qx, doc.y, { width: qrSide, align: 'center' }).fillColor('#000000');
  const tx = x + 5 * MM;
  const tw = qx - tx - 4 * MM;
  doc
    .font('Helvetica-Bold')
    .fontSize(16)
    .text(p.name, tx, y + 5 * MM, { width: tw });
  const who = [countOf(p.size, 'guest'), p.unit ? `from ${p.unit}` : '', p.needs.length ? `needs: ${p.needs.join(', ').replace(/_/g, ' ')}` : '']
    .filter(Boolean)
    .join(' · ');
  doc.font('Helvetica').fontSize(9.5).fillColor('#333333').text(who, { width: tw });
  doc.moveDown(0.4).fillColor('#000000');
  if (p.hotel) {
    doc.font('Helvetica-Bold').fontSize(12).text(p.hotel.name, { width: tw });
    doc.font('Helvetica').fontSize(9.5).text([p.hotel.address, p.hotel.phone].filter(Boolean).join(' · '), { width: tw });
  } else {
    doc.font('Helvetica-Bold').fontSize(12).text('Hotel: being arranged, please stay at the muster point', { width: tw });
  }
  doc.moveDown(0.3);
  const journey = passJourney(p, (iso) => when(iso, tz));
  if (journey.stay) doc.font('Helvetica-Bold').fontSize(11).text(journey.stay, { width: tw });
  if (journey.ride)
    doc
      .font(journey.stay ? 'Helvetica' : 'Helvetica-Bold')
      .fontSize(11)
      .text(journey.ride, { width: tw });
  if (journey.detail) doc.font('Helvetica').fontSize(9.5).text(journey.detail, { width: tw });
  if (p.hotel?.perks.length) {
    doc.moveDown(0.3).font('Helvetica-Bold').fontSize(9.5).text("The hotel offers you, on the park's account:", { width: tw });
    doc
      .font('Helvetica')
      .fontSize(9)
      .text(p.hotel.perks.join(' · '), { width: tw, height: y + h - doc.y - 6 * MM, ellipsis: true });
  }
  doc
    .font('Helvetica')
    .fontSize(7.5)
    .fillColor('#666666')
    .text(`${sheet.incident.name} · ${sheet.site.name} · printed ${when(sheet.generatedAt, tz)}`, tx, y + h - 5 * MM, { width: w - 10 * MM, lineBreak: false });
  doc.fillColor('#000000');
}
