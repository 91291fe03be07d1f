/**
 * Start an incident from nothing on the night: its name, when it started, and the places it
 * begins from (muster points where households wait, vehicle depots, the park). Households, hotel
 * offers and vehicles are added afterwards in the console it opens. The form is checked in the
 * browser with the scenario schema the import uses and each problem is shown beside its field; the
 * server's own field errors are shown the same way.
 */
import { useRef, useState, type FormEvent } from 'react';
import type { SiteKind } from '../../../shared/scenario.js';
import { isTimeZone } from '../../../shared/fields.js';
import { wallClockAt } from '../../../shared/time.js';
import { api } from '../api.js';
import { hrefFor } from '../route.js';
import { useOfferForm } from '../console-ui/offer-fields.js';
import { checkDeclared, PLACE_KINDS, type DeclareForm, type PlaceRow } from './declare.js';
import { ErrorNotice } from './ErrorNotice.js';

const DEFAULT_ZONE = 'Europe/London';
const ZONES: readonly string[] = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

type Incident = Omit<DeclareForm, 'places'>;

export function DeclareIncident({ onDeclared, onAuthError }: { onDeclared: () => void; onAuthError: (err: unknown) => void }) {
  const [v, setV] = useState<Incident>(() => ({
    name: '',
    startedAt: wallClockAt(Date.now(), DEFAULT_ZONE),
    timezone: DEFAULT_ZONE,
    currency: 'GBP',
    helpline: '',
  }));
  const nextKey = useRef(1);
  const [places, setPlaces] = useState<PlaceRow[]>([{ key: 0, name: '', kind: 'muster', lat: '', lng: '' }]);
  /** The rows' keys when last checked: errors name rows by index (`sites[1].lat`), rows are added and removed. */
  const [checkedKeys, setCheckedKeys] = useState<number[]>([]);
  const startTyped = useRef(false);
  const { busy, error, refuse, send, fieldProps, Err, textFields } = useOfferForm(onAuthError);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCheckedKeys(places.map((p) => p.key));
    const checked = checkDeclared({ ...v, places });
    if (!checked.ok) return refuse(checked.fields);
    await send(
      () => api.importScenario(checked.scenario),
      ({ incidentId }) => {
        onDeclared();
        window.location.hash = hrefFor({ page: 'incident', incidentId });
      },
    );
  };

  const field = textFields(v, setV);
  const text = (key: keyof Incident, label: string, extra: Record<string, string> = {}) => field(key, `incident.${key}`, label, extra);
  const setZone = (timezone: string) =>
    // Until a start time is typed, "now" follows the zone: the default means "now", wherever that is.
    setV({ ...v, timezone, startedAt: !startTyped.current && isTimeZone(timezone.trim()) ? wallClockAt(Date.now(), timezone.trim()) : v.startedAt });
  const setPlace = (key: number, patch: Partial<PlaceRow>) => setPlaces(places.map((p) => (p.key === key ? { ...p, ...patch } : p)));
  const addPlace = () =>
    setPlaces([...places, { key: nextKey.current++, name: '', kind: places.some((p) => p.kind === 'muster') ? 'depot' : 'muster', lat: '', lng: '' }]);
  /** A row's path prefix as last checked (`sites[1]`), or one no error names when it was added since. */
  const pathOf = (key: number) => (checkedKeys.includes(key) ? `sites[${checkedKeys.indexOf(key)}]` : `new-place-${key}`);

  return (
    <section className="card declare" aria-labelledby="declare-title">
      <h2 id="declare-title">Declare an incident</h2>
      <p className="muted">
        Start one from nothing: name it and say where households wait. Add households, hotel offers and vehicles from its console afterwards.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="declare-form">
        {text('name', 'Incident name', { placeholder: 'e.g. Storm at Seaview Holiday Park' })}
        <div className="form-row">
          <label className="field-compact">
            <span>Started at ({v.timezone.trim() || 'incident'} time)</span>
            <input
              type="datetime-local"
              value={v.startedAt}
              onChange={(e) => {
                startTyped.current = true;
                setV({ ...v, startedAt: e.target.value });
              }}
              {...fieldProps('incident.startedAt')}
            />
            <Err path="incident.startedAt" />
          </label>
          <label className="field-compact">
            <span>Time zone</span>
            <input type="text" list="declare-zones" value={v.timezone} onChange={(e) => setZone(e.target.value)} {...fieldProps('incident.timezone')} />
            <Err path="incident.timezone" />
          </label>
          {text('currency', 'Currency', { autoCapitalize: 'characters' })}
          {text('helpline', 'Helpline phone (optional)', { type: 'tel' })}
        </div>
        <datalist id="declare-zones">
          {ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <fieldset aria-describedby={fieldProps('sites')['aria-describedby']}>
          <legend>Places</legend>
          <p className="muted small-print">
            Muster points are where households wait for transport; at least one is needed. Depots are where vehicles start. Coordinates are decimal degrees,
            e.g. 52.95 and 0.34.
          </p>
          <Err path="sites" />
          {places.map((p, i) => {
            const at = pathOf(p.key);
            return (
              <div className="place-row" role="group" aria-label={`Place ${i + 1}`} data-place-row={i} key={p.key}>
                <label className="field-compact">
                  <span>Name</span>
                  <input
                    type="text"
                    value={p.name}
                    placeholder={i === 0 ? 'e.g. Clubhouse' : undefined}
                    onChange={(e) => setPlace(p.key, { name: e.target.value })}
                    {...fieldProps(`${at}.name`)}
                  />
                  <Err path={`${at}.name`} />
                </label>
                <label className="field-compact">
                  <span>Kind</span>
                  <select value={p.kind} onChange={(e) => setPlace(p.key, { kind: e.target.value as SiteKind })} {...fieldProps(`${at}.kind`)}>
                    {PLACE_KINDS.map((k) => (
                      <option key={k.kind} value={k.kind}>
                        {k.label}
                      </option>
                    ))}
                  </select>
                  <Err path={`${at}.kind`} />
                </label>
                {(['lat', 'lng'] as const).map((axis) => (
                  <label key={axis} className="field-compact">
                    <span>{axis === 'lat' ? 'Latitude' : 'Longitude'}</span>
                    <input
                      type="text"
                      inputMode="decimal"
                      value={p[axis]}
                      onChange={(e) => setPlace(p.key, { [axis]: e.target.value })}
                      {...fieldProps(`${at}.${axis}`)}
                    />
                    <Err path={`${at}.${axis}`} />
                  </label>
                ))}
                <button
                  type="button"
                  className="secondary small"
                  disabled={places.length === 1}
                  aria-label={`Remove place ${i + 1}${p.name.trim() ? ` (${p.name.trim()})` : ''}`}
                  onClick={() => setPlaces(places.filter((q) => q.key !== p.key))}
                >
                  Remove
                </button>
              </div>
            );
          })}
          <button type="button" className="secondary small" onClick={addPlace}>
            Add another place
          </button>
        </fieldset>
        {error ? <ErrorNotice error={error} title="Not declared." /> : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Declaring…' : 'Declare incident'}
        </button>
      </form>
    </section>
  );
}
