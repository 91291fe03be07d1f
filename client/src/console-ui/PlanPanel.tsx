/**
 * Plan: Compute -> metrics and what changes (newly placed, moved, losing their place with the
 * reason, new vehicle or time) -> adjust by dragging a household onto a hotel, or "Move to…" ->
 * Apply. A refusal because someone else changed things is shown in plain words with "Compute again".
 */
import { useMemo, useState } from 'react';
import { groupDiff, guestsPerHotel } from '../console/diff-groups.js';
import { formatCount, formatDateTime, formatMoneyMinor } from '../format.js';
import type { PlanWork } from '../live/usePlan.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import type { PanelProps } from './SidePanel.js';
import { MoveRow } from './MoveRow.js';

const PER_GROUP = 60;

export function PlanPanel({ state, lookup, plan }: PanelProps & { plan: PlanWork }) {
  const { view, status } = plan;
  const [dragOver, setDragOver] = useState<string | null>(null);
  const [find, setFind] = useState('');
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  const groups = useMemo(() => (view ? groupDiff(view.diff, { party: lookup.name, hotel: lookup.name }) : []), [view, lookup]);
  const perHotel = useMemo(() => (view ? guestsPerHotel(view.plan.stays, lookup.sizeOf) : new Map<string, number>()), [view, lookup]);
  const hotelOf = useMemo(() => new Map(view?.plan.stays.map((s) => [s.partyId, s.hotelId]) ?? []), [view]);
  const found = useMemo(() => {
    const q = find.trim().toLowerCase();
    if (!q || !view) return [];
    return state.parties.filter((p) => p.name.toLowerCase().includes(q) || p.passCode.toLowerCase() === q).slice(0, 15);
  }, [find, view, state.parties]);
  const move = (partyId: string, target: string) => {
    const [kind, id] = [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
    void plan.move(kind === 'hotel' ? { partyId, hotelId: id } : { partyId, vehicleId: id });
  };
  const m = view?.plan.metrics;
  const cur = state.incident.currency;
  const busy = status !== 'idle';
  const hotels = [...state.hotels].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <section aria-labelledby="plan-title" data-plan-id={view?.id ?? ''} data-compute-ms={plan.computeMs ?? ''} data-plan-status={plan.applied ? 'applied' : view ? 'proposed' : 'none'} aria-busy={busy}>
      <div className="panel-title">
        <h2 id="plan-title">Plan</h2>
        <button type="button" onClick={() => void plan.compute()} disabled={busy}>{status === 'computing' ? 'Computing…' : view ? 'Compute again' : 'Compute plan'} <kbd>p</kbd></button>
        <button type="button" className="go" onClick={() => void plan.apply()} disabled={!view || busy || !!plan.applied}>{status === 'applying' ? 'Applying…' : 'Apply'} <kbd>a</kbd></button>
      </div>
      {plan.conflict ? (
        <div className="notice error" role="alert" data-testid="plan-conflict">
          <strong>Not applied: someone changed things first. </strong>
          <span>{plan.conflict.message}</span>
          <div><button type="button" onClick={() => void plan.compute()} disabled={busy}>Compute again</button></div>
        </div>
      ) : null}
      {plan.error ? <ErrorNotice error={plan.error} title={status === 'idle' ? 'Could not do that.' : undefined} /> : null}
      {plan.applied ? <p className="notice success" role="status" data-testid="plan-applied">Applied. Households have their hotels and vehicles; watch the hotels fill on the map.</p> : null}
      {!view ? <p className="muted">Press <strong>Compute plan</strong> (or <kbd>p</kbd>) for a complete proposal: every household to a hotel and onto a vehicle. Nothing changes until you apply it.</p> : null}
      {view && m ? (
        <>
          {view.stale && !plan.applied ? <p className="notice info">The situation has changed since this plan was computed; applying will be refused. Compute again.</p> : null}
          <dl className="metrics" data-testid="plan-metrics">
            <div><dt>Housed</dt><dd>{formatCount(m.peopleHoused ?? 0)} people</dd></div>
            <div><dt>Not placed</dt><dd className={(m.peopleUnassigned ?? 0) > 0 ? 'warn-text' : ''}>{formatCount(m.peopleUnassigned ?? 0)} people</dd></div>
            <div><dt>Rooms a night</dt><dd>{formatMoneyMinor(m.roomCostMinorPerNight ?? 0, cur)}</dd></div>
            <div><dt>Transport</dt><dd>{formatMoneyMinor(m.transportCostMinor ?? 0, cur)}</dd></div>
            <div><dt>Last arrival</dt><dd>{m.lastArrivalAt ? formatDateTime(m.lastArrivalAt, state.incident.timezone) : '—'}</dd></div>
            <div><dt>Solved in</dt><dd>{m.solveMs ?? '?'} ms{plan.computeMs !== null ? ` (${plan.computeMs} ms here)` : ''}</dd></div>
          </dl>
          <p className="muted small-text">{formatCount(view.diff.unchanged)} households unchanged · {view.plan.trips.length} trips</p>
          {groups.map((g) => (
            <details key={g.key} open={g.lines.length > 0 && g.lines.length <= 30} className="diff-group" data-group={g.key}>
              <summary>{g.title} ({g.lines.length})</summary>
              <ul className="rows">
                {(expanded[g.key] ? g.lines : g.lines.slice(0, PER_GROUP)).map((l) => (
                  <MoveRow key={l.partyId} partyId={l.partyId} name={l.partyName} text={l.text} hotels={hotels} vehicles={state.vehicles} currentHotel={hotelOf.get(l.partyId) ?? null} disabled={busy} onMove={move} />
                ))}
              </ul>
              {g.lines.length > PER_GROUP && !expanded[g.key] ? <button type="button" className="link" onClick={() => setExpanded({ ...expanded, [g.key]: true })}>Show all {g.lines.length}</button> : null}
            </details>
          ))}
          <label className="field-compact">
            <span>Find any household to move</span>
            <input type="search" value={find} onChange={(e) => setFind(e.target.value)} placeholder="Name or pass code" />
          </label>
          <ul className="rows">
            {found.map((p) => (
              <MoveRow key={p.id} partyId={p.id} name={p.name} text={hotelOf.get(p.id) ? `in this plan: ${lookup.name(hotelOf.get(p.id))}` : 'not placed in this plan'} hotels={hotels} vehicles={state.vehicles} currentHotel={hotelOf.get(p.id) ?? null} disabled={busy} onMove={move} />
            ))}
          </ul>
          <h3>Hotels in this plan <span className="muted small-text">(drop a household here)</span></h3>
          <ul className="drop-list" aria-label="Hotels: drop a household on one to move it there">
            {hotels.map((h) => (
              <li
                key={h.id}
                className={dragOver === h.id ? 'drop over' : 'drop'}
                data-drop-hotel={h.id}
                onDragOver={(e) => {
                  e.preventDefault();
                  setDragOver(h.id);
                }}
                onDragLeave={() => setDragOver(null)}
                onDrop={(e) => {
                  e.preventDefault();
                  setDragOver(null);
                  const partyId = e.dataTransfer.getData('text/plain');
                  if (partyId) move(partyId, `hotel:${h.id}`);
                }}
              >
                <strong>{h.name}</strong> <span className="muted">{formatCount(perHotel.get(h.id) ?? 0)} guests of {formatCount(h.bedsOffered)} beds</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
