/**
 * The replay clock of the console: off (live), or a position in the event log that the slider
 * moves step by step and play moves at 1x, 10x or 60x. Leaving replay returns to live.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LiveEvent } from '../../../shared/realtime.js';
import { advanceReplay, positionAtStep, type ReplayPosition, type ReplaySpeed } from '../console/replay.js';

export interface Replay {
  pos: ReplayPosition | null;
  playing: boolean;
  speed: ReplaySpeed;
  start: () => void;
  leave: () => void;
  toStep: (step: number) => void;
  setPlaying: (playing: boolean) => void;
  setSpeed: (speed: ReplaySpeed) => void;
}

const TICK_MS = 250;

export function useReplay(events: readonly LiveEvent[]): Replay {
  const [pos, setPos] = useState<ReplayPosition | null>(null);
  const [playing, setPlayingState] = useState(false);
  const [speed, setSpeed] = useState<ReplaySpeed>(10);
  const eventsRef = useRef(events);
  eventsRef.current = events;
  const posRef = useRef(pos);
  posRef.current = pos;

  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const id = setInterval(() => {
      const now = performance.now();
      const p = posRef.current;
      if (!p) return;
      const next = advanceReplay(p, eventsRef.current, now - last, speed, Date.now());
      last = now;
      posRef.current = { step: next.step, at: next.at };
      setPos(posRef.current);
      if (next.done) setPlayingState(false);
    }, TICK_MS);
    return () => clearInterval(id);
  }, [playing, speed]);

  const start = useCallback(() => setPos(positionAtStep(eventsRef.current, eventsRef.current.length)), []);
  const leave = useCallback(() => {
    setPlayingState(false);
    setPos(null);
  }, []);
  const toStep = useCallback((step: number) => {
    setPlayingState(false);
    setPos(positionAtStep(eventsRef.current, step));
  }, []);
  const setPlaying = useCallback((on: boolean) => setPlayingState(on && posRef.current !== null), []);
  return { pos, playing, speed, start, leave, toStep, setPlaying, setSpeed };
}
