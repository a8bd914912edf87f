import { describe, expect, it } from 'vitest';
import { TimeController, type Steppable, type WallClock } from './timeController.ts';

/** A fake world with an event every 10 virtual ms, and a wall clock moved by hand. */
function fixture() {
  let now = 0;
  let wall = 0;
  const frames: (() => void)[] = [];
  const yields: (() => void)[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const engine: Steppable = {
    get nowMs() {
      return now;
    },
    nextEventMs: () => Math.floor(now / 10) * 10 + 10,
    stepOnce: async () => {
      now = Math.floor(now / 10) * 10 + 10;
      wall += 0.001;
      return true;
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
});
