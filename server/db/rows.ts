/** The rows of a raw `execute()`: drizzle answers `{ rows }` on node-postgres and PGlite alike (older drivers: the array itself). */
export function rowsOf<T>(res: unknown): T[] {
  return ((res as { rows?: T[] }).rows ?? (res as T[])) as T[];
}
