/**
 * Maps virtual time to wall time (docs/ARCHITECTURE.md §3): paused, single steps, slow motion, real time,
 * and "as fast as possible". The controller only decides WHEN the world steps; what happens at
 * each virtual instant never depends on the speed, so a run is the same at every speed.
 */
import type { Speed, TimeState } from './playgroundApi.ts';

/** Wall-clock services, injected so Node tests and the page can differ. */
export interface WallClock {
  nowMs(): number;
  /** Waits for the next animation frame (or a short timer where there are none). */
  nextFrame(): Promise<void>;
  /** Lets the event loop run (input, rendering, worker replies) before continuing. */
  yieldNow(): Promise<void>;
}

export const MIN_SPEED = 0.05;
export const MAX_SPEED = 100;

function makeYield(): () => Promise<void> {
  if (typeof setImmediate === 'function') return () => new Promise((r) => setImmediate(r));
  if (typeof MessageChannel === 'function') {
    // A message port callback is a task, like setTimeout(0) but without the 4 ms clamp.
    const ch = new MessageChannel();
    const waiting: (() => void)[] = [];
    ch.port1.onmessage = () => waiting.shift()?.();
    return () =>
      new Promise<void>((r) => {
        waiting.push(r);
        ch.port2.postMessage(0);
      });
  }
  return () => new Promise((r) => setTimeout(r, 0));
}

export function defaultWallClock(): WallClock {
  const yieldNow = makeYield();
  return {
    nowMs: () => performance.now(),
    // Resolved by a task posted from the frame callback, not in it: steps then run after the
    // frame is drawn, and the frame's own task holds only drawing.
    nextFrame: () =>
      new Promise<void>((r) => {
        if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) requestAnimationFrame(() => void yieldNow().then(r));
        else setTimeout(r, 16);
      }),
    yieldNow,
  };
}

/** What the controller drives. `exclusive` serializes everything that steps or changes the world. */
export interface Steppable {
  readonly nowMs: number;
  nextEventMs(): number;
  /**
   * Runs what is due up to `untilMs` (Infinity: until nothing is), asking `stop()` after each step.
   * Returns the steps taken. The world may overlap steps; all have finished when this resolves.
   */
  runSome(untilMs: number, stop: () => boolean): Promise<number>;
  /** Moves the clock forward to `ms` with nothing due before it. */
  advanceTo(ms: number): void;
  exclusive<T>(run: () => Promise<T>): Promise<T>;
}

export function validateSpeed(speed: Speed): void {
  if (speed === 'max') return;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) {
    throw new Error(`speed must be a number in [${MIN_SPEED}, ${MAX_SPEED}] (1 = real time) or 'max', got ${String(speed)}`);
  }
}

export class TimeController {
  private speed: Speed;
  private paused: boolean;
  private stopped = false;
  private loopRunning = false;
  private anchorWallMs = 0;
  private anchorVirtualMs = 0;
  private wake: (() => void) | null = null;
  /**
   * Wall budget of one chunk of steps before the page gets the event loop back. Small, because
   * in-process members answer in microtasks, so a chunk is one uninterrupted task of this length.
   */
  private readonly chunkMs: number;
  /**
   * The chunk "as fast as possible": longer where the world's steps overlap (worker members), since
   * the page then mostly waits for workers, and every chunk ends by letting all of them finish.
   */
  private readonly maxChunkMs: number;
  /** How far (wall ms) the world may trail the clock and still catch up; beyond it, it slips. */
  private readonly maxLagMs: number;

  constructor(
    private readonly engine: Steppable,
    private readonly wall: WallClock,
    opts: { speed?: Speed; paused?: boolean; chunkMs?: number; maxChunkMs?: number; maxLagMs?: number } = {},
  ) {
    this.speed = opts.speed ?? 1;
    validateSpeed(this.speed);
    this.paused = opts.paused ?? false;
    this.chunkMs = opts.chunkMs ?? 6;
    this.maxChunkMs = opts.maxChunkMs ?? this.chunkMs;
    this.maxLagMs = opts.maxLagMs ?? 250;
    this.reanchor();
  }

  start(): void {
    if (this.loopRunning || this.stopped) return;
    this.loopRunning = true;
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.poke();
  }

  state(): TimeState {
    return { nowMs: this.engine.nowMs, paused: this.paused, speed: this.speed };
  }

  isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.reanchor();
    this.poke();
  }

  setSpeed(speed: Speed): void {
    validateSpeed(speed);
    this.speed = speed;
    this.reanchor();
    this.poke();
  }

  private reanchor(): void {
    this.anchorWallMs = this.wall.nowMs();
    this.anchorVirtualMs = this.engine.nowMs;
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.paused) {
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      try {
        if (this.speed === 'max') {
          await this.engine.exclusive(async () => {
            const t0 = this.wall.nowMs();
            await this.engine.runSome(Infinity, () => this.wall.nowMs() - t0 >= this.maxChunkMs || this.speed !== 'max' || this.paused || this.stopped);
          });
          this.reanchor();
          await this.wall.yieldNow();
        } else {
          const behind = await this.engine.exclusive(async () => this.runToWallTime());
          // Behind the clock, waiting for a frame would only waste wall time: go on after a yield.
          if (behind) await this.wall.yieldNow();
          else await this.wall.nextFrame();
        }
      } catch (e) {
        // A failing step stops the clock rather than spinning; the error is reported once.
        this.paused = true;
        console.error('time controller: step failed, paused', e);
      }
    }
    this.loopRunning = false;
  }

  /**
   * Runs what is due up to the virtual time the wall clock says it is now, for at most one chunk's
   * budget. Returns true when events are still due (the world trails the clock). A world that
   * trails by more than `maxLagMs` slips: the clock is re-anchored at the world's time, so a slow
   * host runs slower than asked instead of piling up work (or racing to catch up) later.
   */
  private async runToWallTime(): Promise<boolean> {
    const speed = this.speed as number;
    const wallNow = this.wall.nowMs();
    const asked = this.anchorVirtualMs + (wallNow - this.anchorWallMs) * speed;
    if (this.engine.nowMs > asked || asked - this.engine.nowMs > this.maxLagMs * speed) this.reanchor();
    const target = Math.floor(this.anchorVirtualMs + (wallNow - this.anchorWallMs) * speed);
    if (this.engine.nextEventMs() <= target) {
      await this.engine.runSome(target, () => this.wall.nowMs() - wallNow >= this.chunkMs || this.paused || this.stopped);
      if (this.engine.nextEventMs() <= target) return !this.paused && !this.stopped;
    }
    if (!this.paused && target > this.engine.nowMs && this.engine.nextEventMs() > target) this.engine.advanceTo(target);
    return false;
  }
}
