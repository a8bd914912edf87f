import { describe, expect, it } from 'vitest';
import { KvStore } from '../mvcc/kvStore.ts';
import { MemoryBackend } from '../mvcc/memoryBackend.ts';
import { WatchableStore } from '../mvcc/watchableStore.ts';
import type { WatchCreateRequest, WatchResponse } from './api.ts';
import { E } from './memberErrors.ts';
import type { MemberOutput } from './protocol.ts';
import { ERR_DUPLICATE_WATCH_ID, ERR_EMPTY_WATCHER_RANGE, WatchServer } from './watchServer.ts';

/** A watch server over a fresh store, recording every response per client stream. */
function setup(options: ConstructorParameters<typeof WatchableStore>[1] = {}) {
  const kv = new KvStore();
  const store = new WatchableStore(kv, options);
  const out: MemberOutput[] = [];
  const ws = new WatchServer({
    store,
    header: (rev) => ({ cluster_id: 'c1', member_id: 'm1', revision: rev, raft_term: 2 }),
    emit: (o) => out.push(o),
  });
  const resps = (client = 'cl', streamId = 1): WatchResponse[] =>
    out.flatMap((o) => (o.kind === 'watch' && o.to === client && o.streamId === streamId ? [o.resp] : []));
  const create = (req: WatchCreateRequest, client = 'cl', streamId = 1) => ws.onRequest(client, streamId, { create_request: req });
  /** Every event delivered to the stream as "TYPE key@rev" per watch ID. */
  const events = (client = 'cl', streamId = 1) =>
    resps(client, streamId).flatMap((r) => r.events.map((e) => `${r.watch_id}:${e.type} ${e.kv.key}@${e.kv.mod_revision}`));
  return { kv, store, ws, out, resps, create, events };
}

function brief(r: WatchResponse) {
  return { id: r.watch_id, rev: r.header.revision, created: r.created, canceled: r.canceled, compact: r.compact_revision, reason: r.cancel_reason, n: r.events.length };
}

describe('watch server over the watchable store', () => {
  it('created first, then history from the start revision, then live writes; one response per revision', () => {
    const { kv, create, resps, events, store } = setup();
    kv.put('a', '1'); // 2
    kv.put('b', '1'); // 3
    create({ key: 'a', range_end: 'c', start_revision: 2 });
    expect(resps().map(brief)).toEqual([
      { id: 0, rev: 3, created: true, canceled: false, compact: 0, reason: '', n: 0 },
      { id: 0, rev: 3, created: false, canceled: false, compact: 0, reason: '', n: 2 },
    ]);
    expect(store.counts()).toEqual({ synced: 1, unsynced: 0, victims: 0 });
    const txn = kv.write();
    txn.put('b', '2');
    txn.put('a', '2');
    txn.end(); // 4: both keys in one response
    kv.deleteRange('a', ''); // 5
    expect(events()).toEqual(['0:PUT a@2', '0:PUT b@3', '0:PUT b@4', '0:PUT a@4', '0:DELETE a@5']);
    expect(resps().slice(2).map((r) => [r.header.revision, r.events.length])).toEqual([
      [4, 2],
      [5, 1],
    ]);
  });

  it('range_end: empty is the single key, "\\0" every key from the key', () => {
    const { kv, create, events } = setup();
    create({ key: 'b' }); // id 0
    create({ key: 'b', range_end: '\0' }); // id 1
    kv.put('a', '1');
    kv.put('b', '1');
    kv.put('zz', '1');
    expect(events()).toEqual(['0:PUT b@3', '1:PUT b@3', '1:PUT zz@4']);
  });

  it('prev_kv and the NOPUT / NODELETE filters', () => {
    const { kv, create, resps } = setup();
    create({ key: 'k', prev_kv: true, filters: ['NODELETE'] });
    kv.put('k', '1');
    kv.put('k', '2');
    kv.deleteRange('k', '');
    const evs = resps().flatMap((r) => r.events);
    expect(evs.map((e) => [e.type, e.kv.value, e.prev_kv?.value])).toEqual([
      ['PUT', '1', undefined],
      ['PUT', '2', '1'],
    ]);
    create({ key: 'k', filters: ['NOPUT'] });
    kv.put('k', '3');
    kv.deleteRange('k', '');
    expect(resps().filter((r) => r.watch_id === 1 && r.events.length > 0).flatMap((r) => r.events.map((e) => e.type))).toEqual(['DELETE']);
  });

  it('a start revision below the compaction: created, then canceled with the compact revision (header revision 0)', () => {
    const { kv, create, resps, store, ws } = setup();
    for (let i = 0; i < 4; i++) kv.put('a', String(i)); // 2..5
    kv.compact(4);
    create({ key: 'a', start_revision: 2, watch_id: 9 });
    expect(resps().map(brief)).toEqual([
      { id: 9, rev: 5, created: true, canceled: false, compact: 0, reason: '', n: 0 },
      { id: 9, rev: 0, created: false, canceled: true, compact: 4, reason: '', n: 0 },
    ]);
    expect(store.counts()).toEqual({ synced: 0, unsynced: 0, victims: 0 });
    expect(ws.watchers()).toEqual([]);
    // its ID is free again on the stream
    create({ key: 'a', start_revision: 4, watch_id: 9 });
    expect(resps().at(-1)!.events.map((e) => e.kv.mod_revision)).toEqual([4, 5]);
  });

  it('refuses an empty range and a duplicate ID with etcd errors and keeps nothing', () => {
    const { create, resps, store } = setup();
    create({ key: 'a', watch_id: 3 });
    create({ key: 'b', watch_id: 3 });
    create({ key: 'b', range_end: 'a' });
    create({ key: 'b', range_end: 'b' });
    expect(resps().map((r) => [r.watch_id, r.created, r.canceled, r.cancel_reason])).toEqual([
      [3, true, false, ''],
      [-1, true, true, ERR_DUPLICATE_WATCH_ID],
      [-1, true, true, ERR_EMPTY_WATCHER_RANGE],
      [-1, true, true, ERR_EMPTY_WATCHER_RANGE],
    ]);
    expect(store.counts().synced).toBe(1);
  });

  it('server-chosen IDs skip client-chosen ones; IDs are per stream', () => {
    const { create, resps } = setup();
    create({ key: 'a', watch_id: 1 });
    create({ key: 'a' });
    create({ key: 'a' });
    create({ key: 'a' }, 'cl', 2);
    expect(resps().map((r) => r.watch_id)).toEqual([1, 0, 2]);
    expect(resps('cl', 2).map((r) => r.watch_id)).toEqual([0]);
  });

  it('cancel answers once and stops delivery; closing a stream removes its watchers from the store', () => {
    const { kv, ws, create, resps, events, store } = setup();
    create({ key: 'a' });
    create({ key: 'a' });
    create({ key: 'a' }, 'other', 1);
    ws.onRequest('cl', 1, { cancel_request: { watch_id: 0 } });
    ws.onRequest('cl', 1, { cancel_request: { watch_id: 0 } }); // already gone: no answer
    expect(resps().slice(2).map(brief)).toEqual([{ id: 0, rev: 1, created: false, canceled: true, compact: 0, reason: '', n: 0 }]);
    kv.put('a', '1');
    expect(events()).toEqual(['1:PUT a@2']);
    ws.closeStream('cl', 1);
    expect(store.counts().synced).toBe(1);
    kv.put('a', '2');
    expect(events()).toEqual(['1:PUT a@2']);
    expect(events('other', 1)).toEqual(['0:PUT a@2', '0:PUT a@3']);
  });

  it('progress: a request gets one response with watch_id -1; notifications go to watchers that asked', () => {
    const { kv, ws, create, resps } = setup();
    create({ key: 'a', progress_notify: true, watch_id: 5 });
    create({ key: 'b', watch_id: 6 });
    kv.put('x', '1');
    ws.onRequest('cl', 1, { progress_request: {} });
    ws.progressNotifyAll();
    expect(resps().slice(2).map(brief)).toEqual([
      { id: -1, rev: 2, created: false, canceled: false, compact: 0, reason: '', n: 0 },
      { id: 5, rev: 2, created: false, canceled: false, compact: 0, reason: '', n: 0 },
    ]);
  });

  it('refuse answers the stream with the error and drops its watchers', () => {
    const { kv, ws, create, resps, store } = setup();
    create({ key: 'a' });
    ws.refuse('cl', 1, E.notSupportedForLearner);
    expect(brief(resps().at(-1)!)).toEqual({ id: -1, rev: 1, created: true, canceled: true, compact: 0, reason: E.notSupportedForLearner.message, n: 0 });
    expect(store.counts().synced).toBe(0);
    kv.put('a', '1');
    expect(resps().length).toBe(2);
  });

  it('after the store is replaced (snapshot), every watcher catches up from the new history at once', () => {
    const { kv, ws, store, create, events } = setup();
    create({ key: 'a', range_end: 'b' });
    kv.put('a', '1'); // 2
    const next = new KvStore({ backend: new MemoryBackend() });
    next.put('a', '1');
    next.put('a2', '1');
    next.put('a', '2'); // 4
    store.replaceStore(next);
    ws.onRestore();
    expect(store.counts()).toEqual({ synced: 1, unsynced: 0, victims: 0 });
    expect(events()).toEqual(['0:PUT a@2', '0:PUT a2@3', '0:PUT a@4']);
  });

  it('watchers() reports client, stream, key, range end and next revision', () => {
    const { kv, ws, create } = setup();
    kv.put('q', '1'); // 2
    create({ key: 'a', range_end: 'c', prev_kv: true, watch_id: 4 }, 'alice', 3);
    create({ key: 'k', start_revision: 50, filters: ['NOPUT'] }, 'bob', 1);
    kv.put('z', '1'); // 3: matches nobody, still passed over
    expect(ws.watchers()).toEqual([
      { client: 'alice', streamId: 3, watchId: 4, key: 'a', rangeEnd: 'c', nextRevision: 4, prevKv: true, filters: [], progressNotify: false },
      { client: 'bob', streamId: 1, watchId: 0, key: 'k', rangeEnd: '', nextRevision: 50, prevKv: false, filters: ['NOPUT'], progressNotify: false },
    ]);
    ws.onRequest('alice', 3, { cancel_request: { watch_id: 4 } });
    expect(ws.watchers().map((w) => w.client)).toEqual(['bob']);
  });
});
