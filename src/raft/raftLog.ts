import type { Entry, Snapshot, Storage } from './types.ts';
import { ErrCompacted, ErrUnavailable } from './errors.ts';
import { Unstable } from './unstable.ts';
import { limitSize, NO_LIMIT } from './util.ts';

/**
 * A member's log: what storage holds plus the unstable tail, with the commit and apply cursors.
 *
 * Invariants: applied <= committed <= lastIndex(); firstIndex() - 1 is the last index covered by
 * the latest snapshot (storage's or an unstable incoming one).
 */
export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  committed: number;
  applied: number;
  /** Byte limit of one Ready's committedEntries. */
  readonly maxNextEntsSize: number;

  constructor(storage: Storage, maxNextEntsSize: number = NO_LIMIT) {
    this.storage = storage;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
    this.maxNextEntsSize = maxNextEntsSize;
  }

  /**
   * Appends entries received from a leader whose previous entry is (index, logTerm). Returns the
   * last index of the appended entries, or undefined if the log does not contain that previous
   * entry (the follower then rejects).
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new Error(`entry ${ci} conflicts with committed entry [committed(${this.committed})]`);
      }
      const start = ci - (index + 1);
      this.append(start === 0 ? ents : ents.slice(start));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    if (after < this.committed) {
      throw new Error(`after(${after}) is out of range [committed(${this.committed})]`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /** The index of the first entry that is missing or differs in term from the log, or 0. */
  findConflict(ents: Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term` (or the first index whose term is
   * unknown), with its term. A leader and a follower use it to skip a whole conflicting term per
   * round trip instead of one entry.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (; index > 0; index--) {
      let t: number;
      try {
        t = this.term(index);
      } catch {
        return { index, term: 0 };
      }
      if (t <= term) return { index, term: t };
    }
    return { index: 0, term: 0 };
  }

  unstableEntries(): Entry[] {
    return this.unstable.entries;
  }

  /** Committed entries not yet applied, within the size limit. */
  nextEnts(): Entry[] {
    const off = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 > off) return this.slice(off, this.committed + 1, this.maxNextEntsSize);
    return [];
  }

  hasNextEnts(): boolean {
    return this.committed + 1 > Math.max(this.applied + 1, this.firstIndex());
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  commitTo(toCommit: number): void {
    if (this.committed < toCommit) {
      if (this.lastIndex() < toCommit) {
        throw new Error(`tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]`);
      }
      this.committed = toCommit;
    }
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (this.committed < i || i < this.applied) {
      throw new Error(`applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    }
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  lastTerm(): number {
    return this.termOrZero(this.lastIndex());
  }

  /**
   * Term of entry i. Returns 0 outside [firstIndex-1, lastIndex]; throws ErrCompacted/ErrUnavailable
   * when storage no longer (or not yet) has it.
   */
  term(i: number): number {
    const dummy = this.firstIndex() - 1;
    if (i < dummy || i > this.lastIndex()) return 0;
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    return this.storage.term(i);
  }

  /** term(i), with 0 for an index compacted away. */
  termOrZero(i: number): number {
    try {
      return this.term(i);
    } catch (e) {
      if (e === ErrCompacted) return 0;
      throw e;
    }
  }

  /** Entries from i to the end, within maxSize bytes. Throws ErrCompacted if i is compacted. */
  entries(i: number, maxSize: number): Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxSize);
  }

  allEntries(): Entry[] {
    for (;;) {
      try {
        return this.entries(this.firstIndex(), NO_LIMIT);
      } catch (e) {
        if (e !== ErrCompacted) throw e;
      }
    }
  }

  /** Is a log ending at (lasti, term) at least as up-to-date as this one (Raft §5.4.1)? */
  isUpToDate(lasti: number, term: number): boolean {
    const lt = this.lastTerm();
    return term > lt || (term === lt && lasti >= this.lastIndex());
  }

  matchTerm(i: number, term: number): boolean {
    let t: number;
    try {
      t = this.term(i);
    } catch {
      return false;
    }
    return t === term;
  }

  /**
   * Commits up to maxIndex only if that entry is of `term`, the leader's current term: entries of
   * earlier terms are committed indirectly, never by counting replicas (Raft §5.4.2, Figure 8).
   * `anyTerm` drops that rule (an unsafe experiment).
   */
  maybeCommit(maxIndex: number, term: number, anyTerm = false): boolean {
    if (maxIndex > this.committed && (anyTerm || this.termOrZero(maxIndex) === term)) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries [lo, hi) from storage and/or unstable, within maxSize bytes (at least one). */
  slice(lo: number, hi: number, maxSize: number): Entry[] {
    this.checkOutOfBounds(lo, hi);
    if (lo === hi) return [];
    let ents: Entry[] = [];
    const uoff = this.unstable.offset;
    if (lo < uoff) {
      let stored: Entry[];
      try {
        stored = this.storage.entries(lo, Math.min(hi, uoff), maxSize);
      } catch (e) {
        if (e === ErrUnavailable) {
          throw new Error(`entries[${lo}:${Math.min(hi, uoff)}) is unavailable from storage`);
        }
        throw e;
      }
      // Storage stopped early at the size limit: nothing of unstable may follow.
      if (stored.length < Math.min(hi, uoff) - lo) return stored;
      ents = stored;
    }
    if (hi > uoff) {
      const u = this.unstable.slice(Math.max(lo, uoff), hi);
      ents = ents.length > 0 ? ents.concat(u) : u;
    }
    return limitSize(ents, maxSize);
  }

  private checkOutOfBounds(lo: number, hi: number): void {
    if (lo > hi) throw new Error(`invalid slice ${lo} > ${hi}`);
    const fi = this.firstIndex();
    if (lo < fi) throw ErrCompacted;
    const length = this.lastIndex() + 1 - fi;
    if (hi > fi + length) {
      throw new Error(`slice[${lo},${hi}) out of bound [${fi},${this.lastIndex()}]`);
    }
  }
}
