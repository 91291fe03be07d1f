/**
 * Roll call at a muster point, on a phone: everyone expected there (still waiting, or already
 * marked missing) with a big tick box each, and one button per household to tick it all (families
 * stand together: a marshal reading 250 names ticks 90 households); "Record roll call" marks
 * everyone not ticked missing (an exception on every console) and anyone ticked who was missing as
 * found. Opened either by a signed-in duty manager or, without a sign-in, through a roll-call link
 * a manager handed out.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import type { RollCallList } from '../../../shared/attention.js';
import { needLabel } from '../reception/model.js';
import { plural } from '../format.js';
import './rollcall.css';

/** Which roll call: a manager's (incident and site) or the one a handed-out link opens. */
export type RollCallSource = { incidentId: string; siteId: string } | { token: string };

export default function RollCallPage(props: RollCallSource) {
  const token = 'token' in props ? props.token : null;
  const incidentId = 'token' in props ? '' : props.incidentId;
  const siteId = 'token' in props ? '' : props.siteId;
  const [list, setList] = useState<RollCallList | null>(null);
  const [ticked, setTicked] = useState<ReadonlySet<string>>(() => new Set());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ missing: number; found: number } | null>(null);
  /** Marking many people missing at once asks once more (a second press on a page just recorded, a slip). */
  const [confirming, setConfirming] = useState(false);
  const load = useCallback(async () => {
    try {
      const l = token ? await api.rollCallListByLink(token) : await api.rollCallList(incidentId, siteId);
      setList(l);
      // Who was ticked present stays ticked: pressing again records the same count, not everyone missing.
      const here = new Set(l.households.flatMap((h) => h.guests.map((g) => g.id)));
      setTicked((t) => new Set([...t].filter((id) => here.has(id))));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [token, incidentId, siteId]);
  useEffect(() => {
    void load();
  }, [load]);
  // By surname, as a person reading names off a sheet expects.
  const households = useMemo(() => [...(list?.households ?? [])].sort((a, b) => a.name.localeCompare(b.name) || a.partyId.localeCompare(b.partyId)), [list]);
  const everyone = useMemo(() => households.flatMap((h) => h.guests), [households]);
  const toggle = (id: string) => {
    setConfirming(false);
    setTicked((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  };
  /** Tick a whole household present, or untick it when it all was. */
  const toggleHousehold = (ids: string[]) => {
    setConfirming(false);
    setTicked((s) => {
      const n = new Set(s);
      const all = ids.every((id) => n.has(id));
      for (const id of ids) {
        if (all) n.delete(id);
        else n.add(id);
      }
      return n;
    });
  };
  const notSeen = everyone.length - ticked.size;
  const submit = async () => {
    if (notSeen > Math.max(5, everyone.length / 2) && !confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    setBusy(true);
    try {
      const r = token ? await api.rollCallByLink(token, [...ticked]) : await api.rollCall(incidentId, siteId, [...ticked]);
      setResult({ missing: r.missing.length, found: r.found.length });
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (!list) return <main className="rollcall">{error ? <ErrorNotice error={error} /> : <p>Loading…</p>}</main>;
  return (
    <main className="rollcall" data-testid="rollcall">
      <h1>Roll call: {list.site.name}</h1>
      <p className="muted">
        {everyone.length} expected here · <strong data-testid="rollcall-ticked">{ticked.size}</strong> ticked present
      </p>
      {result ? (
        <p className="notice" role="status" data-testid="rollcall-result">
          Recorded: {result.missing} marked missing{result.found ? `, ${result.found} found` : ''}.
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {households.map((h) => {
        const ids = h.guests.map((g) => g.id);
        const allHere = ids.every((id) => ticked.has(id));
        return (
          <section key={h.partyId} className="rc-household" data-party-id={h.partyId}>
            <h2>
              {h.name} <span className="muted">{h.unit}</span>{' '}
              {h.phone ? (
                <a className="tel" href={`tel:${h.phone.replace(/[^+\d]/g, '')}`}>
                  Call
                </a>
              ) : null}
              {ids.length > 1 ? (
                <button type="button" className="rc-all" aria-pressed={allHere} onClick={() => toggleHousehold(ids)}>
                  {allHere ? 'Untick all' : `All ${ids.length} here`}
                </button>
              ) : null}
            </h2>
            {h.guests.map((g) => (
              <label key={g.id} className={`rc-guest${g.whereabouts === 'missing' ? ' missing' : ''}`} data-guest-id={g.id}>
                <input type="checkbox" checked={ticked.has(g.id)} onChange={() => toggle(g.id)} />
                <span>
                  {g.name}{' '}
                  <span className="muted">
                    {g.age}
                    {g.needs.length ? ` · ${g.needs.map(needLabel).join(', ')}` : ''}
                    {g.whereabouts === 'missing' ? ' · MISSING' : ''}
                  </span>
                </span>
              </label>
            ))}
          </section>
        );
      })}
      <div className="rc-bar">
        <button type="button" className="go" disabled={busy} onClick={() => void submit()} data-testid="rollcall-submit">
          {confirming ? `Confirm: mark ${plural(notSeen, 'person', 'people')} missing` : `Record roll call: ${notSeen} not seen`}
        </button>
        {confirming ? (
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            Back to ticking
          </button>
        ) : null}
      </div>
    </main>
  );
}
