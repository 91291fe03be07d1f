/**
 * Intl formatters are costly to build (a tenth of a millisecond or more each) and screens, exports
 * and messages format thousands of values at a time: one formatter per locale and options, kept.
 * Like the constructors, these throw for a time zone or currency the runtime does not know.
 */
const dates = new Map<string, Intl.DateTimeFormat>();
const numbers = new Map<string, Intl.NumberFormat>();
const LIMIT = 500;

export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = dates.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    if (dates.size >= LIMIT) dates.clear();
    dates.set(key, f);
  }
  return f;
}

export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = numbers.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    if (numbers.size >= LIMIT) numbers.clear();
    numbers.set(key, f);
  }
  return f;
}
