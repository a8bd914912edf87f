/**
 * A client workload: puts and gets at a steady rate in VIRTUAL time, through one playground
 * client, so it pauses with the clock and its figures mean the same at every speed.
 */
import { opsDue, type OpSample } from './workloadStats.ts';
import type { PlaygroundApi, PlaygroundClient } from './types.ts';

export interface WorkloadOptions {
  /** Operations per virtual second. */
  ratePerSec: number;
  /** Share of reads, 0..1. */
  readRatio: number;
  keys: number;
  reads: 'linearizable' | 'serializable';
  /** Answers awaited at once; beyond it the workload waits instead of piling up requests. */
  maxOutstanding: number;
}

export const defaultWorkload: WorkloadOptions = { ratePerSec: 20, readRatio: 0.5, keys: 10, reads: 'linearizable', maxOutstanding: 32 };

export function validateWorkload(o: WorkloadOptions): string | null {
  if (!(o.ratePerSec > 0 && o.ratePerSec <= 10_000)) return 'rate must be between 1 and 10000 ops/s';
  if (!(o.readRatio >= 0 && o.readRatio <= 1)) return 'read share must be between 0 and 100%';
  if (!(Number.isInteger(o.keys) && o.keys >= 1 && o.keys <= 100_000)) return 'keys must be a whole number from 1 to 100000';
  if (!(Number.isInteger(o.maxOutstanding) && o.maxOutstanding >= 1)) return 'outstanding must be >= 1';
  return null;
}

/** A small seeded generator (mulberry32) so a workload's key choices repeat run to run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class WorkloadRunner {
  private readonly client: PlaygroundClient;
  private readonly rand: () => number;
  private startMs = -1;
  private issued = 0;
  private outstanding = 0;
  private stopped = false;

  constructor(
    private readonly api: PlaygroundApi,
    readonly options: WorkloadOptions,
    private readonly onSample: (s: OpSample) => void,
    seed = 1,
  ) {
    this.client = api.client();
    this.rand = prng(seed);
  }

  get inFlight(): number {
    return this.outstanding;
  }

  /** Issues what is due at virtual time `nowMs`; call it once per frame. */
  tick(nowMs: number): void {
    if (this.stopped) return;
    if (this.startMs < 0) this.startMs = nowMs;
    const due = opsDue(this.startMs, nowMs, this.options.ratePerSec) - this.issued;
    const room = this.options.maxOutstanding - this.outstanding;
    const n = Math.min(due, room);
    // Falling behind (answers slower than the rate) skips the backlog rather than bursting later.
    if (due > room) this.issued += due - Math.max(0, room);
    for (let i = 0; i < n; i++) this.issueOne(nowMs);
  }

  stop(): void {
    this.stopped = true;
    this.client.close();
  }

  private issueOne(nowMs: number): void {
    this.issued++;
    this.outstanding++;
    const key = `wl/${Math.floor(this.rand() * this.options.keys)}`;
    const read = this.rand() < this.options.readRatio;
    const started = nowMs;
    const op = read
      ? this.client.range({ key, serializable: this.options.reads === 'serializable' })
      : this.client.put({ key, value: `v${this.issued}` });
    op.then(
      () => this.finish(started, read, true),
      () => this.finish(started, read, false),
    );
  }

  private finish(startedMs: number, read: boolean, ok: boolean): void {
    this.outstanding--;
    if (this.stopped) return;
    const now = this.api.now();
    this.onSample({ doneAtMs: now, latencyMs: now - startedMs, kind: read ? 'read' : 'write', ok });
  }
}
