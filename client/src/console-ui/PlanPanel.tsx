/**
 * Plan: Compute -> metrics and what changes (newly placed, moved, losing their place with the
 * reason, new vehicle or time) -> adjust by dragging a household onto a hotel, or "Move to…" ->
 * Apply. A refusal because someone else changed things is shown in plain words with "Compute again".
 */
import { householdLabel } from '../console/households.js';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import type { AttentionState } from '../live/useAttention.js';
import { groupDiff, guestsPerHotel } from '../console/diff-groups.js';
import { outdone, savingInAll } from '../console/alternatives.js';
import { formatDateTime, formatMoneyMinor, formatTime, plural } from '../format.js';
import type { PlanWork } from '../live/usePlan.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import type { PanelProps } from './SidePanel.js';
import { MoveRow } from './MoveRow.js';
import { FieldProblem } from '../components/Notices.js';

const PER_GROUP = 60;

/**
 * The incident's cost tolerance of the "fastest within N%" plan: saved with the incident's
 * settings, used by the next Compute.
 */
function ToleranceField({ att, disabled }: { att: AttentionState; disabled: boolean }) {
  const saved = att.settings?.costTolerancePct;
  const [value, setValue] = useState(saved === undefined ? '' : String(saved));
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (saved !== undefined) setValue(String(saved));
  }, [saved]);
  if (saved === undefined) return null;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    setDone(false);
    try {
      await att.saveSettings({ costTolerancePct: value.trim() === '' ? Number.NaN : Number(value) });
      setDone(true);
    } catch (err) {
      setProblem(
        err instanceof ApiError && err.fields.length ? err.fields.map((f) => f.message).join('; ') : err instanceof Error ? err.message : 'Could not save.',
      );
    }
  };
  return (
    <form className="plan-tolerance" onSubmit={(e) => void save(e)} aria-label="Cost tolerance">
      <label className="field-compact">
        <span>Fastest plan may cost up to (% over the cheapest)</span>
        <input
          type="number"
          min={0}
          max={100}
          step="any"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setDone(false);
          }}
          disabled={disabled}
        />
      </label>
      <button type="submit" className="secondary small" disabled={disabled || value === String(saved)}>
        Save
      </button>
      {done ? (
        <span className="muted small-text" role="status">
          Saved: the next Compute uses {saved}%.
        </span>
      ) : null}
      <FieldProblem problem={problem} />
    </form>
  );
}

export function PlanPanel({ state, lookup, plan, att }: PanelProps & { plan: PlanWork; att: AttentionState }) {
  const { view, status } = plan;
  const [dragOver, setDragOver] = useState<string | null>(null);
  const [find, setFind] = useState('');
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  const partyRow = useMemo(() => new Map(state.parties.map((p) => [p.id, householdLabel(p)])), [state.parties]);
  const tz = state.incident.timezone;
  const groups = useMemo(
    () =>
      view
        ? groupDiff(
            view.diff,
            { party: (id) => partyRow.get(id) ?? lookup.name(id), hotel: lookup.name, time: (iso) => formatTime(iso, tz) },
            view.plan.unassigned,
          )
        : [],
    [view, lookup, partyRow, tz],
  );
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
    <section
      aria-labelledby="plan-title"
      data-plan-id={view?.id ?? ''}
      data-compute-ms={plan.computeMs ?? ''}
      data-plan-status={plan.applied ? 'applied' : view ? 'proposed' : 'none'}
      aria-busy={busy}
    >
      <div className="panel-title">
        <h2 id="plan-title">Plan</h2>
        <button type="button" onClick={() => void plan.compute()} disabled={busy}>
          {status === 'computing' ? 'Computing…' : view ? 'Compute again' : 'Compute plan'} <kbd>p</kbd>
        </button>
        <button type="button" className="go" onClick={() => void plan.apply()} disabled={!view || busy || !!plan.applied}>
          {status === 'applying' ? 'Applying…' : 'Apply'} <kbd>a</kbd>
        </button>
      </div>
      {plan.hint ? (
        <p className="notice info" role="status" data-testid="plan-hint">
          {plan.hint}
        </p>
      ) : null}
      {plan.conflict ? (
        <div className="notice error" role="alert" data-testid="plan-conflict">
          <strong>Not applied: someone changed things first. </strong>
          <span>{plan.conflict.message}</span>
          <div>
            <button type="button" onClick={() => void plan.compute()} disabled={busy}>
              Compute again
            </button>
          </div>
        </div>
      ) : null}
      {plan.error ? <ErrorNotice error={plan.error} title={status === 'idle' ? 'Could not do that.' : undefined} /> : null}
      {plan.applied ? (
        <p className="notice success" role="status" data-testid="plan-applied">
          Applied. Households have their hotels and vehicles; watch the hotels fill on the map.
        </p>
      ) : null}
      <ToleranceField att={att} disabled={busy} />
      {!view ? (
        <p className="muted">
          Press <strong>Compute plan</strong> (or <kbd>p</kbd>) for a complete proposal: every household to a hotel and onto a vehicle. Nothing changes until
          you apply it.
        </p>
      ) : null}
      {view && m ? (
        <>
          {view.stale && !plan.applied ? (
            <p className="notice info">The situation has changed since this plan was computed; applying will be refused. Compute again.</p>
          ) : null}
          {view.alternatives && view.alternatives.length > 1 ? (
            <fieldset className="plan-choice" data-testid="plan-alternatives" disabled={busy || !!plan.applied}>
              <legend>Choose the plan to apply</legend>
              {view.alternatives.map((alt) => (
                <label key={alt.id} data-objective={alt.objective} className={alt.id === view.id ? 'chosen' : ''}>
                  <input type="radio" name="plan-alternative" checked={alt.id === view.id} onChange={() => void plan.choose(alt.id)} />
                  <strong>{alt.label}:</strong> {formatMoneyMinor(alt.totalMinor, cur)}{' '}
                  <span className="muted small-text">
                    ({formatMoneyMinor(alt.roomCostMinorPerNight, cur)} rooms a night + {formatMoneyMinor(alt.transportCostMinor, cur)} transport)
                  </span>
                  , {(m.peopleUnassigned ?? 0) > 0 ? 'all placed guests' : 'everyone'} in bed by{' '}
                  <strong>{alt.lastArrivalAt ? formatTime(alt.lastArrivalAt, state.incident.timezone) : '—'}</strong>
                  {alt.vulnerableLastArrivalAt ? (
                    <span className="muted small-text"> (vulnerable guests by {formatTime(alt.vulnerableLastArrivalAt, state.incident.timezone)})</span>
                  ) : null}
                  {savingInAll(alt, view.alternatives!) > 0 ? (
                    <span className="small-text" data-testid="saving-in-all">
                      {' '}
                      — {formatMoneyMinor(savingInAll(alt, view.alternatives!), cur)} less in all than the cheapest rooms: its trips cost less
                    </span>
                  ) : null}
                  {outdone(alt, view.alternatives!) ? (
                    <span className="small-text warn-text" data-testid="outdone">
                      {' '}
                      — the other plan costs no more in all and lands no later: no reason to choose this one
                    </span>
                  ) : null}
                </label>
              ))}
            </fieldset>
          ) : null}
          <dl className="metrics" data-testid="plan-metrics">
            <div>
              <dt>Housed</dt>
              <dd>{plural(m.peopleHoused ?? 0, 'person', 'people')}</dd>
            </div>
            <div>
              <dt>Not placed</dt>
              <dd className={(m.peopleUnassigned ?? 0) > 0 ? 'warn-text' : ''}>{plural(m.peopleUnassigned ?? 0, 'person', 'people')}</dd>
            </div>
            <div>
              <dt>Rooms a night</dt>
              <dd>{formatMoneyMinor(m.roomCostMinorPerNight ?? 0, cur)}</dd>
            </div>
            <div>
              <dt>Transport</dt>
              <dd>{formatMoneyMinor(m.transportCostMinor ?? 0, cur)}</dd>
            </div>
            <div>
              <dt>Last arrival</dt>
              <dd>{m.lastArrivalAt ? formatDateTime(m.lastArrivalAt, state.incident.timezone) : '—'}</dd>
            </div>
            <div>
              <dt>Solved in</dt>
              <dd>
                {m.solveMs ?? '?'} ms{plan.computeMs !== null ? ` (${plan.computeMs} ms here)` : ''}
              </dd>
            </div>
          </dl>
          <p className="muted small-text">
            {plural(view.diff.unchanged, 'household')} unchanged · {plural(view.plan.trips.length, 'trip')}
          </p>
          {groups.map((g) => (
            <details key={g.key} open={g.lines.length > 0 && g.lines.length <= 30} className="diff-group" data-group={g.key}>
              <summary>
                {g.title} ({g.lines.length})
              </summary>
              <ul className="rows">
                {(expanded[g.key] ? g.lines : g.lines.slice(0, PER_GROUP)).map((l) => (
                  <MoveRow
                    key={l.partyId}
                    partyId={l.partyId}
                    name={l.partyName}
                    text={l.text}
                    hotels={hotels}
                    vehicles={state.vehicles}
                    currentHotel={hotelOf.get(l.partyId) ?? null}
                    disabled={busy}
                    onMove={move}
                  />
                ))}
              </ul>
              {g.lines.length > PER_GROUP && !expanded[g.key] ? (
                <button type="button" className="link" onClick={() => setExpanded({ ...expanded, [g.key]: true })}>
                  Show all {g.lines.length}
                </button>
              ) : null}
            </details>
          ))}
          <label className="field-compact">
            <span>Find any household to move</span>
            <input type="search" value={find} onChange={(e) => setFind(e.target.value)} placeholder="Name or pass code" />
          </label>
          <ul className="rows">
            {found.map((p) => (
              <MoveRow
                key={p.id}
                partyId={p.id}
                name={p.name}
                text={hotelOf.get(p.id) ? `in this plan: ${lookup.name(hotelOf.get(p.id))}` : 'not placed in this plan'}
                hotels={hotels}
                vehicles={state.vehicles}
                currentHotel={hotelOf.get(p.id) ?? null}
                disabled={busy}
                onMove={move}
              />
            ))}
          </ul>
          <h3>
            Hotels in this plan <span className="muted small-text">(drop a household here)</span>
          </h3>
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
                <strong>{h.name}</strong>{' '}
                <span className="muted">
                  {plural(perHotel.get(h.id) ?? 0, 'guest')} of {plural(h.bedsOffered, 'bed')}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
