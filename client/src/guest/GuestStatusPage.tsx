/**
 * The household's phone page behind its status link (#/s/<token>): where they are going, which
 * vehicle and when, what the hotel offers, whom to call, their status, messages sent to them, and
 * a way to answer. No sign-in: the token is the credential. It refreshes every 15 seconds and when
 * the phone wakes; without a connection it keeps showing the last answer with a notice.
 */
import { roomNumbersText } from '../../../shared/room-numbers.js';
import { useEffect, useRef, useState } from 'react';
import { registerServiceWorker } from '../offline/service-worker.js';
import { LANGUAGES, type GuestStatusView, type Language } from '../../../shared/messages.js';
import { guestApi } from './guest-api.js';
import { ApiError } from '../api.js';
import { oneInFlight } from '../one-in-flight.js';
import { GuestReplies } from './GuestReplies.js';
import { GuestFeedback } from './GuestFeedback.js';
import { localTime, perkLabel, STRINGS, type Strings } from './strings.js';
import './guest.css';

export const POLL_MS = 15_000;

/** Each language named in itself, so a guest finds theirs whatever the page is showing. */
const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', pl: 'Polski', de: 'Deutsch' };
const LANGUAGE_KEY = 'guest-page-language';

/** The language this phone chose on the page before ('' or null: the household's own). */
function storedLanguage(): Language | null {
  try {
    const v = window.localStorage.getItem(LANGUAGE_KEY);
    return v && (LANGUAGES as readonly string[]).includes(v) ? (v as Language) : null;
  } catch {
    return null;
  }
}

type Load = { kind: 'loading' } | { kind: 'invalid' } | { kind: 'ready'; view: GuestStatusView; offline: boolean; at: Date };

export function GuestStatusPage({ token, openFeedback = false }: { token: string; openFeedback?: boolean }) {
  // Field pages work with no network after one visit (client/sw/sw.js).
  useEffect(() => registerServiceWorker(), []);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const refreshNow = useRef<() => void>(() => undefined);
  // The household's language is what staff recorded; a guest reading another one picks it here.
  const [chosen, setChosen] = useState<Language | null>(storedLanguage);
  const choose = (l: Language) => {
    setChosen(l);
    try {
      window.localStorage.setItem(LANGUAGE_KEY, l);
    } catch {
      // A phone refusing storage still shows the language for this visit.
    }
  };

  // One poll per mounted page and token: a fetch still in flight when the page goes away (the link
  // changed, the tab closed) must not re-arm a timer, or the old token keeps polling in the
  // background and overwrites the remembered ETag of the page now shown.
  // One request at a time, too (oneInFlight): a refresh asked for while one is in flight (the page
  // shown again before the first answer) runs after it, with its ETag, instead of beside it, which
  // sent a second request without one and left two timers, so the phone polled twice as often.
  useEffect(() => {
    let alive = true;
    let invalid = false;
    let timer: number | null = null;
    const refresh = oneInFlight(async () => {
      if (timer !== null) window.clearTimeout(timer);
      timer = null;
      if (!alive || invalid) return;
      try {
        const view = await guestApi.status(token);
        if (alive) setLoad({ kind: 'ready', view, offline: false, at: new Date() });
      } catch (err) {
        if (!alive) return;
        if (err instanceof ApiError && err.status === 404) {
          invalid = true;
          return setLoad({ kind: 'invalid' });
        }
        setLoad((prev) => (prev.kind === 'ready' ? { ...prev, offline: true } : prev));
      }
      if (alive) timer = window.setTimeout(() => void refresh(), POLL_MS);
    });
    refreshNow.current = () => void refresh();
    void refresh();
    const wake = () => document.visibilityState === 'visible' && void refresh();
    document.addEventListener('visibilitychange', wake);
    return () => {
      alive = false;
      document.removeEventListener('visibilitychange', wake);
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [token]);

  if (load.kind === 'loading')
    return (
      <main className="g-page" aria-busy="true">
        <p>{STRINGS.en.loading}</p>
      </main>
    );
  if (load.kind === 'invalid') {
    return (
      <main className="g-page" data-testid="guest-invalid">
        <p className="g-error" role="alert">
          {STRINGS.en.invalid}
        </p>
        <p lang="pl">{STRINGS.pl.invalid}</p>
        <p lang="de">{STRINGS.de.invalid}</p>
      </main>
    );
  }
  const lang = chosen ?? load.view.household.language;
  const view: GuestStatusView = lang === load.view.household.language ? load.view : { ...load.view, household: { ...load.view.household, language: lang } };
  const t = STRINGS[lang];
  // A household split on the night (someone missing, or checked in before the rest) says so, person by person.
  const split = new Set(view.household.guests.map((g) => g.whereabouts)).size > 1;
  const missing = view.household.guests.filter((g) => g.whereabouts === 'missing');
  return (
    <main className="g-page" lang={lang} data-testid="guest-status" data-status={view.household.status}>
      <header className="g-head">
        <nav className="g-langs" aria-label="Language / Język / Sprache">
          {LANGUAGES.map((l) => (
            <button key={l} type="button" lang={l} aria-pressed={l === lang} onClick={() => choose(l)}>
              {LANGUAGE_NAMES[l]}
            </button>
          ))}
        </nav>
        <p className="g-incident">{view.incident.name}</p>
        <h1>
          {view.household.name}
          {view.household.unit ? <span className="g-unit"> · {view.household.unit}</span> : null}
        </h1>
        <p>
          <span className={`g-badge g-s-${view.household.status}`} data-testid="guest-status-badge">
            {t.statuses[view.household.status] ?? view.household.status}
          </span>
          <span className="g-pass">
            {t.pass}: <strong>{view.household.passCode}</strong>
          </span>
        </p>
        {missing.length ? (
          <p className="g-warn" role="status" data-testid="guest-missing">
            <strong>
              {t.notWithYou} {missing.map((g) => g.name).join(', ')}.
            </strong>{' '}
            {t.lookingFor}
          </p>
        ) : null}
        {load.offline ? (
          <p className="g-warn" role="status">
            {t.offline}
          </p>
        ) : null}
      </header>
      <Destination view={view} t={t} />
      <Transport view={view} t={t} />
      <Contacts view={view} t={t} />
      <GuestReplies token={token} view={view} t={t} onSent={() => refreshNow.current()} />
      {view.feedbackOpen || openFeedback ? <GuestFeedback token={token} view={view} t={t} focus={openFeedback} /> : null}
      {view.messages.length ? (
        <section className="g-card" aria-labelledby="g-messages">
          <h2 id="g-messages">{t.messages}</h2>
          <ul className="g-list g-messages">
            {view.messages.map((m, i) => (
              <li key={`${m.at}-${i}`} className={m.superseded ? 'g-superseded' : undefined} data-superseded={m.superseded ? 'true' : undefined}>
                <p className="g-muted">
                  {localTime(m.at, view.incident.timezone, lang)} · <strong>{m.subject}</strong>
                </p>
                {m.replaces ? (
                  <p data-testid="guest-replaces">
                    <strong>
                      {t.replacesMessage} {localTime(m.replaces, view.incident.timezone, lang)}.
                    </strong>
                  </p>
                ) : null}
                {m.superseded ? <p className="g-muted">{t.supersededMessage}</p> : null}
                <p>{m.body}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="g-card">
        <h2>{t.yourParty}</h2>
        <ul className="g-list" data-testid="guest-members">
          {view.household.guests.map((g) => (
            <li key={g.id} data-whereabouts={g.whereabouts}>
              {g.name}
              {split ? <span className={`g-member g-m-${g.whereabouts}`}> · {t.members[g.whereabouts] ?? g.whereabouts}</span> : null}
            </li>
          ))}
        </ul>
      </section>
      <p className="g-muted g-foot">
        {t.updated} {load.at.toLocaleTimeString(lang === 'en' ? 'en-GB' : lang, { hour: '2-digit', minute: '2-digit', timeZone: view.incident.timezone })}
      </p>
    </main>
  );
}

function Destination({ view, t }: { view: GuestStatusView; t: Strings }) {
  const d = view.destination;
  if (view.household.status === 'self_evacuated')
    return (
      <section className="g-card">
        <h2>{t.whereTo}</h2>
        <p>{t.ownWayDone}</p>
      </section>
    );
  if (!d)
    return (
      <section className="g-card">
        <h2>{t.whereTo}</h2>
        <p>{t.notYet}</p>
      </section>
    );
  const numbers = roomNumbersText(d.roomNumbers);
  return (
    <section className="g-card g-dest" aria-labelledby="g-where" data-testid="guest-destination">
      <h2 id="g-where">{t.whereTo}</h2>
      <p className="g-big">{d.name}</p>
      <p>{d.address}</p>
      <p>
        <a href={d.mapUrl} target="_blank" rel="noopener noreferrer">
          {t.map}
        </a>
        <span className="g-muted">
          {' '}
          · {d.lat.toFixed(4)}, {d.lng.toFixed(4)}
        </span>
      </p>
      <p className="g-muted">
        {t.rooms}: {d.rooms.map((r) => `${r.count} × ${r.type}`).join(', ')}
        {numbers ? ` · ${t.roomNumbers}: ${numbers}` : ''}
      </p>
      <h3>{t.offers}</h3>
      {d.perks.length ? (
        <ul className="g-perks" data-testid="guest-perks">
          {d.perks.map((p, i) => (
            <li key={`${p.kind}-${i}`}>
              {perkLabel(t, p.kind)}
              {p.note ? ` (${p.note})` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p className="g-muted">{t.noPerks}</p>
      )}
    </section>
  );
}

function Transport({ view, t }: { view: GuestStatusView; t: Strings }) {
  if (view.household.status === 'self_evacuated' || !view.destination) return null;
  const tr = view.transport;
  const tz = view.incident.timezone;
  const lang = view.household.language;
  return (
    <section className="g-card" aria-labelledby="g-transport" data-testid="guest-transport">
      <h2 id="g-transport">{t.transport}</h2>
      {view.ownWayToHotel ? (
        <p data-testid="guest-own-way">{t.ownWayToHotel}</p>
      ) : tr ? (
        <>
          <p className="g-big">
            {t.vehicles[tr.vehicleKind] ?? tr.vehicleKind} {tr.vehicleId}
            {tr.provider ? <span className="g-muted"> · {tr.provider}</span> : null}
          </p>
          <p>
            {t.leaves} <strong>{localTime(tr.departAt, tz, lang)}</strong> {t.from} <strong>{tr.from}</strong>
          </p>
          {tr.eta ? (
            <p className="g-muted">
              {t.arrives} {localTime(tr.eta, tz, lang)}
            </p>
          ) : null}
        </>
      ) : (
        <p>{t.noTransport}</p>
      )}
    </section>
  );
}

function Contacts({ view, t }: { view: GuestStatusView; t: Strings }) {
  const helpline = view.incident.helplinePhone;
  const hotel = view.destination?.phone;
  return (
    <section className="g-card" aria-labelledby="g-call">
      <h2 id="g-call">{t.call}</h2>
      <ul className="g-list">
        {helpline ? (
          <li>
            {t.helpline}: <a href={`tel:${helpline.replace(/\s/g, '')}`}>{helpline}</a>
          </li>
        ) : null}
        {hotel ? (
          <li>
            {t.hotelPhone}: <a href={`tel:${hotel.replace(/\s/g, '')}`}>{hotel}</a>
          </li>
        ) : null}
        {!helpline && !hotel ? <li>{t.askStaff}</li> : null}
      </ul>
    </section>
  );
}
