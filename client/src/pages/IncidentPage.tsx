/** One incident: headline counts across the top, the live map below. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { IncidentState, IncidentSummary } from '../../../shared/api.js';
import { api } from '../api.js';
import { formatDateTime } from '../format.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { SummaryCards } from '../components/SummaryCards.js';
import { IncidentMap } from '../map/IncidentMap.js';
import { buildMarkers } from '../map/markers.js';

type Load = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; summary: IncidentSummary; state: IncidentState | null };

interface Props {
  incidentId: string;
  /** Only duty managers and admins may read the full state behind the map; insurers get the counts. */
  canSeeMap: boolean;
  onAuthError: (err: unknown) => void;
}

export function IncidentPage({ incidentId, canSeeMap, onAuthError }: Props) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });

  const fetchAll = useCallback(async () => {
    try {
      const [summary, state] = await Promise.all([api.summary(incidentId), canSeeMap ? api.state(incidentId) : Promise.resolve(null)]);
      setLoad({ status: 'ready', summary, state });
    } catch (error) {
      onAuthError(error);
      setLoad({ status: 'error', error });
    }
  }, [incidentId, canSeeMap, onAuthError]);

  useEffect(() => {
    void fetchAll();
  }, [fetchAll]);

  const markers = useMemo(() => (load.status === 'ready' && load.state ? buildMarkers(load.state) : []), [load]);

  if (load.status === 'loading') {
    return (
      <main className="page" aria-busy="true">
        <p>Loading the incident…</p>
      </main>
    );
  }
  if (load.status === 'error') {
    return (
      <main className="page">
        <p>
          <a href="#/">← All incidents</a>
        </p>
        <ErrorNotice error={load.error} title="Could not load this incident." />
        <button type="button" onClick={() => void fetchAll()}>
          Try again
        </button>
      </main>
    );
  }

  const { incident, counts } = load.summary;
  return (
    <main className="page incident-page">
      <p className="crumbs">
        <a href="#/">← All incidents</a>
      </p>
      <div className="incident-head">
        <h1>{incident.name}</h1>
        <p className="muted">
          Started {formatDateTime(incident.startedAt, incident.timezone)} · {incident.status === 'active' ? 'Active' : 'Closed'} · {incident.timezone}
        </p>
        <button type="button" className="secondary" onClick={() => void fetchAll()}>
          Refresh
        </button>
      </div>
      <SummaryCards counts={counts} />
      {load.state ? <IncidentMap markers={markers} /> : null}
    </main>
  );
}
