import { describe, expect, it } from 'vitest';
import { TimeController, type Steppable, type WallClock } from './timeController.ts';

/** A fake world with an event every 10 virtual ms, and a wall clock moved by hand. */
function fixture(stepWallMs = 0.001) {
  let now = 0;
  let wall = 0;
  let steps = 0;
  const frames: (() => void)[] = [];
  const yields: (() => void)[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const engine: Steppable = {
    get nowMs() {
      return now;
    },
    nextEventMs: () => Math.floor(now / 10) * 10 + 10,
    runSome: async (untilMs, stop) => {
      let n = 0;
      while (Math.floor(now / 10) * 10 + 10 <= untilMs) {
        now = Math.floor(now / 10) * 10 + 10;
        wall += stepWallMs;
        steps++;
        n++;
        await Promise.resolve();
        if (stop()) break;
      }
      return n;
    },
    advanceTo: (ms) => {
      now = ms;
    },
    exclusive: (run) => {
      const next = queue.then(run);
      queue = next.catch(() => undefined);
      return next;
    },
  };
  const clock: WallClock = {
    nowMs: () => wall,
    nextFrame: () => new Promise((r) => frames.push(r)),
    yieldNow: () => new Promise((r) => yields.push(r)),
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return {
    engine,
    clock,
    advanceWall: (ms: number) => (wall += ms),
    frame: async () => {
      frames.splice(0).forEach((f) => f());
      await settle();
    },
    yield: async () => {
      yields.splice(0).forEach((f) => f());
      await settle();
    },
    settle,
    get now() {
      return now;
    },
    get wall() {
      return wall;
    },
    get steps() {
      return steps;
    },
    pendingFrames: () => frames.length,
    pendingYields: () => yields.length,
  };
}

describe('time controller', () => {
  it('maps wall time to virtual time by the speed, and stands still while paused', async () => {
    const f = fixture();
    const tc = new TimeController(f.engine, f.clock, { speed: 0.5 });
    tc.start();
    await f.settle();
    f.advanceWall(100);
    await f.frame();
    expect(f.now).toBe(50);
    tc.pause();
    f.advanceWall(1000);
    await f.frame();
    await f.frame();
    expect(f.now).toBe(50);
    tc.resume();
    f.advanceWall(40);
    await f.frame();
    expect(f.now).toBe(70);
    tc.setSpeed(1);
    f.advanceWall(30);
    await f.frame();
    expect(f.now).toBe(100);
    tc.stop();
    await f.frame();
  });

  it('at max speed steps back to back and yields between chunks', async () => {
    const f = fixture();
    const tc = new TimeController(f.engine, f.clock, { speed: 'max', chunkMs: 0.005 });
    tc.start();
    await f.settle();
    const first = f.now;
    expect(first).toBeGreaterThan(0);
    await f.yield();
    expect(f.now).toBeGreaterThan(first);
    expect(tc.state().speed).toBe('max');
    expect(() => tc.setSpeed(1000)).toThrow(/speed/);
    tc.stop();
    await f.yield();
  });

  it('when the world trails the clock it goes on after a yield, not a frame, each chunk within its budget', async () => {
    // Every step costs 2 wall ms: a 6 ms chunk holds 3 steps.
    const f = fixture(2);
    const tc = new TimeController(f.engine, f.clock, { speed: 1, chunkMs: 6 });
    tc.start();
    await f.settle();
    f.advanceWall(100);
    await f.frame();
    expect(f.now).toBe(30);
    expect(f.pendingYields()).toBe(1);
    expect(f.pendingFrames()).toBe(0);
    await f.yield();
    expect(f.now).toBe(60);
    // Once caught up with the wall clock it waits for a frame.
    for (let i = 0; i < 20 && f.pendingYields() > 0; i++) await f.yield();
    expect(f.pendingFrames()).toBe(1);
    expect(f.now).toBeLessThanOrEqual(f.wall);
    expect(f.now).toBeGreaterThan(f.wall - 10);
    tc.stop();
    await f.frame();
  });

  it('slips when it trails by more than maxLagMs instead of racing to catch up', async () => {
    const f = fixture(2);
    const tc = new TimeController(f.engine, f.clock, { speed: 1, chunkMs: 6, maxLagMs: 250 });
    tc.start();
    await f.settle();
    // A stall of one wall second: more than the allowance, so that second is not replayed.
    f.advanceWall(1000);
    await f.frame();
    expect(f.now).toBe(0);
    expect(f.steps).toBe(0);
    f.advanceWall(20);
    await f.frame();
    expect(f.now).toBe(20);
    // A lag within the allowance is caught up.
    f.advanceWall(200);
    for (let i = 0; i < 40 && f.now < 200; i++) {
      if (f.pendingYields()) await f.yield();
      else await f.frame();
    }
    expect(f.now).toBeGreaterThanOrEqual(200);
    tc.stop();
    await f.frame();
    await f.yield();
  });
});
