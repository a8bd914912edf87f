/**
 * Virtual time in milliseconds. The scheduler is its only writer; everything else reads it.
 * Invariant: `nowMs` never decreases.
 */
export class VirtualClock {
  private now = 0;

  constructor(startMs = 0) {
    if (!Number.isFinite(startMs) || startMs < 0) throw new Error(`clock: start must be a finite time >= 0, got ${startMs}`);
    this.now = startMs;
  }

  get nowMs(): number {
    return this.now;
  }

  advanceTo(timeMs: number): void {
    if (!(timeMs >= this.now)) {
      throw new Error(`clock: time cannot go back (now ${this.now} ms, asked ${timeMs} ms)`);
    }
    this.now = timeMs;
  }
}
