/**
 * The indexes of MsgApps sent to one follower and not yet acknowledged, oldest first: a ring
 * buffer bounded by maxInflightMsgs. When full, the leader stops sending until acks free slots.
 *
 * Invariant: the indexes held are strictly increasing from `start`.
 */
export class Inflights {
  private start = 0;
  private count = 0;
  private buffer: number[] = [];
  readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  add(index: number): void {
    if (this.full()) throw new Error('cannot add into a full inflights');
    let next = this.start + this.count;
    if (next >= this.size) next -= this.size;
    // Grow lazily: most followers never fill the window.
    if (next >= this.buffer.length) this.buffer.push(index);
    else this.buffer[next] = index;
    this.count++;
  }

  /** Frees every inflight index <= to (an ack covers all earlier appends). */
  freeLE(to: number): void {
    if (this.count === 0 || to < this.buffer[this.start]!) return;
    let idx = this.start;
    let i = 0;
    for (; i < this.count; i++) {
      if (to < this.buffer[idx]!) break;
      idx++;
      if (idx >= this.size) idx -= this.size;
    }
    this.count -= i;
    this.start = idx;
    if (this.count === 0) this.start = 0;
  }

  freeFirstOne(): void {
    if (this.count === 0) return;
    this.freeLE(this.buffer[this.start]!);
  }

  full(): boolean {
    return this.count === this.size;
  }

  countNow(): number {
    return this.count;
  }

  reset(): void {
    this.count = 0;
    this.start = 0;
  }

  /** The held indexes, oldest first (for tests and inspectors). */
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0, idx = this.start; i < this.count; i++) {
      out.push(this.buffer[idx]!);
      idx++;
      if (idx >= this.size) idx -= this.size;
    }
    return out;
  }
}
