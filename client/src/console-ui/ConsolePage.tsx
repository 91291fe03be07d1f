/**
 * The duty manager console: counters across the top, the live map with its clock and replay
 * controls (in replay the badge, counters and map follow the replay clock; the panels stay live), and a side panel of six tabs (each one click from the map, or a number key away),
 * one of them what needs a duty manager's attention (guest replies, perks over a staff limit).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { UserView } from '../../../shared/api.js';
import { useIncidentLive } from '../live/useIncidentLive.js';
import { usePlan } from '../live/usePlan.js';
import { useAttention } from '../live/useAttention.js';
import { buildLookup } from '../console/lookup.js';
import { shortcutFor, SHORTCUT_HELP } from '../console/shortcuts.js';
import { formatDateTime, formatTime } from '../format.js';
import { replayState, type WhereaboutsMove } from '../console/replay.js';
import { api } from '../api.js';
import { useReplay } from './useReplay.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Counters } from './Counters.js';
import { LiveStatus } from './LiveStatus.js';
import { ShelterBar } from './ShelterBar.js';
import { ConsoleMap } from './ConsoleMap.js';
import { SidePanel, TABS, type TabKey } from './SidePanel.js';
import './console.css';

interface Props {
  incidentId: string;
  user: UserView;
  onAuthError: (err: unknown) => void;
}

export interface Selection {
  households: string | null;
  hotels: string | null;
  fleet: string | null;
  /** Households tab narrowed to one muster point (from a click on it). */
  siteId: string;
}

/** Inputs where a letter key is not text: shortcuts still work there. */
const NOT_TYPING = new Set(['range', 'checkbox', 'radio', 'button', 'submit']);

const NONE: Selection = { households: null, hotels: null, fleet: null, siteId: '' };

export function ConsolePage({ incidentId, user, onAuthError }: Props) {
  const live = useIncidentLive(incidentId, onAuthError);
  const plan = usePlan(incidentId, onAuthError);
  const att = useAttention(incidentId, live.log, onAuthError);
  const [tab, setTab] = useState<TabKey>('households');
  const [sel, setSel] = useState<Selection>(NONE);
  const searchRef = useRef<HTMLInputElement>(null);
  const lookup = useMemo(() => (live.state ? buildLookup(live.state) : null), [live.state]);
  const { setViewing } = live;
  const replay = useReplay(live.log.events);
  const replayStep = replay.pos?.step ?? null;
  // Every person's moves, read when replay starts (and again as the log grows meanwhile): replay
  // then puts each person where they were, not a household's members all together.
  const replaying = replayStep !== null;
  const lastSeq = live.log.events.at(-1)?.seq ?? 0;
  const [moves, setMoves] = useState<readonly WhereaboutsMove[] | undefined>(undefined);
  useEffect(() => {
    if (!replaying) return setMoves(undefined);
    let alive = true;
    api.whereaboutsMoves(incidentId).then(
      (r) => alive && setMoves(r.moves),
      () => undefined, // Without them replay moves each household's members together, as the log names them.
    );
    return () => {
      alive = false;
    };
  }, [replaying, incidentId, lastSeq]);
  /** What the counters and map show: live, or the incident rolled back to the replay clock. */
  const shown = useMemo(
    () => (live.state && replayStep !== null ? replayState(live.state, live.log.events, replayStep, moves) : live.state),
    [live.state, live.log.events, replayStep, moves],
  );

  useEffect(() => {
    setViewing(TABS.find((t) => t.key === tab)?.label ?? null);
  }, [tab, setViewing, live.connection]);

  useEffect(() => {
    if (live.status === 'ready' && !performance.getEntriesByName('console-interactive').length) performance.mark('console-interactive');
  }, [live.status]);

  /** A click on the map opens the matching panel with that thing selected. */
  const onSelect = useCallback(
    (id: string) => {
      const [kind, ...rest] = id.split(':');
      const key = rest.join(':');
      if (kind === 'hotel') {
        setTab('hotels');
        setSel((s) => ({ ...s, hotels: key }));
      } else if (kind === 'vehicle') {
        setTab('fleet');
        setSel((s) => ({ ...s, fleet: key }));
      } else if (kind === 'party') {
        setTab('households');
        setSel((s) => ({ ...s, households: key }));
      } else if (kind === 'site' || kind === 'cluster') {
        const site = live.state?.sites.find((x) => x.id === key);
        if (site && site.kind !== 'muster' && kind === 'site') {
          setTab('fleet');
          setSel((s) => ({ ...s, fleet: null }));
        } else {
          setTab('households');
          setSel((s) => ({ ...s, households: null, siteId: key }));
        }
      }
    },
    [live.state],
  );

  const { compute, apply } = plan;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing =
        !!t &&
        ((t.tagName === 'INPUT' && !NOT_TYPING.has((t as HTMLInputElement).type)) || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
      const s = shortcutFor(e.key, typing, e.ctrlKey || e.metaKey || e.altKey);
      if (!s) return;
      e.preventDefault();
      if (s.action === 'tab') setTab(TABS[s.tab!]!.key);
      else if (s.action === 'compute') {
        setTab('plan');
        void compute();
      } else if (s.action === 'apply') {
        setTab('plan');
        void apply();
      } else if (s.action === 'search') {
        setTab('households');
        setTimeout(() => searchRef.current?.focus(), 0);
      } else if (s.action === 'close') {
        if (typing) t!.blur();
        setSel(NONE);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [compute, apply]);

  if (live.status === 'loading' && !live.state) {
    return (
      <main className="page" aria-busy="true">
        <p>Loading the incident…</p>
      </main>
    );
  }
  if (live.status === 'error' || !live.state || !live.summary || !lookup) {
    return (
      <main className="page">
        <p>
          <a href="#/">← All incidents</a>
        </p>
        <ErrorNotice error={live.error} title="Could not load this incident." />
        <button type="button" onClick={() => void live.reload()}>
          Try again
        </button>
      </main>
    );
  }

  const { incident } = live.summary;
  return (
    <main className="console" data-testid="console" data-seq={live.log.lastSeq}>
      <div className="console-head">
        <a href="#/" className="back" aria-label="All incidents">
          ←
        </a>
        <h1 title={`Started ${formatDateTime(incident.startedAt, incident.timezone)} · ${incident.status === 'active' ? 'Active' : 'Closed'}`}>
          {incident.name}
        </h1>
        <LiveStatus
          connection={live.connection}
          presence={live.presence}
          me={user.id}
          replayClock={replay.pos ? formatTime(new Date(replay.pos.at).toISOString(), incident.timezone) : null}
        />
        <span className="keys muted" aria-hidden="true">
          {SHORTCUT_HELP}
        </span>
      </div>
      {/* The projection and its re-plan offer are about now: not shown over a replayed night. */}
      {replaying ? null : <ShelterBar incidentId={incidentId} shelter={live.state.shelter} timeZone={incident.timezone} onAuthError={onAuthError} />}
      <Counters state={shown ?? live.state} summary={live.summary} spend={live.spend} replaying={replaying} />
      <div className="console-body">
        <ConsoleMap
          state={shown ?? live.state}
          log={live.log}
          lookup={lookup}
          proposal={plan.applied ? null : plan.view}
          onSelect={onSelect}
          focusId={tab === 'hotels' && sel.hotels ? `hotel:${sel.hotels}` : null}
          replay={replay}
        />
        <SidePanel
          tab={tab}
          onTab={setTab}
          incidentId={incidentId}
          state={live.state}
          log={live.log}
          lookup={lookup}
          plan={plan}
          sel={sel}
          onSel={setSel}
          searchRef={searchRef}
          onAuthError={onAuthError}
          att={att}
          onShowParty={(partyId) => onSelect(`party:${partyId}`)}
        />
      </div>
    </main>
  );
}
