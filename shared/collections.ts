/** Items grouped by a key, each group in the items' order; groups in order of first appearance. */
export function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** The named fields of `o`, copied: for shapes that pass the same fields from row to contract. */
export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

/** What a hotel is, the same in the scenario, its stored row and the console's state. */
export const HOTEL_FIELDS = ['id', 'name', 'lat', 'lng', 'address', 'phone', 'email', 'petsAllowed'] as const;
/** What a household is, the same in the scenario and its stored row. */
export const PARTY_FIELDS = ['id', 'name', 'unit', 'siteId', 'needs', 'notes', 'phone', 'email'] as const;
