/**
 * The "Declare an incident" form's pure part: the form as typed -> a `relocation-scenario/1` with
 * no households, hotels or vehicles yet, checked with the scenario schema the server uses. Ids are
 * made from the places' names (a duty manager never types one); the start time is read on the
 * incident's clocks, not the browser's. Problems come back by the schema's own paths
 * (`incident.name`, `sites[1].lat`) so the form shows each beside its field.
 */
import type { FieldError } from '../../../shared/errors.js';
import { zodFieldErrors } from '../../../shared/errors.js';
import { zoneOrUtc } from '../../../shared/fields.js';
import { SCENARIO_FORMAT, scenarioSchema, type Scenario, type SiteKind } from '../../../shared/scenario.js';
import { wallClockToIso } from '../../../shared/time.js';
import { slug } from '../console-ui/offer-fields.js';

export interface PlaceRow {
  /** Stable across adds and removes (React key; errors stay with their row). */
  key: number;
  name: string;
  kind: SiteKind;
  lat: string;
  lng: string;
}

export interface DeclareForm {
  name: string;
  /** A `datetime-local` value, read in `timezone`. */
  startedAt: string;
  timezone: string;
  currency: string;
  helpline: string;
  places: PlaceRow[];
}

/** The kinds in the order offered, in a duty manager's words. */
export const PLACE_KINDS: readonly { kind: SiteKind; label: string }[] = [
  { kind: 'muster', label: 'Muster point' },
  { kind: 'depot', label: 'Vehicle depot' },
  { kind: 'resort', label: 'The holiday park itself' },
];

/**
 * One id per name, in order: its slug (`clubhouse`), made unique with `-2`, `-3`... (against each
 * other and the ids already `used`); `place` when a name has no letters or digits.
 */
export function siteIds(names: readonly string[], used: readonly string[] = []): string[] {
  const taken = new Set<string>(used);
  return names.map((name) => {
    const base = slug(name) || 'place';
    let id = base;
    for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
    taken.add(id);
    return id;
  });
}

/** A coordinate as typed: '' is none (undefined), "52,95" is 52.95, anything else not a plain decimal is NaN. */
export function coordinate(typed: string): number | undefined {
  const s = typed.trim().replace(/^([+-]?\d*),(\d+)$/, '$1.$2');
  if (s === '') return undefined;
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : Number.NaN;
}

const EXAMPLE = { lat: '52.95', lng: '0.34' } as const;
const WORD = { lat: 'latitude', lng: 'longitude' } as const;

/** A place's coordinates as typed, read; a blank or unreadable one is a problem at `${prefix}lat` / `lng`, in plain words. */
export function coordinates(typed: { lat: string; lng: string }, prefix = ''): { lat?: number; lng?: number; fields: FieldError[] } {
  const at = { lat: coordinate(typed.lat), lng: coordinate(typed.lng) };
  const fields: FieldError[] = [];
  for (const axis of ['lat', 'lng'] as const) {
    const path = `${prefix}${axis}`;
    if (at[axis] === undefined) fields.push({ path, message: `required: enter the ${WORD[axis]}, e.g. ${EXAMPLE[axis]}` });
    else if (Number.isNaN(at[axis]))
      fields.push({ path, message: `not a number that can be read: enter the ${WORD[axis]} as a decimal, e.g. ${EXAMPLE[axis]}` });
  }
  return { ...at, fields };
}

/**
 * The form as a scenario, checked: the data to send, or every problem by path. What the schema
 * would word as a programmer does (a blank number, an unreadable time) is worded here first, and
 * the planner's need for a muster point (households wait somewhere) is asked for under `sites`.
 */
export function checkDeclared(form: DeclareForm): { ok: true; scenario: Scenario } | { ok: false; fields: FieldError[] } {
  const own: FieldError[] = [];
  const timezone = form.timezone.trim();
  const startedAt = form.startedAt.trim() === '' ? null : wallClockToIso(form.startedAt, zoneOrUtc(timezone));
  if (form.startedAt.trim() === '') own.push({ path: 'incident.startedAt', message: 'required: enter when the incident started' });
  else if (!startedAt) own.push({ path: 'incident.startedAt', message: 'expected a date and time, e.g. 01/03/2026 20:00' });

  const ids = siteIds(form.places.map((p) => p.name));
  const sites = form.places.map((p, i) => {
    const at = coordinates(p, `sites[${i}].`);
    own.push(...at.fields);
    return { id: ids[i]!, name: p.name, kind: p.kind, lat: at.lat, lng: at.lng };
  });
  if (!form.places.some((p) => p.kind === 'muster'))
    own.push({ path: 'sites', message: 'add at least one muster point: the planner needs somewhere households wait' });

  const scenario = {
    format: SCENARIO_FORMAT,
    incident: {
      name: form.name,
      startedAt: startedAt ?? '',
      timezone,
      currency: form.currency.trim().toUpperCase(),
      ...(form.helpline.trim() ? { helpline: form.helpline } : {}),
    },
    sites,
    parties: [],
    hotels: [],
    vehicles: [],
  };
  const checked = scenarioSchema.safeParse(scenario);
  const mine = new Set(own.map((f) => f.path));
  const fields = [...own, ...(checked.success ? [] : zodFieldErrors(checked.error).filter((f) => !mine.has(f.path)))];
  if (fields.length || !checked.success) return { ok: false, fields: fields.sort((a, b) => formOrder(a.path) - formOrder(b.path)) };
  return { ok: true, scenario: checked.data };
}

const FIELD_ORDER = ['name', 'startedAt', 'timezone', 'currency', 'helpline', 'kind', 'lat', 'lng'];
/** Where a path's field sits on the form, top to bottom: the incident's fields, then each place's in turn. */
function formOrder(path: string): number {
  const place = /^sites(?:\[(\d+)\])?\.?(\w*)/.exec(path);
  const field = (name: string) => (FIELD_ORDER.indexOf(name) + 1) / (FIELD_ORDER.length + 1);
  if (place) return 100 + (place[1] === undefined ? 0 : 1 + Number(place[1]) + field(place[2] ?? ''));
  return field(path.replace(/^incident\./, ''));
}
