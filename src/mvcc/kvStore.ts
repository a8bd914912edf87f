import CRC32C from 'crc-32/crc32c';
import type { Bytes } from './bytes.ts';
import type { Backend, KeyBucketValue } from './backend.ts';
import { CompactedError, FutureRevError } from './errors.ts';
import { encodeKeyValue } from './keyValueEncoding.ts';
import { KeyIndex } from './keyIndex.ts';
import { MemoryBackend } from './memoryBackend.ts';
import {
  type Revision,
  type RevisionKey,
  revision,
  revisionBytes,
  revisionFromKey,
  revisionString,
  revisionToKey,
} from './revision.ts';
import { type RangeEnd, TreeIndex } from './treeIndex.ts';
import type { Event, KeyValue, LeaseId } from './types.ts';

export interface RangeOptions {
  /** At most this many kvs (0 or absent = no limit); `count` still counts all. */
  limit?: number;
  /** Read at this revision (0 or absent = the current one). */
  rev?: number;
  /** Count only: no kvs returned. */
  count?: boolean;
}

/** `rev` is the store's current revision even when reading an older one (as etcd's header). */
export interface RangeResult {
  kvs: KeyValue[];
  count: number;
  rev: number;
}

/** A consistent view: every read sees the store as of `rev()`. */
export interface ReadView {
  /** The revision this view reads at. */
  rev(): number;
  /** The compaction revision when the view opened (-1 if never compacted). */
  firstRev(): number;
  range(key: Bytes, end: RangeEnd, options?: RangeOptions): RangeResult;
}

export interface TxnRead extends ReadView {
  end(): void;
}

/**
 * One write transaction: all its changes share one main revision (current + 1) and get
 * consecutive sub revisions; its reads see its own writes; `end()` makes the revision current
 * (only when something changed). At most one is open at a time.
 */
export interface TxnWrite extends TxnRead {
  /** Returns the revision the put will have. */
  put(key: Bytes, value: Bytes, lease?: LeaseId): number;
  /** Returns how many keys were deleted and the revision of the txn (unchanged if none). */
  deleteRange(key: Bytes, end: RangeEnd): { deleted: number; rev: number };
  /** The events so far, in order (DELETE kvs carry only key and mod_revision). */
  changes(): Event[];
}

/**
 * The lessor's side of a put or delete (etcd's mvcc calls its lessor directly; here the lessor
 * lives in another layer, so the store reports through these hooks). Also called at restore for
 * every live key with a lease.
 */
export interface LeaseHooks {
  attach(lease: LeaseId, key: Bytes): void;
  detach(lease: LeaseId, key: Bytes): void;
}

/** Told of every write transaction that changed something, after it became current. */
export type WriteObserver = (rev: number, events: Event[]) => void;

export interface KvStoreOptions {
  backend?: Backend;
  /** Key bucket entries removed per committed batch during physical compaction (etcd: 1000). */
  compactionBatchLimit?: number;
  leaseHooks?: LeaseHooks;
}

export interface HashKVResult {
  hash: number;
  /** The store's current revision. */
  rev: number;
  compactRev: number;
}

/**
 * etcd's MVCC key-value store over a backend. Invariants: `currentRev` is the main revision of
 * the last write txn that changed something (1 for a new store, like etcd); every revision in
 * (compactMainRev, currentRev] is readable; the index and the key bucket describe the same
 * history (the key bucket may still hold revisions a finished logical compaction dropped, until
 * the physical compaction removes them).
 */
export class KvStore {
  private backend: Backend;
  private index = new TreeIndex();
  private currentRev = 1;
  private compactMainRev = -1;
  private readonly compactionBatchLimit: number;
  private readonly leaseHooks: LeaseHooks | undefined;
  private readonly observers: WriteObserver[] = [];
  private writeOpen = false;

  constructor(options: KvStoreOptions = {}) {
    this.backend = options.backend ?? new MemoryBackend();
    this.compactionBatchLimit = options.compactionBatchLimit ?? 1000;
    if (!(this.compactionBatchLimit >= 1)) throw new Error('compactionBatchLimit must be >= 1');
    this.leaseHooks = options.leaseHooks;
    this.restoreFromBackend();
  }

  /** The main revision of the last change (1 for a new store). */
  rev(): number {
    return this.currentRev;
  }

  /** The revision of the last compaction, -1 if never compacted (etcd reports -1 too). */
  compactRev(): number {
    return this.compactMainRev;
  }

  backendRef(): Backend {
    return this.backend;
  }

  addWriteObserver(observer: WriteObserver): () => void {
    this.observers.push(observer);
    return () => {
      const i = this.observers.indexOf(observer);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  /** The raft index of the last applied entry as stored in the meta bucket (0 if none). */
  consistentIndex(): number {
    return this.backend.getMeta('consistent_index') ?? 0;
  }

  /**
   * Records the applied raft index in the meta bucket. It lands in the same committed unit as
   * the writes made before the next commit, so after a crash the stored index never claims an
   * entry whose writes were lost.
   */
  setConsistentIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0) throw new Error(`bad consistent index ${index}`);
    this.backend.putMeta('consistent_index', index);
  }

  read(): TxnRead {
    const rev = this.currentRev;
    const firstRev = this.compactMainRev;
    return {
      rev: () => rev,
      firstRev: () => firstRev,
      range: (key, end, options = {}) => this.rangeKeys(key, end, rev, options),
      end: () => {},
    };
  }

  write(): TxnWrite {
    if (this.writeOpen) throw new Error('a write txn is already open');
    this.writeOpen = true;
    return new StoreTxnWrite(this, this.currentRev);
  }

  range(key: Bytes, end: RangeEnd, options: RangeOptions = {}): RangeResult {
    return this.rangeKeys(key, end, this.currentRev, options);
  }

  put(key: Bytes, value: Bytes, lease: LeaseId = '0'): number {
    const tw = this.write();
    try {
      return tw.put(key, value, lease);
    } finally {
      tw.end();
    }
  }

  deleteRange(key: Bytes, end: RangeEnd): { deleted: number; rev: number } {
    const tw = this.write();
    try {
      return tw.deleteRange(key, end);
    } finally {
      tw.end();
    }
  }

  /**
   * Compacts at `rev`: the index forgets history before it at once (logical), then every key
   * bucket revision no read at or after `rev` can see is deleted (physical), in batches of
   * `compactionBatchLimit` each committed as a unit, and the finished mark is written. The
   * scheduled mark is committed BEFORE any deletion, so a crash in between makes the restarted
   * store finish the job. Physical compaction runs to completion inside this call; `done`
   * resolves when the commits it forced have landed (it stands for etcd's channel, closed when
   * its background job ends) and rejects if one failed.
   */
  compact(rev: number): { done: Promise<void> } {
    if (!Number.isSafeInteger(rev)) throw new Error(`bad compaction revision ${rev}`);
    if (rev <= this.compactMainRev) throw new CompactedError();
    if (rev > this.currentRev) throw new FutureRevError();
    this.compactMainRev = rev;
    this.backend.putMeta('scheduledCompactRev', rev);
    const commits = [this.backend.commit()];
    this.compactIndexAndBackend(rev, commits);
    const done = Promise.all(commits).then(() => undefined);
    // A failed commit surfaces through `done`; nobody has to await it for the store to go on.
    done.catch(() => {});
    return { done };
  }

  /**
   * A crc-32 (Castagnoli, as etcd) over the key bucket up to `rev` (0 = current), skipping
   * revisions at or below the compaction revision that a compaction would delete, as etcd's
   * HashKV. Members with the same history agree on it.
   */
  hashKV(rev = 0): HashKVResult {
    const compactRev = this.compactMainRev;
    const currentRev = this.currentRev;
    if (rev > 0 && rev <= compactRev) throw new CompactedError();
    if (rev > 0 && rev > currentRev) throw new FutureRevError();
    const atRev = rev === 0 ? currentRev : rev;
    const keep = this.index.keep(atRev);
    let h = CRC32C.bstr('key');
    for (const [k, v] of this.backend.rangeKeys([0, 0], [atRev + 1, 0])) {
      if (k[0] < compactRev + 1 && keep.size > 0 && !keep.has(`${k[0]}.${k[1]}`)) continue;
      const value = v.tombstone ? encodeKeyValue({ ...zeroKv(v.kv.key) }) : encodeKeyValue(v.kv);
      h = CRC32C.bstr(revisionBytes(revisionFromKey(k), v.tombstone) + value, h);
    }
    return { hash: h >>> 0, rev: currentRev, compactRev };
  }

  /**
   * Replaces the backend (a received snapshot) and rebuilds everything from it, as etcd's
   * store.Restore does. Watchers above are not touched.
   */
  restore(backend: Backend): void {
    if (this.writeOpen) throw new Error('restore with a write txn open');
    this.backend = backend;
    this.index = new TreeIndex();
    this.currentRev = 1;
    this.compactMainRev = -1;
    this.restoreFromBackend();
  }

  /** Every key's history (inspectors). */
  keyIndexes(): KeyIndex[] {
    return [...this.index.keyIndexes()];
  }

  // ---- internals shared with the txn classes ----

  /** @internal */
  rangeKeys(key: Bytes, end: RangeEnd, curRev: number, options: RangeOptions): RangeResult {
    let rev = options.rev ?? 0;
    if (rev > curRev) throw new FutureRevError();
    if (rev <= 0) rev = curRev;
    if (rev < this.compactMainRev) throw new CompactedError();
    const limit = options.limit ?? 0;
    const { revs, total } = this.index.revisions(key, end, rev, options.count ? 1 : limit);
    if (options.count) return { kvs: [], count: total, rev: curRev };
    const kvs = revs.map((r) => ({ ...this.mustGet(r).kv }));
    return { kvs, count: total, rev: curRev };
  }

  /** @internal */
  indexRef(): TreeIndex {
    return this.index;
  }

  /** @internal */
  mustGet(r: Revision): KeyBucketValue {
    const v = this.backend.getKey(revisionToKey(r));
    if (v === undefined) throw new Error(`mvcc: revision ${revisionString(r)} is indexed but missing from the key bucket`);
    return v;
  }

  /** @internal */
  leases(): LeaseHooks | undefined {
    return this.leaseHooks;
  }

  /** @internal */
  endWrite(events: Event[]): void {
    this.writeOpen = false;
    if (events.length === 0) return;
    this.currentRev++;
    const rev = this.currentRev;
    for (const o of [...this.observers]) o(rev, events);
  }

  private compactIndexAndBackend(rev: number, commits: Array<Promise<void>> = []): void {
    const keep = this.index.compact(rev);
    let from: RevisionKey = [0, 0];
    const to: RevisionKey = [rev + 1, 0];
    for (;;) {
      const batch = this.backend.rangeKeys(from, to, this.compactionBatchLimit);
      for (const [k] of batch) {
        if (!keep.has(`${k[0]}.${k[1]}`)) this.backend.deleteKey(k);
      }
      if (batch.length < this.compactionBatchLimit) {
        this.backend.putMeta('finishedCompactRev', rev);
        return;
      }
      const last = batch[batch.length - 1]![0];
      from = [last[0], last[1] + 1];
      commits.push(this.backend.commit());
    }
  }

  /** Rebuilds the index from the key bucket, as etcd does at start, and finishes a compaction a crash interrupted. */
  private restoreFromBackend(): void {
    const finished = this.backend.getMeta('finishedCompactRev');
    if (finished !== undefined) this.compactMainRev = finished;
    let scheduled = this.backend.getMeta('scheduledCompactRev') ?? 0;
    if (scheduled <= this.compactMainRev) scheduled = 0;

    const keyToLease = new Map<Bytes, LeaseId>();
    for (const [k, v] of this.backend.rangeKeys([0, 0], [Number.MAX_SAFE_INTEGER, 0])) {
      const rev = revisionFromKey(k);
      this.currentRev = rev.main;
      const key = v.kv.key;
      const ki = this.index.keyIndex(key);
      if (v.tombstone) {
        keyToLease.delete(key);
        if (ki !== undefined && ki.generations[ki.generations.length - 1]!.revs.length > 0) ki.tombstone(rev.main, rev.sub);
        continue;
      }
      if (v.kv.lease !== '0') keyToLease.set(key, v.kv.lease);
      else keyToLease.delete(key);
      if (ki !== undefined) ki.put(rev.main, rev.sub);
      else {
        const fresh = new KeyIndex(key);
        fresh.restore(revision(v.kv.create_revision, 0), rev, v.kv.version);
        this.index.insert(fresh);
      }
    }
    if (this.currentRev < this.compactMainRev) this.currentRev = this.compactMainRev;
    if (this.leaseHooks) for (const [key, lease] of keyToLease) this.leaseHooks.attach(lease, key);
    if (scheduled !== 0) {
      this.compactMainRev = scheduled;
      const commits: Array<Promise<void>> = [];
      this.compactIndexAndBackend(scheduled, commits);
      for (const c of commits) c.catch(() => {}); // a failure here shows again at the next commit
    }
  }
}

function zeroKv(key: Bytes): KeyValue {
  return { key, create_revision: 0, mod_revision: 0, version: 0, value: '', lease: '0' };
}

class StoreTxnWrite implements TxnWrite {
  private readonly events: Event[] = [];
  private ended = false;

  constructor(
    private readonly store: KvStore,
    private readonly beginRev: number,
  ) {}

  rev(): number {
    return this.beginRev;
  }

  firstRev(): number {
    return this.store.compactRev();
  }

  range(key: Bytes, end: RangeEnd, options: RangeOptions = {}): RangeResult {
    this.checkOpen();
    const rev = this.events.length > 0 ? this.beginRev + 1 : this.beginRev;
    return this.store.rangeKeys(key, end, rev, options);
  }

  put(key: Bytes, value: Bytes, lease: LeaseId = '0'): number {
    this.checkOpen();
    const rev = this.beginRev + 1;
    const index = this.store.indexRef();
    const prev = index.keyIndex(key)?.find(rev);
    const created = prev ? prev.created.main : rev;
    const ver = prev ? prev.ver + 1 : 1;
    const oldLease = prev ? this.store.mustGet(prev.modified).kv.lease : '0';
    const idxRev = revision(rev, this.events.length);
    const kv: KeyValue = { key, create_revision: created, mod_revision: rev, version: ver, value, lease };
    this.store.backendRef().putKey(revisionToKey(idxRev), { kv, tombstone: false });
    index.put(key, idxRev);
    this.events.push({ type: 'PUT', kv });
    const hooks = this.store.leases();
    if (hooks) {
      if (oldLease !== '0') hooks.detach(oldLease, key);
      if (lease !== '0') hooks.attach(lease, key);
    }
    return rev;
  }

  deleteRange(key: Bytes, end: RangeEnd): { deleted: number; rev: number } {
    this.checkOpen();
    const readRev = this.events.length > 0 ? this.beginRev + 1 : this.beginRev;
    const { keys, revs } = this.store.indexRef().range(key, end, readRev);
    for (let i = 0; i < keys.length; i++) this.deleteOne(keys[i]!, revs[i]!);
    return { deleted: keys.length, rev: this.events.length > 0 ? this.beginRev + 1 : this.beginRev };
  }

  changes(): Event[] {
    return this.events.map((e) => ({ type: e.type, kv: { ...e.kv } }));
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.store.endWrite(this.events);
  }

  private deleteOne(key: Bytes, current: Revision): void {
    const rev = this.beginRev + 1;
    const oldLease = this.store.mustGet(current).kv.lease;
    const idxRev = revision(rev, this.events.length);
    const kv: KeyValue = { key, create_revision: 0, mod_revision: rev, version: 0, value: '', lease: '0' };
    this.store.backendRef().putKey(revisionToKey(idxRev), { kv, tombstone: true });
    this.store.indexRef().tombstone(key, idxRev);
    this.events.push({ type: 'DELETE', kv });
    const hooks = this.store.leases();
    if (hooks && oldLease !== '0') hooks.detach(oldLease, key);
  }

  private checkOpen(): void {
    if (this.ended) throw new Error('write txn already ended');
  }
}
