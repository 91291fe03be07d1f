/** One household: who, how many, needs and notes up front; the actions that apply to it now (perks once checked in). */
import { roomNumbersText } from '../../../shared/room-numbers.js';
import { useState } from 'react';
import { CheckInForm } from './CheckInForm.js';
import { needLabel, type Household } from './model.js';
import type { CheckInRequest } from '../../../shared/checkin.js';
import type { PerkItem } from './perks.js';
import { formatMoneyMinor } from '../../../shared/ledger.js';
import { PerksBox } from './PerksBox.js';
import type { NewAction, QueuedAction } from '../offline/queue.js';
import { NotDone } from '../offline/OutboxBar.js';
import { countOf } from '../../../shared/plural.js';

export interface CardActions {
  checkIn(h: Household, body: CheckInRequest, label: string): void;
  noShow(h: Household, kind: 'no_show' | 'went_elsewhere'): void;
  checkOut(h: Household): void;
}

/** The household's perks at this hotel and what recording one needs. */
export interface CardPerks {
  incidentId: string;
  /** The incident's time zone: when each perk was recorded is shown in it. */
  timeZone: string;
  items: PerkItem[];
  onRecorded(): void;
  onAuthError(): void;
  /** Keep a perk in the device's outbox, and those already waiting there. */
  queue(a: NewAction): Promise<unknown>;
  queued: QueuedAction[];
}

const STATUS: Record<string, string> = {
  waiting: 'Waiting at muster point',
  assigned: 'Expected',
  on_vehicle: 'On the vehicle',
  arrived: 'Arrived: at the door',
  checked_in: 'Checked in',
  checked_out: 'Checked out',
  no_show: 'No-show',
  self_evacuated: 'Went elsewhere',
  needs_help: 'Needs help',
};

/** "German" for "de": the language's English name where the browser knows it. */
function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function HouseholdCard({
  household: h,
  actions,
  open,
  onToggle,
  perks,
  refused,
  onDismiss,
}: {
  household: Household;
  actions: CardActions;
  open: boolean;
  onToggle: () => void;
  perks?: CardPerks;
  /** The household's last action the server refused (shown here, beside it, not only at the top of a long page). */
  refused?: QueuedAction;
  onDismiss?: () => void;
}) {
  const [confirm, setConfirm] = useState<null | 'no_show' | 'went_elsewhere' | 'checkout'>(null);
  const inCount = h.guests.filter((g) => g.checkedIn).length;
  const partial = h.status === 'checked_in' && inCount < h.guests.length;
  const needs = [...new Set([...h.needs, ...h.guests.flatMap((g) => g.needs)])];
  const rooms = roomNumbersText(h.roomNumbers);
  const canArrive = !['checked_in', 'checked_out', 'no_show', 'self_evacuated'].includes(h.status) || partial;
  const perkItems = perks?.items ?? [];
  const waitingPerks = perkItems.filter((p) => p.state === 'waiting').length;
  const perkTotal = perkItems.filter((p) => p.state === 'recorded' || p.state === 'approved').reduce((n, p) => n + p.amountMinor, 0);
  return (
    <article className={`household status-${h.status}${h.pending ? ' pending' : ''}`} data-party={h.partyId} data-status={h.status} data-pending={h.pending}>
      <button type="button" className="household-head" aria-expanded={open} onClick={onToggle}>
        <span className="hh-name">
          {h.name} <span className="hh-size">· {countOf(h.guests.length, 'guest')}</span>
        </span>
        <span className="hh-meta">
          {h.unit && <span>{h.unit}</span>}
          <code className="pass">{h.passCode}</code>
        </span>
        <span className={`hh-status s-${h.status}`}>
          {STATUS[h.status] ?? h.status}
          {partial && ` (${inCount} of ${h.guests.length})`}
          {rooms && ` · ${rooms}`}
          {h.pending && <span className="badge-pending"> · waiting to send</span>}
        </span>
        {perkItems.length > 0 && (
          <span className="hh-perks">
            Perks {formatMoneyMinor(perkTotal, perkItems[0]!.currency)}
            {waitingPerks > 0 && <span className="badge-pending"> · {waitingPerks} waiting for approval</span>}
          </span>
        )}
      </button>
      {refused && onDismiss && <NotDone action={refused} className="hh-refused" data-testid="hh-refused" onDismiss={onDismiss} />}
      {(h.phone || (h.whereabouts && h.whereabouts.startsWith('split'))) && (
        <p className="hh-contact">
          {h.whereabouts?.startsWith('split') && (
            <span className="hh-split" data-testid="hh-split">
              {h.whereabouts}{' '}
            </span>
          )}
          {h.phone && (
            <a className="tel" href={`tel:${h.phone.replace(/[^+\d]/g, '')}`}>
              Call {h.phone}
            </a>
          )}
        </p>
      )}
      {(needs.length > 0 || h.notes) && (
        <div className="hh-care">
          {needs.map((n) => (
            <span key={n} className={`need need-${n}`}>
              {needLabel(n)}
            </span>
          ))}
          {h.notes && <p className="hh-notes">“{h.notes}”</p>}
          {h.language && h.language !== 'en' && <span className="need">Speaks {languageName(h.language)}</span>}
        </div>
      )}
      {open && (
        <div className="hh-body">
          {canArrive && (
            <CheckInForm
              household={h}
              onCheckIn={(body, label) => actions.checkIn(h, body, label)}
              tried={refused?.kind === 'checkin' ? (refused.body as CheckInRequest) : undefined}
            />
          )}
          {!['checked_in', 'checked_out', 'no_show', 'self_evacuated'].includes(h.status) && (
            <div className="hh-actions">
              {confirm === 'no_show' || confirm === 'went_elsewhere' ? (
                <>
                  <button type="button" className="danger" onClick={() => actions.noShow(h, confirm)}>
                    Confirm: {confirm === 'no_show' ? 'no-show' : 'went elsewhere'}
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirm(null)}>
                    Cancel
                  </button>
                </>
              ) : (
                <>
                  <button type="button" className="secondary" onClick={() => setConfirm('no_show')}>
                    No-show
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirm('went_elsewhere')}>
                    Went elsewhere
                  </button>
                </>
              )}
            </div>
          )}
          {h.status === 'checked_in' && perks && !h.pending && (
            <PerksBox
              incidentId={perks.incidentId}
              timeZone={perks.timeZone}
              household={h}
              perks={perkItems}
              onRecorded={perks.onRecorded}
              onAuthError={perks.onAuthError}
              onQueue={perks.queue}
              queued={perks.queued}
            />
          )}
          {h.status === 'checked_in' && (
            <div className="hh-actions">
              {confirm === 'checkout' ? (
                <>
                  <button type="button" className="danger" onClick={() => actions.checkOut(h)}>
                    Confirm check-out
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirm(null)}>
                    Cancel
                  </button>
                </>
              ) : (
                <button type="button" className="secondary" onClick={() => setConfirm('checkout')}>
                  Check out
                </button>
              )}
            </div>
          )}
        </div>
      )}
    </article>
  );
}
