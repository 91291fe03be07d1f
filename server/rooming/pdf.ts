/**
 * The rooming list as a PDF for the front desk: a heading with the totals (households, guests,
 * rooms by type), then one block per household in arrival order: who, which rooms, which vehicle
 * and when, needs and notes. Text flows onto new pages as needed.
 */
import { numberPages, pdfBuffer } from '../files/pdf.js';
import { localTime, roomTotals, roomsLabel, vehicleLabel, type RoomingList } from '../../shared/rooming.js';
import { countOf } from '../../shared/plural.js';
import { householdWhereabouts, WHEREABOUTS_LABEL, type Whereabouts } from '../../shared/whereabouts.js';

/** Members not coming to their room, said on the list so the desk does not wait for them. */
const AWAY: readonly Whereabouts[] = ['missing', 'own_way', 'no_show', 'checked_out'];

/**
 * What the list says after a guest's name: a member away in capitals; in a household whose members
 * are in different places (4 checked in, 1 still on the way), where each one is, so nobody is
 * taken for someone already in the room.
 */
function guestMark(w: Whereabouts, partly: boolean): string {
  if (AWAY.includes(w)) return ` - ${WHEREABOUTS_LABEL[w].toUpperCase()}`;
  if (!partly) return '';
  return w === 'checked_in' ? ' - checked in' : ` - NOT CHECKED IN (${WHEREABOUTS_LABEL[w]})`;
}

/** Some members at the hotel and some not: then each member's line says which. */
function partlyIn(h: RoomingList['households'][number]): boolean {
  const at = h.guests.filter((g) => g.whereabouts === 'checked_in' || g.whereabouts === 'arrived').length;
  return at > 0 && at < h.guests.length;
}

/** The household's state after its pass code: "checked in", or "split: 4 checked in, 1 not arrived". */
function householdMark(h: RoomingList['households'][number]): string {
  const whereabouts = householdWhereabouts(h.guests.map((g) => g.whereabouts));
  if (whereabouts.state === 'split') return `   ${whereabouts.label}`;
  return h.status === 'checked_in' ? '   checked in' : '';
}

const MM = 72 / 25.4;

export function roomingPdf(list: RoomingList): Promise<Buffer> {
  return pdfBuffer(
    { size: 'A4', margin: 14 * MM, bufferPages: true, info: { Title: `Rooming list: ${list.hotel.name}`, Author: list.incident.name } },
    (doc) => {
      const tz = list.incident.timezone;
      const width = doc.page.width - 28 * MM;
      const guestsN = list.households.reduce((n, h) => n + h.guests.length, 0);
      doc.font('Helvetica-Bold').fontSize(18).text(`Rooming list: ${list.hotel.name}`, { width });
      doc
        .font('Helvetica')
        .fontSize(10)
        .fillColor('#333333')
        .text(`${list.incident.name} · printed ${localTime(list.generatedAt, tz)} (${tz})`, { width });
      if (list.incident.helpline) doc.text(`Questions about these guests: ring ${list.incident.helpline}`, { width });
      doc.moveDown(0.4).fillColor('#000000').font('Helvetica-Bold').fontSize(11);
      const rooms = roomTotals(list);
      doc.text(`${countOf(list.households.length, 'household')}, ${countOf(guestsN, 'guest')}${rooms.length ? `; rooms: ${roomsLabel(rooms)}` : ''}`, {
        width,
      });
      doc.moveDown(0.6);
      if (!list.households.length) doc.font('Helvetica').fontSize(11).text('No guests are placed at this hotel at the moment.', { width });
      for (const h of list.households) {
        if (doc.y > doc.page.height - 50 * MM) doc.addPage();
        const top = doc.y;
        doc
          .save()
          .lineWidth(0.5)
          .moveTo(14 * MM, top - 2)
          .lineTo(14 * MM + width, top - 2)
          .stroke('#999999')
          .restore();
        doc
          .font('Helvetica-Bold')
          .fontSize(12)
          .fillColor('#000000')
          .text(`${h.name}${h.unit ? ` (${h.unit})` : ''}   pass ${h.passCode}${householdMark(h)}`, { width });
        const arrival = h.vehicle
          ? `${vehicleLabel(h.vehicle)}, arriving about ${localTime(h.arrivalAt, tz) || 'time to be confirmed'}`
          : 'Transport being arranged';
        doc
          .font('Helvetica')
          .fontSize(10)
          .text(
            `Rooms: ${roomsLabel(h.rooms)}${h.roomNumbers.length ? ` (numbers: ${h.roomNumbers.join('; ')})` : ''} · ${arrival}${h.phone ? ` · phone ${h.phone}` : ''}`,
            { width },
          );
        if (h.needs.length) doc.text(`Household needs: ${h.needs.join(', ').replace(/_/g, ' ')}`, { width });
        if (h.notes) doc.font('Helvetica-Oblique').text(`Notes: ${h.notes}`, { width }).font('Helvetica');
        const split = partlyIn(h);
        for (const g of h.guests)
          doc
            .fontSize(10)
            .text(
              `   • ${g.name}, ${g.age}${g.needs.length ? ` (${g.needs.join(', ').replace(/_/g, ' ')})` : ''}${g.roomNumber ? `, room ${g.roomNumber}` : ''}${guestMark(g.whereabouts, split)}`,
              { width },
            );
        doc.moveDown(0.6);
      }
      numberPages(doc, `Rooming list: ${list.hotel.name} · printed ${localTime(list.generatedAt, tz)}`);
    },
  );
}
