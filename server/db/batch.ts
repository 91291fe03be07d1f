/**
 * Many rows, few statements: inserts go 1,000 rows per statement because one row per INSERT is
 * several times slower on both engines (and one huge statement runs into parameter limits).
 */
export const BATCH = 1000;

export async function insertBatched<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}
