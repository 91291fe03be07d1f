/**
 * What households said after their stay (the follow-up message's link): the average and each
 * household's rating and words, newest first, low ratings marked. Read from the API and read again
 * whenever a `guest.feedback_given` event arrives on the console's log.
 */
import { formatDateTime } from '../format.js';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.js';
import { ageText, feedbackSummary, ratingStars } from '../console/attention.js';
import type { EventLog } from '../console/event-log.js';
import type { Lookup } from '../console/lookup.js';
import type { FeedbackView } from '../../../shared/messages.js';

interface Props {
  incidentId: string;
  log: EventLog;
  lookup: Lookup;
  now: number;
  onShowParty: (partyId: string) => void;
}

export function FeedbackSection({ incidentId, log, lookup, now, onShowParty }: Props) {
  const [data, setData] = useState<{ feedback: FeedbackView[]; averageRating: number | null } | null>(null);
  const [failed, setFailed] = useState(false);
  const given = log.events.filter((e) => e.type === 'guest.feedback_given').length;
  const load = useCallback(async () => {
    try {
      setData(await api.feedback(incidentId));
      setFailed(false);
    } catch {
      setFailed(true);
    }
  }, [incidentId]);
  useEffect(() => {
    void load();
  }, [load, given]);

  const list = data?.feedback ?? [];
  return (
    <>
      <h3 className="att-section">
        Guest feedback <span className="att-count">{list.length}</span>
      </h3>
      {failed ? (
        <p className="notice error" role="alert">
          Could not load the guests' feedback.
        </p>
      ) : null}
      <p className="muted" data-testid="feedback-summary">
        {data ? feedbackSummary(list.length, data.averageRating) : 'Loading…'}
      </p>
      <ul className="att-list" data-testid="feedback-list">
        {list.map((f) => {
          const party = lookup.party(f.partyId);
          const hotel = f.hotelId ? (lookup.hotel(f.hotelId)?.name ?? f.hotelId) : null;
          return (
            <li key={f.partyId} className={`att-item k-feedback${f.rating <= 2 ? ' low' : ''}`} data-party-id={f.partyId}>
              <p className="att-head">
                <strong className="att-kind stars" aria-label={`${f.rating} out of 5`}>
                  {ratingStars(f.rating)}
                </strong>
                <time dateTime={f.at} title={formatDateTime(f.at, lookup.timeZone)}>
                  {ageText(f.at, now)}
                </time>
              </p>
              <p className="att-line">
                <span className="att-who">
                  <strong>{party?.name ?? f.name}</strong> <span className="muted">{[f.partyId, hotel].filter(Boolean).join(' · ')}</span>{' '}
                  <button type="button" className="link" onClick={() => onShowParty(f.partyId)} aria-label={`Show household ${party?.name ?? f.name}`}>
                    show household
                  </button>
                </span>
              </p>
              {f.comment ? <blockquote className="att-words">“{f.comment}”</blockquote> : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}
