/**
 * The side panel: six tabs (keys 1–6), each one click from the map. Tabs follow the ARIA tabs
 * pattern. "Attention" carries a count badge, so what waits for a duty manager shows from any tab.
 */
import { useEffect, useRef, type RefObject } from 'react';
import type { IncidentState } from '../../../shared/api.js';
import type { EventLog } from '../console/event-log.js';
import type { Lookup } from '../console/lookup.js';
import type { PlanWork } from '../live/usePlan.js';
import type { Selection } from './ConsolePage.js';
import { HouseholdsPanel } from './HouseholdsPanel.js';
import { HotelsPanel } from './HotelsPanel.js';
import { FleetPanel } from './FleetPanel.js';
import { PlanPanel } from './PlanPanel.js';
import { ActivityPanel } from './ActivityPanel.js';
import { AttentionPanel } from './AttentionPanel.js';
import type { AttentionState } from '../live/useAttention.js';

export type TabKey = 'households' | 'hotels' | 'fleet' | 'plan' | 'activity' | 'attention';
export const TABS: { key: TabKey; label: string }[] = [
  { key: 'households', label: 'Households' },
  { key: 'hotels', label: 'Hotels' },
  { key: 'fleet', label: 'Fleet & trips' },
  { key: 'plan', label: 'Plan' },
  { key: 'activity', label: 'Activity' },
  { key: 'attention', label: 'Attention' },
];

export interface PanelProps {
  incidentId: string;
  state: IncidentState;
  log: EventLog;
  lookup: Lookup;
  sel: Selection;
  onSel: (s: Selection | ((s: Selection) => Selection)) => void;
  onAuthError: (err: unknown) => void;
}

interface Props extends PanelProps {
  tab: TabKey;
  onTab: (t: TabKey) => void;
  plan: PlanWork;
  searchRef: RefObject<HTMLInputElement | null>;
  att: AttentionState;
  onShowParty: (partyId: string) => void;
}

export function SidePanel(props: Props) {
  const { tab, onTab, plan, searchRef, att, onShowParty, ...panel } = props;
  const waiting = att.attention.count;
  // A household, hotel or vehicle opened (from a list, the map, or a form just saved) is read from its top.
  const body = useRef<HTMLDivElement>(null);
  const { households, hotels, fleet } = panel.sel;
  // Not on the first render: the panel starts at its top, and asking would lay out the page in the console's first task.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current) body.current?.scrollTo({ top: 0 });
    opened.current = true;
  }, [tab, households, hotels, fleet]);
  return (
    <aside className="side-panel" aria-label="Panels">
      <div role="tablist" aria-label="Console panels" className="tabs">
        {TABS.map((t, i) => (
          <button
            key={t.key}
            type="button"
            role="tab"
            id={`tab-${t.key}`}
            aria-selected={tab === t.key}
            aria-controls={`panel-${t.key}`}
            tabIndex={tab === t.key ? 0 : -1}
            className={tab === t.key ? 'tab active' : 'tab'}
            onClick={() => onTab(t.key)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
              onTab(next.key);
              document.getElementById(`tab-${next.key}`)?.focus();
            }}
          >
            <span className="tab-key" aria-hidden="true">
              {i + 1}
            </span>{' '}
            {t.label}
            {t.key === 'attention' && waiting > 0 ? (
              <span className="tab-badge" data-testid="attention-count" aria-label={`: ${waiting} waiting`}>
                {waiting}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      <div ref={body} role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="panel-body" data-panel={tab}>
        {tab === 'households' ? <HouseholdsPanel {...panel} searchRef={searchRef} openItems={att.attention.items} /> : null}
        {tab === 'hotels' ? <HotelsPanel {...panel} /> : null}
        {tab === 'fleet' ? <FleetPanel {...panel} /> : null}
        {tab === 'plan' ? <PlanPanel {...panel} plan={plan} att={att} /> : null}
        {tab === 'activity' ? <ActivityPanel log={panel.log} timeZone={panel.state.incident.timezone} name={panel.lookup.name} /> : null}
        {tab === 'attention' ? (
          <AttentionPanel incidentId={panel.incidentId} att={att} log={panel.log} lookup={panel.lookup} onShowParty={onShowParty} />
        ) : null}
      </div>
    </aside>
  );
}
