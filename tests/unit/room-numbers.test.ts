/** Room numbers are always shown with the room type they belong to. */
import { labelledRoomNumbers, roomNumbersText } from '../../shared/room-numbers.js';

test('each number stands with its room type, in every place a person reads them', () => {
  const byType = { 'accessible-double': ['101'], single: ['102'], family: [] };
  expect(labelledRoomNumbers(byType)).toEqual(['accessible-double 101', 'single 102']);
  expect(roomNumbersText(byType)).toBe('accessible-double 101; single 102');
  expect(roomNumbersText({ double: ['214', '215'] })).toBe('double 214, 215');
  expect(roomNumbersText(null)).toBe('');
  expect(roomNumbersText({})).toBe('');
});
