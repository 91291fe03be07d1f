/** Every line of the export as CSV, streamed page by page (flat memory at any size). */
import type { Writable } from 'node:stream';
import type { LedgerRow } from '../ledger/repo.js';
import { csvRow, LINE_COLUMNS, lineValues, type Names } from './lines.js';
import { write } from './sink.js';

export async function writeCsv(out: Writable, pages: AsyncIterable<LedgerRow[]>, names: Names): Promise<void> {
  await write(out, csvRow([...LINE_COLUMNS]));
  for await (const page of pages) {
    let chunk = '';
    for (const r of page) chunk += csvRow(lineValues(r, names));
    await write(out, chunk);
  }
  out.end();
}
