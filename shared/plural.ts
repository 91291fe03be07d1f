/**
 * Counted nouns for every screen, file and message: "1 household", "3 guests". One rule from
 * Intl.PluralRules (en-GB) rather than `n === 1` checks scattered about, so a later language only
 * changes this file. Pure; used by the server, the client and the PDFs alike.
 */
const RULES = new Intl.PluralRules('en-GB');
const COUNT = new Intl.NumberFormat('en-GB');

/** The noun for `n`: `one` when the rule says "one", else `many` (default `one` + "s"). */
export function nounFor(n: number, one: string, many = `${one}s`): string {
  return RULES.select(n) === 'one' ? one : many;
}

/** "1 household", "1,204 households". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${COUNT.format(n)} ${nounFor(n, one, many)}`;
}
