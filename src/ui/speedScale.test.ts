import { describe, expect, it } from 'vitest';
import { formatVirtualTime, sliderToSpeed, speedToSlider, SPEED_STEPS, stepSpeed } from './speedScale.ts';

describe('speed slider', () => {
  it('spans 0.05x to real time on a log scale, with max at the top', () => {
    expect(sliderToSpeed(0)).toBe(0.05);
    expect(sliderToSpeed(SPEED_STEPS - 1)).toBe(1);
    expect(sliderToSpeed(SPEED_STEPS)).toBe('max');
    const mid = sliderToSpeed(Math.round((SPEED_STEPS - 1) / 2)) as number;
    expect(mid).toBeGreaterThan(0.2);
    expect(mid).toBeLessThan(0.25);
  });
  it('round-trips positions through speeds', () => {
    for (const pos of [0, 10, 33, 50, 98, 99, 100]) expect(speedToSlider(sliderToSpeed(pos))).toBe(pos);
  });
  it('steps by doubling and halving within bounds', () => {
    expect(stepSpeed(0.25, 1)).toBe(0.5);
    expect(stepSpeed(0.25, -1)).toBe(0.125);
    expect(stepSpeed(0.05, -1)).toBe(0.05);
    expect(stepSpeed(1, 1)).toBe('max');
    expect(stepSpeed('max', -1)).toBe(1);
  });
  it('formats virtual time as minutes and seconds', () => {
    expect(formatVirtualTime(0)).toBe('0:00.0');
    expect(formatVirtualTime(65_432)).toBe('1:05.4');
  });
});
