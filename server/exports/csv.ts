/**
 * Every line of the export as CSV, written a page at a time with backpressure (flat memory at any
 * size). The export service feeds it the same values it gives the spreadsheet's Lines sheet.
 */
import type { Writable } from 'node:stream';
import { csvRow, LINE_COLUMNS, type Cell } from './lines.js';
import { write } from './sink.js';

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
