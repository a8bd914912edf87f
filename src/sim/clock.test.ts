import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.ts';

describe('VirtualClock', () => {
  it('moves forward and refuses to go back', () => {
    const c = new VirtualClock();
    expect(c.nowMs).toBe(0);
    c.advanceTo(100);
    c.advanceTo(100);
    expect(c.nowMs).toBe(100);
    expect(() => c.advanceTo(99)).toThrow(/cannot go back/);
    expect(c.nowMs).toBe(100);
    expect(() => new VirtualClock(-1)).toThrow();
  });
});
