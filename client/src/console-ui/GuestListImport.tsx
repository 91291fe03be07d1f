/**
 * Import a guest list as the park's booking system exports it (one row per guest; rows sharing a
 * booking reference are one household) into the incident open in the console. The server checks
 * the whole file first: every bad row is listed by its line, and nothing is added until the file
 * is clean. Households already in the incident are refused by booking reference, never replaced.
 * Every console hears of the new households at once; the next plan houses them.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { countOf } from '../../../shared/plural.js';
import type { PanelProps } from './SidePanel.js';

/** The booking system's columns, as the README lists them. */
const COLUMNS = 'booking_ref, unit, guest_name, age_group, needs, phone, email, pets, notes, muster_point';
const MAX_BYTES = 5 * 1024 * 1024;

type Outcome = { status: 'idle' } | { status: 'busy' } | { status: 'error'; error: unknown } | { status: 'done'; parties: number; guests: number };

export function GuestListImport({ incidentId, state, onAuthError, onDone }: PanelProps & { onDone: () => void }) {
  const file = useRef<HTMLInputElement>(null);
  const [outcome, setOutcome] = useState<Outcome>({ status: 'idle' });
  const musters = state.sites.filter((s) => s.kind === 'muster').map((s) => s.name);
  // The answer is shown where the eye is: scrolled into view under the button.
  const answer = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome.status === 'error' || outcome.status === 'done') answer.current?.scrollIntoView({ block: 'nearest' });
  }, [outcome]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) return setOutcome({ status: 'error', error: new Error('Choose the guest list file (.csv) first.') });
    if (chosen.size > MAX_BYTES) return setOutcome({ status: 'error', error: new Error('That file is larger than 5 MB; is it the guest list?') });
    const text = await chosen.text();
    if (!text.trim()) return setOutcome({ status: 'error', error: new Error('That file is empty.') });
    setOutcome({ status: 'busy' });
    try {
      const added = await api.importGuestList(incidentId, text);
      setOutcome({ status: 'done', ...added });
      if (file.current) file.current.value = '';
    } catch (error) {
      onAuthError(error);
      setOutcome({ status: 'error', error });
    }
  };

  return (
    <section aria-labelledby="guest-list-title" className="details">
      <button type="button" className="link" onClick={onDone}>
        ← All households
      </button>
      <h2 id="guest-list-title">Import a guest list</h2>
      <p className="muted">A CSV file from the booking system, one row per guest; rows with the same booking reference are one household.</p>
      <details className="muted">
        <summary>What the file holds</summary>
        <p>
          Columns: <code>{COLUMNS}</code>. Needs are separated by <code>;</code> (for example <code>wheelchair;medical</code>), pets is yes or no, and the
          muster point is its name{musters.length ? ` (${musters.join(', ')})` : ''}, the first when left empty.
        </p>
      </details>
      <form onSubmit={(e) => void submit(e)} data-testid="guest-list-form">
        <div className="field">
          <label htmlFor="guest-list-file">Guest list</label>
          <input id="guest-list-file" ref={file} type="file" accept=".csv,text/csv" onChange={() => setOutcome({ status: 'idle' })} />
        </div>
        <button type="submit" disabled={outcome.status === 'busy'}>
          {outcome.status === 'busy' ? 'Importing…' : 'Import'}
        </button>
      </form>
      <div ref={answer}>
        {outcome.status === 'error' ? <ErrorNotice error={outcome.error} title="Nothing was imported." /> : null}
        {outcome.status === 'done' ? (
          <p className="notice success" role="status" data-testid="guest-list-done">
            Added {countOf(outcome.parties, 'household')} ({countOf(outcome.guests, 'guest')}). They wait for a plan: press “Compute plan” to house them.
          </p>
        ) : null}
      </div>
    </section>
  );
}
