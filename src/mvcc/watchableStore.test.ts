import { describe, expect, it } from 'vitest';
import { KvStore } from './kvStore.ts';
import { MemoryBackend } from './memoryBackend.ts';
import { WatchableStore } from './watchableStore.ts';
import type { StoreWatchResponse, WatchFilter } from './watcher.ts';

/** A receiver that records what it got; `full` makes it refuse (backpressure). */
function receiver() {
  const got: StoreWatchResponse[] = [];
  const r = {
    got,
    full: false,
    sink: (resp: StoreWatchResponse) => {
      if (r.full) return false;
      got.push(resp);
      return true;
    },
    /** Every delivered event as "TYPE key@rev". */
    events: () => got.flatMap((g) => g.events.map((e) => `${e.type} ${e.kv.key}@${e.kv.mod_revision}`)),
    revs: () => got.flatMap((g) => g.events.map((e) => e.kv.mod_revision)),
  };
  return r;
}

function setup(options = {}) {
  const kv = new KvStore();
  const ws = new WatchableStore(kv, options);
  return { kv, ws };
}

function watch(ws: WatchableStore, key: string, end: string, startRev: number, extra: { filters?: WatchFilter[]; prevKV?: boolean } = {}) {
  const r = receiver();
  const w = ws.watch({ id: 7, key, end, startRev, sink: r.sink, ...extra });
  return { r, w };
}

describe('watch delivery', () => {
  it('a synced watcher gets each new revision as one response with its revision', () => {
    const { kv, ws } = setup();
    const { r, w } = watch(ws, 'a', '', 0);
    expect(ws.isSynced(w)).toBe(true);
    kv.put('a', '1');
    kv.put('b', '1');
    kv.deleteRange('a', '');
    expect(r.got.map((g) => ({ id: g.watchId, rev: g.revision, n: g.events.length }))).toEqual([
      { id: 7, rev: 2, n: 1 },
      { id: 7, rev: 4, n: 1 },
    ]);
    expect(r.got[1]!.events[0]).toEqual({
      type: 'DELETE',
      kv: { key: 'a', value: '', create_revision: 0, mod_revision: 4, version: 0, lease: '0' },
    });
  });

  it('a watcher from an old revision stays unsynced until caught up from history', () => {
    const { kv, ws } = setup();
    kv.put('a', '1');
    kv.put('a', '2');
    const { r, w } = watch(ws, 'a', '', 2);
    expect(ws.isSynced(w)).toBe(false);
    kv.put('a', '3'); // not sent yet: the watcher is behind
    expect(r.got).toEqual([]);
    expect(ws.syncWatchers()).toBe(0);
    expect(ws.isSynced(w)).toBe(true);
    expect(r.events()).toEqual(['PUT a@2', 'PUT a@3', 'PUT a@4']);
    expect(r.got[0]!.revision).toBe(4);
    kv.put('a', '4');
    expect(r.events().at(-1)).toBe('PUT a@5');
  });

  it('a future start revision waits for that revision', () => {
    const { kv, ws } = setup();
    const { r } = watch(ws, 'a', '', 4);
    kv.put('a', '1'); // 2
    kv.put('a', '2'); // 3
    kv.put('a', '3'); // 4
    expect(r.events()).toEqual(['PUT a@4']);
  });

  it('filters drop PUT or DELETE events; a revision filtered to nothing sends nothing', () => {
    const { kv, ws } = setup();
    const noPut = watch(ws, 'a', 'z', 0, { filters: ['NOPUT'] });
    const noDel = watch(ws, 'a', 'z', 0, { filters: ['NODELETE'] });
    kv.put('a', '1');
    kv.deleteRange('a', '');
    expect(noPut.r.events()).toEqual(['DELETE a@3']);
    expect(noDel.r.events()).toEqual(['PUT a@2']);
    expect(noPut.r.got.length).toBe(1);
  });

  it('prev_kv carries the version before each event, when not compacted', () => {
    const { kv, ws } = setup();
    kv.put('a', '1');
    const { r } = watch(ws, 'a', '', 0, { prevKV: true });
    kv.put('a', '2');
    kv.deleteRange('a', '');
    expect(r.got.map((g) => g.events[0]!.prev_kv?.value)).toEqual(['1', '2']);
    kv.compact(3);
    const late = watch(ws, 'a', '', 3, { prevKV: true });
    ws.syncWatchers();
    // the put at 3 had its previous version at 2, below the compaction: no prev_kv for it
    expect(late.r.got.flatMap((g) => g.events.map((e) => e.prev_kv?.value))).toEqual([undefined, '2']);
  });

  it('prev_kv: a PUT that creates the key has none, even after the same txn deleted an older generation', () => {
    const { kv, ws } = setup();
    kv.put('q', 'z'); // 2
    const live = watch(ws, 'q', '', 0, { prevKV: true });
    const tw = kv.write();
    tw.deleteRange('q', '');
    tw.put('q', 'x');
    tw.end(); // 3: DELETE q, then PUT q creating a new generation
    const replay = watch(ws, 'q', '', 2, { prevKV: true });
    ws.syncWatchers();
    for (const r of [live.r, replay.r]) {
      const evs = r.got.flatMap((g) => g.events).filter((e) => e.kv.mod_revision === 3);
      expect(evs.map((e) => [e.type, e.prev_kv?.value])).toEqual([
        ['DELETE', 'z'],
        ['PUT', undefined],
      ]);
    }
  });

  it('cancel stops delivery wherever the watcher is', () => {
    const { kv, ws } = setup();
    const synced = watch(ws, 'a', '', 0);
    kv.put('a', '1');
    const unsynced = watch(ws, 'a', '', 1);
    expect(ws.cancel(synced.w)).toBe(true);
    expect(ws.cancel(unsynced.w)).toBe(true);
    expect(ws.cancel(unsynced.w)).toBe(false);
    kv.put('a', '2');
    ws.syncWatchers();
    expect(synced.r.events()).toEqual(['PUT a@2']);
    expect(unsynced.r.events()).toEqual([]);
    expect(ws.counts()).toEqual({ synced: 0, unsynced: 0, victims: 0 });
  });
});

describe('watch guarantees', () => {
  /** Random-ish but fixed workload touching keys a..d, with txns of several ops. */
  function workload(kv: KvStore, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const tw = kv.write();
      tw.put('abcd'[i % 4]!, `v${i}`);
      if (i % 3 === 0) tw.put('abcd'[(i + 1) % 4]!, `w${i}`);
      if (i % 5 === 0) tw.deleteRange('a', 'c');
      tw.end();
    }
  }

  /** The expected events for [key, end) from startRev, read from a twin store's history. */
  function expected(kvTwin: KvStore, fromRev: number): string[] {
    const out: string[] = [];
    for (const [k, v] of kvTwin.backendRef().rangeKeys([fromRev, 0], [Number.MAX_SAFE_INTEGER, 0])) {
      out.push(`${v.tombstone ? 'DELETE' : 'PUT'} ${v.kv.key}@${k[0]}`);
    }
    return out;
  }

  it('ordered: events arrive in non-decreasing revision order across catch-up and live delivery', () => {
    const { kv, ws } = setup({ maxRevsPerBatch: 2 });
    workload(kv, 0, 10);
    const { r } = watch(ws, 'a', '\0', 2);
    for (let i = 10; i < 20; i++) {
      workload(kv, i, i + 1);
      ws.syncWatchers();
    }
    const revs = r.revs();
    expect(revs.length).toBeGreaterThan(20);
    expect([...revs].sort((a, b) => a - b)).toEqual(revs);
    const respRevs = r.got.map((g) => g.revision);
    expect([...respRevs].sort((a, b) => a - b)).toEqual(respRevs);
  });

  it('unique and reliable: every change from the start revision exactly once, also through backpressure', () => {
    const { kv, ws } = setup({ maxRevsPerBatch: 3 });
    workload(kv, 0, 8);
    const { r } = watch(ws, 'a', '\0', 2);
    for (let i = 8; i < 30; i++) {
      r.full = i % 4 === 1; // the receiver refuses now and then
      workload(kv, i, i + 1);
      ws.step();
    }
    r.full = false;
    for (let i = 0; i < 10; i++) ws.step();
    expect(ws.counts()).toEqual({ synced: 1, unsynced: 0, victims: 0 });
    expect(r.events()).toEqual(expected(kv, 2));
  });

  it('reliable: a watcher whose start revision was compacted is told the compaction revision and dropped', () => {
    const { kv, ws } = setup();
    workload(kv, 0, 6);
    kv.compact(5);
    const { r, w } = watch(ws, 'a', '\0', 3);
    ws.syncWatchers();
    expect(r.got).toEqual([{ watchId: 7, events: [], revision: 0, compactRevision: 5 }]);
    expect(w.compacted).toBe(true);
    expect(ws.counts().unsynced).toBe(0);
    // starting exactly at the compaction revision is allowed
    const atCompact = watch(ws, 'a', '\0', 5);
    ws.syncWatchers();
    expect(atCompact.r.got.every((g) => g.compactRevision === 0)).toBe(true);
    expect(atCompact.r.revs()[0]).toBeGreaterThanOrEqual(5);
  });

  it('atomic: a revision is never split, neither live nor in catch-up batches', () => {
    const { kv, ws } = setup({ maxRevsPerBatch: 1 });
    const live = watch(ws, 'a', '\0', 0);
    workload(kv, 0, 12);
    const late = watch(ws, 'a', '\0', 2);
    for (let i = 0; i < 100 && ws.syncWatchers() > 0; i++);
    for (const rec of [live.r, late.r]) {
      const seen = new Set<number>();
      for (const g of rec.got) {
        const revs = new Set(g.events.map((e) => e.kv.mod_revision));
        for (const rev of revs) {
          expect(seen.has(rev)).toBe(false); // a revision's events all came in one response
          seen.add(rev);
        }
      }
      // the txn with three changes (i = 0: two puts and a delete range) arrived whole
      expect(rec.got.find((g) => g.events.some((e) => e.kv.mod_revision === 2))!.events.length).toBe(
        expected(kv, 2).filter((e) => e.endsWith('@2')).length,
      );
    }
    expect(late.r.got.length).toBe(12); // one revision per response with maxRevsPerBatch 1
  });

  it('resumable: a watch re-created from the last seen revision + 1 continues without loss or repeat', () => {
    const { kv, ws } = setup();
    const continuous = watch(ws, 'a', '\0', 0);
    const first = watch(ws, 'a', '\0', 0);
    workload(kv, 0, 5);
    ws.cancel(first.w); // the client goes away
    workload(kv, 5, 9);
    const lastSeen = first.r.got.at(-1)!.revision;
    const resumed = watch(ws, 'a', '\0', lastSeen + 1);
    workload(kv, 9, 12);
    ws.syncWatchers();
    workload(kv, 12, 14);
    expect([...first.r.events(), ...resumed.r.events()]).toEqual(continuous.r.events());
  });

  it('bookmarkable: progress reports a revision up to which the watcher is complete; resuming after it loses nothing', () => {
    const { kv, ws } = setup();
    const continuous = watch(ws, 'c', 'd', 0);
    const b = watch(ws, 'c', 'd', 0);
    workload(kv, 0, 7);
    expect(ws.progress(b.w)).toBe(true);
    const bookmark = b.r.got.at(-1)!;
    expect(bookmark.events).toEqual([]);
    expect(bookmark.revision).toBe(kv.rev());
    expect(ws.syncedRevision(b.w)).toBe(kv.rev());
    ws.cancel(b.w);
    workload(kv, 7, 12);
    const resumed = watch(ws, 'c', 'd', bookmark.revision + 1);
    ws.syncWatchers();
    expect([...b.r.events(), ...resumed.r.events()]).toEqual(continuous.r.events());
    // an unsynced watcher gets no progress notification (it has events to receive first)
    const behind = watch(ws, 'a', '\0', 2);
    expect(ws.progress(behind.w)).toBe(false);
    expect(ws.syncedRevision(behind.w)).toBeUndefined();
  });
});

describe('watch backpressure and restore', () => {
  it('a full receiver makes the watcher a victim; syncVictims delivers the held response', () => {
    const { kv, ws } = setup();
    const { r, w } = watch(ws, 'a', '', 0);
    r.full = true;
    kv.put('a', '1');
    expect(ws.counts()).toEqual({ synced: 0, unsynced: 0, victims: 1 });
    expect(w.victim).toBe(true);
    kv.put('a', '2'); // missed while a victim: caught up later from history
    expect(ws.syncVictims()).toBe(0);
    r.full = false;
    expect(ws.syncVictims()).toBe(1);
    expect(ws.counts()).toEqual({ synced: 0, unsynced: 1, victims: 0 });
    ws.syncWatchers();
    expect(r.events()).toEqual(['PUT a@2', 'PUT a@3']);
    expect(r.got.map((g) => g.revision)).toEqual([2, 3]);
  });

  it('after a snapshot restore, synced watchers are caught up from the new history', () => {
    const { kv, ws } = setup();
    const { r } = watch(ws, 'a', '', 0);
    kv.put('a', '1'); // 2
    const other = new KvStore({ backend: new MemoryBackend() });
    other.put('a', '1');
    other.put('a', '2');
    other.put('a', '3'); // 4
    ws.restore(MemoryBackend.fromImage(other.backendRef().image()));
    expect(ws.counts().unsynced).toBe(1);
    ws.syncWatchers();
    expect(r.events()).toEqual(['PUT a@2', 'PUT a@3', 'PUT a@4']);
  });
});

describe('hosts that sync at once, swap stores, and inspect watchers', () => {
  it('syncAll catches a watcher up through every batch at once; step would need one call per batch', () => {
    const { kv, ws } = setup({ maxRevsPerBatch: 2 });
    for (let i = 0; i < 7; i++) kv.put('a', String(i)); // revisions 2..8
    const { r, w } = watch(ws, 'a', '', 2);
    expect(ws.syncAll()).toBe(0);
    expect(ws.isSynced(w)).toBe(true);
    expect(r.revs()).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(r.got.map((g) => g.events.length)).toEqual([2, 2, 2, 1]);
    expect(r.got.every((g) => g.revision === 8)).toBe(true);
  });

  it('syncAll stops, rather than spinning, when a compacted watcher cannot take its notice', () => {
    const { kv, ws } = setup();
    for (let i = 0; i < 4; i++) kv.put('a', String(i)); // 2..5
    kv.compact(4);
    const { r, w } = watch(ws, 'a', '', 2);
    r.full = true;
    expect(ws.syncAll()).toBe(1);
    expect(w.compacted).toBe(false);
    r.full = false;
    expect(ws.syncAll()).toBe(0);
    expect(w.compacted).toBe(true);
    expect(r.got).toEqual([{ watchId: 7, events: [], revision: 0, compactRevision: 4 }]);
  });

  it('replaceStore moves watchers to a new store: caught up from its history, no longer fed by the old one', () => {
    const { kv, ws } = setup();
    const { r, w } = watch(ws, 'a', '', 0);
    kv.put('a', '1'); // 2
    const next = new KvStore({ backend: new MemoryBackend() });
    next.put('a', '1');
    next.put('a', '2');
    next.put('b', '1'); // 4
    ws.replaceStore(next);
    expect(ws.kv).toBe(next);
    expect(ws.isSynced(w)).toBe(false);
    kv.put('a', 'old store'); // not watched any more
    expect(ws.syncAll()).toBe(0);
    expect(r.events()).toEqual(['PUT a@2', 'PUT a@3']);
    next.put('a', '3'); // 5
    expect(r.events().at(-1)).toBe('PUT a@5');
    expect(r.got.at(-1)!.events[0]!.kv.value).toBe('3');
    expect(() => ws.replaceStore(next)).toThrow(/already/);
  });

  it('nextRevision: a synced watcher has passed every revision written, a lagging one is at its minRev', () => {
    const { kv, ws } = setup();
    const synced = watch(ws, 'a', '', 0);
    kv.put('b', '1'); // 2: not the watcher's key
    kv.put('b', '2'); // 3
    expect(ws.nextRevision(synced.w)).toBe(4);
    const future = watch(ws, 'a', '', 10);
    expect(ws.nextRevision(future.w)).toBe(10);
    const behind = watch(ws, 'b', '', 2);
    expect(ws.nextRevision(behind.w)).toBe(2);
    expect(ws.watchers()).toEqual([synced.w, future.w, behind.w]);
    ws.syncAll();
    expect(ws.nextRevision(behind.w)).toBe(4);
    ws.cancel(synced.w);
    expect(ws.nextRevision(synced.w)).toBeUndefined();
    expect(ws.watchers()).toEqual([future.w, behind.w]);
  });
});
