/** Play/pause, step, the speed slider (log scale, plus "as fast as possible") and the virtual clock. */
import { useEffect, useRef } from 'react';
import { usePlayground, useStoreApi } from './hooks.ts';
import { formatSpeed, formatVirtualTime, sliderToSpeed, speedToSlider, SPEED_STEPS } from './speedScale.ts';

/**
 * The clock changes every frame: it is written straight into the DOM from a store subscription,
 * so a frame costs no React render (every other subscriber skips the nowMs-only updates).
 */
export function Clock() {
  const store = useStoreApi();
  const ref = useRef<HTMLOutputElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let shown = -1;
    const draw = (now: number): void => {
      if (now === shown) return;
      shown = now;
      el.setAttribute('data-now', String(now));
      el.textContent = formatVirtualTime(now);
    };
    draw(store.getState().nowMs);
    return store.subscribe((s) => draw(s.nowMs));
  }, [store]);
  return <output ref={ref} className="clock" aria-label="virtual time" data-testid="clock" />;
}

export function TimeControls() {
  const store = useStoreApi();
  const paused = usePlayground((s) => s.paused);
  const speed = usePlayground((s) => s.speed);
  const ready = usePlayground((s) => s.api !== null);
  return (
    <div className="time-controls" role="group" aria-label="time">
      <button type="button" className="primary" disabled={!ready} onClick={() => store.getState().togglePause()} aria-keyshortcuts="Space" data-testid="play-pause">
        {paused ? '▶ Play' : '❚❚ Pause'} <kbd>Space</kbd>
      </button>
      <button type="button" disabled={!ready} onClick={() => void store.getState().step()} aria-keyshortcuts="." data-testid="step">
        Step ▸| <kbd>.</kbd>
      </button>
      <label className="speed">
        <span>Speed</span>
        <input
          type="range"
          min={0}
          max={SPEED_STEPS}
          step={1}
          value={speedToSlider(speed)}
          aria-valuetext={speed === 'max' ? 'as fast as possible' : `${formatSpeed(speed)} real time`}
          aria-keyshortcuts="- ="
          disabled={!ready}
          data-testid="speed"
          onChange={(e) => store.getState().setSpeed(sliderToSpeed(Number(e.target.value)))}
        />
        <output data-testid="speed-value">{speed === 'max' ? 'max' : formatSpeed(speed)}</output>
      </label>
      <Clock />
      {paused && <span className="paused-badge">paused</span>}
    </div>
  );
}
