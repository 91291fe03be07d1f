/**
 * Start an incident from a `relocation-scenario/1` JSON file. The file is checked in the browser
 * with the same schema the server uses, so mistakes show with their JSON paths before upload; the
 * server's answer (including its own field errors) is shown the same way.
 */
import { useRef, useState, type FormEvent } from 'react';
import type { ImportResult } from '../../../shared/api.js';
import { scenarioSchema } from '../../../shared/scenario.js';
import { zodFieldErrors } from '../../../shared/errors.js';
import { api, ApiError } from '../api.js';
import { hrefFor } from '../route.js';
import { plural } from '../format.js';
import { ErrorNotice } from './ErrorNotice.js';
import { countOf } from '../../../shared/plural.js';

type Outcome = { status: 'idle' } | { status: 'busy' } | { status: 'error'; error: unknown } | { status: 'done'; result: ImportResult };

const MAX_BYTES = 20 * 1024 * 1024;

export function ImportScenario({ onImported }: { onImported: () => void }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [outcome, setOutcome] = useState<Outcome>({ status: 'idle' });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file) {
      setOutcome({ status: 'error', error: new Error('Choose a scenario file (.json) first.') });
      return;
    }
    if (file.size > MAX_BYTES) {
      setOutcome({ status: 'error', error: new Error('That file is larger than 20 MB; is it the right file?') });
      return;
    }
    setOutcome({ status: 'busy' });
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (err) {
      const detail = err instanceof Error ? ` (${err.message})` : '';
      setOutcome({ status: 'error', error: new Error(`That file is not valid JSON${detail}.`) });
      return;
    }
    const checked = scenarioSchema.safeParse(json);
    if (!checked.success) {
      const fields = zodFieldErrors(checked.error);
      setOutcome({
        status: 'error',
        error: new ApiError(400, 'validation', `The scenario has ${countOf(fields.length, 'problem')}; nothing was imported.`, fields),
      });
      return;
    }
    try {
      const result = await api.importScenario(json);
      setOutcome({ status: 'done', result });
      if (fileInput.current) fileInput.current.value = '';
      onImported();
    } catch (error) {
      setOutcome({ status: 'error', error });
    }
  };

  return (
    <section className="card import" aria-labelledby="import-title">
      <h2 id="import-title">Import a scenario</h2>
      <p className="muted">
        A <code>relocation-scenario/1</code> JSON file: muster points, households, hotels and vehicles.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <div className="field inline">
          <label htmlFor="scenario-file">Scenario file</label>
          <input id="scenario-file" ref={fileInput} type="file" accept="application/json,.json" onChange={() => setOutcome({ status: 'idle' })} />
          <button type="submit" disabled={outcome.status === 'busy'}>
            {outcome.status === 'busy' ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      {outcome.status === 'error' ? <ErrorNotice error={outcome.error} title="Import failed." /> : null}
      {outcome.status === 'done' ? (
        <p className="notice success" role="status">
          Imported {plural(outcome.result.counts.parties, 'household')} ({plural(outcome.result.counts.guests, 'guest')}),{' '}
          {plural(outcome.result.counts.hotels, 'hotel')}, {plural(outcome.result.counts.vehicles, 'vehicle')} and {plural(outcome.result.counts.sites, 'site')}
          . <a href={hrefFor({ page: 'incident', incidentId: outcome.result.incidentId })}>Open the incident</a>
        </p>
      ) : null}
    </section>
  );
}
