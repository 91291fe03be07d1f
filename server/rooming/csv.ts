/**
 * The rooming list as CSV for a hotel's spreadsheet or property system: a header row, then one row
 * per guest with the household's columns repeated. Text comes from guests and staff, so every cell
 * goes through `csvCell` (server/exports/csv.ts, the one cell rule of every CSV we write), which keeps a spreadsheet from running it as a formula.
 */
import { ROOMING_COLUMNS, roomingRows, type RoomingList } from '../../shared/rooming.js';
import { csvCell } from '../exports/csv.js';

export { csvCell };

export function roomingCsv(list: RoomingList): string {
  const lines = [ROOMING_COLUMNS.map((c) => csvCell(c)).join(',')];
  for (const row of roomingRows(list)) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
