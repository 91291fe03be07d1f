/**
 * Two sliders under the map: the clock (incident time: where vehicles are along their trips) and
 * replay (step through the event log for the after-action review). Both work from the keyboard.
 */
import { useEffect, useState } from 'react';
import type { EventLog } from '../console/event-log.js';
import { describeEvent } from '../console/event-log.js';

interface Props {
  span: { start: number; end: number } | null;
  clock: number | null;
  onClock: (t: number) => void;
  log: EventLog;
  replayStep: number | null;
  onReplay: (step: number | null) => void;
  timeZone: string;
  previewing: boolean;
}

const MIN = 60_000;

function hhmm(t: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(t);
  } catch {
    return new Date(t).toISOString().slice(11, 16);
  }
}

export function TimeBar({ span, clock, onClock, log, replayStep, onReplay, timeZone, previewing }: Props) {
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing || !span || clock === null) return;
    const id = setInterval(() => onClock(Math.min(span.end + 15 * MIN, clock + MIN)), 250);
    return () => clearInterval(id);
  }, [playing, span, clock, onClock]);

  const steps = log.events.length;
  const at = replayStep === null ? null : log.events[replayStep - 1];
  return (
    <div className="time-bar">
      <div className="time-row">
        <label htmlFor="clock">Clock</label>
        {span && clock !== null ? (
          <>
            <button type="button" className="secondary small" onClick={() => setPlaying((p) => !p)} aria-pressed={playing}>{playing ? 'Pause' : 'Play'}</button>
            <input id="clock" type="range" min={span.start - 15 * MIN} max={span.end + 15 * MIN} step={MIN} value={clock} onChange={(e) => onClock(Number(e.target.value))} aria-valuetext={`incident time ${hhmm(clock, timeZone)}`} />
            <output htmlFor="clock" data-testid="clock">{hhmm(clock, timeZone)}</output>
            <span className="muted small-text">{previewing ? 'proposed trips' : 'planned trips'} {hhmm(span.start, timeZone)}–{hhmm(span.end, timeZone)}</span>
          </>
        ) : (
          <span className="muted small-text">No trips planned yet: compute and apply a plan to see vehicles move.</span>
        )}
      </div>
      <div className="time-row">
        <label htmlFor="replay">Replay</label>
        <button type="button" className="secondary small" aria-pressed={replayStep !== null} onClick={() => onReplay(replayStep === null ? steps : null)} disabled={steps === 0}>
          {replayStep === null ? 'Start replay' : 'Back to live'}
        </button>
        {replayStep !== null ? (
          <>
            <input id="replay" type="range" min={0} max={steps} step={1} value={replayStep} onChange={(e) => onReplay(Number(e.target.value))} aria-valuetext={`step ${replayStep} of ${steps}`} />
            <output htmlFor="replay" className="replay-at" data-testid="replay-at">
              {at ? `#${at.seq} ${hhmm(Date.parse(at.at), timeZone)} ${at.actor.name} ${describeEvent(at)}` : 'Before the first event'}
            </output>
          </>
        ) : (
          <span className="muted small-text">{steps} events in the log</span>
        )}
      </div>
    </div>
  );
}
