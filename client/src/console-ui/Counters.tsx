/**
 * The counters across the top, big enough to read at arm's length; each has a word, not just a colour.
 * In replay `state` is the incident rolled back to the replay clock; what the event log cannot roll
 * back (spend, open exceptions) shows a dash saying so rather than today's value.
 */
import { useMemo } from 'react';
import type { IncidentState, IncidentSummary } from '../../../shared/api.js';
import { computeCounters } from '../console/counters.js';
import { formatCount, formatMoneyMinor } from '../format.js';
import type { IncidentLive } from '../live/useIncidentLive.js';
import { GLANCE_NEEDS, WHEREABOUTS_SHORT, type GlanceNeed } from '../../../shared/whereabouts.js';

interface Item {
  key: string;
  label: string;
  value: string;
  note?: string;
  tone?: 'good' | 'warn' | 'bad';
}

export function Counters({
  state,
  summary,
  spend,
  replaying,
}: {
  state: IncidentState;
  summary: IncidentSummary;
  spend: IncidentLive['spend'];
  replaying: boolean;
}) {
  const c = useMemo(() => computeCounters(state), [state]);
  const items: Item[] = [
    { key: 'households', label: 'Households', value: formatCount(replaying ? c.households : summary.counts.households) },
    { key: 'guests', label: 'Guests', value: formatCount(replaying ? c.guests : summary.counts.guests) },
    ...whereaboutsItems(state, c.needsHelp).map((i) => (replaying && i.key === 'needs-attention' ? NOT_REPLAYED(i) : i)),
    { key: 'beds-free', label: 'Beds free', value: formatCount(c.bedsFree), note: 'in rooms not yet given' },
    replaying
      ? NOT_REPLAYED({ key: 'spend', label: 'Spend so far', value: '' })
      : spend
        ? {
            key: 'spend',
            label: 'Spend so far',
            value: formatMoneyMinor(spend.totalMinor, spend.currency).replace(/\.00$/, ''),
            note: spend.pendingMinor ? `${formatMoneyMinor(spend.pendingMinor, spend.currency)} awaiting approval` : 'all approved',
            tone: spend.pendingMinor ? 'warn' : undefined,
          }
        : { key: 'spend', label: 'Spend so far', value: '—', note: 'ledger not available' },
  ];
  const g = state.guestCounts;
  const sum = g ? Object.values(g.byWhereabouts).reduce((a, b) => a + b, 0) : 0;
  return (
    <>
      <section
        className="counters"
        aria-label={replaying ? 'Headline counts at the replay clock' : 'Headline counts'}
        data-replaying={replaying ? 'yes' : 'no'}
        data-total={g?.total ?? ''}
        data-sum={sum}
      >
        {items.map((i) => (
          <div
            key={i.key}
            className={`counter stat${i.tone ? ` tone-${i.tone}` : ''}`}
            data-count={i.key}
            data-value={i.value}
            // Narrow screens cut a long label or note short: the whole of it on hover.
            title={i.note ? `${i.label}: ${i.note}` : i.label}
          >
            <span className="stat-value">{i.value}</span>
            <span className="stat-label">{i.label}</span>
            {i.note ? <span className="stat-note">{i.note}</span> : null}
          </div>
        ))}
      </section>
      {state.needs ? <NeedsGlance needs={state.needs} /> : null}
    </>
  );
}

/** A counter the event log cannot roll back: a dash, never today's figure presented as the past. */
function NOT_REPLAYED(i: Item): Item {
  return { key: i.key, label: i.label, value: '—', note: 'live only, not replayed' };
}

/** Every person once, by where they are (the values sum to the guest total), then what cuts across. */
function whereaboutsItems(state: IncidentState, needsHelp: number): Item[] {
  const g = state.guestCounts;
  if (!g) return [];
  const w = g.byWhereabouts;
  const safe = w.checked_in + w.checked_out + w.own_way;
  const items: Item[] = [
    { key: 'accounted', label: 'Safe', value: formatCount(safe), note: `of ${formatCount(g.total)}`, tone: safe === g.total ? 'good' : undefined },
    {
      key: 'waiting',
      label: WHEREABOUTS_SHORT.waiting,
      value: formatCount(w.waiting),
      note: needsHelp ? `${formatCount(needsHelp)} need help` : undefined,
      tone: needsHelp ? 'bad' : undefined,
    },
    { key: 'on-road', label: WHEREABOUTS_SHORT.aboard, value: formatCount(w.aboard) },
    { key: 'arrived', label: WHEREABOUTS_SHORT.arrived, value: formatCount(w.arrived), note: 'not checked in' },
    { key: 'checked-in', label: WHEREABOUTS_SHORT.checked_in, value: formatCount(w.checked_in) },
  ];
  for (const k of ['own_way', 'checked_out', 'no_show', 'missing'] as const) {
    if (w[k] || k === 'missing')
      items.push({ key: k.replace('_', '-'), label: WHEREABOUTS_SHORT[k], value: formatCount(w[k]), tone: k === 'missing' && w[k] ? 'bad' : undefined });
  }
  items.push({
    key: 'unplaced',
    label: 'Unplaced',
    value: formatCount(g.unplaced),
    tone: g.unplaced > 0 ? 'warn' : 'good',
    note: g.unplaced > 0 ? 'no hotel yet' : 'all placed',
  });
  items.push({
    key: 'needs-attention',
    label: 'Needs attention',
    value: formatCount(g.needsAttention),
    tone: g.needsAttention ? 'bad' : 'good',
    note: 'guests in open exceptions',
  });
  return items;
}

const NEED_LABEL: Record<GlanceNeed, string> = { wheelchair: 'Wheelchair users', medical: 'Medical', infant: 'Infants', pets: 'Households with pets' };

/** Needs at a glance: how many, how many placed, on the road, safe. */
function NeedsGlance({ needs }: { needs: IncidentState['needs'] }) {
  return (
    <table className="needs-glance" aria-label="Needs at a glance" data-testid="needs-glance">
      <thead>
        <tr>
          <th scope="col">Needs</th>
          <th scope="col">Total</th>
          <th scope="col">Placed</th>
          <th scope="col">On the road</th>
          <th scope="col">Safe</th>
        </tr>
      </thead>
      <tbody>
        {GLANCE_NEEDS.map((k) => (
          <tr key={k} data-need={k}>
            <th scope="row">{NEED_LABEL[k]}</th>
            <td>{formatCount(needs[k].total)}</td>
            <td>{formatCount(needs[k].placed)}</td>
            <td>{formatCount(needs[k].onTheRoad)}</td>
            <td className={needs[k].safe === needs[k].total ? 'tone-good' : undefined}>{formatCount(needs[k].safe)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
