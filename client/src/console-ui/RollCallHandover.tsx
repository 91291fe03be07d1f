/**
 * "Hand to staff": a duty manager makes a roll-call link for one muster point and gives it to a
 * staff member with no sign-in (QR to scan, or copy). The link opens that site's roll call only,
 * for one shift at most, and stops when the incident ends, or at once when the duty manager
 * withdraws the site's links (a phone lost, a volunteer gone home).
 */
import { formatDateTime } from '../format.js';
import { useState } from 'react';
import type { RollCallLink } from '../../../shared/attention.js';
import { api } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { QrSvg } from '../passes/QrSvg.js';
import { InfoNote } from '../components/Notices.js';

export function RollCallHandover({
  incidentId,
  siteId,
  timeZone,
  onAuthError,
}: {
  incidentId: string;
  siteId: string;
  timeZone: string;
  onAuthError: (err: unknown) => void;
}) {
  const [link, setLink] = useState<RollCallLink | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = link && link.site.id === siteId ? link : null;

  const make = async () => {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      setLink(await api.rollCallLink(incidentId, siteId));
    } catch (err) {
      onAuthError(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const withdraw = async () => {
    if (!window.confirm('Withdraw every roll-call link handed out for this place? Staff holding one can no longer open or send its roll call.')) return;
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      await api.withdrawRollCallLinks(incidentId, siteId);
      setLink(null);
      setNote('Withdrawn: every link handed out for this place stops working now. Make a new one for whoever takes over.');
    } catch (err) {
      onAuthError(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setNote('Link copied. Give it only to the staff member taking this roll call.');
    } catch {
      setNote(`Copy this link by hand: ${url}`);
    }
  };

  return (
    <div className="rollcall-handover">
      <button type="button" className="secondary small" disabled={busy} onClick={() => void make()} data-testid="rollcall-handover">
        {busy ? 'Working…' : 'Hand roll call to staff'}
      </button>{' '}
      <button type="button" className="secondary small" disabled={busy} onClick={() => void withdraw()} data-testid="rollcall-withdraw">
        Withdraw links
      </button>
      {shown ? (
        <div className="rollcall-handover-box" data-testid="rollcall-handover-link">
          <QrSvg qr={shown.qr} label={`Roll call link for ${shown.site.name}`} className="driver-qr" />
          <p className="muted small-print">
            Scan or open on the staff member's phone: roll call at {shown.site.name} only, no sign-in, until {formatDateTime(shown.expiresAt, timeZone)} or the
            incident ends.
            <br />
            <code data-testid="rollcall-handover-url">{shown.url}</code>
          </p>
          <button type="button" className="secondary small" onClick={() => void copy(shown.url)}>
            Copy link
          </button>
        </div>
      ) : null}
      <InfoNote note={note} />
      {error ? <ErrorNotice error={error} /> : null}
    </div>
  );
}
