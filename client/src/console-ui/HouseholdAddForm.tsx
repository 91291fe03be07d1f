/**
 * Add a household found during the night (a family that sheltered in its car, a booking missing
 * from the list): its guests by name and age, their needs, its muster point, a phone. Checked in
 * the browser with the schema the server uses; every problem is shown beside its field, and the
 * server's own (an unknown muster point, a booking reference already used) the same way. The
 * next plan houses it; the household opens once saved.
 *
 * With `editing`, the same form corrects a household already known (a misspelt name, a new phone,
 * a wheelchair user nobody mentioned, a child found later): its booking reference stays, its
 * guests keep their ids, and only someone still waiting can be removed. The server says when the
 * change gave back a room and seat that no longer suit the household.
 */
import { useState, type FormEvent } from 'react';
import type { IncidentState } from '../../../shared/api.js';
import { partySchema, householdVersion, GUEST_AGES, RULED_GUEST_NEEDS, type GuestAge } from '../../../shared/scenario.js';
import { zodFieldErrors } from '../../../shared/errors.js';
import { api } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { needLabel } from '../reception/model.js';
import type { PanelProps } from './SidePanel.js';
import { slug, useOfferForm } from './offer-fields.js';

interface GuestRow {
  /** The guest's id when the household is being corrected; new rows get one on saving. */
  id?: string;
  name: string;
  age: GuestAge;
  needs: string[];
  /** Where the guest is: only someone still waiting can be removed. */
  waiting: boolean;
}

const blankGuest = (): GuestRow => ({ name: '', age: 'adult', needs: [], waiting: true });
const isAge = (a: string): a is GuestAge => (GUEST_AGES as readonly string[]).includes(a);

type Household = IncidentState['parties'][number];

export function HouseholdAddForm({
  incidentId,
  state,
  onAuthError,
  onDone,
  editing: live,
}: PanelProps & { onDone: (partyId: string | null) => void; editing?: Household }) {
  // The household as the form was opened on: what it shows, sends back and names its version by.
  // Colleagues' changes arriving live must not slip under what this manager typed.
  const [editing] = useState(live);
  const musters = [...state.sites].filter((s) => s.kind !== 'depot').sort((a, b) => Number(b.kind === 'muster') - Number(a.kind === 'muster'));
  const [h, setH] = useState(
    editing
      ? {
          ref: editing.id,
          name: editing.name,
          unit: editing.unit,
          siteId: editing.siteId,
          phone: editing.phone,
          pets: editing.needs.includes('pets'),
          notes: editing.notes,
        }
      : { ref: '', name: '', unit: '', siteId: musters[0]?.id ?? '', phone: '', pets: false, notes: '' },
  );
  const [guests, setGuests] = useState<GuestRow[]>(
    editing
      ? editing.guests.map((g) => ({ id: g.id, name: g.name, age: isAge(g.age) ? g.age : 'adult', needs: g.needs, waiting: g.whereabouts === 'waiting' }))
      : [blankGuest()],
  );
  const { busy, error, refuse, send, fieldProps, Err, textFields } = useOfferForm(onAuthError);
  const setGuest = (i: number, g: Partial<GuestRow>) => setGuests(guests.map((x, k) => (k === i ? { ...x, ...g } : x)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // A booking reference when none is typed: the first guest's surname and a number not yet used.
    const taken = new Set(state.parties.map((p) => p.id));
    const surname = guests[0]?.name.trim().split(/\s+/).pop() ?? '';
    let id = h.ref.trim();
    for (let n = 1; !id || (!h.ref.trim() && taken.has(id)); n++) id = `FOUND-${slug(surname).toUpperCase() || 'HH'}-${n}`;
    // New guests of a household being corrected: the next numbers its guests' ids do not use yet,
    // nor those of guests taken off in this correction (their timeline is theirs).
    const used = new Set([...guests.flatMap((g) => (g.id ? [g.id] : [])), ...(editing?.guests.map((g) => g.id) ?? [])]);
    let n = 0;
    const newId = () => {
      do n++;
      while (used.has(`${id}-${n}`));
      used.add(`${id}-${n}`);
      return `${id}-${n}`;
    };
    const household = {
      id,
      name: editing ? h.name : surname,
      unit: h.unit,
      siteId: h.siteId,
      // Needs the form does not show (any other household need) are kept as they were, in their order.
      needs:
        editing && h.pets === editing.needs.includes('pets')
          ? editing.needs
          : [...(editing?.needs ?? []).filter((x) => x !== 'pets'), ...(h.pets ? ['pets'] : [])],
      notes: h.notes,
      phone: h.phone,
      ...(editing ? { email: editing.email, ...(editing.language ? { language: editing.language } : {}) } : {}),
      guests: guests.map((g, i) => ({ id: editing ? (g.id ?? newId()) : `${id}-${i + 1}`, name: g.name, age: g.age, needs: g.needs })),
    };
    const checked = partySchema.safeParse(household);
    if (!checked.success) {
      // Adding, the household is named after its first guest: one error for that one field, not two.
      const found = zodFieldErrors(checked.error).map((f) => (f.path === 'name' && !editing ? { ...f, path: 'guests[0].name' } : f));
      return refuse(found.filter((f, i) => found.findIndex((x) => x.path === f.path) === i));
    }
    await send(
      (): Promise<{ partyId: string }> =>
        editing ? api.changeHousehold(incidentId, checked.data, householdVersion(editing)) : api.addHousehold(incidentId, checked.data),
      (r) => onDone(r.partyId),
    );
  };

  const text = textFields(h, setH);

  return (
    <section aria-labelledby="household-add-title" className="details">
      <button type="button" className="link" onClick={() => onDone(editing ? editing.id : null)}>
        {editing ? `← ${editing.name}` : '← All households'}
      </button>
      <h2 id="household-add-title">{editing ? `Correct ${editing.name}` : 'Add a household'}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid={editing ? 'household-edit-form' : 'household-add-form'}>
        {editing ? <div className="form-row">{text('name', 'name', 'Household name')}</div> : null}
        {guests.map((g, i) => (
          <fieldset key={i} className="guest-row" data-guest-row={i}>
            <legend>Guest {i + 1}</legend>
            <div className="form-row">
              <label className="field-compact grow">
                <span>Full name</span>
                <input type="text" value={g.name} onChange={(e) => setGuest(i, { name: e.target.value })} {...fieldProps(`guests[${i}].name`)} />
                <Err path={`guests[${i}].name`} />
              </label>
              <label className="field-compact">
                <span>Age</span>
                <select value={g.age} onChange={(e) => setGuest(i, { age: e.target.value as GuestAge })} {...fieldProps(`guests[${i}].age`)}>
                  {GUEST_AGES.map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </select>
                <Err path={`guests[${i}].age`} />
              </label>
            </div>
            <div className="form-row">
              {RULED_GUEST_NEEDS.map((n) => (
                <label key={n} className="check">
                  <input
                    type="checkbox"
                    checked={g.needs.includes(n)}
                    onChange={(e) => setGuest(i, { needs: e.target.checked ? [...g.needs, n] : g.needs.filter((x) => x !== n) })}
                  />
                  {needLabel(n)}
                </label>
              ))}
              {guests.length > 1 && g.waiting ? (
                <button type="button" className="link" onClick={() => setGuests(guests.filter((_, k) => k !== i))}>
                  Remove
                </button>
              ) : null}
            </div>
            <Err path={`guests[${i}].id`} />
          </fieldset>
        ))}
        <Err path="guests" />
        <button type="button" onClick={() => setGuests([...guests, blankGuest()])}>
          Add another guest
        </button>
        <div className="form-row">
          <label className="field-compact">
            <span>Muster point</span>
            <select value={h.siteId} onChange={(e) => setH({ ...h, siteId: e.target.value })} {...fieldProps('siteId')}>
              {musters.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <Err path="siteId" />
          </label>
          {text('unit', 'unit', 'Unit (optional)')}
        </div>
        <div className="form-row">
          {text('phone', 'phone', 'Phone (optional)', { inputMode: 'tel' })}
          <label className="check">
            <input type="checkbox" checked={h.pets} onChange={(e) => setH({ ...h, pets: e.target.checked })} />
            Pets with them
          </label>
        </div>
        {text('notes', 'notes', 'Notes (optional)')}
        {editing ? null : text('ref', 'id', 'Booking reference (optional)')}
        {error ? <ErrorNotice error={error} title="Not saved." paths="words" /> : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save changes' : 'Save household'}
        </button>
      </form>
    </section>
  );
}
