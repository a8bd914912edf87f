// idb recognises requests and transactions through the global IDB classes, so those must exist;
// each test still gets its own IDBFactory, passed in explicitly.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange, IDBObjectStore as FDBObjectStore } from 'fake-indexeddb';
import { registerStorageSuite, put, range } from '../storageSuite.ts';
import { StorageAbortedError, StorageLockedError, StorageQuotaError } from '../types.ts';
import { IdbProvider } from './idbEngine.ts';
import { createIndexedDbStorageFactory, type IndexedDbStorageOptions } from './idbStorageFactory.ts';
import type { LockManagerLike } from '../ownership.ts';

/** Every world is its own fake IndexedDB, so tests never share databases. */
function world(extra: Partial<IndexedDbStorageOptions> = {}) {
  const indexedDB = new IDBFactory();
  const base = { indexedDB, keyRange: IDBKeyRange, locks: null, ...extra };
  return {
    indexedDB,
    factory: (more: Partial<IndexedDbStorageOptions> = {}) => createIndexedDbStorageFactory({ ...base, ...more }),
    provider: new IdbProvider({ indexedDB, keyRange: IDBKeyRange }),
  };
}

registerStorageSuite('indexeddb (fake-indexeddb)', () => {
  const w = world();
  return { factory: () => w.factory(), provider: w.provider };
});

const opts = { clusterId: 'c1', memberName: 'm1' };
const hs = (term: number, commit: number) => ({ term, vote: '1', commit });

describe('indexeddb: crash mid-transaction', () => {
  it('an aborted Ready transaction (the worker died before commit) leaves nothing of it', async () => {
    let crash = false;
    const w = world({
      onWriteTransaction: (tx) => {
        if (crash) tx.abort();
      },
    });
    const f = w.factory();
    let s = await f.open(opts);
    await s.saveReady({ entries: range(1, 3, 1), hardState: hs(1, 1) });
    crash = true;
    await expect(s.saveReady({ entries: range(4, 200, 2), hardState: hs(2, 3) })).rejects.toBeInstanceOf(StorageAbortedError);
    const b = s.backend.batch();
    b.putRevision([2, 0], put('a', 2));
    b.putMeta('consistent_index', 3);
    await expect(b.commit()).rejects.toBeInstanceOf(StorageAbortedError);
    expect(s.backend.size().dbSizeInUse).toBe(0);
    crash = false;
    await s.close();
    s = await f.open(opts);
    const r = await s.wal.readAll();
    expect(r.entries).toEqual(range(1, 3, 1));
    expect(r.hardState).toEqual(hs(1, 1));
    expect(await s.backend.readRevisions()).toEqual([]);
    expect(await s.backend.allMeta()).toEqual({});
    await s.close();
  });

  it('a transaction whose connection is closed mid-way (tab closing) still lands whole', async () => {
    let closeNow = false;
    const w = world({
      onWriteTransaction: (tx) => {
        if (closeNow) tx.db.close();
      },
    });
    const f = w.factory();
    let s = await f.open(opts);
    closeNow = true;
    await s.saveReady({ entries: range(1, 64, 1), hardState: hs(1, 10) });
    closeNow = false;
    await s.close();
    s = await f.open(opts);
    const r = await s.wal.readAll();
    expect(r.entries).toEqual(range(1, 64, 1));
    expect(r.hardState).toEqual(hs(1, 10));
    await s.close();
  });
});

describe('indexeddb: quota', () => {
  const realPut = FDBObjectStore.prototype.put;
  afterEach(() => {
    FDBObjectStore.prototype.put = realPut;
  });

  it('QuotaExceededError surfaces as StorageQuotaError and rolls the whole write back', async () => {
    const w = world();
    const f = w.factory();
    const s = await f.open(opts);
    const first = s.backend.batch();
    first.putRevision([1, 0], put('a', 1));
    await first.commit();
    const before = s.backend.size();
    let calls = 0;
    // The browser refuses the third record of the next write.
    FDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof realPut>) {
      if (++calls === 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realPut.apply(this, args);
    } as typeof realPut;
    const b = s.backend.batch();
    for (let m = 2; m < 10; m++) b.putRevision([m, 0], put(`k${m}`, m));
    const err = await b.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect((err as Error).message).toContain('quota exceeded');
    FDBObjectStore.prototype.put = realPut;
    expect((await s.backend.readRevisions()).map((r) => r.rev)).toEqual([[1, 0]]);
    expect(s.backend.size()).toEqual(before);
    calls = 0;
    FDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof realPut>) {
      if (++calls === 1) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realPut.apply(this, args);
    } as typeof realPut;
    await expect(s.saveReady({ entries: range(1, 5, 1) })).rejects.toBeInstanceOf(StorageQuotaError);
    FDBObjectStore.prototype.put = realPut;
    expect(await s.wal.records()).toEqual([]);
    await s.saveReady({ entries: range(1, 5, 1) });
    expect((await s.wal.readAll()).entries).toEqual(range(1, 5, 1));
    await s.close();
  });
});

/** A LockManager with Web Locks' ifAvailable semantics, for Node where navigator.locks is absent. */
function fakeLocks(): LockManagerLike & { held: Set<string> } {
  const held = new Set<string>();
  return {
    held,
    async request(name, options, callback) {
      if (held.has(name)) {
        if (!options.ifAvailable) throw new Error('only ifAvailable is modelled');
        return callback(null);
      }
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
      }
    },
  };
}

describe('indexeddb: ownership', () => {
  it('uses Web Locks when present: a second tab is refused until the first closes', async () => {
    const locks = fakeLocks();
    const w = world({ locks });
    const tab1 = w.factory();
    const tab2 = w.factory();
    const s = await tab1.open(opts);
    expect(locks.held.has('etcd-playground/c1/m1')).toBe(true);
    await expect(tab2.open(opts)).rejects.toBeInstanceOf(StorageLockedError);
    await s.close();
    expect(locks.held.has('etcd-playground/c1/m1')).toBe(false);
    const s2 = await tab2.open(opts);
    await s2.close();
  });

  it('falls back to a heartbeat: a live owner keeps the member, a stale one (crashed tab) is taken over', async () => {
    let nowMs = 1_000_000;
    const w = world();
    const hb = { now: () => nowMs, intervalMs: 1000, staleMs: 3000 };
    const tab1 = w.factory({ heartbeat: { ...hb, ownerId: 'tab1' } });
    const tab2 = w.factory({ heartbeat: { ...hb, ownerId: 'tab2' } });
    const s = await tab1.open(opts);
    nowMs += 2000;
    await expect(tab2.open(opts)).rejects.toBeInstanceOf(StorageLockedError);
    // tab1 stops beating (it crashed) and its record goes stale.
    nowMs += 5000;
    const s2 = await tab2.open(opts);
    expect(s2.fresh).toBe(false);
    await s2.close();
    // A release by the old owner cannot free what the new owner took.
    await s.close();
    const s3 = await tab2.open(opts);
    await expect(tab1.open(opts)).rejects.toBeInstanceOf(StorageLockedError);
    await s3.close();
  });
});
