/** Kept Intl formatters (shared/intl.ts): one per locale and options, same output as a fresh one. */
import { dateFormat, numberFormat } from '../../shared/intl.js';
import { formatMoneyMinor } from '../../shared/ledger.js';

const at = new Date('2026-10-30T21:40:00Z');

test('the same options give the same formatter, other options another, with the output of a fresh one', () => {
  const a = dateFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });
  expect(dateFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' })).toBe(a);
  const b = dateFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'America/New_York' });
  expect(b).not.toBe(a);
  expect(a.format(at)).toBe('21:40');
  expect(b.format(at)).toBe(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'America/New_York' }).format(at));
  expect(b.format(at)).toBe('17:40');
  expect(numberFormat('en-GB', { style: 'currency', currency: 'EUR' })).toBe(numberFormat('en-GB', { style: 'currency', currency: 'EUR' }));
  expect(formatMoneyMinor(123456, 'EUR')).toBe('€1,234.56');
  expect(formatMoneyMinor(1250)).toBe('£12.50');
});

test('an unknown time zone or currency throws as the constructor does, and is not kept', () => {
  expect(() => dateFormat('en-GB', { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  expect(() => dateFormat('en-GB', { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  // The money formatter's own fallback still answers for a code Intl refuses.
  expect(formatMoneyMinor(500, 'NOT-A-CODE')).toBe('5.00 NOT-A-CODE');
});
