/**
 * The speed slider: a log scale from 0.05x to real time (1x), with "as fast as possible" as its
 * last notch. Slider positions are integers 0..SPEED_STEPS; the top notch means 'max'.
 */
import type { Speed } from '../state/types.ts';

export const MIN_SPEED = 0.05;
export const MAX_SPEED = 1;
export const SPEED_STEPS = 100;

export function sliderToSpeed(pos: number): Speed {
  if (pos >= SPEED_STEPS) return 'max';
  const f = Math.max(0, pos) / (SPEED_STEPS - 1);
  const v = MIN_SPEED * Math.pow(MAX_SPEED / MIN_SPEED, Math.min(1, f));
  return Math.round(v * 1000) / 1000;
}

export function speedToSlider(speed: Speed): number {
  if (speed === 'max') return SPEED_STEPS;
  const s = Math.max(MIN_SPEED, Math.min(MAX_SPEED, speed));
  return Math.round((Math.log(s / MIN_SPEED) / Math.log(MAX_SPEED / MIN_SPEED)) * (SPEED_STEPS - 1));
}

/** The `[` and `]` keys: halve or double, clamped; `]` from real time goes to 'max', `[` from 'max' back to 1x. */
export function stepSpeed(speed: Speed, dir: 1 | -1): Speed {
  if (speed === 'max') return dir > 0 ? 'max' : MAX_SPEED;
  if (dir > 0 && speed >= MAX_SPEED) return 'max';
  const next = dir > 0 ? speed * 2 : speed / 2;
  return Math.round(Math.max(MIN_SPEED, Math.min(MAX_SPEED, next)) * 1000) / 1000;
}

export function formatSpeed(speed: Speed): string {
  if (speed === 'max') return 'max';
  return speed >= 1 ? `${speed}×` : `${Number(speed.toFixed(3))}×`;
}

/** Virtual time as m:ss.t */
export function formatVirtualTime(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const m = Math.floor(total / 60);
  const s = total - m * 60;
  return `${m}:${s < 10 ? '0' : ''}${s.toFixed(1)}`;
}
