/**
 * The duty manager console in real Chromium: two duty managers in two browsers. One computes,
 * adjusts and applies a plan while the other watches it arrive live; then a conflicting change
 * is refused in plain words. Waits on app state (data attributes, roles), never on sleeps.
 * Timings are measured and printed, not asserted.
 */
import type { IncidentState } from '../../shared/api.js';
import { startTestServer } from '../helpers/server.js';
import { signIn as apiAgent } from '../helpers/api.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';
import { counter, gzippedJsBytes, loadBreakdown, mapAttr, openConsole, signIn, stormIncidentId } from './console-helpers.js';

const describeBrowser = browserAvailable() ? describe : describe.skip;

describeBrowser('duty manager console', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let one: BrowserSession;
  let two: BrowserSession;
  let incidentId: string;
  const figures: Record<string, string | number> = {};

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer({ seed: 'storm' });
    [one, two] = await Promise.all([openBrowser(server.url), openBrowser(server.url)]);
    await Promise.all([signIn(one.page, server.url, 'duty@demo.test'), signIn(two.page, server.url, 'duty2@demo.test')]);
    incidentId = await stormIncidentId(one.page, server.url);
  }, 180_000); // starting a server and Chromium can be slow on a busy machine

  afterAll(async () => {
    const js = gzippedJsBytes();
    figures['client JS gzipped (KiB)'] = Math.round(js.gzip / 102.4) / 10;
    console.log(`console figures: ${JSON.stringify(figures)}`);
    await one?.close();
    await two?.close();
    await server?.close();
  });

  test('the console opens with counters, a map with markers, and both managers see each other', async () => {
    const p1 = one.page;
    figures['time to interactive (ms)'] = await openConsole(p1, server.url, incidentId);
    await openConsole(two.page, server.url, incidentId);
    figures['time to interactive, warm (ms)'] = await openConsole(p1, server.url, incidentId);
    console.log(`console load breakdown (ms): ${JSON.stringify(await loadBreakdown(p1))}`);
    expect(await mapAttr(p1, 'marker-hotel')).toBeGreaterThan(0);
    expect(await mapAttr(p1, 'marker-muster')).toBeGreaterThan(0);
    expect(await counter(p1, 'waiting')).toBeGreaterThan(0);
    expect(await counter(p1, 'beds-free')).toBeGreaterThan(0);
    await p1.getByTestId('presence').filter({ hasText: 'Sam Second is viewing Households' }).waitFor();
    // Fits a 1280x720 laptop screen: no page scroll either way (the panels scroll on their own).
    expect(await p1.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])).toEqual([1280, 720]);
    // Every counter's label and note whole, in one row.
    expect(await countersLayout(p1)).toEqual({ rows: 1, cut: [] });
    await screenshot(p1, 'console-01-opened');
    // A narrower screen: counters in two rows, still whole; the map, the clock and the panel one
    // under the other, none over another (the page scrolls).
    await p1.setViewportSize({ width: 1024, height: 768 });
    try {
      expect(await countersLayout(p1)).toEqual({ rows: 2, cut: [] });
      const boxes = await p1.evaluate(() =>
        ['.console-map .incident-map', '.side-panel'].map((sel) => {
          const r = document.querySelector(sel)!.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom };
        }),
      );
      expect(boxes[0]!.bottom - boxes[0]!.top).toBeGreaterThanOrEqual(400);
      expect(boxes[1]!.top).toBeGreaterThanOrEqual(boxes[0]!.bottom);
      await screenshot(p1, 'console-01-opened-1024');
    } finally {
      await p1.setViewportSize({ width: 1280, height: 720 });
    }
  });

  /** How many rows the counters take, and the labels and notes cut short (wider or taller than their box). */
  function countersLayout(page: typeof one.page): Promise<{ rows: number; cut: string[] }> {
    return page.evaluate(() => {
      const counters = [...document.querySelectorAll('.counter')];
      const texts = [...document.querySelectorAll('.counter .stat-label, .counter .stat-note')];
      return {
        rows: new Set(counters.map((e) => Math.round(e.getBoundingClientRect().top))).size,
        cut: texts.filter((e) => e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight).map((e) => e.textContent ?? ''),
      };
    });
  }

  async function state(): Promise<IncidentState> {
    const res = await one.page.request.get(`${server.url}/api/incidents/${incidentId}/state`);
    return (await res.json()) as IncidentState;
  }

  /** Move a household in the open proposal with the "Move to…" menu, or by dragging it onto a hotel. */
  async function moveInPlan(page: typeof one.page, passCode: string, partyId: string, hotelId: string, how: 'select' | 'drag') {
    const panel = page.locator('[data-panel="plan"]');
    const before = await panel.locator('section').getAttribute('data-plan-id');
    await panel.getByPlaceholder('Name or pass code').fill(passCode);
    const row = panel.locator(`li.move-row[data-party-id="${partyId}"]`).last();
    await row.waitFor();
    if (how === 'select') await row.locator('select').selectOption(`hotel:${hotelId}`);
    else {
      // The same DOM drag events a mouse drag fires (dragstart -> dragover -> drop), with one DataTransfer.
      const dt = await page.evaluateHandle(() => new DataTransfer());
      const drop = panel.locator(`[data-drop-hotel="${hotelId}"]`);
      await row.dispatchEvent('dragstart', { dataTransfer: dt });
      await drop.dispatchEvent('dragover', { dataTransfer: dt });
      await drop.dispatchEvent('drop', { dataTransfer: dt });
    }
    await page.waitForFunction((id) => {
      const el = document.querySelector('[data-panel="plan"] section');
      return !!el && el.getAttribute('data-plan-id') !== id && el.getAttribute('aria-busy') === 'false';
    }, before);
  }

  test('compute, move households by hand, apply: hotels fill, vehicles move, and the other console follows live', async () => {
    const p1 = one.page;
    const p2 = two.page;
    const unplacedBefore = await counter(p2, 'unplaced');
    const bedsFreeBefore = await counter(p1, 'beds-free');

    await p1.keyboard.press('4');
    await p1.getByRole('tab', { name: /Plan/, selected: true }).waitFor();
    // "a" with nothing to apply, or while the plan is computing, says why it did nothing.
    await p1.keyboard.press('a');
    expect(await p1.getByTestId('plan-hint').textContent()).toMatch(/no plan to apply yet/);
    await p1.getByRole('button', { name: /Compute plan/ }).click();
    await p1.keyboard.press('a');
    expect(await p1.getByTestId('plan-hint').textContent()).toMatch(/still being computed/);
    await screenshot(p1, 'console-01-apply-while-computing');
    const metrics = p1.getByTestId('plan-metrics');
    await metrics.waitFor();
    // Nothing was applied unseen, and "still being computed" is gone with the plan on screen.
    expect(await p1.locator('[data-panel="plan"] section').getAttribute('data-plan-status')).toBe('proposed');
    await p1.getByTestId('plan-hint').waitFor({ state: 'detached' });
    figures['compute -> plan shown (ms)'] = Number(await p1.locator('[data-panel="plan"] section').getAttribute('data-compute-ms'));
    expect(await metrics.textContent()).toMatch(/Housed/);
    // Both plans are offered with real money and a time everyone is in bed; the cheapest is chosen.
    const choice = p1.getByTestId('plan-alternatives');
    expect(await choice.locator('[data-objective="cost"]').textContent()).toMatch(
      /cheapest: £[\d,.]+ .*rooms a night .*transport.*everyone in bed by \d\d:\d\d/,
    );
    expect(await choice.locator('[data-objective="shelter"]').textContent()).toMatch(/fastest within 5%: £[\d,.]+ .*everyone in bed by \d\d:\d\d/);
    const section = p1.locator('[data-panel="plan"] section');
    const shelterId = await section.getAttribute('data-plan-id');
    await choice.locator('[data-objective="cost"] input').click();
    await p1.waitForFunction((id) => {
      const v = document.querySelector('[data-panel="plan"] section')?.getAttribute('data-plan-id');
      return !!v && v !== id;
    }, shelterId);
    expect(await mapAttr(p1, 'trip-count')).toBeGreaterThan(0); // proposal drawn dashed
    await screenshot(p1, 'console-02-plan-computed');

    // Pick two households without needs and two roomy hotels other than where the plan sends them.
    const s = await state();
    const planId = await p1.locator('[data-panel="plan"] section').getAttribute('data-plan-id');
    const view = (await (await p1.request.get(`${server.url}/api/incidents/${incidentId}/plans/${planId}`)).json()) as {
      plan: { stays: { partyId: string; hotelId: string }[] };
    };
    const stayOf = new Map(view.plan.stays.map((x) => [x.partyId, x.hotelId]));
    const plain = s.parties.filter((p) => p.needs.length === 0 && p.guests.every((g) => g.needs.length === 0) && p.size <= 2 && stayOf.has(p.id));
    const roomy = [...s.hotels].sort((a, b) => b.bedsOffered - a.bedsOffered);
    const [a, b] = [plain[0]!, plain[1]!];
    const target = (partyId: string) => roomy.find((h) => h.id !== stayOf.get(partyId))!;
    await moveInPlan(p1, a.passCode, a.id, target(a.id).id, 'select');
    await p1
      .getByText(`in this plan: ${target(a.id).name}`)
      .first()
      .waitFor();
    await screenshot(p1, 'console-03-moved-by-menu');
    await moveInPlan(p1, b.passCode, b.id, target(b.id).id, 'drag');
    await p1
      .locator(`li.move-row[data-party-id="${b.id}"]`)
      .filter({ hasText: `in this plan: ${target(b.id).name}` })
      .waitFor();
    await screenshot(p1, 'console-04-moved-by-drag');

    await p1.keyboard.press('Escape'); // leave the search field; then "a" applies
    await p1.keyboard.press('a');
    await p1.getByTestId('plan-applied').waitFor();
    await p1.waitForFunction(() => Number(document.querySelector('.console-map')?.getAttribute('data-beds-taken')) > 0);
    await p1.waitForFunction(
      (n) => Number(document.querySelector('[data-count="beds-free"]')?.getAttribute('data-value')?.replace(/\D/g, '')) < n,
      bedsFreeBefore,
    );
    await screenshot(p1, 'console-05-applied');
    const after = await state();
    expect(after.parties.find((p) => p.id === a.id)!.hotelId).toBe(target(a.id).id);
    expect(after.parties.find((p) => p.id === b.id)!.hotelId).toBe(target(b.id).id);

    // The second console changed without a reload: counters and the activity feed.
    await p2.waitForFunction(
      (n) => Number(document.querySelector('[data-count="unplaced"]')?.getAttribute('data-value')?.replace(/\D/g, '')) < n,
      unplacedBefore,
    );
    await p2.keyboard.press('5');
    await p2
      .getByTestId('activity-feed')
      .getByText(/Dana Duty\s+applied a plan/)
      .waitFor();
    await screenshot(p2, 'console-06-second-sees-plan');

    // Vehicles move along their trips as the clock runs.
    const clock = p1.locator('#clock');
    const [min, max] = await Promise.all([clock.getAttribute('min'), clock.getAttribute('max')]);
    await clock.fill(String(Math.round((Number(min) + Number(max)) / 2 / 60000) * 60000));
    // Halfway through the night's trips, vehicles are out on the map (at the first minute, every
    // vehicle may still be at its depot: the map shows none until its first trip leaves).
    await p1.waitForFunction(() => Number(document.querySelector('[data-testid="incident-map"]')?.getAttribute('data-vehicle-dots')) > 0, undefined, {
      timeout: 5000,
    });
    await screenshot(p1, 'console-07-vehicles-moving');
  });

  test('a plan computed before a colleague’s change is refused in plain words, with "Compute again"', async () => {
    const p1 = one.page;
    const p2 = two.page;
    await p2.keyboard.press('p');
    await p2.getByTestId('plan-metrics').waitFor();

    // Browser 1 withdraws a room at a hotel (Esc leaves any field, then 2 opens Hotels).
    await p1.keyboard.press('Escape');
    await p1.keyboard.press('2');
    const s = await state();
    const hotel = s.hotels.find((h) => h.roomTypes.some((r) => r.count > r.used))!;
    const rt = hotel.roomTypes.find((r) => r.count > r.used)!;
    await p1.locator(`[data-place-id="hotel:${hotel.id}"]`).click();
    await p1.getByLabel(`${rt.type} rooms offered`, { exact: true }).fill(String(rt.count - 1));
    await p1.getByRole('button', { name: 'Save room changes' }).click();
    await p1.getByRole('status').filter({ hasText: /Saved/ }).waitFor();
    await screenshot(p1, 'console-08-rooms-withdrawn');

    await p2.getByRole('button', { name: /^Apply/ }).click();
    const conflict = p2.getByTestId('plan-conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toMatch(/Dana Duty: hotel rooms changed/);
    expect(await conflict.getByRole('button', { name: 'Compute again' }).count()).toBe(1);
    await screenshot(p2, 'console-09-conflict-refused');

    // "Compute again" gives a fresh proposal that applies cleanly; the first console hears of it.
    await conflict.getByRole('button', { name: 'Compute again' }).click();
    await conflict.waitFor({ state: 'detached' });
    await p2.getByRole('button', { name: /^Apply/ }).click();
    await p2.getByTestId('plan-applied').waitFor();
    await p1.waitForFunction(() => document.querySelectorAll('[data-count="beds-free"]').length === 1);
    await p1.keyboard.press('5');
    await p1
      .getByTestId('activity-feed')
      .getByText(/Sam Second\s+applied a plan/)
      .waitFor();
  });

  test('an offer with mistakes shows each problem by its field; a household can be found and its timeline read', async () => {
    const p1 = one.page;
    await p1.keyboard.press('Escape');
    await p1.keyboard.press('2');
    await p1.getByRole('button', { name: 'Record an offer' }).click();
    await p1.getByLabel('Hotel name').fill('Harbour Inn');
    await p1.getByLabel('Latitude').fill('123');
    await p1.getByRole('button', { name: 'Save offer' }).click();
    await p1.locator('[data-error-path="lat"]').waitFor();
    expect(await p1.locator('[data-error-path="lng"]').count()).toBe(1);
    expect(await p1.locator('[data-error-path="roomTypes[0].count"]').count()).toBe(1);
    await screenshot(p1, 'console-10-offer-field-errors');

    const s = await state();
    const placed = s.parties.find((p) => p.hotelId)!;
    await p1.keyboard.press('Escape');
    await p1.keyboard.press('/');
    await p1.getByTestId('household-search').fill(placed.passCode);
    await p1.locator(`button.row[data-party-id="${placed.id}"]`).click();
    const details = p1.locator(`.details[data-party-id="${placed.id}"]`);
    await details.getByLabel('Note (optional)').fill('grandmother feeling faint');
    await details.getByRole('button', { name: 'Needs help' }).click();
    await details
      .locator('.feed')
      .getByText(/as needing help \(“grandmother feeling faint”\)/)
      .waitFor();
    await details.locator('.facts dd').getByText('Needs help', { exact: true }).first().waitFor();
    // "Made own way" gives the room and seat back: asked first; saying no changes nothing.
    const asked = new Promise<string>((resolve) =>
      p1.once('dialog', (d) => {
        resolve(d.message());
        void d.dismiss();
      }),
    );
    const seqBefore = (await state()).seq;
    await details.getByRole('button', { name: 'Made own way' }).click();
    expect(await asked).toMatch(new RegExp(`^Mark ${placed.name} as made their own way\\? Their room at .+ will be given back\\.$`));
    expect((await state()).seq).toBe(seqBefore);
    await screenshot(p1, 'console-11-household-timeline');
  });

  test('a breakdown in one console shows live in the other, and the night can be replayed step by step', async () => {
    const p1 = one.page;
    const p2 = two.page;
    const s = await state();
    const busy = s.trips.find((t) => t.status === 'planned')!.vehicleId;
    await p2.keyboard.press('Escape');
    await p2.keyboard.press('3');
    await p2.locator(`button.row[data-vehicle-id="${busy}"]`).click();
    await p2.getByLabel('What happened (optional)').fill('flat tyre on the A52');
    await p2.getByRole('button', { name: 'Mark broken down' }).click();
    await p2.getByText('Status: ✖ out of service').waitFor();
    await screenshot(p2, 'console-12-vehicle-broken');

    await p1.keyboard.press('Escape');
    await p1.keyboard.press('5');
    await p1.getByTestId('activity-feed').getByText(`marked vehicle ${busy} broken down / out of service (flat tyre on the A52)`).waitFor();

    // Replay: back to the step just after the plan was applied.
    await p1.getByRole('button', { name: 'Start replay' }).click();
    const slider = p1.locator('#replay');
    await slider.fill('2');
    await p1.getByTestId('replay-at').filter({ hasText: 'applied a plan' }).waitFor();
    expect(await p1.locator('.console-map').getAttribute('data-replay')).toBe('2');
    await screenshot(p1, 'console-13-replay');
    await p1.getByRole('button', { name: 'Back to live' }).click();
    expect(await p1.locator('.console-map').getAttribute('data-replay')).toBe('off');
  });

  test('a vehicle recorded in one console, with a mistake first, shows in the other live', async () => {
    const p1 = one.page;
    const p2 = two.page;
    await p2.keyboard.press('Escape');
    await p2.keyboard.press('3');
    await p2.getByRole('button', { name: 'Record a vehicle' }).click();
    const form = p2.getByTestId('vehicle-offer-form');
    await form.getByLabel('Kind').selectOption('accessible_taxi');
    await form.getByLabel('Firm').fill('Skegness Cabs');
    await form.getByLabel('Wheelchair spaces').fill('1');
    await form.getByLabel('Free from (hh:mm)').fill('9.40pm');
    await form.getByRole('button', { name: 'Save vehicle' }).click();
    // Seats left empty and a time that is no time of day: both named by their field, nothing saved.
    await form.locator('[data-error-path="seats"]').waitFor();
    expect(await form.locator('[data-error-path="availableFrom"]').textContent()).toMatch(/time of day such as 22:30/);
    await screenshot(p2, 'console-13a-vehicle-field-errors');
    await form.getByLabel('Seats').fill('3');
    await form.getByLabel('Free from (hh:mm)').fill('21:40');
    await form.getByRole('button', { name: 'Save vehicle' }).click();
    await p2
      .locator('.details[data-vehicle-id]')
      .getByText(/Skegness Cabs · 3 seats, 1 wheelchair space/)
      .waitFor();
    const offered = (await state()).vehicles.find((v) => v.provider === 'Skegness Cabs')!;
    expect(offered).toMatchObject({ kind: 'accessible_taxi', seats: 3, wheelchairSpaces: 1, status: 'in_service' });
    await screenshot(p2, 'console-13b-vehicle-recorded');

    await p1.keyboard.press('Escape');
    await p1.keyboard.press('3');
    await p1.locator(`button.row[data-vehicle-id="${offered.id}"]`).getByText('Skegness Cabs').waitFor();
    await p1.keyboard.press('5');
    await p1.getByTestId('activity-feed').getByText(`recorded an accessible taxi ${offered.id} from Skegness Cabs (3 seats, 1 wheelchair space)`).waitFor();
  });

  test("a muster point opened during the night, typed with a mistake first, shows on the other console's map live", async () => {
    const p1 = one.page;
    const p2 = two.page;
    const markersOf = async () => Number(await p1.locator('[data-testid="incident-map"]').getAttribute('data-marker-count'));
    const markers = await markersOf();
    await p2.keyboard.press('Escape');
    await p2.keyboard.press('3');
    await p2.getByRole('button', { name: 'Add a place' }).click();
    const form = p2.getByTestId('place-add-form');
    await form.getByLabel('Name').fill('Church hall');
    await form.getByLabel('Latitude').fill('53.14');
    await form.getByLabel('Longitude').fill('east of the hall');
    await form.getByRole('button', { name: 'Save place' }).click();
    expect(await form.locator('[data-error-path="lng"]').textContent()).toMatch(/longitude as a decimal, e.g. 0.34/);
    expect((await state()).sites.some((x) => x.name === 'Church hall')).toBe(false);
    await form.getByLabel('Longitude').fill('0.33');
    await form.getByRole('button', { name: 'Save place' }).click();
    await p2.getByRole('button', { name: 'Record a vehicle' }).waitFor();
    expect((await state()).sites.find((x) => x.name === 'Church hall')).toMatchObject({ id: 'church-hall', kind: 'muster', lat: 53.14, lng: 0.33 });

    await p1.keyboard.press('Escape');
    await p1.keyboard.press('5');
    await p1.getByTestId('activity-feed').getByText('added the muster point Church hall').waitFor();
    await p1.locator(`[data-testid="incident-map"][data-marker-count="${markers + 1}"]`).waitFor();
  });

  test('a household found during the night, typed with a mistake first, is saved and shows in the other console live', async () => {
    const p1 = one.page;
    const p2 = two.page;
    await p2.keyboard.press('Escape');
    await p2.keyboard.press('1');
    await p2.getByRole('button', { name: 'Add a household' }).click();
    const form = p2.getByTestId('household-add-form');
    await form.locator('[data-guest-row="0"]').getByLabel('Full name').fill('Iris Foundling');
    await form.locator('[data-guest-row="0"]').getByLabel('Wheelchair').check();
    await form.getByRole('button', { name: 'Add another guest' }).click();
    await form.getByLabel('Phone (optional)').fill('call me');
    await form.getByRole('button', { name: 'Save household' }).click();
    // The second guest has no name and the phone is no number: both named by their field, nothing saved.
    await form.locator('[data-error-path="guests[1].name"]').waitFor();
    await form.locator('[data-error-path="phone"]').waitFor();
    await screenshot(p2, 'console-13c-household-field-errors');
    const before = (await state()).parties.length;
    await form.locator('[data-guest-row="1"]').getByLabel('Full name').fill('Ned Foundling');
    await form.locator('[data-guest-row="1"]').getByLabel('Age').selectOption('infant');
    await form.getByLabel('Phone (optional)').fill('07700 900777');
    await form.getByRole('button', { name: 'Save household' }).click();
    const details = p2.locator('.details[data-party-id]');
    await details.getByText('Ned Foundling').waitFor();
    const added = (await state()).parties.find((p) => p.name === 'Foundling')!;
    expect((await state()).parties.length).toBe(before + 1);
    expect(added.guests.map((g) => [g.name, g.age, g.needs])).toEqual([
      ['Iris Foundling', 'adult', ['wheelchair']],
      ['Ned Foundling', 'infant', []],
    ]);
    expect(await details.getAttribute('data-party-id')).toBe(added.id);
    await screenshot(p2, 'console-13d-household-added');

    await p1.keyboard.press('Escape');
    await p1.keyboard.press('5');
    await p1.getByTestId('activity-feed').getByText('added 1 household (2 guests)').waitFor();
    await p1.keyboard.press('1');
    await p1.getByTestId('household-search').fill('Foundling');
    await p1.locator(`button.row[data-party-id="${added.id}"]`).waitFor();
  });

  test('a household is corrected from its details, a mistake first: a child found later joins it, and the other console hears', async () => {
    const p1 = one.page;
    const p2 = two.page;
    const details = p2.locator('.details[data-party-id]');
    const partyId = (await details.getAttribute('data-party-id'))!;
    await details.getByTestId('household-edit').click();
    const form = p2.getByTestId('household-edit-form');
    // The form holds the household as it is.
    expect(await form.getByLabel('Household name').inputValue()).toBe('Foundling');
    expect(await form.locator('[data-guest-row="0"]').getByLabel('Full name').inputValue()).toBe('Iris Foundling');
    expect(await form.locator('[data-guest-row="0"]').getByLabel('Wheelchair').isChecked()).toBe(true);
    await form.getByRole('button', { name: 'Add another guest' }).click();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.locator('[data-error-path="guests[2].name"]').waitFor();
    await form.locator('[data-guest-row="2"]').getByLabel('Full name').fill('Ola Foundling');
    await form.locator('[data-guest-row="2"]').getByLabel('Age').selectOption('child');
    await form.getByLabel('Phone (optional)').fill('07700 900778');
    await screenshot(p2, 'console-13g-household-correct');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await details.getByText('Ola Foundling').waitFor();
    const corrected = (await state()).parties.find((p) => p.id === partyId)!;
    expect(corrected.guests.map((g) => [g.id, g.name, g.age])).toEqual([
      [`${partyId}-1`, 'Iris Foundling', 'adult'],
      [`${partyId}-2`, 'Ned Foundling', 'infant'],
      [`${partyId}-3`, 'Ola Foundling', 'child'],
    ]);
    expect(corrected.phone).toBe('07700 900778');
    await screenshot(p2, 'console-13h-household-corrected');

    await p1.keyboard.press('Escape');
    await p1.keyboard.press('5');
    await p1.getByTestId('activity-feed').getByText('corrected Foundling (phone, guests): added 1 guest').waitFor();
  });

  test("a correction typed on a form opened before a colleague's is refused, and the colleague's child is not lost", async () => {
    const p1 = one.page;
    const p2 = two.page;
    const partyId = (await p2.locator('.details[data-party-id]').getAttribute('data-party-id'))!;
    // Both managers open the household's form; the second saves first.
    await p1.keyboard.press('Escape');
    await p1.keyboard.press('1');
    await p1.getByTestId('household-search').fill('Foundling');
    await p1.locator(`button.row[data-party-id="${partyId}"]`).click();
    await p1.getByTestId('household-edit').click();
    const late = p1.getByTestId('household-edit-form');
    await p2.getByTestId('household-edit').click();
    const first = p2.getByTestId('household-edit-form');
    await first.getByLabel('Notes (optional)').fill('Ola is asthmatic: inhaler in the blue bag');
    await first.getByRole('button', { name: 'Save changes' }).click();
    await p2.locator('.details[data-party-id]').getByText('inhaler in the blue bag').waitFor();
    // The first form drops Ola (still waiting, so it could) and saves: refused, nothing lost.
    await late.locator('[data-guest-row="2"]').getByRole('button', { name: 'Remove' }).click();
    await late.getByRole('button', { name: 'Save changes' }).click();
    await late.getByText('changed by a colleague after you opened them').waitFor();
    await screenshot(p1, 'console-13i-household-stale-form');
    const kept = (await state()).parties.find((p) => p.id === partyId)!;
    expect(kept.guests.map((g) => g.name)).toEqual(['Iris Foundling', 'Ned Foundling', 'Ola Foundling']);
    expect(kept.notes).toBe('Ola is asthmatic: inhaler in the blue bag');

    // Leaving the form by closing the household (Esc) drops it: reopened, the household shows its details.
    await p1.getByRole('heading', { name: 'Correct Foundling' }).click();
    await p1.keyboard.press('Escape');
    await p1.getByTestId('household-search').waitFor();
    await p1.locator(`button.row[data-party-id="${partyId}"]`).click();
    await p1.getByTestId('household-edit').waitFor();
    expect(await p1.getByTestId('household-edit-form').count()).toBe(0);
  });

  test("a booking system's guest list is imported from the console: a bad file is refused by line, a clean one adds its households", async () => {
    const p1 = one.page;
    const p2 = two.page;
    await p2.keyboard.press('Escape');
    await p2.keyboard.press('1');
    await p2.getByRole('button', { name: 'Import a guest list' }).click();
    const form = p2.getByTestId('guest-list-form');
    const header = 'booking_ref,unit,guest_name,age_group,needs,phone,email,pets,notes,muster_point';
    const upload = (name: string, lines: string[]) =>
      form.getByLabel('Guest list').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from([header, ...lines].join('\n')) });
    const before = await state();
    // Line 3: an age no one has; line 4: a muster point the incident does not have. Nothing is added.
    await upload('late-bookings.csv', [
      'LATE-1,Lodge 90,Olu Late,adult,,07700 900901,,no,,Clubhouse',
      'LATE-1,Lodge 90,Pip Late,elder,,07700 900901,,no,,Clubhouse',
      'LATE-2,Lodge 91,Quin Later,adult,wheelchair,,,yes,,Car park',
    ]);
    await form.getByRole('button', { name: 'Import' }).click();
    const refused = p2.getByRole('alert').filter({ hasText: 'Nothing was imported.' });
    await refused
      .getByText(/line 3/)
      .first()
      .waitFor();
    expect(await refused.textContent()).toMatch(/line 4/);
    await screenshot(p2, 'console-13e-guest-list-refused');
    expect((await state()).parties.length).toBe(before.parties.length);

    const clean = [
      'LATE-1,Lodge 90,Olu Late,adult,,07700 900901,,no,,Clubhouse',
      'LATE-1,Lodge 90,Pip Late,infant,,07700 900901,,no,,Clubhouse',
      'LATE-2,Lodge 91,Quin Later,adult,wheelchair,,,yes,regulars,Sports Hall',
    ];
    await upload('late-bookings.csv', clean);
    await form.getByRole('button', { name: 'Import' }).click();
    await p2.getByTestId('guest-list-done').getByText('Added 2 households (3 guests)').waitFor();
    await screenshot(p2, 'console-13f-guest-list-imported');
    const after = await state();
    expect(after.parties.length).toBe(before.parties.length + 2);
    const late = (id: string) => after.parties.find((p) => p.id === id)!;
    const site = (name: string) => after.sites.find((x) => x.name === name)!.id;
    expect(late('LATE-1')).toMatchObject({ unit: 'Lodge 90', siteId: site('Clubhouse'), status: 'waiting', size: 2 });
    expect(late('LATE-1').guests.map((g) => [g.name, g.age])).toEqual([
      ['Olu Late', 'adult'],
      ['Pip Late', 'infant'],
    ]);
    expect(late('LATE-2')).toMatchObject({ siteId: site('Sports Hall'), needs: ['pets'], notes: 'regulars' });
    expect(late('LATE-2').guests[0]!.needs).toEqual(['wheelchair']);

    // The same file again: its bookings are already in the incident, refused by reference, nothing replaced.
    await upload('late-bookings.csv', clean);
    await form.getByRole('button', { name: 'Import' }).click();
    await p2
      .getByRole('alert')
      .filter({ hasText: 'Nothing was imported.' })
      .getByText(/LATE-1/)
      .first()
      .waitFor();
    expect((await state()).parties.length).toBe(after.parties.length);

    await p1.keyboard.press('Escape');
    await p1.keyboard.press('5');
    await p1.getByTestId('activity-feed').getByText('added 2 households (3 guests)').waitFor();
    await p2.getByRole('button', { name: '← All households' }).click();
    await p2.getByTestId('household-search').fill('Quin Later');
    await p2.locator('button.row[data-party-id="LATE-2"]').waitFor();
  });

  test('when the server drops the connection the console says so, reconnects and catches up', async () => {
    const p1 = one.page;
    await p1.keyboard.press('Escape');
    await p1.keyboard.press('5');
    server.realtime.io.disconnectSockets(true);
    await p1.locator('.conn[data-connection="lost"]').waitFor();
    expect(await p1.locator('.conn').textContent()).toContain('Connection lost — reconnecting; your changes are safe');
    await screenshot(p1, 'console-14-connection-lost');
    // A change made by the other manager while this console is away.
    const s = await state();
    const party = s.parties.find((p) => p.status === 'assigned')!;
    const res = await two.page.request.post(`${server.url}/api/incidents/${incidentId}/parties/${party.id}/status`, {
      data: { status: 'self_evacuated', note: 'drove to family' },
      headers: { Origin: server.url },
    });
    expect(res.ok()).toBe(true);
    await p1.locator('.conn[data-connection="caught-up"]').waitFor();
    await p1.getByTestId('activity-feed').getByText(`marked ${party.name} as having made their own way (“drove to family”)`).first().waitFor();
    await screenshot(p1, 'console-15-caught-up');
  });

  test("a driver's position, which is no event, makes the console read the vehicles and the projection again", async () => {
    const duty = await apiAgent(server.url, 'duty2@demo.test');
    const links = (await duty.get(`/api/incidents/${incidentId}/drivers`).expect(200)).body.links as { token: string; vehicleId: string }[];
    expect(links.length).toBeGreaterThan(0);
    const reads: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (r.url().includes('/state/part?parties=&trips=false')) reads.push(r.url());
    };
    one.page.on('request', onRequest);
    try {
      const started = Date.now();
      await duty.post(`/api/drive/${links[0]!.token}/positions`).send({ lat: 53.12, lng: 0.25 }).expect(200);
      while (!reads.length && Date.now() - started < 15_000) await one.page.waitForTimeout(100);
      expect(reads.length).toBeGreaterThan(0);
      figures['read after a position (ms)'] = Date.now() - started;
    } finally {
      one.page.off('request', onRequest);
    }
  });

  test("a hotel's details stay open while the night changes around them, with the new figures", async () => {
    const p1 = one.page;
    // Last in the file: the change it makes would move the replay's steps above.
    await p1.keyboard.press('Escape');
    await p1.keyboard.press('2');
    const row = p1.locator('[data-place-id^="hotel:"]').first();
    const hotelId = (await row.getAttribute('data-place-id'))!.slice('hotel:'.length);
    const offered = (await state()).hotels.find((h) => h.id === hotelId)!;
    const details = p1
      .locator('.leaflet-popup .map-details')
      .filter({ hasText: offered.name })
      .filter({ hasText: /Beds taken/ });
    for (let attempt = 1; !(await details.isVisible()); attempt++) {
      if (attempt > 3) throw new Error("three clicks on a hotel did not open the hotel's details");
      await row.click();
      await details.waitFor({ timeout: 8000 }).catch(() => undefined);
    }
    const bedsBefore = Number(/of ([\d,]+)/.exec((await details.textContent()) ?? '')![1]!.replace(/,/g, ''));
    // A colleague's change redraws every marker; the open details follow it instead of closing.
    const duty = await apiAgent(server.url, 'duty2@demo.test');
    await duty
      .patch(`/api/incidents/${incidentId}/hotels/${hotelId}`)
      .send({
        roomTypes: offered.roomTypes.map((r, i) => ({
          type: r.type,
          sleeps: r.sleeps,
          count: r.count + (i === 0 ? 5 : 0),
          rateMinor: r.rateMinor,
          accessible: r.accessible,
        })),
      })
      .expect(200);
    const bedsAfter = bedsBefore + 5 * offered.roomTypes[0]!.sleeps;
    await details.filter({ hasText: new RegExp(`of ${bedsAfter.toLocaleString('en-GB')}`) }).waitFor();
    expect(await details.count()).toBe(1);
    await screenshot(p1, 'console-01b-details-stay-open');
  });
});
