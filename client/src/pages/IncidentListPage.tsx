/** Incidents this user may see, newest first, each a link to its console page; plus declaring one and scenario import. */
import { useCallback, useEffect, useState } from 'react';
import type { IncidentListItem, UserView } from '../../../shared/api.js';
import { api } from '../api.js';
import { formatCount, formatDateTime } from '../format.js';
import { hrefFor } from '../route.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { DeclareIncident } from '../components/DeclareIncident.js';
import { ImportScenario } from '../components/ImportScenario.js';

type Load = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; incidents: IncidentListItem[] };

export function IncidentListPage({ user, onAuthError }: { user: UserView; onAuthError: (err: unknown) => void }) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const { incidents } = await api.incidents();
      const sorted = [...incidents].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
      setLoad({ status: 'ready', incidents: sorted });
    } catch (error) {
      onAuthError(error);
      setLoad({ status: 'error', error });
    }
  }, [onAuthError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const canImport = user.role === 'admin' || user.role === 'duty_manager';

  return (
    <main className="page">
      <h1>Incidents</h1>
      {load.status === 'loading' ? <p aria-busy="true">Loading incidents…</p> : null}
      {load.status === 'error' ? <ErrorNotice error={load.error} title="Could not load incidents." /> : null}
      {load.status === 'ready' && load.incidents.length === 0 ? (
        <p className="notice info">
          No incidents yet.{canImport ? ' Declare one below (a name and a muster point are enough to start), or import a scenario file.' : ''}
        </p>
      ) : null}
      {load.status === 'ready' && load.incidents.length > 0 ? (
        <table className="incident-table">
          <caption className="visually-hidden">Incidents you can open</caption>
          <thead>
            <tr>
              <th scope="col">Incident</th>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Households
              </th>
              <th scope="col" className="num">
                Guests
              </th>
            </tr>
          </thead>
          <tbody>
            {load.incidents.map((inc) => (
              <tr key={inc.id} data-incident-id={inc.id}>
                <td>
                  <a href={hrefFor({ page: 'incident', incidentId: inc.id })}>{inc.name}</a>
                </td>
                <td>{formatDateTime(inc.startedAt, inc.timezone)}</td>
                <td>
                  <span className={`status status-${inc.status}`}>{inc.status === 'active' ? 'Active' : 'Closed'}</span>
                </td>
                <td className="num">{formatCount(inc.households)}</td>
                <td className="num">{formatCount(inc.guests)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {canImport ? (
        <>
          <DeclareIncident onDeclared={() => void refresh()} onAuthError={onAuthError} />
          <ImportScenario onImported={() => void refresh()} />
        </>
      ) : null}
    </main>
  );
}
