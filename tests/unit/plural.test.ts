/** Counted nouns come from Intl.PluralRules, with the count formatted as everywhere else. */
import { countOf, nounFor } from '../../shared/plural.js';
import { plural } from '../../client/src/format.js';

test('one, many, zero and large counts', () => {
  expect(countOf(1, 'household')).toBe('1 household');
  expect(countOf(0, 'household')).toBe('0 households');
  expect(countOf(2, 'guest')).toBe('2 guests');
  expect(countOf(1204, 'guest')).toBe('1,204 guests');
  expect(countOf(1, 'household is', 'households are')).toBe('1 household is');
  expect(nounFor(1.5, 'night')).toBe('nights');
  expect(plural(1, 'household')).toBe('1 household');
  expect(plural(3, 'bus', 'buses')).toBe('3 buses');
});
