/**
 * A priority queue (binary min-heap) of timed items ordered by (atMs, seq). The sequence number is
 * assigned on push, so items due at the same instant come out in the order they were scheduled:
 * ties never depend on heap layout, which keeps runs reproducible.
 */
export interface Timed {
  atMs: number;
  /** Set by the queue on push; unique and increasing per queue. */
  seq: number;
}

function before(x: Timed, y: Timed): boolean {
  return x.atMs < y.atMs || (x.atMs === y.atMs && x.seq < y.seq);
}

export class EventQueue<T extends Timed> {
  private heap: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Adds an item; its `seq` is overwritten with the next sequence number. */
  push(item: T): T {
    if (!Number.isFinite(item.atMs)) throw new Error(`eventQueue: atMs must be finite, got ${item.atMs}`);
    item.seq = this.nextSeq++;
    const h = this.heap;
    let i = h.length;
    h.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!before(item, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = item;
    return item;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  /** Time of the earliest item, or Infinity when empty. */
  peekTimeMs(): number {
    const top = this.heap[0];
    return top === undefined ? Infinity : top.atMs;
  }

  pop(): T | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined) return undefined;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  /** Removes and returns every item due at exactly `atMs`, in (atMs, seq) order. */
  popAllAt(atMs: number, out: T[] = []): T[] {
    while (this.heap.length > 0 && this.heap[0]!.atMs === atMs) out.push(this.pop()!);
    return out;
  }

  /** The items in no particular order (for inspection; do not mutate their times). */
  items(): readonly T[] {
    return this.heap;
  }

  clear(): void {
    this.heap = [];
  }
}
