/**
 * A priority queue of lease IDs by due time (ms), one entry per lease: registering a lease that
 * is already queued moves it (etcd's LeaseExpiredNotifier). The lessor keeps two: the expiry
 * queue and the checkpoint schedule.
 *
 * Invariants: `heap` is a binary min-heap under `before` (earlier time first, then smaller ID,
 * so equal times pop in the same order on every member and every run); `pos.get(id)` is the
 * index of id's entry in `heap`, and holds exactly the IDs in `heap`.
 */
import type { LeaseId } from '../mvcc/types.ts';
import { compareLeaseIds } from './leaseId.ts';

export interface QueuedLease {
  id: LeaseId;
  timeMs: number;
}

function before(a: QueuedLease, b: QueuedLease): boolean {
  if (a.timeMs !== b.timeMs) return a.timeMs < b.timeMs;
  return compareLeaseIds(a.id, b.id) < 0;
}

export class LeaseQueue {
  private heap: QueuedLease[] = [];
  private pos = new Map<LeaseId, number>();

  get size(): number {
    return this.heap.length;
  }

  /** The earliest entry, without removing it. */
  peek(): QueuedLease | undefined {
    const top = this.heap[0];
    return top && { ...top };
  }

  has(id: LeaseId): boolean {
    return this.pos.has(id);
  }

  /** Queues `id` at `timeMs`, or moves it there if it is already queued. */
  set(id: LeaseId, timeMs: number): void {
    const i = this.pos.get(id);
    if (i === undefined) {
      this.heap.push({ id, timeMs });
      this.pos.set(id, this.heap.length - 1);
      this.up(this.heap.length - 1);
      return;
    }
    this.heap[i] = { id, timeMs };
    this.down(this.up(i));
  }

  /** Removes and returns the earliest entry. */
  pop(): QueuedLease | undefined {
    const top = this.heap[0];
    if (top) this.removeAt(0);
    return top;
  }

  delete(id: LeaseId): void {
    const i = this.pos.get(id);
    if (i !== undefined) this.removeAt(i);
  }

  clear(): void {
    this.heap = [];
    this.pos = new Map();
  }

  private removeAt(i: number): void {
    const last = this.heap.pop()!;
    this.pos.delete(this.heap.length === i ? last.id : this.heap[i]!.id);
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.pos.set(last.id, i);
      this.down(this.up(i));
    }
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    this.heap[i] = b;
    this.heap[j] = a;
    this.pos.set(b.id, i);
    this.pos.set(a.id, j);
  }

  /** Sifts entry i towards the root; returns where it ended. */
  private up(i: number): number {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.heap[i]!, this.heap[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
    return i;
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < this.heap.length && before(this.heap[l]!, this.heap[least]!)) least = l;
      if (r < this.heap.length && before(this.heap[r]!, this.heap[least]!)) least = r;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }
}
