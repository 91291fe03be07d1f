/** Households: search by name, unit or pass code; filter by status, need and muster point; open one. */
import { useMemo, useState, type RefObject } from 'react';
import { EMPTY_FILTER, filterHouseholds, filterOptions, needsOf, type HouseholdFilter } from '../console/households.js';
import { humanize, plural } from '../format.js';
import type { PanelProps } from './SidePanel.js';
import { HouseholdDetails } from './HouseholdDetails.js';

const SHOWN = 150;

export function HouseholdsPanel(props: PanelProps & { searchRef: RefObject<HTMLInputElement | null> }) {
  const { state, lookup, sel, onSel, searchRef } = props;
  const [f, setF] = useState<HouseholdFilter>(EMPTY_FILTER);
  const found = useMemo(() => filterHouseholds(state.parties, { ...f, siteId: sel.siteId }), [state.parties, f, sel.siteId]);
  const opts = useMemo(() => filterOptions(state.parties), [state.parties]);
  const open = sel.households ? lookup.party(sel.households) : undefined;

  if (open) return <HouseholdDetails {...props} party={open} onBack={() => onSel((s) => ({ ...s, households: null }))} />;

  const site = sel.siteId ? lookup.site(sel.siteId) : undefined;
  return (
    <section aria-labelledby="households-title">
      <h2 id="households-title">Households</h2>
      <div className="filters">
        <label className="field-compact grow">
          <span>Search <kbd>/</kbd></span>
          <input ref={searchRef} type="search" placeholder="Name, unit or pass code" value={f.query} onChange={(e) => setF({ ...f, query: e.target.value })} data-testid="household-search" />
        </label>
        <label className="field-compact">
          <span>Status</span>
          <select value={f.status} onChange={(e) => setF({ ...f, status: e.target.value })}>
            <option value="">Any</option>
            {opts.statuses.map((s) => <option key={s} value={s}>{humanize(s)}</option>)}
          </select>
        </label>
        <label className="field-compact">
          <span>Needs</span>
          <select value={f.need} onChange={(e) => setF({ ...f, need: e.target.value })}>
            <option value="">Any</option>
            <option value="any">Any need</option>
            {opts.needs.map((n) => <option key={n} value={n}>{humanize(n)}</option>)}
          </select>
        </label>
      </div>
      {site ? (
        <p className="chip-row">
          At <strong>{site.name}</strong>{' '}
          <button type="button" className="link" onClick={() => onSel((s) => ({ ...s, siteId: '' }))}>show all muster points</button>
        </p>
      ) : null}
      <p className="muted" role="status" data-testid="household-count">{plural(found.length, 'household')}{found.length > SHOWN ? `, first ${SHOWN} shown` : ''}</p>
      <ul className="rows">
        {found.slice(0, SHOWN).map((p) => {
          const needs = needsOf(p);
          return (
            <li key={p.id}>
              <button type="button" className="row" data-party-id={p.id} onClick={() => onSel((s) => ({ ...s, households: p.id }))}>
                <span className="row-main">
                  <strong>{p.name}</strong> <span className="muted">{p.unit} · {p.size} · {p.passCode}</span>
                </span>
                <span className={`status-word st-${p.status}`}>{humanize(p.status)}</span>
                <span className="row-sub">
                  {p.hotelId ? `→ ${lookup.name(p.hotelId)}` : 'no hotel yet'}
                  {needs.length ? ` · needs: ${needs.map(humanize).join(', ')}` : ''}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
