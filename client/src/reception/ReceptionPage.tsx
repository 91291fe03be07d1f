/**
 * Reception at a receiving hotel, phone first: who is coming on which vehicle and when (live), find
 * a household by surname, unit or pass code (typed or scanned), check it in with room numbers (all
 * at once or guest by guest), mark no-shows, see who is in the house, record perks, check out.
 * Check-ins, no-shows and check-outs go through the device's outbox, so they survive a dropped
 * connection and are never applied twice; perks are sent at once (they need the server's answer:
 * recorded, or waiting for a duty manager) with a retry-safe key.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { registerServiceWorker } from '../offline/service-worker.js';
import type { UserView } from '../../../shared/api.js';
import { api, ApiError } from '../api.js';
import { RoomingListLinks } from '../components/RoomingListLinks.js';
import { OutboxBar } from '../offline/OutboxBar.js';
import { useOfflineQueue } from '../offline/useOfflineQueue.js';
import type { QueuedAction } from '../offline/queue.js';
import { HouseholdCard, type CardActions } from './HouseholdCard.js';
import { Scanner } from './Scanner.js';
import { useArrivals } from './useArrivals.js';
import { usePerks } from './usePerks.js';
import { perksByParty, type PerkItem } from './perks.js';
import type { ScanTarget } from '../../../shared/passes.js';
import { countOf } from '../../../shared/plural.js';
import { formatMoneyMinor } from '../../../shared/ledger.js';
import type { Whereabouts } from '../../../shared/whereabouts.js';
import { etaText, groupByVehicle, matches, overlay, tabsOf, timeOf, type Tab } from './model.js';
import './reception.css';

export interface ReceptionPageProps {
  user: UserView;
  /** Called with a 401 ApiError when the session has ended (the shell goes back to sign-in). */
  onAuthError?: (err: unknown) => void;
}

const NO_PERKS: PerkItem[] = [];
/** Members the desk no longer waits for (missing, gone their own way, a no-show, left). */
const NOT_COMING: readonly Whereabouts[] = ['missing', 'own_way', 'no_show', 'checked_out'];
const NO_QUEUED: QueuedAction[] = [];

export function ReceptionPage({ user, onAuthError }: ReceptionPageProps) {
  // Field pages work with no network after one visit (client/sw/sw.js).
  useEffect(() => registerServiceWorker(), []);
  const incidentId = user.incidentId ?? '';
  const hotelId = user.hotelId ?? '';
  const authLost = useCallback(() => onAuthError?.(new ApiError(401, 'unauthenticated', 'Your session has ended. Please sign in again.')), [onAuthError]);
  const data = useArrivals(incidentId, hotelId, authLost);
  const perks = usePerks(incidentId, data.ledgerTick, authLost);
  const perksOfParty = useMemo(() => perksByParty(perks.lines ?? []), [perks.lines]);
  const { refresh: refreshArrivals } = data;
  const { refresh: refreshPerks } = perks;
  const onApplied = useCallback(() => {
    refreshArrivals();
    refreshPerks();
  }, [refreshArrivals, refreshPerks]);
  const outbox = useOfflineQueue(`reception:${incidentId}:${hotelId}:${user.id}`, { onApplied, onUnauthorized: authLost });
  const queuedPerks = useMemo(() => {
    const m = new Map<string, QueuedAction[]>();
    for (const a of outbox.actions) if (a.kind === 'perk' && a.partyId) m.set(a.partyId, [...(m.get(a.partyId) ?? []), a]);
    return m;
  }, [outbox.actions]);
  const [tab, setTab] = useState<Tab>('arriving');
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);

  const households = useMemo(() => overlay(data.arrivals, outbox.actions), [data.arrivals, outbox.actions]);
  // Each household's last refused check-in, no-show or check-out, shown on its card.
  const refusedOf = useMemo(() => {
    const m = new Map<string, QueuedAction>();
    for (const a of outbox.actions) if (a.state === 'conflict' && a.partyId && a.kind !== 'perk') m.set(a.partyId, a);
    return m;
  }, [outbox.actions]);
  // A refusal that comes back opens its household, on its tab, and brings it into view: on a phone
  // the outbox bar at the top is a long way up, and the card had closed when the action was queued.
  const seenRefusals = useRef(new Set<number>());
  useEffect(() => {
    const fresh = [...refusedOf.values()].filter((a) => a.seq !== undefined && !seenRefusals.current.has(a.seq));
    for (const a of fresh) seenRefusals.current.add(a.seq!);
    const partyId = fresh.at(-1)?.partyId;
    const h = partyId ? households.find((x) => x.partyId === partyId) : undefined;
    if (!partyId || !h) return;
    if (!tabsOf(h).includes(tab)) setTab(tabsOf(h)[0] ?? tab);
    setOpen(partyId);
    requestAnimationFrame(() => document.querySelector(`article.household[data-party="${CSS.escape(partyId)}"]`)?.scrollIntoView({ block: 'start' }));
  }, [refusedOf, households, tab]);
  // Times in the incident's zone (a list cached before this field existed: the device's own).
  const zone = data.arrivals?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const counts = useMemo(() => {
    const c = { arriving: 0, in_house: 0, closed: 0, guestsIn: 0, guestsComing: 0, partly: 0 };
    for (const h of households) {
      const tabs = tabsOf(h);
      for (const t of tabs) c[t]++;
      // Part of the household in, the rest still to come: listed under both, counted once in the header.
      if (tabs.length > 1) c.partly++;
      c.guestsIn += tabs.includes('in_house') ? h.guests.filter((g) => g.checkedIn).length : 0;
      // People still to come, as well as households: a desk readies beds by the head.
      c.guestsComing += tabs.includes('arriving') ? h.guests.filter((g) => !g.checkedIn && !NOT_COMING.includes(g.whereabouts ?? 'waiting')).length : 0;
    }
    return c;
  }, [households]);
  const searching = query.trim().length > 0;
  const shown = households.filter((h) => (searching ? matches(h, query) : tabsOf(h).includes(tab)));
  const groups = useMemo(() => groupByVehicle(shown, data.etas), [shown, data.etas]);

  const base = `/api/incidents/${encodeURIComponent(incidentId)}/hotels/${encodeURIComponent(hotelId)}/arrivals`;
  const actions: CardActions = {
    checkIn: (h, body, label) => {
      void outbox.enqueue({ url: `${base}/checkins`, body, label, kind: 'checkin', partyId: h.partyId });
      setOpen(null);
    },
    noShow: (h, kind) => {
      void outbox.enqueue({
        url: `${base}/no-shows`,
        body: { partyId: h.partyId, kind },
        label: `${kind === 'no_show' ? 'No-show' : 'Went elsewhere'}: ${h.name}`,
        kind: 'no_show',
        partyId: h.partyId,
      });
      setOpen(null);
    },
    checkOut: (h) => {
      void outbox.enqueue({ url: `${base}/checkouts`, body: { partyId: h.partyId }, label: `Check out ${h.name}`, kind: 'checkout', partyId: h.partyId });
      setOpen(null);
    },
  };

  const [scanNotice, setScanNotice] = useState<string | null>(null);
  /** A pass code is looked up here; a status link (the pass's QR) is resolved by the server, for this hotel only. */
  const onScan = useCallback(
    async (target: ScanTarget, text: string) => {
      setScanning(false);
      setScanNotice(null);
      let code: string;
      if (target.kind === 'pass_code') code = target.code;
      else {
        try {
          code = (await api.scanPass(incidentId, text)).passCode;
        } catch (err) {
          const status = err instanceof ApiError ? err.status : 0;
          if (status === 401) authLost();
          setScanNotice(
            status === 404
              ? 'That pass is not for a household staying at this hotel.'
              : status
                ? (err as Error).message
                : 'Cannot reach the server to read that pass. Type the pass code printed under the QR instead.',
          );
          return;
        }
      }
      setQuery(code);
      const hit = households.find((h) => h.passCode === code);
      if (hit) setOpen(hit.partyId);
    },
    [households, incidentId, authLost],
  );
  const scanned = useCallback((target: ScanTarget, text: string) => void onScan(target, text), [onScan]);

  if (!incidentId || !hotelId)
    return (
      <main className="reception">
        <p className="notice error">Your account is not linked to a hotel. Ask the duty manager.</p>
      </main>
    );

  return (
    <main className="reception" data-ready={data.arrivals ? 'true' : 'false'} data-fresh={data.loadedAt ? 'true' : 'false'}>
      <header className="rx-head">
        <h1>{data.arrivals?.hotel.name ?? 'Reception'}</h1>
        <p className="muted rx-sub">
          {/* The same figures as the tabs: a household partly in is arriving (the rest) and in (those here). */}
          {countOf(counts.arriving, 'household')} arriving ({countOf(counts.guestsComing, 'guest')}
          {counts.partly ? `; ${counts.partly} partly in` : ''}) · {countOf(counts.in_house, 'household')} in ({countOf(counts.guestsIn, 'guest')})
          <span
            className={`live-dot ${data.live ? 'on' : 'off'}`}
            title={data.live ? 'Live updates on' : 'Live updates paused'}
            aria-label={data.live ? 'Live' : 'Not live'}
          />
        </p>
        <RoomingListLinks incidentId={incidentId} hotelId={hotelId} hotelName={data.arrivals?.hotel.name ?? 'this hotel'} />
      </header>
      <OutboxBar outbox={outbox} />
      {data.error && (
        <p className="notice error" role="alert">
          {data.error.message}
        </p>
      )}
      {data.fromCache && !data.error && data.cachedAt && (
        <p className="notice info rx-stale">Showing the list as of {timeOf(new Date(data.cachedAt).toISOString(), zone)}; updating…</p>
      )}
      {data.arrivals && data.arrivals.hotel.perks.length > 0 && (
        <details className="rx-perks">
          <summary>What guests may have on the park's account</summary>
          <ul>
            {data.arrivals.hotel.perks.map((p, i) => (
              <li key={i}>
                {p.kind.replace(/_/g, ' ')}
                {p.capMinorPerGuestPerNight != null && ` · up to ${formatMoneyMinor(p.capMinorPerGuestPerNight, data.arrivals!.currency)} per guest per night`}
                {p.note && ` · ${p.note}`}
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="rx-search">
        <label className="visually-hidden" htmlFor="rx-q">
          Search by surname, unit or pass code
        </label>
        <input id="rx-q" type="search" placeholder="Surname, unit or pass code" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
        <button type="button" onClick={() => setScanning(true)} aria-label="Scan a pass">
          Scan
        </button>
      </div>
      {scanning && <Scanner onScan={scanned} onClose={() => setScanning(false)} />}
      {scanNotice && (
        <p className="notice error" role="alert">
          {scanNotice}
        </p>
      )}
      {!searching && (
        <nav className="rx-tabs" role="tablist" aria-label="Lists">
          {(
            [
              ['arriving', `Arriving (${counts.arriving})`],
              ['in_house', `In house (${counts.in_house})`],
              ['closed', `Other (${counts.closed})`],
            ] as [Tab, string][]
          ).map(([t, label]) => (
            <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)}>
              {label}
            </button>
          ))}
        </nav>
      )}
      {!data.arrivals && !data.error && <p aria-busy="true">Loading arrivals…</p>}
      {data.arrivals && shown.length === 0 && (
        <p className="muted rx-empty">
          {searching ? `Nobody here matches “${query}”.` : tab === 'arriving' ? 'Nobody else is expected right now.' : 'Nobody in this list yet.'}
        </p>
      )}
      {groups.map((g) => (
        <section key={g.key} className="rx-group" aria-label={g.title} data-trip={g.key}>
          <h2>
            <span>{g.title}</span>
            {tab === 'arriving' || searching ? (
              <span className={`eta eta-${g.eta?.source ?? 'plan'}`}>{g.key.startsWith('none') ? '' : etaText(g, zone)}</span>
            ) : null}
          </h2>
          {g.households.map((h) => (
            <HouseholdCard
              key={h.partyId}
              household={h}
              actions={actions}
              open={open === h.partyId}
              onToggle={() => setOpen(open === h.partyId ? null : h.partyId)}
              refused={refusedOf.get(h.partyId)}
              onDismiss={() => {
                const seq = refusedOf.get(h.partyId)?.seq;
                if (seq !== undefined) void outbox.dismiss(seq);
              }}
              perks={{
                incidentId,
                timeZone: zone,
                items: perksOfParty.get(h.partyId) ?? NO_PERKS,
                onRecorded: perks.refresh,
                onAuthError: authLost,
                queue: outbox.enqueue,
                queued: queuedPerks.get(h.partyId) ?? NO_QUEUED,
              }}
            />
          ))}
        </section>
      ))}
    </main>
  );
}

export default ReceptionPage;
