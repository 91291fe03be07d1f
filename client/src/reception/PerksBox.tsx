/**
 * Perks on a checked-in household's card: what was recorded for it here and what became of each
 * (waiting, approved, rejected), and "Record perk": what for, how much in pounds, a note and an
 * optional photo of the receipt. The answer says plainly whether it is recorded or waits for a
 * duty manager because it goes over this member of staff's limit for the household. Without a
 * connection the perk (and its photo) is kept in the device's outbox with the attempt's
 * Idempotency-Key and sent by itself later: nothing lost, nothing recorded twice.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { timeOf, type Household } from './model.js';
import { checkPerk, outcomeText, PERK_CATEGORIES, PERK_LABELS, STATE_LABELS, type PerkItem, type PerkOutcome } from './perks.js';
import { shrinkPhoto, uploadReceipt } from './receipt.js';
import type { NewAction, QueuedAction } from '../offline/queue.js';
import { api, ApiError, newIdempotencyKey, perkUrls } from '../api.js';
import { formatMoneyMinor, type RecordPerkRequest, type RecordPerkResult } from '../../../shared/ledger.js';

interface Props {
  incidentId: string;
  timeZone: string;
  household: Household;
  perks: PerkItem[];
  onRecorded: () => void;
  onAuthError: () => void;
  /** Keep a perk in the device's outbox (no connection). */
  onQueue?: (a: NewAction) => Promise<unknown>;
  /** This household's perks waiting in the outbox. */
  queued?: QueuedAction[];
}

const offline = () => typeof navigator !== 'undefined' && navigator.onLine === false;
const noConnection = (err: unknown) => err instanceof ApiError && err.status === 0;

export function PerksBox({ incidentId, timeZone, household: h, perks, onRecorded, onAuthError, onQueue, queued = [] }: Props) {
  const [open, setOpen] = useState(false);
  const [category, setCategory] = useState('');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<PerkOutcome | null>(null);
  const [savedOffline, setSavedOffline] = useState(false);
  /** The key of an attempt whose answer was lost: reused only for the very same request. */
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const preview = useMemo(() => (photo ? URL.createObjectURL(photo) : null), [photo]);
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);

  const currency = perks[0]?.currency ?? 'GBP';
  const current = outcome ? perks.find((p) => p.entryId === outcome.entryId) : undefined;
  const total = perks.filter((p) => p.state === 'recorded' || p.state === 'approved').reduce((n, p) => n + p.amountMinor, 0);

  const reset = () => {
    setCategory('');
    setAmount('');
    setNote('');
    setPhoto(null);
    setErrors({});
    if (fileInput.current) fileInput.current.value = '';
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const checked = checkPerk({ partyId: h.partyId, category, amount, note });
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    const body: RecordPerkRequest = { ...checked.body };
    const what = `Perk: ${PERK_LABELS[checked.body.category]} ${formatMoneyMinor(checked.body.amountMinor, currency)} for ${h.name}`;
    /** Into the outbox: with the photo still to upload when it was not, and the attempt's key when one was sent. */
    const keep = async (photoToSend: File | null, key?: string) => {
      const image = photoToSend ? await shrinkPhoto(photoToSend) : null;
      await onQueue!({
        url: perkUrls.perks(incidentId),
        body,
        key,
        attachment: image ? { url: perkUrls.receipts(incidentId), blob: image, field: 'receiptPhotoId' } : undefined,
        label: what,
        kind: 'perk',
        partyId: h.partyId,
      });
      attempt.current = null;
      setOutcome(null);
      setSavedOffline(true);
      reset();
      setOpen(false);
      setBusy(false);
    };
    try {
      if (onQueue && offline()) return await keep(photo);
      if (photo) {
        try {
          body.receiptPhotoId = (await uploadReceipt(incidentId, photo)).id;
        } catch (err) {
          if (onQueue && noConnection(err)) return await keep(photo);
          throw err;
        }
      }
      const json = JSON.stringify(body);
      const key = attempt.current?.body === json ? attempt.current.key : newIdempotencyKey();
      attempt.current = { key, body: json };
      let out: RecordPerkResult;
      try {
        out = await api.recordPerk(incidentId, body, key);
      } catch (err) {
        if (!noConnection(err)) throw err;
        if (onQueue) return await keep(null, key);
        throw new ApiError(0, 'network', 'Not sent: no connection. Nothing was recorded twice; press "Record perk" again when the connection is back.');
      }
      attempt.current = null;
      setSavedOffline(false);
      setOutcome({
        entryId: out.entryId,
        category: checked.body.category,
        amountMinor: checked.body.amountMinor,
        needsApproval: out.needsApproval,
        limitMinor: out.limitMinor,
        spentBeforeMinor: out.spentBeforeMinor,
        flags: out.flags,
      });
      reset();
      setOpen(false);
      onRecorded();
    } catch (err) {
      const status = err instanceof ApiError ? err.status : undefined;
      if (status === 401) onAuthError();
      if (status !== 0) attempt.current = null;
      const fields = err instanceof ApiError ? err.fields : [];
      setProblem(fields.length ? fields.map((f) => `${f.path.replace(/^body\./, '')}: ${f.message}`).join('; ') : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="perks-box" aria-label={`Perks for ${h.name}`} data-testid="perks-box">
      <h3>
        Perks on the park's account
        {perks.length > 0 && <span className="muted"> · {formatMoneyMinor(total, currency)}</span>}
      </h3>
      {outcome && (
        <p
          className={`notice ${current?.state === 'rejected' ? 'error' : current?.state === 'approved' || (!outcome.needsApproval && current?.state !== 'reversed') ? 'success' : 'info'}`}
          role="status"
          data-testid="perk-outcome"
          data-state={current?.state ?? (outcome.needsApproval ? 'waiting' : 'recorded')}
        >
          {current?.state === 'approved' ? (
            <>
              Approved by a duty manager: {PERK_LABELS[outcome.category as keyof typeof PERK_LABELS]} {formatMoneyMinor(outcome.amountMinor, currency)}.
            </>
          ) : current?.state === 'rejected' ? (
            <>
              Rejected by a duty manager: {PERK_LABELS[outcome.category as keyof typeof PERK_LABELS]} {formatMoneyMinor(outcome.amountMinor, currency)}
              {current.reason ? <>. Reason: “{current.reason}”</> : '.'}
            </>
          ) : (
            outcomeText(outcome, currency)
          )}
        </p>
      )}
      {savedOffline && queued.length > 0 && (
        <p className="notice info" role="status" data-testid="perk-saved-offline">
          No connection: saved on this phone. It is sent by itself when the connection is back.
        </p>
      )}
      {queued.length > 0 && (
        <ul className="perk-list perk-queued" data-testid="perks-queued">
          {queued.map((a) => (
            <li key={a.key} data-state={a.state === 'conflict' ? 'conflict' : 'queued'}>
              <span className="perk-what">{a.label.replace(/^Perk: /, '').replace(` for ${h.name}`, '')}</span>
              <span className="perk-state ps-waiting">{a.state === 'conflict' ? 'Refused: see above' : 'Waiting to send'}</span>
              {a.attachment && <span className="perk-meta muted">with receipt photo</span>}
            </li>
          ))}
        </ul>
      )}
      {perks.length > 0 ? (
        <ul className="perk-list">
          {perks.map((p) => (
            <li key={p.entryId} data-entry={p.entryId} data-state={p.state}>
              <span className="perk-what">
                {PERK_LABELS[p.category as keyof typeof PERK_LABELS] ?? p.category} <strong>{formatMoneyMinor(p.amountMinor, p.currency)}</strong>
              </span>
              <span className={`perk-state ps-${p.state}`}>{STATE_LABELS[p.state]}</span>
              <span className="perk-meta muted">
                {timeOf(p.recordedAt, timeZone)}
                {p.recordedByName ? ` · ${p.recordedByName}` : ''}
                {p.note ? ` · “${p.note}”` : ''}
                {p.reason ? ` · reason: “${p.reason}”` : ''}
                {p.receiptUrl && (
                  <>
                    {' · '}
                    <a href={p.receiptUrl} target="_blank" rel="noreferrer">
                      receipt photo
                    </a>
                  </>
                )}
              </span>
            </li>
          ))}
        </ul>
      ) : queued.length === 0 ? (
        <p className="muted">No perks recorded for this household yet.</p>
      ) : null}
      {!open ? (
        <button
          type="button"
          className="big secondary"
          onClick={() => {
            setOpen(true);
            setOutcome(null);
          }}
        >
          Record perk
        </button>
      ) : (
        <form className="perk-form" onSubmit={(e) => void submit(e)} aria-label={`Record a perk for ${h.name}`} noValidate>
          <fieldset>
            <legend>What for</legend>
            <div className="perk-cats" role="radiogroup" aria-invalid={errors.category ? 'true' : undefined}>
              {PERK_CATEGORIES.map((c) => (
                <label key={c} className={`perk-cat${category === c ? ' on' : ''}`}>
                  <input type="radio" name={`perk-cat-${h.partyId}`} value={c} checked={category === c} onChange={() => setCategory(c)} />
                  <span>{PERK_LABELS[c]}</span>
                </label>
              ))}
            </div>
            {errors.category && <p className="field-error">{errors.category}</p>}
          </fieldset>
          <label className="perk-field">
            <span>Amount in pounds</span>
            <span className="money-input">
              <span aria-hidden="true">£</span>
              <input
                type="text"
                inputMode="decimal"
                autoComplete="off"
                placeholder="0.00"
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
                aria-invalid={errors.amount ? 'true' : undefined}
                aria-describedby={errors.amount ? `perk-amount-err-${h.partyId}` : undefined}
                maxLength={12}
              />
            </span>
          </label>
          {errors.amount && (
            <p className="field-error" id={`perk-amount-err-${h.partyId}`}>
              {errors.amount}
            </p>
          )}
          <label className="perk-field">
            <span>Why (optional; the insurer reads this)</span>
            <input
              type="text"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={500}
              placeholder="e.g. dinner for four, wine"
              aria-invalid={errors.note ? 'true' : undefined}
            />
          </label>
          {errors.note && <p className="field-error">{errors.note}</p>}
          <div className="perk-photo">
            <label className="button secondary file-button">
              <input ref={fileInput} type="file" accept="image/*" capture="environment" onChange={(e) => setPhoto(e.target.files?.[0] ?? null)} />
              <span>{photo ? 'Retake receipt photo' : 'Receipt photo (optional)'}</span>
            </label>
            {photo && preview && (
              <span className="perk-photo-picked">
                <img src={preview} alt="Receipt to upload" />
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    setPhoto(null);
                    if (fileInput.current) fileInput.current.value = '';
                  }}
                >
                  Remove
                </button>
              </span>
            )}
          </div>
          {problem && (
            <p className="notice error" role="alert">
              {problem}
            </p>
          )}
          <div className="hh-actions">
            <button type="submit" className="big" disabled={busy}>
              {busy ? 'Recording…' : 'Record perk'}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setOpen(false);
                reset();
                setProblem(null);
              }}
              disabled={busy}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
