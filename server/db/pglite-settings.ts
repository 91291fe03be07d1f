/**
 * PGlite's PostgreSQL memory settings (decision 0017). PGlite keeps all of PostgreSQL's memory in
 * one WebAssembly memory that grows but never shrinks, so every buffer counts towards the
 * server's resident size for good:
 * - shared_buffers 16MB (PostgreSQL's default is 128MB): table reads go through the operating
 *   system's file cache anyway (the data directory is ordinary files), and the whole database is
 *   ~40 MB; measured: the server's WebAssembly memory 198 -> 147 MB after reopening a data directory.
 * - maintenance_work_mem 16MB (default 64MB): index builds in migrations and restores only.
 * - work_mem stays 4MB (the default): sorts and hashes over it spill to temporary files instead of
 *   growing the memory for good; the biggest queries (state at 10k households) fit.
 * - temp_buffers 4MB (default 8MB): the product uses no temporary tables.
 */
import { PGlite } from '@electric-sql/pglite';

export const PGLITE_MEMORY_SETTINGS = ['shared_buffers=16MB', 'maintenance_work_mem=16MB', 'work_mem=4MB', 'temp_buffers=4MB'];

export function pgliteStartParams(): string[] {
  return [...PGlite.defaultStartParams, ...PGLITE_MEMORY_SETTINGS.flatMap((s) => ['-c', s])];
}
