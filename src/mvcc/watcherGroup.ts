import type { Bytes } from './bytes.ts';
import { isSingleKey, rangeContains } from './treeIndex.ts';
import type { Watcher } from './watcher.ts';

/**
 * A set of watchers with lookup by key: single-key watchers in a map, range watchers in a list
 * (a playground has few; etcd uses an interval tree for many). Invariant: a watcher is in at
 * most one of the two, and in `all` exactly when it is in one.
 */
export class WatcherGroup {
  private readonly byKey = new Map<Bytes, Set<Watcher>>();
  private readonly ranges = new Set<Watcher>();
  private readonly all = new Set<Watcher>();

  get size(): number {
    return this.all.size;
  }

  add(w: Watcher): void {
    if (this.all.has(w)) return;
    this.all.add(w);
    if (isSingleKey(w.end)) {
      let set = this.byKey.get(w.key);
      if (set === undefined) {
        set = new Set();
        this.byKey.set(w.key, set);
      }
      set.add(w);
    } else this.ranges.add(w);
  }

  delete(w: Watcher): boolean {
    if (!this.all.delete(w)) return false;
    if (isSingleKey(w.end)) {
      const set = this.byKey.get(w.key)!;
      set.delete(w);
      if (set.size === 0) this.byKey.delete(w.key);
    } else this.ranges.delete(w);
    return true;
  }

  has(w: Watcher): boolean {
    return this.all.has(w);
  }

  /** True when some watcher in the group covers `key`. */
  contains(key: Bytes): boolean {
    if (this.byKey.has(key)) return true;
    for (const w of this.ranges) if (rangeContains(w.key, w.end, key)) return true;
    return false;
  }

  /** Every watcher covering `key`, in the order they were added within each kind. */
  watchersFor(key: Bytes): Watcher[] {
    const out = [...(this.byKey.get(key) ?? [])];
    for (const w of this.ranges) if (rangeContains(w.key, w.end, key)) out.push(w);
    return out;
  }

  watchers(): Watcher[] {
    return [...this.all];
  }

  /**
   * Picks up to `max` watchers to catch up (in the order they joined, so none starves) and the
   * lowest revision they need. Watchers whose next revision was compacted are told so (a
   * response with the compaction revision), marked compacted and removed; if their receiver is
   * full they stay and are retried next time.
   */
  choose(max: number, curRev: number, compactRev: number): { chosen: WatcherGroup; minRev: number } {
    const chosen = new WatcherGroup();
    let minRev = Number.MAX_SAFE_INTEGER;
    for (const w of this.all) {
      if (chosen.size >= max) break;
      if (w.minRev > curRev) {
        // Only a watcher carried over a snapshot restore may be ahead of the store.
        if (!w.restoring) throw new Error(`watcher min revision ${w.minRev} exceeds current revision ${curRev}`);
        w.restoring = false;
      }
      if (w.minRev < compactRev) {
        if (w.sink({ watchId: w.id, events: [], revision: 0, compactRevision: compactRev })) {
          w.compacted = true;
          this.delete(w);
        }
        continue;
      }
      chosen.add(w);
      if (w.minRev < minRev) minRev = w.minRev;
    }
    return { chosen, minRev };
  }
}
