/** After the stay: a rating and a few words, sent once (sending again replaces the answer). */
import { useState, type FormEvent } from 'react';
import type { GuestStatusView } from '../../../shared/messages.js';
import { guestApi, sendProblem } from './guest-api.js';
import type { Strings } from './strings.js';

export function GuestFeedback({ token, view, t, focus }: { token: string; view: GuestStatusView; t: Strings; focus: boolean }) {
  const [rating, setRating] = useState(view.feedback?.rating ?? 0);
  const [comment, setComment] = useState(view.feedback?.comment ?? '');
  const [state, setState] = useState<'idle' | 'busy' | 'done'>(view.feedback ? 'done' : 'idle');
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!rating || state === 'busy') return;
    setState('busy');
    setError(null);
    try {
      await guestApi.feedback(token, { rating, comment });
      setState('done');
    } catch (err) {
      setError(sendProblem(t, err));
      setState('idle');
    }
  };

  return (
    <section className="g-card" aria-labelledby="g-feedback" id="feedback" ref={(el) => (focus && el ? el.scrollIntoView() : undefined)}>
      <h2 id="g-feedback">{t.feedback}</h2>
      {state === 'done' ? (
        <p className="g-ok" role="status">
          {t.thanks}
        </p>
      ) : null}
      <form onSubmit={(e) => void submit(e)} className="g-form">
        <fieldset className="g-stars">
          <legend>{t.rating}</legend>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className={n <= rating ? 'on' : ''}>
              <input type="radio" name="rating" value={n} checked={rating === n} onChange={() => setRating(n)} />
              <span aria-hidden="true">★</span>
              <span className="g-hidden">{n}</span>
            </label>
          ))}
        </fieldset>
        <label className="g-field">
          {t.comment}
          <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} rows={3} />
        </label>
        {error ? (
          <p className="g-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="g-btn" disabled={!rating || state === 'busy'}>
          {state === 'busy' ? t.sending : t.send}
        </button>
      </form>
    </section>
  );
}
