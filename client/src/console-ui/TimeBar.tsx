/**
 * Two sliders under the map: the clock (incident time: where vehicles are along their trips) and
 * replay (step through the event log for the after-action review, or play it at 1x/10x/60x; while
 * replaying, vehicles stand where they were at the replay clock). Both work from the keyboard.
 */
import { useEffect, useState } from 'react';
import type { EventLog } from '../console/event-log.js';
import { describeEvent } from '../console/event-log.js';
import { REPLAY_SPEEDS } from '../console/replay.js';
import type { Replay } from './useReplay.js';
import { dateFormat } from '../../../shared/intl.js';
import { plural } from '../format.js';

interface Props {
  span: { start: number; end: number } | null;
  clock: number | null;
  onClock: (t: number) => void;
  log: EventLog;
  replay: Replay;
  timeZone: string;
  previewing: boolean;
}

const MIN = 60_000;

function hhmm(t: number, timeZone: string): string {
  try {
    return dateFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(t);
  } catch {
    return new Date(t).toISOString().slice(11, 16);
  }
}

export function TimeBar({ span, clock, onClock, log, replay, timeZone, previewing }: Props) {
  const replayStep = replay.pos?.step ?? null;
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing || !span || clock === null || replayStep !== null) return;
    const id = setInterval(() => onClock(Math.min(span.end + 15 * MIN, clock + MIN)), 250);
    return () => clearInterval(id);
  }, [playing, span, clock, onClock, replayStep]);

  const steps = log.events.length;
  const at = replayStep === null ? null : log.events[replayStep - 1];
  return (
    <div className="time-bar">
      <div className="time-row">
        <label htmlFor="clock">Clock</label>
        {replay.pos ? (
          <span className="muted small-text">Vehicles as they stood at the replay clock, {hhmm(replay.pos.at, timeZone)}</span>
        ) : span && clock !== null ? (
          <>
            <button type="button" className="secondary small" onClick={() => setPlaying((p) => !p)} aria-pressed={playing}>
              {playing ? 'Pause' : 'Play'}
            </button>
            <input
              id="clock"
              type="range"
              min={span.start - 15 * MIN}
              max={span.end + 15 * MIN}
              step={MIN}
              value={clock}
              onChange={(e) => onClock(Number(e.target.value))}
              aria-valuetext={`incident time ${hhmm(clock, timeZone)}`}
            />
            <output htmlFor="clock" data-testid="clock">
              {hhmm(clock, timeZone)}
            </output>
            <span className="muted small-text">
              {previewing ? 'proposed trips' : 'planned trips'} {hhmm(span.start, timeZone)}–{hhmm(span.end, timeZone)}
            </span>
          </>
        ) : (
          <span className="muted small-text">No trips planned yet: compute and apply a plan to see vehicles move.</span>
        )}
      </div>
      <div className="time-row">
        <label htmlFor="replay">Replay</label>
        <button
          type="button"
          className="secondary small"
          aria-pressed={replayStep !== null}
          onClick={() => (replayStep === null ? replay.start() : replay.leave())}
          disabled={steps === 0}
        >
          {replayStep === null ? 'Start replay' : 'Back to live'}
        </button>
        {replay.pos && replayStep !== null ? (
          <>
            <button
              type="button"
              className="secondary small"
              onClick={() => replay.setPlaying(!replay.playing)}
              aria-pressed={replay.playing}
              data-testid="replay-play"
            >
              {replay.playing ? 'Pause' : 'Play'}
            </button>
            <span className="speeds" role="group" aria-label="Replay speed">
              {REPLAY_SPEEDS.map((x) => (
                <button key={x} type="button" className="secondary small" aria-pressed={replay.speed === x} onClick={() => replay.setSpeed(x)}>
                  {x}x
                </button>
              ))}
            </span>
            <output className="replay-clock" data-testid="replay-clock" data-at={replay.pos.at}>
              {hhmm(replay.pos.at, timeZone)}
            </output>
            <input
              id="replay"
              type="range"
              min={0}
              max={steps}
              step={1}
              value={replayStep}
              onChange={(e) => replay.toStep(Number(e.target.value))}
              aria-valuetext={`step ${replayStep} of ${steps}, ${hhmm(replay.pos.at, timeZone)}`}
            />
            <output htmlFor="replay" className="replay-at" data-testid="replay-at">
              {at ? `#${at.seq} ${hhmm(Date.parse(at.at), timeZone)} ${at.actor.name} ${describeEvent(at)}` : 'Before the first event'}
            </output>
          </>
        ) : (
          <span className="muted small-text">{plural(steps, 'event')} in the log</span>
        )}
      </div>
    </div>
  );
}
