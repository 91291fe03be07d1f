/** The counters across the top, big enough to read at arm's length; each has a word, not just a colour. */
import { useMemo } from 'react';
import type { IncidentState, IncidentSummary } from '../../../shared/api.js';
import { computeCounters } from '../console/counters.js';
import { formatCount, formatMoneyMinor } from '../format.js';
import type { IncidentLive } from '../live/useIncidentLive.js';

interface Item {
  key: string;
  label: string;
  value: string;
  note?: string;
  tone?: 'good' | 'warn' | 'bad';
}

export function Counters({ state, summary, spend }: { state: IncidentState; summary: IncidentSummary; spend: IncidentLive['spend'] }) {
  const c = useMemo(() => computeCounters(state), [state]);
  const items: Item[] = [
    { key: 'households', label: 'Households', value: formatCount(summary.counts.households) },
    { key: 'guests', label: 'Guests', value: formatCount(summary.counts.guests) },
    { key: 'accounted', label: 'Accounted for', value: formatCount(c.accountedFor), note: `of ${formatCount(c.guests)}`, tone: c.accountedFor === c.guests ? 'good' : undefined },
    { key: 'waiting', label: 'Waiting', value: formatCount(c.waiting), note: c.needsHelp ? `${formatCount(c.needsHelp)} need help` : undefined, tone: c.needsHelp ? 'bad' : undefined },
    { key: 'on-road', label: 'On the road', value: formatCount(c.onTheRoad) },
    { key: 'checked-in', label: 'Checked in', value: formatCount(c.checkedIn) },
    { key: 'unplaced', label: 'Unplaced', value: formatCount(c.unplaced), tone: c.unplaced > 0 ? 'warn' : 'good', note: c.unplaced > 0 ? 'no hotel yet' : 'all placed' },
    { key: 'beds-free', label: 'Beds free', value: formatCount(c.bedsFree) },
    spend
      ? { key: 'spend', label: 'Spend so far', value: formatMoneyMinor(spend.totalMinor, spend.currency).replace(/\.00$/, ''), note: spend.pendingMinor ? `${formatMoneyMinor(spend.pendingMinor, spend.currency)} awaiting approval` : 'all approved', tone: spend.pendingMinor ? 'warn' : undefined }
      : { key: 'spend', label: 'Spend so far', value: '—', note: 'ledger not available' },
  ];
  return (
    <section className="counters" aria-label="Headline counts">
      {items.map((i) => (
        <div key={i.key} className={`counter stat${i.tone ? ` tone-${i.tone}` : ''}`} data-count={i.key} data-value={i.value}>
          <span className="stat-value">{i.value}</span>
          <span className="stat-label">{i.label}</span>
          {i.note ? <span className="stat-note">{i.note}</span> : null}
        </div>
      ))}
    </section>
  );
}
