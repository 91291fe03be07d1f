/**
 * A field error's path in a duty manager's words, for forms whose fields show their own errors:
 * "guests[0].name" -> "guest 1, name"; "body.roomTypes[1].rateMinor" -> "room type 2, rate".
 */
export function fieldLabel(path: string): string {
  const words = (w: string) =>
    w
      .replace(/Minor(?=PerGuest|$)/, '')
      .replace(/Id$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
  return path
    .replace(/^body\.?/, '')
    .split('.')
    .filter(Boolean)
    .map((part) => {
      const m = /^(\w+)\[(\d+)\]$/.exec(part);
      return m ? `${words(m[1]!).replace(/ies$/, 'y').replace(/s$/, '')} ${Number(m[2]) + 1}` : words(part);
    })
    .join(', ');
}
