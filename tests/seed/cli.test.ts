import { scenarioFromArgs } from '../../seed/cli.js';

test('builds each named scenario from arguments', () => {
  expect(scenarioFromArgs(['storm']).scenario.incident.name).toBe('Storm at Seaview Holiday Park');
  expect(scenarioFromArgs(['small', '--pretty']).pretty).toBe(true);
  const g = scenarioFromArgs(['generate', '--guests', '120', '--shape', 'many-pets', '--seed', '0', '--hotels', '4']).scenario;
  expect(g.parties!.reduce((n, p) => n + p.guests.length, 0)).toBe(120);
  expect(g.hotels).toHaveLength(4);
});

test('rejects bad arguments with a message that says what to do', () => {
  expect(() => scenarioFromArgs([])).toThrow('which scenario?');
  expect(() => scenarioFromArgs(['generate'])).toThrow('--guests expects a whole number');
  expect(() => scenarioFromArgs(['generate', '--guests', '10', '--shape', 'huge'])).toThrow('--shape expects one of');
  expect(() => scenarioFromArgs(['storm', '--colour'])).toThrow('unknown option');
});
