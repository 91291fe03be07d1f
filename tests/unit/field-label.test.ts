/** A form's field errors are listed in words, not as the request's paths. */
import { fieldLabel } from '../../client/src/field-label.js';

test.each([
  ['guests[0].name', 'guest 1, name'],
  ['body.roomTypes[1].rateMinor', 'room type 2, rate'],
  ['perks[0].capMinorPerGuestPerNight', 'perk 1, cap per guest per night'],
  ['siteId', 'site'],
  ['parties[2].guests[10].age', 'party 3, guest 11, age'],
  ['body', ''],
])('%s -> %s', (path, words) => expect(fieldLabel(path)).toBe(words));
