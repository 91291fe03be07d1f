/** Message templates: placeholders checked at edit time, rendering, languages, retry backoff. */
import {
  checkTemplate,
  DEFAULT_TEMPLATES,
  LANGUAGES,
  languageFor,
  placeholdersOf,
  renderText,
  TEMPLATE_KEYS,
  guestReplySchema,
} from '../../shared/messages.js';
import { backoffMs } from '../../server/messages/sender.js';
import { perksText, timeText } from '../../server/messages/wording.js';

test('every built-in template, in every language, passes the edit-time check', () => {
  for (const lang of LANGUAGES) for (const key of TEMPLATE_KEYS) expect([lang, key, checkTemplate(key, DEFAULT_TEMPLATES[lang][key])]).toEqual([lang, key, []]);
});

test('an unknown placeholder is refused at edit time, naming it and the field', () => {
  const problems = checkTemplate('assigned', { subject: 'Your hotel {{hotel}}', body: 'Go to {{hotelName}} now: {{link}}' });
  expect(problems).toEqual([{ path: 'body.body', message: expect.stringMatching(/unknown placeholder \{\{hotelName\}\}/) }]);
  expect(problems[0]!.message).toMatch(/\{\{hotel\}\}/);
});

test('a required placeholder left out is refused at edit time', () => {
  const problems = checkTemplate('assigned', { subject: 'News', body: 'Hello {{household}}, see {{link}}' });
  expect(problems).toEqual([{ path: 'body.body', message: 'missing required placeholder {{hotel}} for assigned' }]);
  expect(checkTemplate('feedback_request', { subject: 'Hi', body: 'How was it?' })[0]!.message).toMatch(/\{\{feedbackLink\}\}/);
});

test('stray braces are refused rather than sent as they are', () => {
  expect(checkTemplate('checked_in', { subject: 'Welcome', body: 'At {{hotel}} room {{rooms}' })).toEqual([
    { path: 'body.body', message: expect.stringMatching(/unbalanced braces/) },
  ]);
});

test('rendering fills every placeholder, tolerates spaces inside braces, and throws on a missing value', () => {
  expect(placeholdersOf('{{ a }} and {{b}} and {{a}}')).toEqual(['a', 'b']);
  expect(renderText('Hi {{ household }}, {{hotel}}!', { household: 'Okafor', hotel: 'Seafront' })).toBe('Hi Okafor, Seafront!');
  expect(() => renderText('Hi {{household}} {{hotel}}', { household: 'x' })).toThrow(/\{\{hotel\}\}/);
});

test('the household language picks the wording; unknown languages fall back to English', () => {
  expect(languageFor('pl')).toBe('pl');
  expect(languageFor('de-AT')).toBe('de');
  expect(languageFor('lt')).toBe('en');
  expect(languageFor(null)).toBe('en');
  expect(DEFAULT_TEMPLATES.pl.assigned.subject).toMatch(/hotel/i);
  expect(DEFAULT_TEMPLATES.pl.assigned.body).not.toBe(DEFAULT_TEMPLATES.en.assigned.body);
});

test('fill-in words are translated and times are local to the incident', () => {
  expect(perksText('pl', [{ kind: 'open_bar' }, { kind: 'meals', note: 'breakfast only' }])).toBe('otwarty bar, posiłki (breakfast only)');
  expect(perksText('en', [])).toBe('nothing extra');
  const at = new Date('2026-10-31T21:40:00Z');
  expect(timeText('en', at, 'Europe/London', new Date('2026-10-31T20:00:00Z'))).toBe('21:40');
  expect(timeText('de', at, 'Europe/Berlin', new Date('2026-10-31T20:00:00Z'))).toBe('22:40');
  expect(timeText('en', null, 'Europe/London')).toBe('to be confirmed');
});

test('retries back off exponentially, capped', () => {
  expect([1, 2, 3, 4].map((n) => backoffMs(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
});

test('a reply must say what it is; "own way" must say where', () => {
  expect(guestReplySchema.safeParse({ kind: 'own_way', key: 'k-12345678', place: ' ' }).success).toBe(false);
  expect(guestReplySchema.safeParse({ kind: 'own_way', key: 'k-12345678', place: 'my sister in Louth' }).success).toBe(true);
  expect(guestReplySchema.safeParse({ kind: 'party', key: 'k-12345678' }).success).toBe(false);
  expect(guestReplySchema.safeParse({ kind: 'need_help', key: 'short' }).success).toBe(false);
});
