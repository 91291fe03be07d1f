/**
 * The exceptions queue on the console: every deviation (part of a family checked in, left behind,
 * transport lost, no bed, overdue, not checked in, a call for help, missing) as an item naming the
 * people, the place and what to do, with the household's phone to ring; resolved with a note.
 * Live on every console (see live/useAttention.ts): a colleague's resolution takes it off here too.
 */
import { householdLabel } from '../console/households.js';
import { formatDateTime } from '../format.js';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import { ageText } from '../console/attention.js';
import type { Lookup } from '../console/lookup.js';
import type { AttentionState } from '../live/useAttention.js';
import { ATTENTION_TITLE, type AttentionItem } from '../../../shared/attention.js';
import { FieldProblem, SubmitOrCancel } from '../components/Notices.js';

function problemText(err: unknown): string {
  if (err instanceof ApiError) return err.fields.length ? err.fields.map((f) => f.message).join('; ') : err.message;
  return 'Something went wrong. Please try again.';
}

export function ExceptionsSection({ att, lookup, now, onShowParty }: { att: AttentionState; lookup: Lookup; now: number; onShowParty: (id: string) => void }) {
  const { items } = att.attention;
  return (
    <>
      <h3 className="att-section">
        Exceptions{' '}
        <span className="att-count" data-testid="exceptions-count">
          {items.length}
        </span>
      </h3>
      {att.refused ? (
        <p className="notice info" role="status" data-testid="resolve-refused">
          {att.refused}{' '}
          <button type="button" className="link" onClick={att.dismissRefused}>
            Dismiss
          </button>
        </p>
      ) : null}
      {items.length === 0 ? <p className="muted">{att.loaded ? 'Nobody is unaccounted for.' : 'Loading…'}</p> : null}
      <ul className="att-list" aria-live="polite" aria-relevant="additions" data-testid="attention-exceptions">
        {items.map((i) => (
          <ExceptionItem key={i.id} item={i} now={now} lookup={lookup} onShowParty={onShowParty} onResolve={att.resolve} />
        ))}
      </ul>
      {att.settings ? <Thresholds att={att} /> : null}
    </>
  );
}

function ExceptionItem({
  item,
  now,
  lookup,
  onShowParty,
  onResolve,
}: {
  item: AttentionItem;
  now: number;
  lookup: Lookup;
  onShowParty: (id: string) => void;
  onResolve: AttentionState['resolve'];
}) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const party = item.partyId ? lookup.party(item.partyId) : undefined;
  const phone = party?.phone;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await onResolve(item.id, note.trim());
    } catch (err) {
      setProblem(problemText(err));
      setBusy(false);
    }
  };
  return (
    <li className={`att-item k-${item.kind}`} data-item-id={item.id} data-kind={item.kind} data-party-id={item.partyId ?? ''}>
      <p className="att-head">
        <strong className="att-kind">{ATTENTION_TITLE[item.kind]}</strong>
        <time dateTime={item.createdAt} title={formatDateTime(item.createdAt, lookup.timeZone)}>
          {ageText(item.createdAt, now)}
        </time>
      </p>
      <p className="att-line">{item.summary}</p>
      {(item.reports ?? 1) > 1 && item.repeatedAt ? (
        <p className="att-line muted" data-testid="exception-reports">
          Reported {item.reports} times, the latest{' '}
          <time dateTime={item.repeatedAt} title={formatDateTime(item.repeatedAt, lookup.timeZone)}>
            {ageText(item.repeatedAt, now)}
          </time>
        </p>
      ) : null}
      {item.people.length ? (
        <p className="att-line" data-testid="exception-people">
          <span className="muted">People: </span>
          {item.people.map((p) => p.name).join(', ')}
        </p>
      ) : null}
      <p className="att-line muted">
        {item.place ? `${item.place.kind === 'site' ? 'At' : item.place.kind === 'hotel' ? 'Hotel' : 'Vehicle'}: ${item.place.name}` : null}
        {item.partyId ? (
          <>
            {item.place ? ' · ' : ''}
            <button type="button" className="link" onClick={() => onShowParty(item.partyId!)}>
              show {party ? householdLabel(party) : (item.partyName ?? 'household')}
            </button>
          </>
        ) : null}
        {phone ? (
          <>
            {' · '}
            <a href={`tel:${phone.replace(/[^+\d]/g, '')}`} className="tel">
              Call {phone}
            </a>
          </>
        ) : null}
      </p>
      <p className="att-line att-suggest">
        <span className="muted">Suggested: </span>
        {item.suggestion}
      </p>
      <FieldProblem problem={problem} />
      {open ? (
        <form className="att-form" onSubmit={(e) => void submit(e)}>
          <label className="field-compact">
            <span>What was done?</span>
            <input
              type="text"
              value={note}
              maxLength={1000}
              required
              onChange={(e) => setNote(e.target.value)}
              placeholder="e.g. found at the main door; taxi booked"
              autoFocus
            />
          </label>
          <SubmitOrCancel submit="Resolve" busy={busy} ready={!!note.trim()} onCancel={() => setOpen(false)} />
        </form>
      ) : (
        <div className="button-row">
          <button type="button" onClick={() => setOpen(true)}>
            Resolve…
          </button>
        </div>
      )}
    </li>
  );
}

function Thresholds({ att }: { att: AttentionState }) {
  const s = att.settings!;
  const [overdue, setOverdue] = useState(String(s.overdueMinutes));
  const [nci, setNci] = useState(String(s.notCheckedInMinutes));
  const [slip, setSlip] = useState(String(s.shelterSlipMinutes));
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      await att.saveSettings({ overdueMinutes: Number(overdue), notCheckedInMinutes: Number(nci), shelterSlipMinutes: Number(slip) });
    } catch (err) {
      setProblem(problemText(err));
    }
  };
  return (
    <form className="att-thresholds" onSubmit={(e) => void save(e)} aria-label="Exception thresholds">
      <label className="field-compact">
        <span>Vehicle overdue after (min)</span>
        <input type="number" min={1} max={600} value={overdue} onChange={(e) => setOverdue(e.target.value)} />
      </label>
      <label className="field-compact">
        <span>Not checked in after (min)</span>
        <input type="number" min={1} max={600} value={nci} onChange={(e) => setNci(e.target.value)} />
      </label>
      <label className="field-compact">
        <span>Offer a transport re-plan after a slip of (min)</span>
        <input type="number" min={1} max={600} value={slip} onChange={(e) => setSlip(e.target.value)} />
      </label>
      <button type="submit" className="secondary small">
        Save
      </button>
      <FieldProblem problem={problem} />
    </form>
  );
}
