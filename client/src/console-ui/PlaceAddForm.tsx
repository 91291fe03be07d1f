/**
 * Add a place during the night: a second muster point opens (the church hall takes the overflow), a
 * coach firm's depot. Its id is made from its name; checked in the browser with the schema the
 * server uses, every problem shown beside its field, and the server's own the same way. From then
 * on households, guest lists and vehicles may name it, and every console shows it on the map.
 */
import { useState, type FormEvent } from 'react';
import { siteAddSchema } from '../../../shared/operations.js';
import type { SiteKind } from '../../../shared/scenario.js';
import { zodFieldErrors } from '../../../shared/errors.js';
import { api } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { coordinates, PLACE_KINDS, siteIds } from '../components/declare.js';
import type { PanelProps } from './SidePanel.js';
import { useOfferForm } from './offer-fields.js';

export function PlaceAddForm({ incidentId, state, onAuthError, onDone }: PanelProps & { onDone: (siteId: string | null) => void }) {
  const [v, setV] = useState({ name: '', lat: '', lng: '' });
  const [kind, setKind] = useState<SiteKind>('muster');
  const { busy, error, refuse, send, fieldProps, Err, textFields } = useOfferForm(onAuthError);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const at = coordinates(v);
    const site = {
      id: siteIds(
        [v.name],
        state.sites.map((s) => s.id),
      )[0]!,
      name: v.name,
      kind,
      lat: at.lat,
      lng: at.lng,
    };
    const checked = siteAddSchema.safeParse(site);
    // The coordinates' own words first (a blank or unreadable number), then the schema's for the rest.
    const mine = new Set(at.fields.map((f) => f.path));
    if (!checked.success || at.fields.length)
      return refuse([...at.fields, ...(checked.success ? [] : zodFieldErrors(checked.error).filter((f) => !mine.has(f.path)))]);
    await send(
      () => api.addSite(incidentId, checked.data),
      (r) => onDone(r.siteId),
    );
  };

  const text = textFields(v, setV);
  return (
    <section aria-labelledby="place-add-title" className="details">
      <button type="button" className="link" onClick={() => onDone(null)}>
        ← All vehicles
      </button>
      <h2 id="place-add-title">Add a place</h2>
      <p className="muted">A muster point where households wait, or a depot vehicles start from. Coordinates are decimal degrees, e.g. 52.95 and 0.34.</p>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="place-add-form">
        {text('name', 'name', 'Name')}
        <label className="field-compact">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as SiteKind)} {...fieldProps('kind')}>
            {PLACE_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
          <Err path="kind" />
        </label>
        <div className="form-row">
          {text('lat', 'lat', 'Latitude', { inputMode: 'decimal' })}
          {text('lng', 'lng', 'Longitude', { inputMode: 'decimal' })}
        </div>
        {error ? <ErrorNotice error={error} title="Not saved." paths="words" /> : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save place'}
        </button>
      </form>
    </section>
  );
}
