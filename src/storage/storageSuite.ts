/**
 * The behaviour every storage implementation must have, as one suite registered once per
 * implementation (memory.test.ts, indexeddb.test.ts). Each test builds its own world, so tests
 * never see each other's data.
 */
import { describe, expect, it } from 'vitest';
import type { Entry, HardState, Snapshot } from '../raft/types.ts';
import type { KeyValue } from '../mvcc/types.ts';
import { MEMBER_STORES, type EngineProvider } from './engine.ts';
import type { StoredWalRecord } from './walLog.ts';
import {
  BackendSnapshotError,
  StorageClosedError,
  StorageLockedError,
  WalCorruptionError,
  WalSnapshotNotFoundError,
  storageName,
  type KeyBucketValue,
  type MemberStorage,
  type OpenOptions,
  type StorageFactory,
} from './types.ts';

/** One "browser profile": factories made from it share data and locks, like two tabs. */
export interface StorageWorld {
  factory(): StorageFactory;
  /** Raw access to the same databases, to damage records the way a bad disk would. */
  provider: EngineProvider;
}

export function ent(index: number, term: number, data = `d${index}`): Entry {
  return { index, term, type: 'EntryNormal', data };
}

export function range(lo: number, hi: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = lo; i <= hi; i++) out.push(ent(i, term));
  return out;
}

export function kv(key: string, rev: number, value = `v${rev}`): KeyValue {
  return { key, create_revision: rev, mod_revision: rev, version: 1, value, lease: '0' };
}

export function put(key: string, rev: number): KeyBucketValue {
  return { kv: kv(key, rev), tombstone: false };
}

export function snap(index: number, term: number, data = `state@${index}`): Snapshot {
  return { data, metadata: { index, term, conf_state: { voters: ['1', '2', '3'], learners: [] } } };
}

const hs = (term: number, commit: number, vote = '1'): HardState => ({ term, vote, commit });

export function registerStorageSuite(label: string, newWorld: () => StorageWorld): void {
  const member = (name = 'm1', extra: Partial<OpenOptions> = {}): OpenOptions => ({ clusterId: 'c1', memberName: name, ...extra });

  async function reopen(world: StorageWorld, s: MemberStorage, extra: Partial<OpenOptions> = {}): Promise<MemberStorage> {
    await s.close();
    return world.factory().open(member(s.memberName, extra));
  }

  describe(`${label}: WAL`, () => {
    it('round-trips entries and the latest HardState across a reopen', async () => {
      const world = newWorld();
      let s = await world.factory().open(member());
      await s.wal.save({ entries: range(1, 3, 1), hardState: hs(1, 0) });
      await s.wal.save({ entries: range(4, 5, 1), hardState: hs(1, 3) });
      await s.wal.save({ entries: [], hardState: hs(2, 5, '2') });
      s = await reopen(world, s);
      const r = await s.wal.readAll();
      expect(r.entries).toEqual(range(1, 5, 1));
      expect(r.hardState).toEqual(hs(2, 5, '2'));
      expect(r.lastSeq).toBe(3);
      expect(r.snapshot).toBeUndefined();
      await s.close();
    });

    it('replay lets a later record replace the conflicting tail', async () => {
      const world = newWorld();
      let s = await world.factory().open(member());
      await s.wal.save({ entries: range(1, 5, 1) });
      // A new leader overwrote 4..5 with its own entries of term 2 and went further.
      await s.wal.save({ entries: range(4, 6, 2), hardState: hs(2, 3) });
      s = await reopen(world, s);
      const r = await s.wal.readAll();
      expect(r.entries).toEqual([...range(1, 3, 1), ...range(4, 6, 2)]);
      // A later, shorter record truncates what followed it.
      await s.wal.save({ entries: [ent(3, 3)] });
      expect((await s.wal.readAll()).entries).toEqual([...range(1, 2, 1), ent(3, 3)]);
      await s.close();
    });

    it('reads from a snapshot marker and refuses a marker the log does not have', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      await s.wal.save({ entries: range(1, 10, 1), hardState: hs(1, 10) });
      await s.wal.save({ entries: [], snapshot: { index: 6, term: 1 } });
      await s.wal.save({ entries: range(11, 12, 1) });
      const r = await s.wal.readAll();
      expect(r.snapshot).toEqual({ index: 6, term: 1 });
      expect(r.entries).toEqual(range(7, 12, 1));
      expect((await s.wal.readAll({ index: 0, term: 0 })).entries).toEqual(range(1, 12, 1));
      await expect(s.wal.readAll({ index: 7, term: 1 })).rejects.toBeInstanceOf(WalSnapshotNotFoundError);
      expect(await s.wal.snapshotMarkers()).toEqual([{ index: 6, term: 1 }]);
      await s.close();
    });

    it('releaseTo drops records before the latest snapshot marker and replay is unchanged', async () => {
      const world = newWorld();
      let s = await world.factory().open(member());
      await s.wal.save({ entries: range(1, 4, 1), hardState: hs(1, 4) });
      await s.wal.save({ entries: range(5, 8, 1), hardState: hs(1, 8) });
      await s.wal.save({ entries: [], snapshot: { index: 8, term: 1 } });
      await s.wal.save({ entries: range(9, 9, 1) });
      const before = await s.wal.readAll();
      expect(await s.wal.releaseTo(8)).toBe(2);
      s = await reopen(world, s);
      expect((await s.wal.records()).map((r) => r.seq)).toEqual([3, 4]);
      const after = await s.wal.readAll();
      expect(after).toEqual(before);
      // The HardState written before the marker survives: the marker record carries it.
      expect(after.hardState).toEqual(hs(1, 8));
      await s.close();
    });

    it('releaseTo keeps an older record that still holds entries after the marker', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      await s.wal.save({ entries: range(1, 2, 1) });
      await s.wal.save({ entries: range(3, 10, 1), hardState: hs(1, 10) });
      await s.wal.save({ entries: [], snapshot: { index: 5, term: 1 } });
      const before = await s.wal.readAll();
      expect(await s.wal.releaseTo(10)).toBe(1);
      expect((await s.wal.records()).map((r) => r.seq)).toEqual([2, 3]);
      expect(await s.wal.readAll()).toEqual(before);
      expect(before.entries).toEqual(range(6, 10, 1));
      // Nothing to release without a marker at or below the index.
      expect(await s.wal.releaseTo(4)).toBe(0);
      await s.close();
    });

    it('a damaged record is detected and named by its sequence number', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      await s.wal.save({ entries: range(1, 2, 1) });
      await s.wal.save({ entries: range(3, 4, 1) });
      await s.wal.save({ entries: range(5, 6, 1) });
      const raw = await world.provider.open(storageName('c1', 'm1'), MEMBER_STORES, 'strict');
      await raw.update('wal', 2, (cur) => {
        const rec = cur as StoredWalRecord;
        return { put: { ...rec, data: rec.data.replace('d3', 'd9') } };
      });
      raw.close();
      const err = await s.wal.readAll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WalCorruptionError);
      expect((err as WalCorruptionError).seq).toBe(2);
      expect((err as Error).message).toContain('record 2');
      await s.close();
    });

    it('a record moved to another sequence number is detected', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      await s.wal.save({ entries: range(1, 2, 1) });
      const raw = await world.provider.open(storageName('c1', 'm1'), MEMBER_STORES, 'strict');
      const rec = (await raw.get('wal', 1)) as StoredWalRecord;
      await raw.write([{ op: 'put', store: 'wal', key: 7, value: { ...rec, seq: 7 } }]);
      raw.close();
      const err = await s.wal.records().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WalCorruptionError);
      expect((err as WalCorruptionError).seq).toBe(7);
      await s.close();
    });

    it('rejects bad input and stores nothing', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      await expect(s.wal.save({ entries: [ent(1, 1), ent(3, 1)] })).rejects.toThrow(/consecutive/);
      await expect(s.wal.save({ entries: [ent(0, 1)] })).rejects.toThrow(/index/);
      await expect(s.wal.releaseTo(-1)).rejects.toThrow(RangeError);
      expect(await s.wal.records()).toEqual([]);
      expect(await s.wal.save({ entries: [] })).toBe(0);
      expect(s.stats().writeTransactions).toBe(0);
      await s.close();
    });
  });

  describe(`${label}: Ready persistence`, () => {
    it.each([1, 64, 256])('a Ready of %i entries is one transaction and one WAL record', async (n) => {
      const world = newWorld();
      const s = await world.factory().open(member());
      const tx0 = s.stats().writeTransactions;
      await s.saveReady({ entries: range(1, n, 1), hardState: hs(1, 0) });
      expect(s.stats().writeTransactions - tx0).toBe(1);
      expect(await s.wal.records()).toHaveLength(1);
      expect((await s.wal.readAll()).entries).toHaveLength(n);
      expect(s.stats().walEntries).toBe(n);
      await s.close();
    });

    it('a Ready with a snapshot stores snapshot and marker in the same single transaction', async () => {
      const world = newWorld();
      let s = await world.factory().open(member());
      await s.saveReady({ entries: range(1, 3, 1), hardState: hs(1, 3) });
      const tx0 = s.stats().writeTransactions;
      await s.saveReady({ entries: [], snapshot: snap(20, 2), hardState: hs(2, 20) });
      expect(s.stats().writeTransactions - tx0).toBe(1);
      s = await reopen(world, s);
      const markers = await s.wal.snapshotMarkers();
      const loaded = await s.snapshotter.load(markers);
      expect(loaded).toEqual(snap(20, 2));
      const r = await s.wal.readAll({ index: loaded!.metadata.index, term: loaded!.metadata.term });
      expect(r.entries).toEqual([]);
      expect(r.hardState).toEqual(hs(2, 20));
      expect(r.snapshot?.conf_state).toEqual(snap(20, 2).metadata.conf_state);
      await s.close();
    });

    it('a Ready with the applied batch is one transaction: the WAL record and the backend land together or not at all', async () => {
      const world = newWorld();
      let s = await world.factory().open(member());
      const tx0 = s.stats().writeTransactions;
      const b = s.backend.batch();
      b.putRevision([2, 0], put('a', 2));
      b.putMeta('consistent_index', 2);
      await s.saveReady({ entries: range(1, 3, 1), hardState: hs(1, 2) }, b);
      expect(s.stats().writeTransactions - tx0).toBe(1);
      expect(() => b.putMeta('x', 1)).toThrow(/already/);
      // A batch alone still commits with an empty Ready.
      const alone = s.backend.batch();
      alone.putMeta('note', 'alone');
      await s.saveReady({ entries: [] }, alone);
      expect(s.stats().writeTransactions - tx0).toBe(2);
      // A write that cannot land leaves neither part.
      const lost = s.backend.batch();
      lost.putRevision([3, 0], put('b', 3));
      lost.putMeta('consistent_index', 4);
      await s.close();
      await expect(s.saveReady({ entries: range(4, 4, 1), hardState: hs(1, 4) }, lost)).rejects.toBeInstanceOf(StorageClosedError);
      s = await world.factory().open(member());
      expect((await s.wal.readAll()).entries.map((e) => e.index)).toEqual([1, 2, 3]);
      expect((await s.wal.readAll()).hardState).toEqual(hs(1, 2));
      expect((await s.backend.readRevisions()).map((r) => r.rev)).toEqual([[2, 0]]);
      expect(await s.backend.allMeta()).toMatchObject({ consistent_index: 2, note: 'alone' });
      // Only a batch of this storage's own backend can ride along.
      const other = await world.factory().open(member('other'));
      const foreign = other.backend.batch();
      foreign.putMeta('x', 1);
      await expect(s.saveReady({ entries: range(4, 4, 1) }, foreign)).rejects.toThrow(/batch of this backend/);
      expect((await s.wal.readAll()).entries).toHaveLength(3);
      await other.close();
      await s.close();
    });

    it('an empty Ready writes nothing', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      await s.saveReady({ entries: [] });
      expect(s.stats().writeTransactions).toBe(0);
      await s.close();
    });
  });

  describe(`${label}: snapshotter`, () => {
    it('loads the newest, keeps only the newest few, and honours markers', async () => {
      const world = newWorld();
      let s = await world.factory().open(member('m1', { keepSnapshots: 2 }));
      expect(await s.snapshotter.load()).toBeUndefined();
      await s.snapshotter.save(snap(10, 1));
      await s.snapshotter.save(snap(20, 1));
      await s.snapshotter.save(snap(30, 2));
      s = await reopen(world, s, { keepSnapshots: 2 });
      expect((await s.snapshotter.list()).map((i) => i.index)).toEqual([30, 20]);
      expect(await s.snapshotter.load()).toEqual(snap(30, 2));
      expect(await s.snapshotter.load([{ index: 20, term: 1 }])).toEqual(snap(20, 1));
      expect(await s.snapshotter.load([{ index: 20, term: 9 }])).toBeUndefined();
      await s.close();
    });

    it('skips a damaged newest snapshot and loads the one before', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      await s.snapshotter.save(snap(10, 1));
      await s.snapshotter.save(snap(20, 1));
      const raw = await world.provider.open(storageName('c1', 'm1'), MEMBER_STORES, 'strict');
      await raw.update('snap', 20, (cur) => ({ put: { ...(cur as object), data: '{"garbage":1}' } }));
      raw.close();
      expect(await s.snapshotter.load()).toEqual(snap(10, 1));
      await s.close();
    });

    it('rejects a snapshot without a valid index', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      await expect(s.snapshotter.save(snap(0, 1))).rejects.toThrow(RangeError);
      expect(await s.snapshotter.list()).toEqual([]);
      await s.close();
    });
  });

  describe(`${label}: backend`, () => {
    it('a batch commits every bucket at once and nothing before commit', async () => {
      const world = newWorld();
      let s = await world.factory().open(member());
      const b = s.backend.batch();
      b.putRevision([2, 0], put('foo', 2));
      b.putMeta('consistent_index', 7);
      b.putLease({ ID: '694d77aa9e38260f', TTL: 60, RemainingTTL: 0 });
      b.putMember({ ID: '8e9e05c52164694d', name: 'm1', peerURLs: ['http://m1:2380'], clientURLs: [], isLearner: false });
      b.putRemovedMember('1234');
      b.putAlarm({ memberID: '8e9e05c52164694d', alarm: 'NOSPACE' });
      expect(b.pendingOps).toBe(6);
      expect(await s.backend.readRevisions()).toEqual([]);
      expect(await s.backend.getMeta('consistent_index')).toBeUndefined();
      const tx0 = s.stats().writeTransactions;
      await b.commit();
      expect(s.stats().writeTransactions - tx0).toBe(1);
      s = await reopen(world, s);
      expect(await s.backend.readRevisions()).toEqual([{ rev: [2, 0], value: put('foo', 2) }]);
      expect(await s.backend.allMeta()).toEqual({ consistent_index: 7 });
      expect(await s.backend.listLeases()).toEqual([{ ID: '694d77aa9e38260f', TTL: 60, RemainingTTL: 0 }]);
      expect((await s.backend.listMembers()).map((m) => m.name)).toEqual(['m1']);
      expect(await s.backend.listRemovedMembers()).toEqual(['1234']);
      expect(await s.backend.listAlarms()).toEqual([{ memberID: '8e9e05c52164694d', alarm: 'NOSPACE' }]);
      const d = s.backend.batch();
      d.deleteLease('694d77aa9e38260f');
      d.deleteMember('8e9e05c52164694d');
      d.deleteAlarm({ memberID: '8e9e05c52164694d', alarm: 'NOSPACE' });
      d.deleteMeta('consistent_index');
      await d.commit();
      expect(await s.backend.listLeases()).toEqual([]);
      expect(await s.backend.listMembers()).toEqual([]);
      expect(await s.backend.listAlarms()).toEqual([]);
      expect(await s.backend.allMeta()).toEqual({});
      await s.close();
    });

    it('a discarded batch or one that cannot commit leaves nothing, and a spent batch refuses more', async () => {
      const world = newWorld();
      let s = await world.factory().open(member());
      const b = s.backend.batch();
      b.putRevision([1, 0], put('a', 1));
      b.discard();
      expect(() => b.putMeta('x', 1)).toThrow(/already/);
      const late = s.backend.batch();
      late.putRevision([2, 0], put('b', 2));
      late.putMeta('consistent_index', 2);
      await s.close();
      await expect(late.commit()).rejects.toBeInstanceOf(StorageClosedError);
      s = await world.factory().open(member());
      expect(await s.backend.readRevisions()).toEqual([]);
      expect(await s.backend.allMeta()).toEqual({});
      await s.close();
    });

    it('bad input is refused when added and the batch stays usable', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      const b = s.backend.batch();
      expect(() => b.putRevision([1.5, 0], put('a', 1))).toThrow(RangeError);
      expect(() => b.putRevision([-1, 0], put('a', 1))).toThrow(RangeError);
      expect(() => b.deleteRevisionRange([5, 0], [1, 0])).toThrow(/reversed/);
      expect(() => b.putLease({ ID: '0', TTL: 5, RemainingTTL: 0 })).toThrow(/no lease/);
      expect(() => b.putAlarm({ memberID: '1', alarm: 'LOUD' as 'NOSPACE' })).toThrow(/alarm/);
      expect(() => b.putMeta('', 1)).toThrow(TypeError);
      expect(b.pendingOps).toBe(0);
      b.putRevision([1, 0], put('a', 1));
      await b.commit();
      expect(await s.backend.readRevisions()).toHaveLength(1);
      await s.close();
    });

    it('the key bucket iterates in revision order ([main, sub] numerically, as etcd sorts)', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      const b = s.backend.batch();
      const revs: Array<[number, number]> = [[10, 0], [2, 5], [2, 0], [100, 1], [9, 3], [2, 10], [100, 0]];
      for (const [m, sub] of revs) b.putRevision([m, sub], put(`k${m}.${sub}`, m));
      await b.commit();
      const sorted = [...revs].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      expect((await s.backend.readRevisions()).map((r) => r.rev)).toEqual(sorted);
      expect((await s.backend.readRevisions({ from: [2, 5], to: [100, 0] })).map((r) => r.rev)).toEqual([[2, 5], [2, 10], [9, 3], [10, 0]]);
      expect((await s.backend.readRevisions({ from: [9, 0], limit: 2 })).map((r) => r.rev)).toEqual([[9, 3], [10, 0]]);
      expect(await s.backend.readRevisions({ from: [50, 0], to: [50, 0] })).toEqual([]);
      await s.close();
    });

    it('physical compaction deletes exactly the revision range [from, to)', async () => {
      const world = newWorld();
      const s = await world.factory().open(member());
      const b = s.backend.batch();
      for (let m = 1; m <= 8; m++) for (let sub = 0; sub < 2; sub++) b.putRevision([m, sub], put(`k${m}`, m));
      await b.commit();
      const c = s.backend.batch();
      c.deleteRevisionRange([2, 1], [6, 0]);
      c.deleteRevision([7, 1]);
      await c.commit();
      const left = (await s.backend.readRevisions()).map((r) => r.rev.join('.'));
      expect(left).toEqual(['1.0', '1.1', '2.0', '6.0', '6.1', '7.0', '8.0', '8.1']);
      await s.close();
    });

    it('dbSize keeps freed space until defragment, and the figures persist', async () => {
      const world = newWorld();
      let s = await world.factory().open(member());
      expect(s.backend.size()).toEqual({ dbSize: 0, dbSizeInUse: 0 });
      const b = s.backend.batch();
      for (let m = 1; m <= 50; m++) b.putRevision([m, 0], put(`key${m}`, m));
      b.putMeta('consistent_index', 50);
      await b.commit();
      const full = s.backend.size();
      expect(full.dbSizeInUse).toBeGreaterThan(0);
      expect(full.dbSize).toBe(full.dbSizeInUse);
      const c = s.backend.batch();
      c.deleteRevisionRange([1, 0], [41, 0]);
      await c.commit();
      const compacted = s.backend.size();
      expect(compacted.dbSize).toBe(full.dbSize);
      expect(compacted.dbSizeInUse).toBeLessThan(full.dbSizeInUse / 2);
      // Freed space is reused before the file grows again.
      const r = s.backend.batch();
      r.putRevision([51, 0], put('key51', 51));
      await r.commit();
      expect(s.backend.size().dbSize).toBe(full.dbSize);
      s = await reopen(world, s);
      expect(s.backend.size()).toEqual({ dbSize: full.dbSize, dbSizeInUse: s.backend.size().dbSizeInUse });
      expect(s.backend.size().dbSizeInUse).toBeLessThan(full.dbSize);
      await s.backend.defragment();
      expect(s.backend.size().dbSize).toBe(s.backend.size().dbSizeInUse);
      s = await reopen(world, s);
      expect(s.backend.size().dbSize).toBe(s.backend.size().dbSizeInUse);
      await s.close();
    });

    it('exports the whole backend as one blob that restores elsewhere, and refuses a damaged blob', async () => {
      const world = newWorld();
      const f = world.factory();
      const a = await f.open(member('a'));
      const b = a.backend.batch();
      for (let m = 1; m <= 5; m++) b.putRevision([m, 0], put(`key${m}`, m));
      b.putRevision([6, 0], { kv: { ...kv('key1', 6), create_revision: 0, version: 0, value: '' }, tombstone: true });
      b.putMeta('consistent_index', 12);
      b.putMeta('finishedCompactRev', 3);
      b.putLease({ ID: 'abc', TTL: 30, RemainingTTL: 10 });
      await b.commit();
      const blob = await a.backend.exportSnapshot();
      const target = await f.open(member('b'));
      const t = target.backend.batch();
      t.putRevision([99, 0], put('stale', 99));
      await t.commit();
      await target.backend.importSnapshot(blob);
      expect(await target.backend.readRevisions()).toEqual(await a.backend.readRevisions());
      expect(await target.backend.allMeta()).toEqual({ consistent_index: 12, finishedCompactRev: 3 });
      expect(await target.backend.listLeases()).toEqual(await a.backend.listLeases());
      expect(await target.backend.hashKeys()).toBe(await a.backend.hashKeys());
      expect(target.backend.size().dbSizeInUse).toBe(a.backend.size().dbSizeInUse);
      const hashBefore = await target.backend.hashKeys();
      await expect(target.backend.importSnapshot(blob.replace('key3', 'key4'))).rejects.toBeInstanceOf(BackendSnapshotError);
      await expect(target.backend.importSnapshot('not a snapshot')).rejects.toBeInstanceOf(BackendSnapshotError);
      expect(await target.backend.hashKeys()).toBe(hashBefore);
      const more = a.backend.batch();
      more.putRevision([7, 0], put('key7', 7));
      await more.commit();
      expect(await target.backend.hashKeys()).not.toBe(await a.backend.hashKeys());
      await a.close();
      await target.close();
    });
  });

  describe(`${label}: members, wipes and ownership`, () => {
    it('reports fresh on first open, not on reopen, and a lost disk as wiped until forgotten', async () => {
      const world = newWorld();
      const f = world.factory();
      let s = await f.open(member());
      expect([s.fresh, s.wiped]).toEqual([true, false]);
      await s.wal.save({ entries: range(1, 2, 1) });
      s = await reopen(world, s);
      expect([s.fresh, s.wiped]).toEqual([false, false]);
      await s.close();
      // The disk is lost but the registry remembers the member.
      await f.destroy('c1', 'm1', { forgetMembership: false });
      expect(await f.list('c1')).toEqual([]);
      s = await f.open(member());
      expect([s.fresh, s.wiped]).toEqual([true, true]);
      expect(await s.wal.records()).toEqual([]);
      // Still wiped on the next start: an empty database must not pass for a new member.
      s = await reopen(world, s);
      expect(s.wiped).toBe(true);
      await s.close();
      await f.destroy('c1', 'm1');
      s = await f.open(member());
      expect([s.fresh, s.wiped]).toEqual([true, false]);
      await s.close();
    });

    it('keeps members and clusters apart', async () => {
      const world = newWorld();
      const f = world.factory();
      const a = await f.open(member('m1'));
      const b = await f.open(member('m2'));
      const c = await f.open({ clusterId: 'c2', memberName: 'm1' });
      expect(new Set([a.name, b.name, c.name]).size).toBe(3);
      await a.saveReady({ entries: range(1, 3, 1), hardState: hs(1, 1) });
      const batch = b.backend.batch();
      batch.putRevision([2, 0], put('only-b', 2));
      await batch.commit();
      expect(await b.wal.records()).toEqual([]);
      expect(await c.wal.records()).toEqual([]);
      expect(await a.backend.readRevisions()).toEqual([]);
      expect(await c.backend.readRevisions()).toEqual([]);
      expect(await f.list('c1')).toEqual(['m1', 'm2']);
      expect(await f.list('c2')).toEqual(['m1']);
      await Promise.all([a.close(), b.close(), c.close()]);
      await f.destroy('c1', 'm2');
      const again = await f.open(member('m1'));
      expect((await again.wal.readAll()).entries).toEqual(range(1, 3, 1));
      await again.close();
    });

    it('a second owner (another tab) cannot open or destroy a member that is open', async () => {
      const world = newWorld();
      const tab1 = world.factory();
      const tab2 = world.factory();
      const s = await tab1.open(member());
      await expect(tab2.open(member())).rejects.toBeInstanceOf(StorageLockedError);
      await expect(tab1.open(member())).rejects.toBeInstanceOf(StorageLockedError);
      await expect(tab2.destroy('c1', 'm1')).rejects.toBeInstanceOf(StorageLockedError);
      const other = await tab2.open(member('m2'));
      await s.close();
      const s2 = await tab2.open(member());
      expect(s2.fresh).toBe(false);
      await Promise.all([s2.close(), other.close()]);
    });

    it('rejects bad names and options', async () => {
      const world = newWorld();
      const f = world.factory();
      await expect(f.open({ clusterId: '', memberName: 'm1' })).rejects.toThrow(TypeError);
      await expect(f.open({ clusterId: 'c1', memberName: 'a/b' })).rejects.toThrow(TypeError);
      await expect(f.open(member('m1', { durability: 'eventual' as 'strict' }))).rejects.toThrow(RangeError);
      await expect(f.open(member('m1', { keepSnapshots: 0 }))).rejects.toThrow(RangeError);
      expect(await f.list('c1')).toEqual([]);
      const s = await f.open(member());
      expect(s.fresh).toBe(true);
      await s.close();
    });
  });

  describe(`${label}: durability`, () => {
    it.each(['strict', 'relaxed'] as const)('commits every write with %s durability and the data is there on reopen', async (durability) => {
      const world = newWorld();
      let s = await world.factory().open(member('m1', { durability }));
      expect(s.durability).toBe(durability);
      await s.saveReady({ entries: range(1, 4, 1), hardState: hs(1, 2) });
      const b = s.backend.batch();
      b.putMeta('consistent_index', 2);
      await b.commit();
      const other = durability === 'strict' ? 'relaxed' : 'strict';
      expect(s.stats().writeTransactionsByDurability[durability]).toBe(2);
      expect(s.stats().writeTransactionsByDurability[other]).toBe(0);
      s = await reopen(world, s, { durability });
      expect((await s.wal.readAll()).entries).toEqual(range(1, 4, 1));
      expect(await s.backend.getMeta('consistent_index')).toBe(2);
      await s.close();
    });
  });
}
