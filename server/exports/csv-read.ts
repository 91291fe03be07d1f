/** Reading an export's CSV back (offline verification and tests). */
import { parse } from 'csv-parse/sync';

/**
 * RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF line ends) as rows of raw cells, nothing
 * trimmed, rows of any length. Malformed CSV (a quote never closed, text after a closing quote)
 * throws csv-parse's error, which names the line.
 */
export function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true, record_delimiter: ['\r\n', '\n'] }) as string[][];
}
