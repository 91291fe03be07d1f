/**
 * Households: find anyone by any guest's name, the household's name, unit, pass code or phone;
 * filter by where they are, need (infants too), hotel, muster point and open exception. The list
 * is virtualised (only the rows in view are drawn), so every one of 10,000 households is reachable
 * by scrolling.
 */
import { useEffect, useMemo, useState, type RefObject } from 'react';
import { passUrls } from '../api.js';
import { EMPTY_FILTER, filterHouseholds, filterOptions, matchingGuests, type HouseholdFilter } from '../console/households.js';
import { needsOf } from '../../../shared/whereabouts.js';
import { humanize, plural } from '../format.js';
import type { PanelProps } from './SidePanel.js';
import { HouseholdDetails } from './HouseholdDetails.js';
import { HouseholdAddForm } from './HouseholdAddForm.js';
import { GuestListImport } from './GuestListImport.js';
import { VirtualList } from './VirtualList.js';
import { rollCallHref } from '../rollcall/route.js';
import { RollCallHandover } from './RollCallHandover.js';
import type { AttentionItem } from '../../../shared/attention.js';
import { WHEREABOUTS, WHEREABOUTS_LABEL } from '../../../shared/whereabouts.js';

const ROW_PX = 64;

export function HouseholdsPanel(props: PanelProps & { searchRef: RefObject<HTMLInputElement | null>; openItems: readonly AttentionItem[] }) {
  const { incidentId, state, lookup, sel, onSel, searchRef, openItems } = props;
  const [f, setF] = useState<HouseholdFilter>(EMPTY_FILTER);
  const flagged = useMemo(() => new Set(openItems.flatMap((i) => (i.partyId ? [i.partyId] : i.people.map((p) => p.partyId)))), [openItems]);
  const found = useMemo(() => filterHouseholds(state.parties, { ...f, siteId: sel.siteId }, flagged), [state.parties, f, sel.siteId, flagged]);
  const opts = useMemo(() => filterOptions(state.parties), [state.parties]);
  const open = sel.households ? lookup.party(sel.households) : undefined;
  const [adding, setAdding] = useState<'household' | 'list' | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  // A correction left by closing the household (Esc, another household) is not resumed on reopening it.
  const openId = open?.id;
  useEffect(() => {
    if (openId !== editing) setEditing(null);
  }, [openId, editing]);

  if (open && editing === open.id) return <HouseholdAddForm {...props} editing={open} onDone={() => setEditing(null)} />;
  if (open)
    return (
      <HouseholdDetails
        {...props}
        party={open}
        onEdit={() => setEditing(open.id)}
        openItems={openItems.filter((i) => i.partyId === open.id || i.people.some((p) => p.partyId === open.id))}
        onBack={() => onSel((s) => ({ ...s, households: null }))}
      />
    );

  if (adding === 'list') return <GuestListImport {...props} onDone={() => setAdding(null)} />;
  if (adding === 'household')
    return (
      <HouseholdAddForm
        {...props}
        onDone={(id) => {
          setAdding(null);
          if (id) onSel((s) => ({ ...s, households: id }));
        }}
      />
    );

  const site = sel.siteId ? lookup.site(sel.siteId) : undefined;
  return (
    <section aria-labelledby="households-title" className="households">
      <div className="panel-title">
        <h2 id="households-title">Households</h2>
        <button type="button" className="secondary" onClick={() => setAdding('list')}>
          Import a guest list
        </button>
        <button type="button" onClick={() => setAdding('household')}>
          Add a household
        </button>
      </div>
      <div className="filters">
        <label className="field-compact grow">
          <span>
            Search <kbd>/</kbd>
          </span>
          <input
            ref={searchRef}
            type="search"
            placeholder="Any guest's name, unit, pass code or phone"
            value={f.query}
            onChange={(e) => setF({ ...f, query: e.target.value })}
            data-testid="household-search"
          />
        </label>
        <label className="field-compact">
          <span>Where</span>
          <select value={f.where} onChange={(e) => setF({ ...f, where: e.target.value })} data-testid="filter-where">
            <option value="">Anywhere</option>
            {WHEREABOUTS.map((w) => (
              <option key={w} value={w}>
                {WHEREABOUTS_LABEL[w]}
              </option>
            ))}
            <option value="split">split household</option>
          </select>
        </label>
        <label className="field-compact">
          <span>Needs</span>
          <select value={f.need} onChange={(e) => setF({ ...f, need: e.target.value })} data-testid="filter-need">
            <option value="">Any</option>
            <option value="any">Any need</option>
            {[...new Set([...opts.needs, 'infant'])].sort().map((n) => (
              <option key={n} value={n}>
                {humanize(n)}
              </option>
            ))}
          </select>
        </label>
        <label className="field-compact">
          <span>Hotel</span>
          <select value={f.hotelId} onChange={(e) => setF({ ...f, hotelId: e.target.value })} data-testid="filter-hotel">
            <option value="">Any</option>
            <option value="none">No hotel</option>
            {state.hotels.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field-compact">
          <span>Muster point</span>
          <select value={sel.siteId} onChange={(e) => onSel((s) => ({ ...s, siteId: e.target.value }))} data-testid="filter-site">
            <option value="">Any</option>
            {state.sites
              .filter((s) => s.kind === 'muster')
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
          </select>
        </label>
        <label className="att-check">
          <input
            type="checkbox"
            checked={f.exception === 'open'}
            onChange={(e) => setF({ ...f, exception: e.target.checked ? 'open' : '' })}
            data-testid="filter-exception"
          />
          <span>Open exception</span>
        </label>
      </div>
      {site ? (
        <p className="chip-row">
          At <strong>{site.name}</strong>{' '}
          <button type="button" className="link" onClick={() => onSel((s) => ({ ...s, siteId: '' }))}>
            show all muster points
          </button>
          {' · '}
          <a href={rollCallHref(incidentId, site.id)} target="_blank" rel="noreferrer" data-testid="rollcall-link">
            Roll call (phone)
          </a>
          {' · '}
          <a href={passUrls.waitingAt(incidentId, site.id)} target="_blank" rel="noreferrer" data-testid="print-waiting">
            Print passes for everyone waiting here
          </a>
          {' · '}
          <a href={`#/incidents/${encodeURIComponent(incidentId)}/passes/${encodeURIComponent(site.id)}`}>Pass sheet</a>
        </p>
      ) : null}
      {site ? (
        <RollCallHandover key={site.id} incidentId={incidentId} siteId={site.id} timeZone={props.lookup.timeZone} onAuthError={props.onAuthError} />
      ) : null}
      <p className="muted" role="status" data-testid="household-count">
        {plural(found.length, 'household')}
      </p>
      <VirtualList items={found} rowHeight={ROW_PX} height={520} className="rows" testId="household-list" keyOf={(p) => p.id}>
        {(p) => {
          const needs = needsOf(p);
          const people = matchingGuests(p, f.query);
          return (
            <button type="button" className="row" data-party-id={p.id} onClick={() => onSel((s) => ({ ...s, households: p.id }))}>
              <span className="row-main">
                <strong>{p.name}</strong>{' '}
                <span className="muted">
                  {p.unit} · {p.size} · {p.passCode}
                </span>
              </span>
              <span className={`status-word st-${p.status === 'needs_help' ? 'needs_help' : (p.whereabouts?.state ?? p.status)}`}>
                {p.status === 'needs_help' ? `needs help · ${p.whereabouts?.label ?? 'waiting'}` : (p.whereabouts?.label ?? humanize(p.status))}
              </span>
              <span className="row-sub">
                {people.length && people.length < p.guests.length ? `${people.map((g) => `${g.name}: ${WHEREABOUTS_LABEL[g.whereabouts]}`).join('; ')} · ` : ''}
                {p.hotelId ? `→ ${lookup.name(p.hotelId)}` : 'no hotel yet'}
                {needs.length ? ` · needs: ${needs.map(humanize).join(', ')}` : ''}
                {flagged.has(p.id) ? ' · open exception' : ''}
              </span>
            </button>
          );
        }}
      </VirtualList>
    </section>
  );
}
