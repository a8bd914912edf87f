/**
 * The shape of a member's durable raft log: the term of every index, kept as runs of one term,
 * so a page far from the member (a worker) can check Raft's log properties on it cheaply.
 * Invariants: runs are in increasing index and strictly increasing term order (a log's terms
 * never decrease, and adjacent runs differ); the first run starts at firstIndex; every index in
 * [firstIndex, lastIndex] lies in exactly one run; firstIndex - 1 is the snapshot's index, whose
 * term is snapshotTerm.
 */
import type { Entry } from '../raft/index.ts';

/** [first index of the run, its term]. */
export type TermRun = [number, number];

export interface LogShapeWire {
  firstIndex: number;
  lastIndex: number;
  snapshotTerm: number;
  runs: TermRun[];
}

export class LogShape {
  private runs: TermRun[] = [];
  private last = 0;
  private snapIndex = 0;
  private snapTerm = 0;

  /** Entries landed in the WAL; a later append replaces a conflicting tail, as in the log itself. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    if (first <= this.snapIndex) return this.append(entries.filter((e) => e.index > this.snapIndex));
    // Cut everything from `first` on.
    while (this.runs.length > 0 && this.runs[this.runs.length - 1]![0] >= first) this.runs.pop();
    this.last = Math.min(this.last, first - 1);
    for (const e of entries) {
      const top = this.runs[this.runs.length - 1];
      if (!top || top[1] !== e.term) this.runs.push([e.index, e.term]);
      this.last = e.index;
    }
  }

  /** A snapshot at (index, term) replaced the log up to index. */
  compact(index: number, term: number): void {
    if (index <= this.snapIndex) return;
    this.snapIndex = index;
    this.snapTerm = term;
    if (index >= this.last) {
      this.runs = [];
      this.last = index;
      return;
    }
    // Keep the run that covers index + 1, starting there.
    let keep = 0;
    while (keep + 1 < this.runs.length && this.runs[keep + 1]![0] <= index + 1) keep++;
    this.runs = this.runs.slice(keep);
    if (this.runs.length > 0) this.runs[0] = [index + 1, this.runs[0]![1]];
  }

  wire(): LogShapeWire {
    return { firstIndex: this.snapIndex + 1, lastIndex: this.last, snapshotTerm: this.snapTerm, runs: this.runs.map((r) => [r[0], r[1]]) };
  }
}

/** The term of index i in a wired shape (snapshotTerm at firstIndex - 1; 0 outside the log). */
export function termAtIn(shape: LogShapeWire, i: number): number {
  if (i === shape.firstIndex - 1) return shape.snapshotTerm;
  if (i < shape.firstIndex || i > shape.lastIndex) return 0;
  const runs = shape.runs;
  let lo = 0;
  let hi = runs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runs[mid]![0] <= i) lo = mid;
    else hi = mid - 1;
  }
  return runs[lo]?.[1] ?? 0;
}
