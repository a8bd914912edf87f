// idb recognises requests and transactions through the global IDB classes, so those must exist.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange, IDBObjectStore as FDBObjectStore } from 'fake-indexeddb';
import { createIndexedDbStorageFactory } from '../storage/indexeddb/idbStorageFactory.ts';
import { MEMBER_STORES } from '../storage/engine.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import { MemoryDisk } from '../storage/memory/memoryDisk.ts';
import { StorageQuotaError, storageName, type KeyBucketValue } from '../storage/types.ts';
import type { StoredWalRecord } from '../storage/walLog.ts';
import type { MemberSettings } from '../server/settings.ts';
import { CrashSwitch, CrashableMemberActor, CrashingMemoryDisk, checkPrefix } from './crashRecovery.ts';
import { InProcessCluster } from './inProcessCluster.ts';
import { MemberActor } from './memberActor.ts';

const SEED = 7;
const clusterKey = (seed: number) => `etcd-cluster-${seed}`;

async function cluster(opts: { disk?: MemoryDisk; seed?: number; settings?: Partial<MemberSettings>; size?: number } = {}) {
  const disk = opts.disk ?? new MemoryDisk();
  const factory = createMemoryStorageFactory(disk);
  const c = await InProcessCluster.create({ size: opts.size ?? 3, seed: opts.seed ?? SEED, storageFactory: factory, settings: opts.settings });
  await c.waitForLeader();
  await c.runFor(1000);
  return { c, disk, factory };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** A raw connection to a member's database on the disk (the member must be down). */
function rawDb(disk: MemoryDisk, member: string, seed = SEED) {
  return disk.connect(storageName(clusterKey(seed), member), MEMBER_STORES, 'strict');
}

function sameHashes(c: InProcessCluster, names: string[]): boolean {
  const ms = names.map((n) => c.member(n));
  return new Set(ms.map((m) => m.kvStore().rev())).size === 1 && new Set(ms.map((m) => m.hashKV())).size === 1;
}

describe('durability: refusing to start', () => {
  it('a CRC-corrupted WAL record: the member refuses to start naming the record, stays down, the cluster serves', async () => {
    const { c, disk } = await cluster();
    const cl = c.client({ name: 'w', endpoints: ['m1', 'm3'] });
    for (let i = 0; i < 6; i++) await cl.put({ key: `k${i}`, value: `v${i}` });
    await c.runFor(500);
    await c.crash('m2');
    const db = rawDb(disk, 'm2');
    const rows = await db.read('wal');
    expect(rows.length).toBeGreaterThan(2);
    const victim = rows[Math.floor(rows.length / 2)]!.value as StoredWalRecord;
    // One flipped character in the stored bytes; the stored CRC stays as it was.
    const data = victim.data.replace(/"term":(\d)/, (_m, d: string) => `"term":${(Number(d) + 1) % 10}`);
    expect(data).not.toBe(victim.data);
    await db.write([{ op: 'put', store: 'wal', key: victim.seq, value: { ...victim, data } }]);
    db.close();
    const err = await rejection(c.restart('m2'));
    expect(err.name).toBe('WalCorruptionError');
    expect(err.message).toContain(`wal: corrupt record ${victim.seq}`);
    expect(err.message).toContain('crc mismatch');
    await c.runFor(2000);
    expect(c.actor('m2')!.member).toBeNull();
    expect((c.actor('m2') as MemberActor).error?.message).toContain(`corrupt record ${victim.seq}`);
    // The other two still form a quorum and serve writes.
    await cl.put({ key: 'after', value: 'ok' });
    expect((await cl.range({ key: 'after' })).kvs[0]!.value).toBe('ok');
    expect(sameHashes(c, ['m1', 'm3'])).toBe(true);
    await c.close();
  });

  it('a wiped member refuses to rejoin empty ("replace member"); removing it and adding a new member catches up', async () => {
    const { c, factory } = await cluster();
    const cl = c.client({ name: 'w', endpoints: ['m1', 'm2'] });
    for (let i = 0; i < 5; i++) await cl.put({ key: `k${i}`, value: `v${i}` });
    const m3id = c.members().find((v) => v.name === 'm3')!.id;
    await c.crash('m3');
    // The disk is lost; the registry still remembers the member had data.
    await factory.destroy(clusterKey(SEED), 'm3', { forgetMembership: false });
    const err = await rejection(c.restart('m3'));
    expect(err.name).toBe('MemberDataLostError');
    expect(err.message).toContain('its data was lost');
    expect(err.message).toContain('replace the member');
    await c.runFor(2000);
    expect(c.actor('m3')!.member).toBeNull();
    // Nothing was written for it: it did not come back as a fresh, empty member.
    expect((await cl.memberList()).members.map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3']);
    await cl.put({ key: 'while-down', value: 'x' });

    // Replace it: remove the lost member, then add a new one that starts empty and catches up.
    // (etcd's strict reconfiguration check wants peers connected for 5 s first.)
    await c.runFor(6000);
    await cl.memberRemove(m3id);
    await c.stopMember('m3');
    await factory.destroy(clusterKey(SEED), 'm3');
    await c.runFor(6000);
    const added = await cl.memberAdd({ peerURLs: ['http://m4:2380'] });
    await c.launch('m4', added.member.ID, { join: true });
    await c.runUntil(() => c.member('m4').kvStore().rev() === c.member('m1').kvStore().rev(), 30_000);
    expect(sameHashes(c, ['m1', 'm2', 'm4'])).toBe(true);
    const r = c.member('m4').kvStore().range('while-down', undefined, {});
    expect(r.kvs[0]!.value).toBe('x');
    await cl.put({ key: 'with-m4', value: 'y' });
    await c.runFor(1000);
    expect(c.member('m4').kvStore().range('with-m4', undefined, {}).kvs[0]!.value).toBe('y');
    await c.close();
  });
});

describe('durability: storage quota', () => {
  it('QuotaExceeded stops the member with a readable StorageQuotaError, nothing unpersisted is acknowledged, and it recovers once space is freed', async () => {
    const disk = new MemoryDisk();
    const { c } = await cluster({ disk });
    const cl = c.client({ name: 'w', commandTimeoutMs: 2000 });
    const acked: { key: string; value: string; rev: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await cl.put({ key: `pre${i}`, value: 'x' });
      acked.push({ key: `pre${i}`, value: 'x', rev: r.header.revision });
    }
    disk.setQuotaBytes(disk.usedBytes() + 3000);
    let failures = 0;
    for (let i = 0; i < 100 && failures < 5; i++) {
      const value = 'v'.repeat(100);
      try {
        const r = await cl.put({ key: `q${i}`, value });
        acked.push({ key: `q${i}`, value, rev: r.header.revision });
      } catch {
        failures++;
      }
    }
    expect(failures).toBe(5);
    const stopped = c.memberNames().filter((n) => (c.actor(n) as MemberActor).error instanceof StorageQuotaError);
    expect(stopped.length).toBeGreaterThan(0);
    const e = (c.actor(stopped[0]!) as MemberActor).error!;
    expect(e.message).toMatch(/^storage quota exceeded for etcd-playground\/etcd-cluster-7\/m\d: the write was rolled back/);
    for (const n of stopped) expect(c.actor(n)!.member).toBeNull();

    // Space is freed; the stopped members restart from what they stored.
    disk.setQuotaBytes(undefined);
    for (const n of stopped) {
      await c.crash(n);
      await c.restart(n);
    }
    await c.waitForLeader();
    await cl.put({ key: 'after', value: 'ok' });
    const names = c.memberNames();
    await c.runUntil(() => names.every((n) => c.actor(n)!.member) && sameHashes(c, names), 30_000);
    for (const n of names) {
      const kv = c.member(n).kvStore();
      for (const a of acked) {
        const got = kv.range(a.key, undefined, {}).kvs[0];
        expect(got?.value, `${n} ${a.key}`).toBe(a.value);
        expect(got?.mod_revision, `${n} ${a.key}`).toBe(a.rev);
      }
    }
    await c.close();
  });
});

describe('durability: storage quota on IndexedDB', () => {
  it('the browser refusing a write (QuotaExceededError) stops the members with StorageQuotaError; once it accepts again they recover', async () => {
    const factory = createIndexedDbStorageFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange, locks: null });
    const c = await InProcessCluster.create({ size: 3, seed: SEED, storageFactory: factory });
    await c.waitForLeader();
    await c.runFor(1000);
    const cl = c.client({ name: 'w', commandTimeoutMs: 2000 });
    const first = await cl.put({ key: 'before', value: '1' });
    const realPut = FDBObjectStore.prototype.put;
    let refused = 0;
    FDBObjectStore.prototype.put = function () {
      refused++;
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    } as typeof realPut;
    try {
      const err = await rejection(cl.put({ key: 'refused', value: '2' }));
      expect(err.message).toMatch(/context deadline exceeded|timed out|stopped|no leader|leader changed/);
    } finally {
      FDBObjectStore.prototype.put = realPut;
    }
    expect(refused).toBeGreaterThan(0);
    const stopped = c.memberNames().filter((n) => (c.actor(n) as MemberActor).error instanceof StorageQuotaError);
    expect(stopped.length).toBeGreaterThan(0);
    expect((c.actor(stopped[0]!) as MemberActor).error!.message).toContain('storage quota exceeded');
    for (const n of stopped) {
      await c.crash(n);
      await c.restart(n);
    }
    await c.waitForLeader();
    await c.runFor(1000);
    await cl.put({ key: 'after', value: '3' });
    const names = c.memberNames();
    await c.runUntil(() => names.every((n) => c.actor(n)!.member) && sameHashes(c, names), 30_000);
    for (const n of names) {
      const got = c.member(n).kvStore().range('before', undefined, {}).kvs[0];
      expect(got?.mod_revision, n).toBe(first.header.revision);
      expect(c.member(n).kvStore().range('after', undefined, {}).kvs[0]?.value, n).toBe('3');
    }
    await c.close();
  });
});

describe('durability: recovery as etcd restarts', () => {
  it('skips entries at or below the consistent index (a version-compare txn is not applied twice) with the backend ahead of the snapshot', async () => {
    const { c, disk } = await cluster({ settings: { snapshotCount: 10, snapshotCatchUpEntries: 2 } });
    const cl = c.client({ name: 'w' });
    for (let i = 0; i < 8; i++) await cl.put({ key: `pad${i}`, value: 'p' });
    await cl.put({ key: 'k', value: 'v1' });
    // Applied twice, this txn would put again (version 1 -> 2 -> 3): a different revision and hash.
    const t = await cl.txn({
      compare: [{ key: 'k', target: 'VERSION', result: 'EQUAL', version: 1 }],
      success: [{ request_put: { key: 'k', value: 'v2' } }],
      failure: [],
    });
    expect(t.succeeded).toBe(true);
    await c.runFor(1000);
    const before = c.member('m1').kvStore().rev();
    const beforeHash = c.member('m1').hashKV();
    // The whole cluster goes down and comes back: nothing to catch up from.
    for (const n of c.memberNames()) await c.crash(n);
    for (const n of c.memberNames()) {
      // The precondition: a snapshot exists, and the backend (consistent index) holds both the put
      // and the txn beyond it, so replay from the snapshot would meet them again.
      const db = rawDb(disk, n);
      const snapIndex = Math.max(...(await db.read('snap')).map((r) => r.key as number));
      const ci = (await db.get('meta', 'consistent_index')) as number;
      db.close();
      expect(snapIndex, n).toBeGreaterThan(0);
      expect(ci - snapIndex, n).toBeGreaterThanOrEqual(2);
    }
    for (const n of c.memberNames()) await c.restart(n);
    // Let the first Readies after restart hand out whatever the logs hold.
    await c.waitForLeader();
    await c.runFor(1000);
    for (const n of c.memberNames()) {
      const m = c.member(n);
      expect(m.kvStore().rev(), n).toBe(before);
      expect(m.hashKV(), n).toBe(beforeHash);
      const k = m.kvStore().range('k', undefined, {}).kvs[0]!;
      expect([k.value, k.version], n).toEqual(['v2', 2]);
    }
    await c.close();
  });

  it('rebuilds the key index from the key bucket: an isolated restarted member serves its keys with their revisions', async () => {
    const { c } = await cluster();
    const cl = c.client({ name: 'w' });
    await cl.put({ key: 'a', value: '1' });
    await cl.put({ key: 'a', value: '2' });
    await cl.put({ key: 'b', value: '3' });
    await cl.deleteRange({ key: 'b' });
    await c.runFor(1000);
    const expected = c.member('m2').kvStore().range('\0', '\0', {});
    c.partition([['m2'], ['m1', 'm3']]);
    await c.crash('m2');
    await c.restart('m2');
    const got = c.member('m2').kvStore().range('\0', '\0', {});
    expect(got.kvs).toEqual(expected.kvs);
    expect(got.kvs.map((k) => [k.key, k.value, k.version])).toEqual([['a', '2', 2]]);
    // The old revision is still readable: history came back from the bucket, not just the latest values.
    expect(c.member('m2').kvStore().range('a', undefined, { rev: expected.kvs[0]!.mod_revision - 1 }).kvs[0]!.value).toBe('1');
    await c.close();
  });

  it('replays the WAL after the backend: committed entries whose backend write was lost in the crash are applied at restart', async () => {
    const sw = new CrashSwitch();
    const disk = new CrashingMemoryDisk();
    disk.switch = sw;
    const c = await InProcessCluster.create({
      size: 1,
      seed: SEED,
      storageFactory: createMemoryStorageFactory(disk),
      memberActorFactory: (opts) => {
        disk.watch(storageName(opts.clusterKey, opts.name), opts.name);
        const a = new CrashableMemberActor(opts);
        sw.register(a);
        return a;
      },
    });
    await c.waitForLeader();
    const cl = c.client({ name: 'w', commandTimeoutMs: 1000 });
    let replayed = 0;
    for (let k = 0; k < 4; k++) {
      sw.arm('m1', k, 'drop');
      await cl.put({ key: `x${k}`, value: String(k) }).catch(() => undefined);
      sw.disarm('m1');
      await c.crash('m1');
      // What the crash left: the WAL's commit index and the backend's consistent index.
      const db = rawDb(disk, 'm1');
      const walCommit = Math.max(0, ...(await db.read('wal')).map((r) => JSON.parse((r.value as StoredWalRecord).data).hardState?.commit ?? 0));
      const ci = (await db.get('meta', 'consistent_index')) as number;
      db.close();
      await c.restart('m1');
      // As etcd's raft node does, the first Ready after restart hands out the committed entries
      // the backend does not hold yet.
      await c.runFor(100);
      const m = c.member('m1');
      // Recovery applies everything the WAL says was committed.
      expect(m.summary().appliedIndex).toBeGreaterThanOrEqual(walCommit);
      if (walCommit > ci) {
        replayed++;
        expect(m.kvStore().range(`x${k}`, undefined, {}).kvs[0]?.value).toBe(String(k));
      }
      await c.waitForLeader();
    }
    // At least one crash left the backend behind the WAL, so replay was needed.
    expect(replayed).toBeGreaterThan(0);
    await c.close();
  });

  it('re-establishes leases after a full restart: attached keys and TTLs survive, and an expiring lease still expires', async () => {
    const { c } = await cluster();
    const cl = c.client({ name: 'w' });
    const short = await cl.leaseGrant({ TTL: 5, ID: '0' });
    const long = await cl.leaseGrant({ TTL: 600, ID: '0' });
    await cl.put({ key: 'eph', value: '1', lease: short.ID });
    await cl.put({ key: 'keep', value: '2', lease: long.ID });
    for (const n of c.memberNames()) await c.crash(n);
    for (const n of c.memberNames()) await c.restart(n);
    await c.waitForLeader();
    const ttl = await cl.leaseTimeToLive({ ID: long.ID, keys: true });
    expect(ttl.keys).toEqual(['keep']);
    expect(ttl.grantedTTL).toBe(600);
    expect((await cl.leaseTimeToLive({ ID: short.ID, keys: true })).keys).toEqual(['eph']);
    // Nobody keeps the short lease alive: after its TTL it expires and takes its key along.
    await c.runFor(12_000);
    for (const n of c.memberNames()) {
      expect(c.member(n).kvStore().range('eph', undefined, {}).kvs, n).toEqual([]);
      expect(c.member(n).kvStore().range('keep', undefined, {}).kvs[0]!.lease, n).toBe(long.ID);
    }
    expect((await cl.leaseTimeToLive({ ID: short.ID })).TTL).toBe(-1);
    await c.close();
  });

  it('a restarted member recovers from snapshot + WAL to a prefix of the healthy members\' history', async () => {
    const { c } = await cluster({ settings: { snapshotCount: 4, snapshotCatchUpEntries: 2 } });
    const cl = c.client({ name: 'w', endpoints: ['m1', 'm2'] });
    for (let i = 0; i < 12; i++) await cl.put({ key: `k${i % 3}`, value: `v${i}` });
    await c.crash('m3');
    for (let i = 0; i < 5; i++) await cl.put({ key: `later${i}`, value: 'x' });
    c.partition([['m3'], ['m1', 'm2']]);
    await c.restart('m3');
    expect(checkPrefix(c, 'm3', 'isolated restart')).toBe(2);
    c.heal();
    await c.runUntil(() => sameHashes(c, c.memberNames()), 20_000);
    await c.close();
  });
});

describe('durability: physical compaction, defragment and sizes', () => {
  it('compaction removes old revisions from the key bucket; defragment reclaims; status reports the stored sizes', async () => {
    const disk = new MemoryDisk();
    const { c } = await cluster({ disk });
    const cl = c.client({ name: 'w' });
    let last = 0;
    for (let i = 0; i < 30; i++) last = (await cl.put({ key: 'hot', value: 'x'.repeat(200) + i })).header.revision;
    await cl.put({ key: 'cold', value: 'c' });
    await c.runFor(500);
    const st0 = await cl.status('m1');
    await cl.compact({ revision: last });
    await c.runFor(500);
    await c.crash('m1');
    const db = rawDb(disk, 'm1');
    const revs = (await db.read('key')).map((r) => ({ rev: r.key as number[], v: r.value as KeyBucketValue }));
    db.close();
    await c.restart('m1');
    // Only the revision of 'hot' at the compaction point and the later 'cold' remain.
    expect(revs.filter((r) => r.v.kv.key === 'hot').map((r) => r.rev[0])).toEqual([last]);
    expect(revs.filter((r) => r.v.kv.key === 'cold')).toHaveLength(1);
    await c.waitForLeader();
    const st1 = await cl.status('m1');
    expect(st1.dbSizeInUse).toBeLessThan(st0.dbSizeInUse);
    // Freed space is not given back until defragment.
    expect(st1.dbSize).toBeGreaterThanOrEqual(st0.dbSize);
    await cl.defragment('m1');
    const st2 = await cl.status('m1');
    expect(st2.dbSize).toBe(st2.dbSizeInUse);
    expect(st2.dbSize).toBeLessThan(st1.dbSize);
    // Status reports what the storage accounts, not an estimate.
    const m2 = await cl.status('m2');
    expect(m2.dbSizeInUse).toBeGreaterThan(0);
    expect(m2.dbSize).toBeGreaterThanOrEqual(m2.dbSizeInUse);
    await c.close();
  });
});
