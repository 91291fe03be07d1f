/**
 * Under the console's title: "Everyone in bed by 23:55 · vulnerable by 23:10", projected live from
 * what really happens (the incident's state carries it), "slipped 40 min" against the plan as
 * applied. When the slip passes the incident's threshold, or households have a bed and no vehicle,
 * a transport re-plan (every stay kept) is worked out at once and offered with its gain; applying
 * it goes through the ordinary apply (refused, and worked out again, if things changed meanwhile).
 */
import { useEffect, useRef, useState } from 'react';
import type { PlanView } from '../../../shared/api.js';
import type { ShelterProjection } from '../../../shared/live-shelter.js';
import { api, ApiError } from '../api.js';
import { replanGain, replanWorthApplying, shelterLine } from '../console/shelter.js';
import { countOf } from '../../../shared/plural.js';

interface Props {
  incidentId: string;
  shelter: ShelterProjection | undefined;
  timeZone: string;
  onAuthError: (err: unknown) => void;
}

type Offer = { key: string; view: PlanView | null; status: 'computing' | 'ready' | 'applying' | 'applied'; error: string | null };

export function ShelterBar({ incidentId, shelter, timeZone, onAuthError }: Props) {
  const [offer, setOffer] = useState<Offer | null>(null);
  const advisedKey = shelter?.replan.advised ? shelter.replan.reasons.join('|') : null;
  const latest = useRef<string | null>(null);

  const work = async (key: string) => {
    latest.current = key;
    setOffer({ key, view: null, status: 'computing', error: null });
    try {
      const view = await api.proposePlan(incidentId, { mode: 'transport' });
      if (latest.current === key) setOffer({ key, view, status: 'ready', error: null });
    } catch (err) {
      onAuthError(err);
      if (latest.current === key) setOffer({ key, view: null, status: 'ready', error: err instanceof Error ? err.message : 'Could not work out a re-plan.' });
    }
  };

  useEffect(() => {
    if (!advisedKey) {
      latest.current = null;
      setOffer((o) => (o?.status === 'applied' ? o : null));
      return;
    }
    if (latest.current !== advisedKey) void work(advisedKey);
  }, [advisedKey, incidentId]);
  // "Transport re-plan applied." is news for a minute, not a standing line over later changes.
  useEffect(() => {
    if (offer?.status !== 'applied') return;
    const id = window.setTimeout(() => setOffer((o) => (o?.status === 'applied' ? null : o)), 60_000);
    return () => window.clearTimeout(id);
  }, [offer?.status]);

  if (!shelter) return null;
  const line = shelterLine(shelter, timeZone);
  if (!line.headline && !shelter.planned) return null;

  const apply = async () => {
    if (!offer?.view) return;
    setOffer({ ...offer, status: 'applying' });
    try {
      await api.applyPlan(incidentId, offer.view.id);
      setOffer({ ...offer, status: 'applied' });
    } catch (err) {
      onAuthError(err);
      // Overtaken by a change (the server lists what changed): computed again for the new situation.
      // Any other refusal is said, never retried in silence.
      if (err instanceof ApiError && err.status === 409 && Array.isArray(err.details.changes)) void work(offer.key);
      else setOffer({ ...offer, status: 'ready', error: err instanceof Error ? err.message : 'Could not apply.' });
    }
  };

  return (
    <div className="shelter-bar" data-testid="shelter-bar" data-slip={shelter.slipMinutes ?? ''} data-advised={shelter.replan.advised ? 'true' : 'false'}>
      <span className="shelter-head" data-testid="shelter-headline">
        {line.headline ?? 'Nobody to bring in'}
      </span>
      {line.slips.map((s) => (
        <span key={s} className="shelter-slip" data-testid="shelter-slip">
          {s}
        </span>
      ))}
      {line.notes.length ? <span className="muted">{line.notes.join(' · ')}</span> : null}
      {advisedKey && offer?.view && offer.status === 'ready' && !offer.error && !replanWorthApplying(offer.view) ? (
        // Nothing a change of vehicles can cure (guests aboard a vehicle broken down on the road need one sent to them).
        <span className="shelter-offer muted" data-testid="replan-none" role="status" aria-live="polite">
          No transport re-plan does better now
          {shelter.vehiclesOut.length && shelter.strandedGuests ? ': send a vehicle to those aboard ' + shelter.vehiclesOut.join(', ') : ''}.
        </span>
      ) : advisedKey && offer ? (
        <span className="shelter-offer" data-testid="replan-offer" role="status" aria-live="polite">
          {offer.status === 'computing' ? 'Working out a transport re-plan…' : null}
          {offer.view?.shelter && offer.status !== 'computing' ? <strong data-testid="replan-gain">{replanGain(offer.view.shelter, timeZone)}</strong> : null}
          {offer.view && offer.status !== 'computing' ? (
            // What it costs in phone calls: households already told a vehicle and time get another.
            <span className="muted" data-testid="replan-changes">
              {' '}
              (
              {offer.view.diff.retimed.length
                ? `${countOf(offer.view.diff.retimed.length, 'household')} ${offer.view.diff.retimed.length === 1 ? 'gets' : 'get'} a new vehicle or time`
                : 'nobody already booked changes vehicle'}
              )
            </span>
          ) : null}
          {offer.view && (offer.status === 'ready' || offer.status === 'applying') ? (
            <button
              type="button"
              className="go small"
              onClick={() => void apply()}
              disabled={offer.status === 'applying'}
              title="Every household keeps its hotel; only the vehicles change"
            >
              {offer.status === 'applying' ? 'Applying…' : 'Apply re-plan'}
            </button>
          ) : null}
          {offer.error ? (
            <span className="field-error" role="alert">
              {offer.error}
            </span>
          ) : null}
        </span>
      ) : null}
      {offer?.status === 'applied' && !advisedKey ? (
        <span className="muted" role="status">
          Transport re-plan applied.
        </span>
      ) : null}
    </div>
  );
}
