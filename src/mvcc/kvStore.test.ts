import { describe, expect, it } from 'vitest';
import { KvStore } from './kvStore.ts';
import { MemoryBackend } from './memoryBackend.ts';
import { CompactedError, FutureRevError } from './errors.ts';

function kv(key: string, value: string, create: number, mod: number, version: number, lease = '0') {
  return { key, value, create_revision: create, mod_revision: mod, version, lease };
}

describe('KvStore revisions', () => {
  it('a new store is at revision 1 with no keys', () => {
    const s = new KvStore();
    expect(s.rev()).toBe(1);
    expect(s.range('\0', '\0')).toEqual({ kvs: [], count: 0, rev: 1 });
    expect(s.compactRev()).toBe(-1);
  });

  it('put sets create/mod revision and version; each write txn is one main revision', () => {
    const s = new KvStore();
    expect(s.put('foo', 'bar')).toBe(2);
    expect(s.put('foo', 'baz')).toBe(3);
    expect(s.range('foo', '').kvs).toEqual([kv('foo', 'baz', 2, 3, 2)]);
    const tw = s.write();
    tw.put('a', '1');
    tw.put('b', '2');
    tw.put('a', '3');
    tw.end();
    expect(s.rev()).toBe(4);
    expect(s.range('a', 'c').kvs).toEqual([kv('a', '3', 4, 4, 2), kv('b', '2', 4, 4, 1)]);
    // sub revisions are consecutive inside the txn
    expect(s.backendRef().getKey([4, 2])!.kv.value).toBe('3');
  });

  it('delete writes a tombstone; a re-created key starts a new life at version 1', () => {
    const s = new KvStore();
    s.put('k', 'v1');
    s.put('k', 'v2');
    expect(s.deleteRange('k', '')).toEqual({ deleted: 1, rev: 4 });
    expect(s.range('k', '').kvs).toEqual([]);
    expect(s.backendRef().getKey([4, 0])).toEqual({
      kv: { key: 'k', value: '', create_revision: 0, mod_revision: 4, version: 0, lease: '0' },
      tombstone: true,
    });
    s.put('k', 'v3');
    expect(s.range('k', '').kvs).toEqual([kv('k', 'v3', 5, 5, 1)]);
  });

  it('a write that changes nothing does not bump the revision', () => {
    const s = new KvStore();
    s.put('a', '1');
    expect(s.deleteRange('missing', '')).toEqual({ deleted: 0, rev: 2 });
    const tw = s.write();
    tw.range('a', '');
    tw.end();
    expect(s.rev()).toBe(2);
  });

  it('a write txn reads its own writes; a read txn is pinned to its revision', () => {
    const s = new KvStore();
    s.put('a', '1');
    const r = s.read();
    const tw = s.write();
    tw.put('a', '2');
    expect(tw.range('a', '')).toEqual({ kvs: [kv('a', '2', 2, 3, 2)], count: 1, rev: 3 });
    expect(tw.deleteRange('a', '')).toEqual({ deleted: 1, rev: 3 });
    expect(tw.range('a', '').kvs).toEqual([]);
    tw.end();
    expect(r.range('a', '').kvs).toEqual([kv('a', '1', 2, 2, 1)]);
    expect(s.rev()).toBe(3);
    expect(s.range('a', '', { rev: 2 }).kvs).toEqual([kv('a', '1', 2, 2, 1)]);
  });

  it('only one write txn is open at a time', () => {
    const s = new KvStore();
    const tw = s.write();
    expect(() => s.write()).toThrow(/already open/);
    tw.end();
    s.write().end();
  });
});

describe('KvStore range', () => {
  function store(): KvStore {
    const s = new KvStore();
    for (const k of ['a', 'b', 'c', 'd']) s.put(k, k.toUpperCase()); // revs 2..5
    s.deleteRange('b', ''); // 6
    return s;
  }

  it('limit cuts the kvs, count counts all; header revision is current on historical reads', () => {
    const s = store();
    expect(s.range('a', '\0', { limit: 2 })).toEqual({ kvs: [kv('a', 'A', 2, 2, 1), kv('c', 'C', 4, 4, 1)], count: 3, rev: 6 });
    expect(s.range('a', '\0', { rev: 3 })).toEqual({ kvs: [kv('a', 'A', 2, 2, 1), kv('b', 'B', 3, 3, 1)], count: 2, rev: 6 });
    expect(s.range('a', '\0', { count: true, limit: 1 })).toEqual({ kvs: [], count: 3, rev: 6 });
  });

  it('future revisions and compacted revisions are typed errors; reading at the compact revision works', () => {
    const s = store();
    expect(() => s.range('a', '', { rev: 7 })).toThrow(FutureRevError);
    s.compact(4);
    expect(() => s.range('a', '', { rev: 3 })).toThrow(CompactedError);
    expect(s.range('a', '\0', { rev: 4 }).kvs.map((x) => x.key)).toEqual(['a', 'b', 'c']);
    expect(new FutureRevError().message).toBe('mvcc: required revision is a future revision');
    expect(new CompactedError().message).toBe('mvcc: required revision has been compacted');
  });
});

describe('KvStore compaction', () => {
  it('rejects a revision at or below the last compaction, or in the future', () => {
    const s = new KvStore();
    s.put('a', '1');
    s.put('a', '2');
    s.compact(2);
    expect(() => s.compact(2)).toThrow(CompactedError);
    expect(() => s.compact(1)).toThrow(CompactedError);
    expect(() => s.compact(4)).toThrow(FutureRevError);
    expect(s.compactRev()).toBe(2);
  });

  it('removes old revisions from the key bucket and keeps the newest one at the compaction revision', async () => {
    const b = new MemoryBackend();
    const s = new KvStore({ backend: b, compactionBatchLimit: 2 });
    s.put('a', '1'); // 2
    s.put('a', '2'); // 3
    s.put('b', '1'); // 4
    s.deleteRange('b', ''); // 5
    s.put('c', '1'); // 6
    const { done } = s.compact(5);
    await done;
    expect(b.image().keys.map(([k]) => k)).toEqual([[3, 0], [6, 0]]);
    expect(b.getMeta('finishedCompactRev')).toBe(5);
    expect(b.getMeta('scheduledCompactRev')).toBe(5);
    expect(s.range('\0', '\0', { rev: 5 }).kvs).toEqual([kv('a', '2', 2, 3, 2)]);
  });
});

describe('KvStore restore', () => {
  function history(s: KvStore): void {
    s.put('a', '1', '1f');
    s.put('b', '1');
    s.put('a', '2');
    s.deleteRange('b', '');
    s.put('b', '3', '2a');
    const tw = s.write();
    tw.put('c', 'x');
    tw.deleteRange('c', '');
    tw.put('c', 'y');
    tw.end();
  }

  it('rebuilds the index from the key bucket: same reads, same hash, same revisions', () => {
    const b = new MemoryBackend();
    const s = new KvStore({ backend: b });
    history(s);
    s.compact(4);
    const attached: string[] = [];
    const r = new KvStore({
      backend: MemoryBackend.fromImage(b.image()),
      leaseHooks: { attach: (l, k) => attached.push(`${l}:${k}`), detach: () => {} },
    });
    expect(r.rev()).toBe(s.rev());
    expect(r.compactRev()).toBe(4);
    for (const rev of [4, 5, 6, 7]) expect(r.range('\0', '\0', { rev })).toEqual(s.range('\0', '\0', { rev }));
    expect(r.hashKV()).toEqual(s.hashKV());
    expect(attached).toEqual(['2a:b']);
    r.put('c', 'z');
    expect(r.range('c', '').kvs).toEqual([kv('c', 'z', 7, 8, 2)]);
  });

  it('a store restored after a crash sees only committed writes and its consistent index', async () => {
    const b = new MemoryBackend();
    const s = new KvStore({ backend: b });
    s.put('a', '1');
    s.setConsistentIndex(10);
    await b.commit();
    s.put('a', '2');
    s.setConsistentIndex(11);
    const r = new KvStore({ backend: b.crashCopy() });
    expect(r.consistentIndex()).toBe(10);
    expect(r.rev()).toBe(2);
    expect(r.range('a', '').kvs).toEqual([kv('a', '1', 2, 2, 1)]);
  });

  it('finishes a compaction that was scheduled but not finished', () => {
    const b = new MemoryBackend();
    const s = new KvStore({ backend: b });
    s.put('a', '1');
    s.put('a', '2');
    s.put('a', '3');
    b.putMeta('scheduledCompactRev', 3); // the schedule landed, the deletions did not
    const r = new KvStore({ backend: b });
    expect(r.compactRev()).toBe(3);
    expect(b.getMeta('finishedCompactRev')).toBe(3);
    expect(b.image().keys.map(([k]) => k)).toEqual([[3, 0], [4, 0]]);
    expect(() => r.range('a', '', { rev: 2 })).toThrow(CompactedError);
  });

  it('a crash after compaction batches were committed but before the finished mark restarts and finishes it', () => {
    const b = new MemoryBackend();
    const s = new KvStore({ backend: b, compactionBatchLimit: 2 });
    for (let i = 0; i < 6; i++) s.put('k', `v${i}`); // revisions 2..7
    void b.commit();
    const commitsBefore = b.commits;
    s.compact(6);
    expect(b.commits).toBeGreaterThan(commitsBefore + 1); // the schedule, then batches
    const crashed = b.crashCopy();
    expect(crashed.getMeta('scheduledCompactRev')).toBe(6);
    expect(crashed.getMeta('finishedCompactRev')).toBeUndefined();
    const r = new KvStore({ backend: crashed });
    expect(r.compactRev()).toBe(6);
    expect(crashed.getMeta('finishedCompactRev')).toBe(6);
    expect(crashed.image().keys.map(([k]) => k)).toEqual([[6, 0], [7, 0]]);
    expect(r.range('k', '', { rev: 6 }).kvs[0]!.value).toBe('v4');
  });

  it('a compaction of every key keeps the compaction revision as current revision', () => {
    const b = new MemoryBackend();
    const s = new KvStore({ backend: b });
    s.put('a', '1');
    s.deleteRange('a', '');
    s.compact(3);
    expect(b.image().keys).toEqual([]);
    expect(new KvStore({ backend: b }).rev()).toBe(3);
  });
});

describe('KvStore hashKV', () => {
  function build(): KvStore {
    const s = new KvStore();
    s.put('foo', 'bar');
    s.put('foo', 'baz', '7');
    s.deleteRange('foo', '');
    s.put('x', 'y');
    return s;
  }

  it('an empty store hashes as a real etcd 3.4 does (crc32c of the bucket name)', () => {
    expect(new KvStore().hashKV()).toEqual({ hash: 1084519789, rev: 1, compactRev: -1 });
  });

  it('hashes the same bytes as etcd 3.4: figures taken from a real etcd 3.4.23 after the same history', () => {
    const s = new KvStore();
    s.put('foo', 'bar');
    s.put('foo', 'baz');
    s.deleteRange('foo', '');
    s.put('x', 'y');
    const tw = s.write();
    tw.put('a', '1');
    tw.put('b', '2');
    tw.end();
    expect(s.hashKV(3).hash).toBe(2020292994);
    expect(s.hashKV()).toEqual({ hash: 3196453694, rev: 6, compactRev: -1 });
  });

  it('matches etcd 3.4 after a compaction and with a lease (figures from a real etcd 3.4.23)', () => {
    const s = new KvStore();
    s.put('a', '1');
    s.put('b', '2');
    s.put('a', '3');
    s.deleteRange('b', '');
    s.put('c', '4');
    s.put('a', '5');
    s.put('b', '6');
    s.compact(5);
    s.put('d', '7');
    expect(s.hashKV()).toEqual({ hash: 1321454572, rev: 9, compactRev: 5 });
    expect(s.hashKV(7).hash).toBe(1133923085);
    s.put('e', '8', '12d687'); // lease 1234567
    expect(s.hashKV().hash).toBe(3130714896);
  });

  it('two stores with the same history agree at every revision, also after the same compaction', () => {
    const a = build();
    const b = build();
    for (const rev of [0, 1, 2, 3, 4, 5]) expect(a.hashKV(rev)).toEqual(b.hashKV(rev));
    a.compact(3);
    b.compact(3);
    for (const rev of [0, 4, 5]) expect(a.hashKV(rev)).toEqual(b.hashKV(rev));
    expect(() => a.hashKV(3)).toThrow(CompactedError);
    expect(() => a.hashKV(6)).toThrow(FutureRevError);
  });

  it('differs when the histories differ', () => {
    const a = build();
    const b = build();
    b.put('x', 'z');
    a.put('x', 'w');
    expect(a.hashKV().hash).not.toBe(b.hashKV().hash);
    expect(a.hashKV(5)).toEqual(b.hashKV(5));
    expect(a.hashKV(5).hash).toBe(b.hashKV(5).hash);
  });
});

describe('KvStore leases', () => {
  it('reports attach and detach as puts and deletes move keys between leases', () => {
    const log: string[] = [];
    const s = new KvStore({
      leaseHooks: { attach: (l, k) => log.push(`+${l}:${k}`), detach: (l, k) => log.push(`-${l}:${k}`) },
    });
    s.put('a', '1', 'a1');
    s.put('a', '2', 'b2');
    s.put('a', '3');
    s.put('b', '1', 'a1');
    s.deleteRange('a', 'z');
    expect(log).toEqual(['+a1:a', '-a1:a', '+b2:a', '-b2:a', '+a1:b', '-a1:b']);
  });
});
