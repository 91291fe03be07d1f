/**
 * The spreadsheet: Summary, By category, By hotel, By household, By night, then every line,
 * written with exceljs's streaming WorkbookWriter (rows are committed as they are written, so
 * memory stays flat). Amounts appear twice: in major units for reading, and in minor units
 * (integers) so a reconciliation never meets a floating-point penny. No styles and no shared
 * strings: they cost ~40% of the write time at 100,000 lines; empty cells are not written at all.
 *
 * The Lines sheet is written first, in the same read of the ledger as the CSV, and the summary
 * sheets once the figures are known; the workbook then lists the summary sheets first. Its rows
 * (100,000s) are rendered here straight to SpreadsheetML (as exceljs writes them) and handed to
 * the sheet's stream a page at a time: exceljs's per-cell model cost ~3x the rest of the export.
 */
import ExcelJS from 'exceljs';
import { once, type EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import { formatMinor, LEDGER_CATEGORIES } from '../../shared/ledger.js';
import { LINE_COLUMNS, type Cell } from './lines.js';
import type { ExportFigures, ExportMeta } from './meta.js';

export const SHEETS = ['Summary', 'By category', 'By hotel', 'By household', 'By night', 'Lines'] as const;

type Sheet = ReturnType<ExcelJS.stream.xlsx.WorkbookWriter['addWorksheet']>;

export class XlsxWriter {
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly lines: Sheet;
  private readonly linesStream: SheetStream;
  private rowNumber = 1;
  private pending = '';

  constructor(out: Writable, meta: Pick<ExportMeta, 'createdAt'>) {
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    this.wb.creator = 'relocation-coordinator';
    this.wb.created = new Date(meta.createdAt);
    this.lines = this.sheet('Lines', [...LINE_COLUMNS], LINE_COLUMNS.map((c) => (c.endsWith('hash') || c === 'description' ? 40 : 14)));
    // The header row through exceljs: it opens <sheetData> after the column widths.
    this.lines.getRow(1).commit();
    this.linesStream = sheetStream(this.lines);
  }

  private sheet(name: string, headers: string[], widths: number[]): Sheet {
    const ws = this.wb.addWorksheet(name);
    ws.columns = headers.map((header, i) => ({ header, key: `c${i}`, width: widths[i] ?? 14 }));
    return ws;
  }

  /** One line, in LINE_COLUMNS order. */
  add(values: Cell[]): void {
    this.rowNumber += 1;
    this.pending += rowXml(this.rowNumber, values);
  }

  /**
   * Hand the rows added since the last flush to the sheet's stream (call once per page). exceljs
   * passes them on towards the zip's deflate without waiting, so when they pile up more than a few
   * MB ahead of it, wait for it here: memory stays flat however fast the rows come.
   */
  async flush(): Promise<void> {
    if (this.pending) {
      void this.linesStream.write(this.pending);
      this.pending = '';
    }
    const next = this.linesStream.pipes?.[0];
    if (!next) return;
    // Node streams say writableLength/writableNeedDrain; the readable-stream copy archiver uses keeps them in _writableState.
    const backlog = next.writableLength ?? next._writableState?.length ?? 0;
    const needDrain = next.writableNeedDrain ?? next._writableState?.needDrain ?? false;
    if (backlog > DEFLATE_BACKLOG && needDrain) await once(next, 'drain');
  }

  /** Close the Lines sheet, write the summary sheets from the figures, and finish the file. */
  async finish(meta: ExportMeta, fig: ExportFigures): Promise<void> {
    await this.flush();
    this.lines.commit();
    const t = fig.totals;
    const money = (minor: number) => Math.round(minor) / 100;

    const summary = this.sheet('Summary', ['Item', 'Value'], [30, 70]);
    const facts: [string, string | number][] = [
      ['Incident', meta.incident.name],
      ['Incident id', meta.incident.id],
      ['Incident started', meta.incident.startedAt],
      ['Time zone', meta.incident.timezone],
      ['Currency', t.currency],
      ['Export id', meta.exportId],
      ['Exported at', meta.createdAt],
      ['Exported by', meta.createdBy],
      ['Ledger entries', `#${meta.range.fromSeq} to #${meta.range.toSeq}`],
      ['Occurred from', meta.range.occurredFrom ?? '(start)'],
      ['Occurred to', meta.range.occurredTo ?? '(head)'],
      ['Lines', t.lines],
      ['Total', formatMinor(t.totalMinor)],
      ['Total (minor units)', t.totalMinor],
      ['Awaiting approval (not in total)', formatMinor(t.pendingMinor)],
      ['Households housed', t.households],
      ['Guests housed', t.guests],
      ['Household-nights', t.householdNights],
      ['Guest-nights', t.guestNights],
      ['Ledger head seq', t.headSeq],
      ['Ledger head hash', t.headHash],
    ];
    for (const f of facts) summary.addRow(f).commit();
    summary.commit();

    const byCat = this.sheet('By category', ['Category', 'Amount', 'Amount (minor)'], [18, 14, 16]);
    for (const r of t.byCategory) byCat.addRow([r.key, money(r.amountMinor), r.amountMinor]).commit();
    byCat.addRow(['Total', money(t.totalMinor), t.totalMinor]).commit();
    byCat.commit();

    const byHotel = this.sheet('By hotel', ['Hotel id', 'Hotel', 'Amount', 'Amount (minor)'], [14, 34, 14, 16]);
    for (const r of t.byHotel) byHotel.addRow([r.key, r.label, money(r.amountMinor), r.amountMinor]).commit();
    byHotel.addRow(['', 'Total', money(t.totalMinor), t.totalMinor]).commit();
    byHotel.commit();

    const cats = LEDGER_CATEGORIES;
    const byHh = this.sheet('By household', ['Household id', 'Household', 'Guests', 'Hotels', 'Nights', ...cats, 'Total (minor)', 'Total', 'Lines over perk cap'], [14, 28, 8, 18, 8, ...cats.map(() => 12), 14, 12, 10]);
    for (const h of fig.households) {
      byHh.addRow([h.partyId, h.name, h.guests, [...h.hotels].join(', '), h.nights, ...cats.map((c) => h.byCategory[c] ?? 0), h.totalMinor, formatMinor(h.totalMinor), h.flagged]).commit();
    }
    if (fig.unallocatedTransportMinor) byHh.addRow(['', '(trips without riders)', 0, '', 0, ...cats.map((c) => (c === 'transport' ? fig.unallocatedTransportMinor : 0)), fig.unallocatedTransportMinor, formatMinor(fig.unallocatedTransportMinor), 0]).commit();
    const hhTotal = fig.households.reduce((n, h) => n + h.totalMinor, 0) + fig.unallocatedTransportMinor;
    byHh.addRow(['', 'Total (amounts in minor units)', '', '', '', ...cats.map(() => ''), hhTotal, formatMinor(hhTotal), '']).commit();
    byHh.commit();

    const byNight = this.sheet('By night', ['Night (noon to noon)', 'Amount', 'Amount (minor)'], [22, 14, 16]);
    for (const r of t.byNight) byNight.addRow([r.key, money(r.amountMinor), r.amountMinor]).commit();
    byNight.addRow(['Total', money(t.totalMinor), t.totalMinor]).commit();
    byNight.commit();

    listInOrder(this.wb, SHEETS);
    await this.wb.commit();
  }
}

/** Bytes the zip's deflate may fall behind the Lines rows before `flush` waits for it. */
const DEFLATE_BACKLOG = 8 * 1024 * 1024;

/** The sheet's output stream and, once the zip has reached it, where it pipes to (on to deflate). */
interface SheetStream {
  write(chunk: string): unknown;
  pipes?: (EventEmitter & { writableLength?: number; writableNeedDrain?: boolean; _writableState?: { length: number; needDrain: boolean } })[];
}

/** The streaming sheet's output (exceljs 4.x WorksheetWriter#stream, a StreamBuf; checked so an upgrade fails loudly). */
function sheetStream(ws: Sheet): SheetStream {
  const stream = (ws as unknown as { stream?: { write?: unknown; pipes?: unknown } }).stream;
  if (typeof stream?.write !== 'function' || !Array.isArray(stream.pipes)) throw new Error('exceljs WorksheetWriter no longer exposes its stream: the Lines sheet cannot be streamed');
  return stream as SheetStream;
}

/**
 * exceljs's streaming writer lists sheets in the order they were added, which is also the order
 * their bytes go into the zip: writing Lines in the ledger's single read means adding it first.
 * The sheets' files keep their ids; only the workbook's list (tab order) is rearranged, through
 * the writer's `_worksheets` array (exceljs 4.x; checked here so an upgrade fails loudly).
 */
function listInOrder(wb: ExcelJS.stream.xlsx.WorkbookWriter, names: readonly string[]): void {
  const internal = wb as unknown as { _worksheets?: ({ name: string } | undefined)[] };
  const sheets = internal._worksheets;
  if (!Array.isArray(sheets)) throw new Error('exceljs WorkbookWriter no longer keeps _worksheets: the sheet order cannot be set');
  const byName = new Map(sheets.filter((s): s is { name: string } => Boolean(s)).map((s) => [s.name, s]));
  if (byName.size !== names.length || names.some((n) => !byName.has(n))) throw new Error(`expected sheets ${names.join(', ')}`);
  internal._worksheets = names.map((n) => byName.get(n)!);
}

const COLUMN_LETTERS = LINE_COLUMNS.map((_, i) => columnLetter(i + 1));

function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/** Characters XML must escape, and those it cannot hold at all (control characters). */
const XML_SPECIAL = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const XML_SPECIAL_ALL = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function xmlText(v: string): string {
  return XML_SPECIAL.test(v) ? v.replace(XML_SPECIAL_ALL, (c) => ENTITIES[c] ?? '') : v;
}

/** One `<row>` of SpreadsheetML: numbers as numbers, text as text, null as no cell. */
export function rowXml(r: number, values: Cell[]): string {
  let xml = `<row r="${r}">`;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const ref = `${COLUMN_LETTERS[i]}${r}`;
    if (typeof v === 'number') xml += `<c r="${ref}"><v>${v}</v></c>`;
    else {
      // t="str" with <v>, as exceljs itself writes text when shared strings are off.
      xml += `<c r="${ref}" t="str"><v>${xmlText(v)}</v></c>`;
    }
  }
  return `${xml}</row>`;
}
