/**
 * The insurer's page for one incident: what happened (summary), spend so far by category, by
 * hotel and over time, whether the ledger's chain holds right now, and the exports to download
 * and verify. Read-only: nothing here changes the ledger.
 */
import { useCallback, useEffect, useState } from 'react';
import type { IncidentSummary } from '../../../shared/api.js';
import type { ChainCheck, ExportListItem, LedgerSummary } from '../../../shared/ledger.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { formatCount, formatDateTime, formatMoneyMinor, plural } from '../format.js';
import { insurerApi } from './insurer-api.js';
import { SpendBars } from './SpendByCategory.js';
import { SpendOverTime } from './SpendOverTime.js';
import { ExportsPanel } from './ExportsPanel.js';
import './insurer.css';

interface Loaded {
  incident: IncidentSummary;
  totals: LedgerSummary;
  chain: ChainCheck;
  exports: ExportListItem[];
}

export function InsurerPortal({ incidentId, onAuthError }: { incidentId: string; onAuthError: (err: unknown) => void }) {
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const [incident, totals, chain, list] = await Promise.all([
        insurerApi.incident(incidentId),
        insurerApi.totals(incidentId),
        insurerApi.chain(incidentId),
        insurerApi.exports(incidentId),
      ]);
      setData({ incident, totals, chain, exports: list.exports });
      setError(null);
    } catch (err) {
      setError(err);
      onAuthError(err);
    }
  }, [incidentId, onAuthError]);

  useEffect(() => {
    void load();
  }, [load]);

  if (error && !data)
    return (
      <main className="page">
        <ErrorNotice error={error} title="Could not load this incident." />
      </main>
    );
  if (!data)
    return (
      <main className="page" aria-busy="true">
        <p>Loading the incident's costs…</p>
      </main>
    );
  const { incident: s, totals: t, chain } = data;
  const cur = t.currency;
  return (
    <main className="page insurer-page">
      <p className="crumbs">
        <a href="#/">Incidents</a>
      </p>
      <h1>{s.incident.name}: costs</h1>
      <section className="card insurer-card insurer-facts">
        <dl>
          <dt>Started</dt>
          <dd>{formatDateTime(s.incident.startedAt, s.incident.timezone)}</dd>
          <dt>Households / guests</dt>
          <dd>
            {formatCount(s.counts.households)} / {formatCount(s.counts.guests)}
          </dd>
          <dt>Lodging posted</dt>
          <dd>
            {plural(t.households, 'household')}, {plural(t.guests, 'guest')}; {formatCount(t.householdNights)} household-nights, {formatCount(t.guestNights)}{' '}
            guest-nights <span className="muted">(a night is posted within 15 minutes of check-in, and at check-out)</span>
          </dd>
          <dt>Spend so far</dt>
          <dd className="insurer-total">{formatMoneyMinor(t.totalMinor, cur)}</dd>
          <dt>Awaiting approval</dt>
          <dd>
            {formatMoneyMinor(t.pendingMinor, cur)} ({plural(t.pendingCount, 'entry', 'entries')}, not in the total)
          </dd>
          <dt>Trips still running</dt>
          <dd data-testid="running-transport">
            {t.runningTransport.trips.length
              ? `${plural(t.runningTransport.trips.length, 'trip')} on the road, about ${formatMoneyMinor(t.runningTransport.estimatedMinor, cur)}; each is posted as it completes (not in the total yet)`
              : 'none: every completed trip is in the total'}
          </dd>
          <dt>Ledger</dt>
          <dd>
            {plural(t.lines, 'entry', 'entries')}; head #{t.headSeq} <code className="insurer-hash">{t.headHash}</code>
          </dd>
          <dt>Chain check now</dt>
          <dd className={chain.ok ? 'insurer-ok' : 'insurer-bad'}>
            {chain.ok
              ? `intact (${plural(chain.checked, 'entry', 'entries')} recomputed, ${plural(chain.receipts.checked, 'receipt photo')} re-hashed)`
              : `BROKEN at entry #${chain.firstBad?.seq} ${chain.firstBad?.id}: ${chain.firstBad?.reason}`}
          </dd>
        </dl>
      </section>
      <div className="insurer-grid">
        <SpendBars title="By category" rows={t.byCategory} currency={cur} />
        <SpendBars title="By hotel" rows={t.byHotel} currency={cur} />
      </div>
      <SpendOverTime rows={t.byNight} currency={cur} />
      <ExportsPanel
        incidentId={incidentId}
        currency={cur}
        timezone={s.incident.timezone}
        exports={data.exports}
        onChanged={() => void load()}
        onError={onAuthError}
      />
    </main>
  );
}
