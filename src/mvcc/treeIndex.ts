import { BTree } from './sortedTree.ts';
import type { Bytes } from './bytes.ts';
import { type AvailableRevisions, KeyIndex } from './keyIndex.ts';
import { RevisionNotFoundError } from './errors.ts';
import { type Revision, compareRevision } from './revision.ts';

/**
 * How a range end is read everywhere in the store, as etcd reads it: '' (or undefined) names the
 * single key `key`; '\0' means every key >= `key`; anything else is the half-open [key, end).
 */
export type RangeEnd = Bytes | undefined;

export function isSingleKey(end: RangeEnd): boolean {
  return end === undefined || end === '';
}

export function isOpenEnded(end: RangeEnd): boolean {
  return end === '\0';
}

/** True when `k` falls in the range (key, end) read as described at `RangeEnd`. */
export function rangeContains(key: Bytes, end: RangeEnd, k: Bytes): boolean {
  if (isSingleKey(end)) return k === key;
  if (k < key) return false;
  return isOpenEnded(end) || k < end!;
}

/**
 * The in-memory index: every key's history (KeyIndex), ordered by key in etcd's byte order.
 * Invariant: no empty KeyIndex is stored (compaction removes keys whose history is gone).
 */
export class TreeIndex {
  private readonly tree = new BTree<Bytes, KeyIndex>(undefined, (a, b) => (a < b ? -1 : a > b ? 1 : 0));

  get size(): number {
    return this.tree.size;
  }

  put(key: Bytes, rev: Revision): void {
    let ki = this.tree.get(key);
    if (ki === undefined) {
      ki = new KeyIndex(key);
      this.tree.set(key, ki);
    }
    ki.put(rev.main, rev.sub);
  }

  /** Throws RevisionNotFound when the key does not currently exist. */
  tombstone(key: Bytes, rev: Revision): void {
    const ki = this.tree.get(key);
    if (ki === undefined) throw new RevisionNotFoundError();
    ki.tombstone(rev.main, rev.sub);
  }

  /** Throws RevisionNotFound when the key did not exist at `atRev`. */
  get(key: Bytes, atRev: number): { modified: Revision; created: Revision; ver: number } {
    const ki = this.tree.get(key);
    if (ki === undefined) throw new RevisionNotFoundError();
    return ki.get(atRev);
  }

  keyIndex(key: Bytes): KeyIndex | undefined {
    return this.tree.get(key);
  }

  /** Adds a KeyIndex built elsewhere (restore); replaces none. */
  insert(ki: KeyIndex): void {
    if (!this.tree.set(ki.key, ki, false)) throw new Error(`treeIndex: key ${JSON.stringify(ki.key)} already indexed`);
  }

  /** Visits the KeyIndexes in the range in key order until `f` returns false. */
  private visit(key: Bytes, end: RangeEnd, f: (ki: KeyIndex) => boolean): void {
    if (isSingleKey(end)) {
      const ki = this.tree.get(key);
      if (ki !== undefined) f(ki);
      return;
    }
    if (!isOpenEnded(end) && end! <= key) return;
    for (const [k, ki] of this.tree.entries(key)) {
      if (!isOpenEnded(end) && k >= end!) return;
      if (!f(ki)) return;
    }
  }

  /** The keys live at `atRev` in the range and the revision of each one's visible version. */
  range(key: Bytes, end: RangeEnd, atRev: number): { keys: Bytes[]; revs: Revision[] } {
    const keys: Bytes[] = [];
    const revs: Revision[] = [];
    this.visit(key, end, (ki) => {
      const found = tryGet(ki, atRev);
      if (found !== undefined) {
        keys.push(ki.key);
        revs.push(found.modified);
      }
      return true;
    });
    return { keys, revs };
  }

  /**
   * The revisions of the versions live at `atRev`, in key order, at most `limit` of them
   * (0 = all), and how many there are in total.
   */
  revisions(key: Bytes, end: RangeEnd, atRev: number, limit = 0): { revs: Revision[]; total: number } {
    const revs: Revision[] = [];
    let total = 0;
    this.visit(key, end, (ki) => {
      const found = tryGet(ki, atRev);
      if (found !== undefined) {
        if (limit <= 0 || revs.length < limit) revs.push(found.modified);
        total++;
      }
      return true;
    });
    return { revs, total };
  }

  countRevisions(key: Bytes, end: RangeEnd, atRev: number): number {
    return this.revisions(key, end, atRev, 1).total;
  }

  /** Every change in the range at or after main revision `rev`, ordered by revision. */
  rangeSince(key: Bytes, end: RangeEnd, rev: number): Revision[] {
    const out: Revision[] = [];
    this.visit(key, end, (ki) => {
      out.push(...ki.since(rev));
      return true;
    });
    return out.sort(compareRevision);
  }

  /** Compacts every key at `rev`, drops emptied keys, and returns the revisions to keep. */
  compact(rev: number): AvailableRevisions {
    const available: AvailableRevisions = new Map();
    const emptied: Bytes[] = [];
    for (const [k, ki] of this.tree.entries()) {
      ki.compact(rev, available);
      if (ki.isEmpty()) emptied.push(k);
    }
    for (const k of emptied) this.tree.delete(k);
    return available;
  }

  /** The revisions a compaction at `rev` would keep; changes nothing. */
  keep(rev: number): AvailableRevisions {
    const available: AvailableRevisions = new Map();
    for (const [, ki] of this.tree.entries()) ki.keep(rev, available);
    return available;
  }

  /** Every KeyIndex in key order (inspectors, tests). */
  *keyIndexes(): IterableIterator<KeyIndex> {
    for (const [, ki] of this.tree.entries()) yield ki;
  }
}

function tryGet(ki: KeyIndex, atRev: number): { modified: Revision; created: Revision; ver: number } | undefined {
  return ki.find(atRev);
}
