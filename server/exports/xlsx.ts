/**
 * The spreadsheet: Summary, By category, By hotel, By household, By guest, By night, then every line,
 * written with exceljs's streaming WorkbookWriter (rows are committed as they are written, so
 * memory stays flat). Amounts appear twice: in major units as number cells in the incident's
 * currency format (so SUM works and the totals below each table are live formulas), and in minor
 * units (integers) so a reconciliation never meets a floating-point penny. The Lines rows carry
 * one style reference (the money format) and no shared strings: per-cell styling through exceljs
 * cost ~40% of the write time at 100,000 lines; empty cells are not written at all.
 *
 * The Lines sheet is written first, in the same read of the ledger as the CSV, and the summary
 * sheets once the figures are known; the workbook then lists the summary sheets first. Its rows
 * (100,000s) are rendered here straight to SpreadsheetML (as exceljs writes them) and handed to
 * the sheet's stream a page at a time: exceljs's per-cell model cost ~3x the rest of the export.
 */
import ExcelJS from 'exceljs';
import { once, type EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import { LEDGER_CATEGORIES } from '../../shared/ledger.js';
import { LINE_COLUMNS, type Cell } from './lines.js';

/** Lines columns holding money in major units (number cells in the currency format). */
const MONEY_COLUMNS = new Set(LINE_COLUMNS.flatMap((c, i) => (c === 'amount' ? [i] : [])));
const AMOUNT_MINOR = LINE_COLUMNS.indexOf('amount_minor');

const SYMBOLS: Record<string, string> = { GBP: '£', EUR: '€', USD: '$', AUD: '$', CAD: '$', NZD: '$', JPY: '¥', CHF: 'CHF ' };

/** A spreadsheet number format for an ISO currency: "£"#,##0.00 for GBP, #,##0.00 "SEK" otherwise. */
export function currencyFormat(currency: string): string {
  const sym = SYMBOLS[currency.toUpperCase()];
  const pos = sym ? `"${sym}"#,##0.00` : `#,##0.00" ${currency.replace(/[^A-Za-z]/g, '')}"`;
  const neg = sym ? `-"${sym}"#,##0.00` : `-#,##0.00" ${currency.replace(/[^A-Za-z]/g, '')}"`;
  return `${pos};${neg}`;
}

/** A live total: the formula, with its value cached so readers that do not calculate see it too. */
const formula = (f: string, result: number): ExcelJS.CellFormulaValue => ({ formula: f, result, date1904: false });
import type { ExportFigures, ExportMeta } from './meta.js';

export const SHEETS = ['Summary', 'By category', 'By hotel', 'By household', 'By guest', 'By night', 'Lines'] as const;

/** A row of a sheet with a column per category: plain cells before and after the money. */
interface CategoryRow {
  byCategory: Record<string, number>;
  total: number;
  lead: (string | number)[];
  tail: (string | number)[];
}

type Sheet = ReturnType<ExcelJS.stream.xlsx.WorkbookWriter['addWorksheet']>;

export class XlsxWriter {
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly lines: Sheet;
  private readonly linesStream: SheetStream;
  private rowNumber = 1;
  private pending = '';
  private readonly moneyFmt: string;
  /** The styles.xml index of the money format, referenced by the Lines rows written by hand. */
  private readonly moneyStyle: number;

  constructor(out: Writable, meta: Pick<ExportMeta, 'createdAt' | 'incident'>) {
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    this.wb.creator = 'relocation-coordinator';
    this.wb.created = new Date(meta.createdAt);
    this.moneyFmt = currencyFormat(meta.incident.currency);
    this.moneyStyle = moneyStyleId(this.wb, this.moneyFmt);
    this.lines = this.sheet(
      'Lines',
      [...LINE_COLUMNS],
      LINE_COLUMNS.map((c) => (c.endsWith('hash') || c === 'description' || c === 'note' ? 40 : 14)),
    );
    // The header row through exceljs: it opens <sheetData> after the column widths.
    this.lines.getRow(1).commit();
    this.linesStream = sheetStream(this.lines);
  }

  private sheet(name: string, headers: string[], widths: number[]): Sheet {
    const ws = this.wb.addWorksheet(name);
    ws.columns = headers.map((header, i) => ({ header, key: `c${i}`, width: widths[i] ?? 14 }));
    return ws;
  }

  /** One line, in LINE_COLUMNS order; its amount becomes a number in major units (from amount_minor, exact). */
  add(values: Cell[]): void {
    this.rowNumber += 1;
    const minor = values[AMOUNT_MINOR];
    const row = values.slice();
    for (const i of MONEY_COLUMNS) row[i] = typeof minor === 'number' ? minor / 100 : null;
    this.pending += rowXml(this.rowNumber, row, this.moneyStyle);
  }

  /** Columns (1-based) of a sheet to show in the money format. */
  private money(ws: Sheet, columns: number[]): void {
    for (const c of columns) ws.getColumn(c).numFmt = this.moneyFmt;
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
    const lastLine = this.rowNumber;
    const col = (name: (typeof LINE_COLUMNS)[number]) => columnLetter(LINE_COLUMNS.indexOf(name) + 1);
    // The total recomputed from the Lines sheet: every line that counts (posted), however many.
    const linesTotal = `SUMIFS(Lines!$${col('amount')}$2:$${col('amount')}$${Math.max(2, lastLine)},Lines!$${col('counts_in_total')}$2:$${col('counts_in_total')}$${Math.max(2, lastLine)},"yes")`;

    const summary = this.sheet('Summary', ['Item', 'Value'], [30, 70]);
    const facts: [string, string | number | ExcelJS.CellFormulaValue, boolean?][] = [
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
      ['Total', formula(linesTotal, money(t.totalMinor)), true],
      ['Total (minor units)', t.totalMinor],
      ['Awaiting approval (not in total)', money(t.pendingMinor), true],
      ['Households housed', t.households],
      ['Guests housed', t.guests],
      ['Household-nights', t.householdNights],
      ['Guest-nights', t.guestNights],
      ['Ledger head seq', t.headSeq],
      ['Ledger head hash', t.headHash],
    ];
    for (const [item, value, isMoney] of facts) {
      const row = summary.addRow([item, value]);
      if (isMoney) row.getCell(2).numFmt = this.moneyFmt;
      row.commit();
    }
    summary.commit();

    /** A table of (key, label?, amount) rows with a live total row under it. */
    const table = (name: string, headers: string[], widths: number[], rows: (string | number)[][], labelCols: number) => {
      const ws = this.sheet(name, headers, widths);
      this.money(ws, [labelCols + 1]);
      for (const r of rows) ws.addRow(r).commit();
      const amount = columnLetter(labelCols + 1);
      const last = rows.length + 1;
      const label = labelCols === 1 ? ['Total'] : ['', 'Total'];
      ws.addRow([...label, formula(rows.length ? `SUM(${amount}2:${amount}${last})` : '0', money(t.totalMinor)), t.totalMinor]).commit();
      ws.commit();
    };
    table(
      'By category',
      ['Category', 'Amount', 'Amount (minor)'],
      [18, 14, 16],
      t.byCategory.map((r) => [r.key, money(r.amountMinor), r.amountMinor]),
      1,
    );
    table(
      'By hotel',
      ['Hotel id', 'Hotel', 'Amount', 'Amount (minor)'],
      [14, 34, 14, 16],
      t.byHotel.map((r) => [r.key, r.label, money(r.amountMinor), r.amountMinor]),
      2,
    );

    const cats = LEDGER_CATEGORIES;
    /**
     * A sheet of rows with plain columns first (ids, names, counts), then each category's money and
     * the row's total (a formula over them) in the currency format, then any plain columns after;
     * under them a total row of live column sums.
     */
    const byCategoryTable = (name: string, lead: [string, number][], tail: [string, number][], rows: CategoryRow[]) => {
      const catHeaders = cats.map((c) => `${c[0]!.toUpperCase()}${c.slice(1)} amount`);
      const ws = this.sheet(
        name,
        [...lead.map(([h]) => h), ...catHeaders, 'Total', 'Total (minor)', ...tail.map(([h]) => h)],
        [...lead.map(([, w]) => w), ...cats.map(() => 14), 14, 14, ...tail.map(([, w]) => w)],
      );
      const firstCat = lead.length + 1;
      const lastCat = firstCat + cats.length - 1;
      const totalCol = lastCat + 1;
      this.money(ws, [...cats.map((_, i) => firstCat + i), totalCol]);
      rows.forEach((h, i) => {
        const r = i + 2;
        const by = cats.map((c) => h.byCategory[c] ?? 0);
        ws.addRow([
          ...h.lead,
          ...by.map(money),
          formula(`SUM(${columnLetter(firstCat)}${r}:${columnLetter(lastCat)}${r})`, money(h.total)),
          h.total,
          ...h.tail,
        ]).commit();
      });
      const total = rows.reduce((n, h) => n + h.total, 0);
      const last = rows.length + 1;
      const colSum = (c: number, minor: number) => formula(rows.length ? `SUM(${columnLetter(c)}2:${columnLetter(c)}${last})` : '0', money(minor));
      const label = lead.map((_, i) => (i === 1 ? 'Total' : ''));
      ws.addRow([
        ...label,
        ...cats.map((c, i) =>
          colSum(
            firstCat + i,
            rows.reduce((n, h) => n + (h.byCategory[c] ?? 0), 0),
          ),
        ),
        colSum(totalCol, total),
        total,
        ...tail.map(() => ''),
      ]).commit();
      ws.commit();
    };
    const withoutRiders: CategoryRow[] = fig.unallocatedTransportMinor
      ? [{ byCategory: { transport: fig.unallocatedTransportMinor }, total: fig.unallocatedTransportMinor, lead: ['', '(trips without riders)'], tail: [] }]
      : [];

    // By household: guests, hotels and nights; the lines over a perk cap after the money.
    byCategoryTable(
      'By household',
      [
        ['Household id', 14],
        ['Household', 28],
        ['Guests', 8],
        ['Hotels', 18],
        ['Nights', 8],
      ],
      [['Lines over perk cap', 10]],
      [
        ...fig.households.map((h) => ({
          byCategory: h.byCategory,
          total: h.totalMinor,
          lead: [h.partyId, h.name, h.guests, [...h.hotels].join(', '), h.nights],
          tail: [h.flagged],
        })),
        ...withoutRiders.map((r) => ({ ...r, lead: [...r.lead, 0, '', 0], tail: [0] })),
      ],
    );
    // By guest: each household's money shared out among its members (server/ledger/guest-shares.ts).
    byCategoryTable(
      'By guest',
      [
        ['Guest id', 14],
        ['Guest', 26],
        ['Household id', 14],
        ['Household', 24],
        ['Checked in', 10],
      ],
      [],
      [
        ...fig.guests.map((g) => ({
          byCategory: g.byCategory,
          total: g.totalMinor,
          lead: [g.guestId, g.name, g.partyId, g.household, g.checkedIn ? 'yes' : 'no'],
          tail: [],
        })),
        ...withoutRiders.map((r) => ({ ...r, lead: [...r.lead, '', '', ''] })),
      ],
    );

    table(
      'By night',
      ['Night (noon to noon)', 'Amount', 'Amount (minor)'],
      [22, 14, 16],
      t.byNight.map((r) => [r.key, money(r.amountMinor), r.amountMinor]),
      1,
    );

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
  if (typeof stream?.write !== 'function' || !Array.isArray(stream.pipes))
    throw new Error('exceljs WorksheetWriter no longer exposes its stream: the Lines sheet cannot be streamed');
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

/** Register the money format in the workbook's styles (exceljs 4.x StylesXform; checked so an upgrade fails loudly). */
function moneyStyleId(wb: ExcelJS.stream.xlsx.WorkbookWriter, numFmt: string): number {
  const styles = (wb as unknown as { styles?: { addStyleModel?: (model: object, type: number) => number } }).styles;
  if (typeof styles?.addStyleModel !== 'function')
    throw new Error('exceljs WorkbookWriter no longer exposes styles.addStyleModel: money cells cannot be formatted');
  return styles.addStyleModel({ numFmt }, ExcelJS.ValueType.Number);
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

/** One `<row>` of SpreadsheetML: numbers as numbers (money columns in `moneyStyle`), text as text, null as no cell. */
export function rowXml(r: number, values: Cell[], moneyStyle?: number): string {
  let xml = `<row r="${r}">`;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const ref = `${COLUMN_LETTERS[i]}${r}`;
    if (typeof v === 'number')
      xml += moneyStyle !== undefined && MONEY_COLUMNS.has(i) ? `<c r="${ref}" s="${moneyStyle}"><v>${v}</v></c>` : `<c r="${ref}"><v>${v}</v></c>`;
    else {
      // t="str" with <v>, as exceljs itself writes text when shared strings are off.
      xml += `<c r="${ref}" t="str"><v>${xmlText(v)}</v></c>`;
    }
  }
  return `${xml}</row>`;
}
