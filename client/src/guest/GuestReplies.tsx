/**
 * "Tell us": the three things a household can send from its phone. Each opened form gets one key;
 * a double tap or a retry after a dropped connection sends the same key, so it is recorded once.
 */
import { useState, type FormEvent } from 'react';
import type { GuestReply, GuestStatusView, ReplyKind } from '../../../shared/messages.js';
import { guestApi, sendProblem } from './guest-api.js';
import { newIdempotencyKey } from '../api.js';
import type { Strings } from './strings.js';

interface Props {
  token: string;
  view: GuestStatusView;
  t: Strings;
  onSent: () => void;
}

/** "We have made our own way" is offered only while the household has not left with us yet. */
/** Households that may still tell us they made their own way (a no-show too: that accounts for them). */
const STILL_TO_LEAVE = new Set(['waiting', 'assigned', 'needs_help', 'no_show']);

export function GuestReplies({ token, view, t, onSent }: Props) {
  const [open, setOpen] = useState<ReplyKind | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const [place, setPlace] = useState('');
  /** Own way: to the hotel booked for them (kept, only the seat given back) or somewhere else. */
  const booked = view.destination?.stayStatus === 'planned' ? view.destination.name : null;
  const [toHotel, setToHotel] = useState(true);
  const [text, setText] = useState('');
  const [guestId, setGuestId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const start = (kind: ReplyKind) => {
    setOpen(kind);
    setKey(newIdempotencyKey());
    setPlace('');
    setToHotel(true);
    setText('');
    setGuestId('');
    setError(null);
    setDone(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!open || busy) return;
    const body: GuestReply =
      open === 'own_way'
        ? booked && toHotel
          ? { kind: 'own_way', key, place: booked, toHotel: true, text: '' }
          : { kind: 'own_way', key, place, text: '' }
        : open === 'need_help'
          ? { kind: 'need_help', key, text }
          : { kind: 'missing_member', key, text, ...(guestId ? { guestId } : {}) };
    setBusy(true);
    setError(null);
    try {
      await guestApi.reply(token, body);
      setOpen(null);
      setDone(t.sent);
      onSent();
    } catch (err) {
      setError(sendProblem(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="g-card" aria-labelledby="g-tell-us">
      <h2 id="g-tell-us">{t.tellUs}</h2>
      {done ? (
        <p className="g-ok" role="status" data-testid="guest-reply-sent">
          {done}
        </p>
      ) : null}
      {open === null ? (
        <div className="g-actions">
          <button type="button" className="g-btn g-help" onClick={() => start('need_help')}>
            {t.needHelp}
          </button>
          <button type="button" className="g-btn" onClick={() => start('missing_member')}>
            {t.missing}
          </button>
          {STILL_TO_LEAVE.has(view.household.status) ? (
            <button type="button" className="g-btn g-secondary" onClick={() => start('own_way')}>
              {t.ownWay}
            </button>
          ) : null}
        </div>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="g-form" aria-label={t.kinds[open]}>
          <h3>{open === 'own_way' ? t.ownWay : open === 'need_help' ? t.needHelp : t.missing}</h3>
          {open === 'own_way' && booked ? (
            <fieldset className="g-field g-choice">
              <legend>{t.where}</legend>
              <label>
                <input type="radio" name="own-way-to" checked={toHotel} onChange={() => setToHotel(true)} />
                <span>
                  {t.toBooked} <strong>{booked}</strong>
                </span>
              </label>
              <label>
                <input type="radio" name="own-way-to" checked={!toHotel} onChange={() => setToHotel(false)} />
                <span>{t.elsewhere}</span>
              </label>
            </fieldset>
          ) : null}
          {open === 'own_way' && !(booked && toHotel) ? (
            <label className="g-field">
              {t.where}
              <input type="text" value={place} onChange={(e) => setPlace(e.target.value)} maxLength={200} required autoFocus />
            </label>
          ) : null}
          {open === 'missing_member' ? (
            <label className="g-field">
              {t.who}
              <select value={guestId} onChange={(e) => setGuestId(e.target.value)}>
                <option value="">{t.someoneElse}</option>
                {view.household.guests.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {open !== 'own_way' ? (
            <label className="g-field">
              {open === 'need_help' ? t.whatHelp : t.details}
              <textarea value={text} onChange={(e) => setText(e.target.value)} maxLength={500} rows={3} />
            </label>
          ) : null}
          {error ? (
            <p className="g-error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="g-actions g-row">
            <button type="submit" className={`g-btn${open === 'need_help' ? ' g-help' : ''}`} disabled={busy}>
              {busy ? t.sending : t.send}
            </button>
            <button type="button" className="g-btn g-secondary" onClick={() => setOpen(null)} disabled={busy}>
              {t.cancel}
            </button>
          </div>
        </form>
      )}
      {view.replies.length ? (
        <>
          <h3>{t.yourReplies}</h3>
          <ul className="g-list" data-testid="guest-replies">
            {view.replies.map((r) => (
              <li key={r.id}>
                <strong>{t.kinds[r.kind] ?? r.kind}</strong>
                {r.text ? `: ${r.text}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
