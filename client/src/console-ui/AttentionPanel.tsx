/**
 * "Needs attention": guest replies nobody has dealt with and perks over a member of staff's limit,
 * oldest first, each with the action that closes it. Lists are live (see live/useAttention.ts):
 * what a colleague handles disappears here too. Below them, what guests said after their stay.
 */
import { formatDateTime } from '../format.js';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import { ageText, foldReplies, replyHeadline, replyWords, type ReplyGroup, type PendingPerk } from '../console/attention.js';
import { countOf } from '../../../shared/plural.js';
import type { Lookup } from '../console/lookup.js';
import type { AttentionState } from '../live/useAttention.js';
import type { EventLog } from '../console/event-log.js';
import { FeedbackSection } from './FeedbackSection.js';
import { ExceptionsSection } from './ExceptionsSection.js';
import { formatMoneyMinor, humanize } from '../format.js';
import { FieldProblem, SubmitOrCancel } from '../components/Notices.js';

interface Props {
  incidentId: string;
  att: AttentionState;
  log: EventLog;
  lookup: Lookup;
  onShowParty: (partyId: string) => void;
}

/** The clock for "4 min ago", ticking twice a minute. */
function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

function problemText(err: unknown): string {
  if (err instanceof ApiError) return err.fields.length ? err.fields.map((f) => f.message).join('; ') : err.message;
  return 'Something went wrong. Please try again.';
}

export function AttentionPanel({ incidentId, att, log, lookup, onShowParty }: Props) {
  const now = useNow();
  const { perks } = att.attention;
  const replies = foldReplies(att.attention.replies);
  return (
    <section aria-labelledby="attention-title" className="attention" data-loaded={att.loaded ? 'true' : 'false'}>
      <div className="panel-title">
        <h2 id="attention-title">Needs attention</h2>
        <button type="button" className="secondary small" onClick={() => void att.reload()}>
          Refresh
        </button>
      </div>
      {att.error ? (
        <p className="notice error" role="alert">
          Could not load everything: {problemText(att.error)}
        </p>
      ) : null}
      <ExceptionsSection att={att} lookup={lookup} now={now} onShowParty={onShowParty} />
      <h3 className="att-section">
        Guest replies <span className="att-count">{replies.length}</span>
      </h3>
      {replies.length === 0 ? <p className="muted">{att.loaded ? 'No guest is waiting for an answer.' : 'Loading…'}</p> : null}
      <ul className="att-list" aria-live="polite" aria-relevant="additions" data-testid="attention-replies">
        {replies.map((g) => (
          <ReplyItem key={g.key} group={g} now={now} lookup={lookup} onShowParty={onShowParty} onHandle={att.handle} />
        ))}
      </ul>
      <h3 className="att-section">
        Perks waiting for approval <span className="att-count">{perks.length}</span>
      </h3>
      {perks.length === 0 ? <p className="muted">{att.loaded ? 'Nothing is waiting for approval.' : 'Loading…'}</p> : null}
      <ul className="att-list" aria-live="polite" aria-relevant="additions" data-testid="attention-perks">
        {perks.map((p) => (
          <PerkItem
            key={p.entryId}
            p={p}
            now={now}
            incidentId={incidentId}
            lookup={lookup}
            onShowParty={onShowParty}
            onApprove={att.approve}
            onReject={att.reject}
          />
        ))}
      </ul>
      <FeedbackSection incidentId={incidentId} log={log} lookup={lookup} now={now} onShowParty={onShowParty} />
    </section>
  );
}

function Household({ partyId, name, lookup, onShowParty }: { partyId: string | null; name: string | null; lookup: Lookup; onShowParty: (id: string) => void }) {
  if (!partyId) return <span>no household</span>;
  const party = lookup.party(partyId);
  return (
    <span className="att-who">
      <strong>{party?.name ?? name ?? partyId}</strong> <span className="muted">{[partyId, party?.unit].filter(Boolean).join(' · ')}</span>{' '}
      <button type="button" className="link" onClick={() => onShowParty(partyId)} aria-label={`Show household ${party?.name ?? name ?? partyId}`}>
        show household
      </button>
    </span>
  );
}

function ReplyItem({
  group,
  now,
  lookup,
  onShowParty,
  onHandle,
}: {
  group: ReplyGroup;
  now: number;
  lookup: Lookup;
  onShowParty: (id: string) => void;
  onHandle: AttentionState['handle'];
}) {
  const r = group.latest;
  const first = group.replies[0]!;
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const party = lookup.party(r.partyId);
  // Offered when the reply asked for help and the household is still marked so.
  const canResume = r.kind !== 'own_way' && party?.status === 'needs_help';
  const [resume, setResume] = useState(true);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const guestName = r.guestName ?? (r.guestId ? (lookup.party(r.partyId)?.guests.find((g) => g.id === r.guestId)?.name ?? null) : null);
  // Each different thing they wrote, newest first (a repeat with the same words shows once).
  const words = [...new Set(group.replies.map((x) => replyWords(x)).filter(Boolean))].reverse();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      // Handling the group handles each reply in it; one a colleague handled meanwhile is done already.
      for (const x of group.replies) {
        try {
          await onHandle(x.id, note.trim(), canResume && resume);
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 409)) throw err;
        }
      }
    } catch (err) {
      setProblem(problemText(err));
      setBusy(false);
    }
  };
  return (
    <li className={`att-item k-${r.kind}`} data-reply-id={r.id} data-party-id={r.partyId}>
      <p className="att-head">
        <strong className="att-kind">{replyHeadline({ ...r, guestName })}</strong>
        <time dateTime={r.at} title={formatDateTime(r.at, lookup.timeZone)}>
          {ageText(r.at, now)}
        </time>
      </p>
      <p className="att-line">
        <Household partyId={r.partyId} name={r.name} lookup={lookup} onShowParty={onShowParty} />
      </p>
      {group.replies.length > 1 ? (
        <p className="att-line att-repeats">
          Sent {countOf(group.replies.length, 'time')}, first{' '}
          <time dateTime={first.at} title={formatDateTime(first.at, lookup.timeZone)}>
            {ageText(first.at, now)}
          </time>
        </p>
      ) : null}
      {words.map((w) => (
        <blockquote key={w} className="att-words">
          “{w}”
        </blockquote>
      ))}
      <FieldProblem problem={problem} />
      {open ? (
        <form className="att-form" onSubmit={(e) => void submit(e)}>
          <label className="field-compact">
            <span>What was done? (optional)</span>
            <input
              type="text"
              value={note}
              maxLength={500}
              onChange={(e) => setNote(e.target.value)}
              placeholder="e.g. rang them; warden on the way"
              autoFocus
            />
          </label>
          {canResume ? (
            <label className="att-check">
              <input type="checkbox" checked={resume} onChange={(e) => setResume(e.target.checked)} />
              <span>Help given: {party?.name ?? r.name} no longer needs help</span>
            </label>
          ) : null}
          <SubmitOrCancel submit="Mark handled" busy={busy} onCancel={() => setOpen(false)} />
        </form>
      ) : (
        <div className="button-row">
          <button type="button" onClick={() => setOpen(true)}>
            Mark handled…
          </button>
        </div>
      )}
    </li>
  );
}

function PerkItem(props: {
  p: PendingPerk;
  now: number;
  incidentId: string;
  lookup: Lookup;
  onShowParty: (id: string) => void;
  onApprove: AttentionState['approve'];
  onReject: AttentionState['reject'];
}) {
  const { p, now, incidentId, lookup, onShowParty, onApprove, onReject } = props;
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const money = (minor: number) => formatMoneyMinor(minor, p.currency);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await fn();
    } catch (err) {
      setProblem(problemText(err));
      setBusy(false);
    }
  };
  const hotel = p.hotelName ?? (p.hotelId ? (lookup.hotel(p.hotelId)?.name ?? p.hotelId) : null);
  const receipt =
    p.receiptUrl ?? (p.receiptPhotoId ? `/api/incidents/${encodeURIComponent(incidentId)}/ledger/receipts/${encodeURIComponent(p.receiptPhotoId)}` : null);
  return (
    <li className="att-item k-perk" data-entry-id={p.entryId} data-party-id={p.partyId ?? ''}>
      <p className="att-head">
        <strong className="att-kind">
          {humanize(p.category).replace(/^./, (c) => c.toUpperCase())} {money(p.amountMinor)}
        </strong>
        <time dateTime={p.at} title={formatDateTime(p.at, lookup.timeZone)}>
          {ageText(p.at, now)}
        </time>
      </p>
      <p className="att-line">
        <Household partyId={p.partyId} name={p.householdName} lookup={lookup} onShowParty={onShowParty} />
      </p>
      <p className="att-line muted">
        {hotel ? `At ${hotel} · ` : ''}recorded by {p.recordedByName ?? 'unknown'}
        {p.limitMinor !== null ? ` · limit ${money(p.limitMinor)}, spent ${money(p.spentBeforeMinor ?? 0)} before` : ''}
      </p>
      {p.flags.includes('over_perk_cap') ? <p className="att-line warn-text">Over the hotel's cap for this perk.</p> : null}
      {p.note ? <blockquote className="att-words">“{p.note}”</blockquote> : null}
      {receipt ? (
        <p className="att-line">
          <a href={receipt} target="_blank" rel="noreferrer">
            Receipt photo
          </a>
        </p>
      ) : p.receiptRef && !p.receiptRef.startsWith('photo:') ? (
        <p className="att-line muted">Receipt: {p.receiptRef}</p>
      ) : p.detailed ? (
        <p className="att-line muted">No receipt.</p>
      ) : null}
      <FieldProblem problem={problem} />
      {rejecting ? (
        <form
          className="att-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => onReject(p.entryId, reason.trim()));
          }}
        >
          <label className="field-compact">
            <span>Why reject? (told to the hotel)</span>
            <input
              type="text"
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              placeholder="e.g. over the hotel's offer; no receipt"
              autoFocus
            />
          </label>
          <SubmitOrCancel submit={<>Reject {money(p.amountMinor)}</>} kind="danger" busy={busy} onCancel={() => setRejecting(false)} />
        </form>
      ) : (
        <div className="button-row">
          <button type="button" className="go" disabled={busy} onClick={() => void run(() => onApprove(p.entryId))}>
            Approve {money(p.amountMinor)}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setRejecting(true)}>
            Reject…
          </button>
        </div>
      )}
    </li>
  );
}
