import type { ConfState, Entry, HardState, Snapshot, Storage } from './types.ts';
import { NONE } from './types.ts';
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable } from './errors.ts';
import { entrySize, limitSize } from './util.ts';

/**
 * Stable storage held in memory (etcd's MemoryStorage): what a member has persisted, as raft reads it
 * back. The application writes it from each Ready: `applySnapshot`, `append`, `setHardState`.
 *
 * Invariant: `ents[0]` is a placeholder standing for the snapshot's last entry (its index and term,
 * no data); real entries follow at consecutive indexes. So firstIndex = ents[0].index + 1.
 *
 * A fresh cluster can start from storage that already knows its members:
 * `new MemoryStorage({ voters: ['1', '2', '3'], learners: [] })` places that ConfState in an
 * index-0 snapshot, so every member starts with the same configuration and an empty log. (The other
 * way, etcd's, is `RawNode.bootstrap(peers)`, which writes conf-change entries at 1..n.)
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = { term: 0, vote: NONE, commit: 0 };
  private snap: Snapshot;
  private ents: Entry[];

  constructor(initialConfState?: ConfState) {
    this.snap = {
      data: '',
      metadata: {
        conf_state: {
          voters: [...(initialConfState?.voters ?? [])],
          learners: [...(initialConfState?.learners ?? [])],
        },
        index: 0,
        term: 0,
      },
    };
    this.ents = [{ term: 0, index: 0, type: 'EntryNormal', data: '' }];
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: { ...this.hardState }, confState: this.snap.metadata.conf_state };
  }

  setHardState(hs: HardState): void {
    this.hardState = { term: hs.term, vote: hs.vote, commit: hs.commit };
  }

  hardStateNow(): HardState {
    return { ...this.hardState };
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.ents[0]!.index;
    if (lo <= offset) throw ErrCompacted;
    if (hi > this.lastIndex() + 1) {
      throw new Error(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    }
    if (this.ents.length === 1) throw ErrUnavailable;
    if (lo >= hi) return [];
    // Find the end under the size limit before slicing, so a far-behind reader costs only what it gets.
    let end = lo + 1;
    let size = entrySize(this.ents[lo - offset]!);
    while (end < hi) {
      size += entrySize(this.ents[end - offset]!);
      if (size > maxSize) break;
      end++;
    }
    return limitSize(this.ents.slice(lo - offset, end - offset), maxSize);
  }

  term(i: number): number {
    const offset = this.ents[0]!.index;
    if (i < offset) throw ErrCompacted;
    if (i - offset >= this.ents.length) throw ErrUnavailable;
    return this.ents[i - offset]!.term;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces everything with the snapshot's state. Throws ErrSnapOutOfDate for an older snapshot. */
  applySnapshot(snap: Snapshot): void {
    if (this.snap.metadata.index >= snap.metadata.index) throw ErrSnapOutOfDate;
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 'EntryNormal', data: '' }];
  }

  /**
   * Records a snapshot of the application's state at index i (which must be in the log), so that
   * the log before it can be compacted and lagging followers can be sent it.
   */
  createSnapshot(i: number, confState: ConfState | undefined, data: string): Snapshot {
    if (i <= this.snap.metadata.index) throw ErrSnapOutOfDate;
    const offset = this.ents[0]!.index;
    if (i > this.lastIndex()) {
      throw new Error(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`);
    }
    this.snap = {
      data,
      metadata: {
        index: i,
        term: this.ents[i - offset]!.term,
        conf_state: confState
          ? { voters: [...confState.voters], learners: [...confState.learners] }
          : this.snap.metadata.conf_state,
      },
    };
    return this.snap;
  }

  /** Discards entries before compactIndex; the entry at compactIndex becomes the placeholder. */
  compact(compactIndex: number): void {
    const offset = this.ents[0]!.index;
    if (compactIndex <= offset) throw ErrCompacted;
    if (compactIndex > this.lastIndex()) {
      throw new Error(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`);
    }
    const i = compactIndex - offset;
    const kept = this.ents[i]!;
    const next: Entry[] = [{ term: kept.term, index: kept.index, type: 'EntryNormal', data: '' }];
    for (let j = i + 1; j < this.ents.length; j++) next.push(this.ents[j]!);
    this.ents = next;
  }

  /**
   * Appends entries that follow (or overlap) the stored log. Entries from the first one given
   * replace any stored tail at the same indexes, as Raft's log matching requires.
   */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return; // everything given is already compacted
    if (first > entries[0]!.index) entries = entries.slice(first - entries[0]!.index);
    const offset = entries[0]!.index - this.ents[0]!.index;
    if (this.ents.length > offset) {
      this.ents.length = offset;
      for (const e of entries) this.ents.push(e);
    } else if (this.ents.length === offset) {
      for (const e of entries) this.ents.push(e);
    } else {
      throw new Error(`missing log entry [last: ${this.lastIndex()}, append at: ${entries[0]!.index}]`);
    }
  }
}
