/** ISO-8601 with an explicit +00:00 offset, as the contract's examples write it. */
export function isoUtc(d: Date): string {
  return d
    .toISOString()
    .replace(/\.000Z$/, '+00:00')
    .replace(/Z$/, '+00:00');
}
