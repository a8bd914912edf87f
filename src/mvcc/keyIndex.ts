import type { Bytes } from './bytes.ts';
import { RevisionNotFoundError } from './errors.ts';
import { type Revision, revision, revisionGreaterThan, revisionString, zeroRevision } from './revision.ts';

/**
 * The set of revisions kept by a compaction, by `revisionString`. A compaction deletes from the
 * key bucket every revision at or below the compaction revision that is not in this set.
 */
export type AvailableRevisions = Map<string, Revision>;

/**
 * One life of a key: from the put that created it to the delete that ended it (the tombstone,
 * which is the last revision of a closed generation).
 *
 * Invariants: revs are strictly increasing; `created` is revs[0] when revs is non-empty; `ver`
 * is the number of puts in this life (the tombstone counts too, so a closed generation's ver is
 * one more than the key's last version). Only the last generation may be empty.
 */
export interface Generation {
  ver: number;
  created: Revision;
  revs: Revision[];
}

function emptyGeneration(): Generation {
  return { ver: 0, created: zeroRevision, revs: [] };
}

/**
 * The history of one key, as a list of generations.
 *
 * Why generations: a key can be created, deleted and created again; its version and create
 * revision restart with every new life, and a read at an old revision must land in the right
 * life. Worked example, for key "k":
 *
 *   put at 2, put at 4, delete at 6, put at 9, delete at 11
 *
 * gives three generations (oldest first):
 *
 *   [2.0, 4.0, 6.0(tombstone)]   created 2, versions 1 and 2, closed by the delete at 6
 *   [9.0, 11.0(tombstone)]       created 9, version 1, closed by the delete at 11
 *   []                           open and empty: the key does not exist now
 *
 * A read at revision 5 finds the first generation and, inside it, the last revision <= 5: 4.0,
 * version 2, created 2. A read at 7 or 8 falls after the first tombstone but before the second
 * life began: not found. A read at 10 finds 9.0 (version 1, created 9).
 *
 * Compacting at revision R forgets what no read at or after R can see: in each life, everything
 * older than the last revision <= R; whole lives that ended at or before R; and, when the newest
 * revision <= R is a tombstone, the tombstone itself. Compacting the example at 5 keeps
 * [4.0, 6.0(t)] and the second life; at 7 keeps only [9.0, 11.0(t)] and the empty one; at 11
 * nothing is left and the key leaves the index. The revisions that must stay in the key bucket
 * (the newest visible version of each key as of R) are reported in `available`.
 */
export class KeyIndex {
  readonly key: Bytes;
  /** The newest revision of any change to this key (zero before the first). */
  modified: Revision = zeroRevision;
  generations: Generation[] = [];

  constructor(key: Bytes) {
    this.key = key;
  }

  /** Records a put at (main, sub). Revisions must arrive in increasing order. */
  put(main: number, sub: number): void {
    const rev = revision(main, sub);
    if (!revisionGreaterThan(rev, this.modified)) {
      throw new Error(
        `keyIndex ${JSON.stringify(this.key)}: put at ${revisionString(rev)} is not after ${revisionString(this.modified)}`,
      );
    }
    if (this.generations.length === 0) this.generations.push(emptyGeneration());
    const g = this.generations[this.generations.length - 1]!;
    if (g.revs.length === 0) g.created = rev;
    g.revs.push(rev);
    g.ver++;
    this.modified = rev;
  }

  /**
   * Seeds an index from the key bucket at start: the newest stored version of a key, with its
   * create revision and version, stands for the whole (possibly compacted) generation.
   */
  restore(created: Revision, modified: Revision, ver: number): void {
    if (this.generations.length !== 0) throw new Error(`keyIndex ${JSON.stringify(this.key)}: restore on a used index`);
    this.modified = modified;
    this.generations.push({ created, ver, revs: [modified] });
  }

  /**
   * Records a delete at (main, sub): the tombstone closes the current generation and opens an
   * empty one. Deleting a key that does not currently exist is an error (RevisionNotFound).
   */
  tombstone(main: number, sub: number): void {
    if (this.isEmpty()) throw new Error(`keyIndex ${JSON.stringify(this.key)}: tombstone on an empty index`);
    if (this.generations[this.generations.length - 1]!.revs.length === 0) throw new RevisionNotFoundError();
    this.put(main, sub);
    this.generations.push(emptyGeneration());
  }

  /**
   * The version visible at `atRev`: its revision, the create revision of its generation and
   * its version. Throws RevisionNotFound when the key did not exist at `atRev`.
   */
  get(atRev: number): { modified: Revision; created: Revision; ver: number } {
    const found = this.find(atRev);
    if (found === undefined) throw new RevisionNotFoundError();
    return found;
  }

  /** As `get`, but undefined instead of RevisionNotFound (the index's hot path). */
  find(atRev: number): { modified: Revision; created: Revision; ver: number } | undefined {
    if (this.isEmpty()) throw new Error(`keyIndex ${JSON.stringify(this.key)}: get on an empty index`);
    const g = this.findGeneration(atRev);
    if (g === undefined) return undefined;
    for (let i = g.revs.length - 1; i >= 0; i--) {
      const r = g.revs[i]!;
      if (r.main <= atRev) {
        return { modified: r, created: g.created, ver: g.ver - (g.revs.length - 1 - i) };
      }
    }
    return undefined;
  }

  /**
   * Every change at or after main revision `rev`, one per main revision (when a transaction
   * changed the key more than once, only its last change is visible outside it), oldest first.
   * Watch catch-up uses this.
   */
  since(rev: number): Revision[] {
    if (this.isEmpty()) throw new Error(`keyIndex ${JSON.stringify(this.key)}: since on an empty index`);
    const since = revision(rev, 0);
    // Start at the newest generation created before `since`; older ones hold nothing newer.
    let gi = this.generations.length - 1;
    for (; gi > 0; gi--) {
      const g = this.generations[gi]!;
      if (g.revs.length === 0) continue;
      if (revisionGreaterThan(since, g.created)) break;
    }
    const out: Revision[] = [];
    let lastMain = 0;
    for (; gi < this.generations.length; gi++) {
      for (const r of this.generations[gi]!.revs) {
        if (revisionGreaterThan(since, r)) continue;
        if (r.main === lastMain) out[out.length - 1] = r;
        else {
          out.push(r);
          lastMain = r.main;
        }
      }
    }
    return out;
  }

  /**
   * Drops history no read at or after `atRev` can see (see the class comment) and adds the
   * revisions that must stay in the key bucket to `available`. Afterwards the index may be
   * empty, in which case the caller removes it.
   */
  compact(atRev: number, available: AvailableRevisions): void {
    if (this.isEmpty()) throw new Error(`keyIndex ${JSON.stringify(this.key)}: compact on an empty index`);
    let { genIdx, revIdx } = this.locate(atRev, available);
    const g = this.generations[genIdx]!;
    if (g.revs.length !== 0) {
      if (revIdx !== -1) g.revs = g.revs.slice(revIdx);
      // A generation reduced to its tombstone says only "deleted": drop it and the tombstone.
      if (g.revs.length === 1 && genIdx !== this.generations.length - 1) {
        available.delete(revisionString(g.revs[0]!));
        genIdx++;
      }
    }
    this.generations = this.generations.slice(genIdx);
  }

  /**
   * What `compact(atRev)` would keep, without changing the index (used by the KV hash to skip
   * revisions a pending compaction will delete).
   */
  keep(atRev: number, available: AvailableRevisions): void {
    if (this.isEmpty()) return;
    const { genIdx, revIdx } = this.locate(atRev, available);
    const g = this.generations[genIdx]!;
    if (g.revs.length !== 0 && revIdx === g.revs.length - 1 && genIdx !== this.generations.length - 1) {
      available.delete(revisionString(g.revs[revIdx]!));
    }
  }

  /** True when the index holds no history at all (a single empty generation). */
  isEmpty(): boolean {
    return this.generations.length === 1 && this.generations[0]!.revs.length === 0;
  }

  /**
   * Finds the first generation still alive after `atRev` (or the last one) and, inside it, the
   * newest revision <= atRev, which is recorded in `available`; revIdx is -1 when there is none.
   */
  private locate(atRev: number, available: AvailableRevisions): { genIdx: number; revIdx: number } {
    let genIdx = 0;
    while (genIdx < this.generations.length - 1) {
      const g = this.generations[genIdx]!;
      if (g.revs[g.revs.length - 1]!.main > atRev) break;
      genIdx++;
    }
    const g = this.generations[genIdx]!;
    for (let i = g.revs.length - 1; i >= 0; i--) {
      const r = g.revs[i]!;
      if (r.main <= atRev) {
        available.set(revisionString(r), r);
        return { genIdx, revIdx: i };
      }
    }
    return { genIdx, revIdx: -1 };
  }

  /** The generation that holds the version visible at `rev`, if the key existed then. */
  private findGeneration(rev: number): Generation | undefined {
    const last = this.generations.length - 1;
    for (let i = last; i >= 0; i--) {
      const g = this.generations[i]!;
      if (g.revs.length === 0) continue;
      // A closed generation whose tombstone is at or before rev: the key was deleted then.
      if (i !== last && g.revs[g.revs.length - 1]!.main <= rev) return undefined;
      if (g.revs[0]!.main <= rev) return g;
    }
    return undefined;
  }

  /** A plain copy for inspectors and tests. */
  snapshot(): { key: Bytes; modified: Revision; generations: Generation[] } {
    return {
      key: this.key,
      modified: { ...this.modified },
      generations: this.generations.map((g) => ({ ver: g.ver, created: { ...g.created }, revs: g.revs.map((r) => ({ ...r })) })),
    };
  }
}
