import { describe, expect, it } from 'vitest';
import { registerStorageSuite, put, range } from '../storageSuite.ts';
import { StorageQuotaError, storageName } from '../types.ts';
import { MemoryDisk, createMemoryStorageFactory } from './memoryStorageFactory.ts';

registerStorageSuite('memory', () => {
  const disk = new MemoryDisk();
  return { factory: () => createMemoryStorageFactory(disk), provider: disk };
});

const name = storageName('c1', 'm1');
const hs = (term: number, commit: number) => ({ term, vote: '1', commit });

describe('memory: crash', () => {
  it.each(['land', 'drop'] as const)('a Ready in flight at the crash %ss whole', async (mode) => {
    const disk = new MemoryDisk();
    const f = createMemoryStorageFactory(disk);
    let s = await f.open({ clusterId: 'c1', memberName: 'm1' });
    await s.saveReady({ entries: range(1, 3, 1), hardState: hs(1, 1) });
    disk.hold();
    void s.saveReady({ entries: range(4, 67, 2), hardState: hs(2, 3) });
    // Let the write be issued (it awaits its preparation first).
    await new Promise((r) => setTimeout(r, 0));
    expect(disk.inFlightCount(name)).toBe(1);
    disk.crash(name, { inFlight: mode });
    disk.release();
    s = await f.open({ clusterId: 'c1', memberName: 'm1' });
    const r = await s.wal.readAll();
    if (mode === 'land') {
      expect(r.entries).toEqual([...range(1, 3, 1), ...range(4, 67, 2)]);
      expect(r.hardState).toEqual(hs(2, 3));
    } else {
      expect(r.entries).toEqual(range(1, 3, 1));
      expect(r.hardState).toEqual(hs(1, 1));
    }
    await s.close();
  });

  it.each(['land', 'drop'] as const)('a backend batch in flight at the crash %ss in every bucket or none', async (mode) => {
    const disk = new MemoryDisk();
    const f = createMemoryStorageFactory(disk);
    let s = await f.open({ clusterId: 'c1', memberName: 'm1' });
    disk.hold();
    const b = s.backend.batch();
    b.putRevision([2, 0], put('a', 2));
    b.putRevision([3, 0], put('b', 3));
    b.putMeta('consistent_index', 9);
    b.putLease({ ID: 'aa', TTL: 5, RemainingTTL: 0 });
    void b.commit();
    await new Promise((r) => setTimeout(r, 0));
    expect(disk.inFlightCount(name)).toBe(1);
    disk.crash(name, { inFlight: mode });
    disk.release();
    s = await f.open({ clusterId: 'c1', memberName: 'm1' });
    const landed = mode === 'land';
    expect((await s.backend.readRevisions()).length).toBe(landed ? 2 : 0);
    expect(await s.backend.getMeta('consistent_index')).toBe(landed ? 9 : undefined);
    expect((await s.backend.listLeases()).length).toBe(landed ? 1 : 0);
    expect(s.backend.size().dbSizeInUse > 0).toBe(landed);
    await s.close();
  });

  it('the crashed owner can no longer write, and its lock is gone', async () => {
    const disk = new MemoryDisk();
    const f = createMemoryStorageFactory(disk);
    const old = await f.open({ clusterId: 'c1', memberName: 'm1' });
    disk.crash(name, { inFlight: 'drop' });
    const fresh = await f.open({ clusterId: 'c1', memberName: 'm1' });
    await expect(old.wal.save({ entries: range(1, 1, 1) })).rejects.toThrow(/closed/);
    // Closing the dead handle must not free the new owner's lock.
    await old.close();
    await expect(f.open({ clusterId: 'c1', memberName: 'm1' })).rejects.toThrow(/in use/);
    await fresh.close();
  });
});

describe('memory: quota', () => {
  it('a write beyond the quota fails whole with StorageQuotaError and sizes stay consistent', async () => {
    const disk = new MemoryDisk({ quotaBytes: 6000 });
    const f = createMemoryStorageFactory(disk);
    const s = await f.open({ clusterId: 'c1', memberName: 'm1' });
    const small = s.backend.batch();
    small.putRevision([1, 0], put('a', 1));
    await small.commit();
    const before = s.backend.size();
    const big = s.backend.batch();
    for (let m = 2; m < 100; m++) big.putRevision([m, 0], put(`key${m}`, m));
    const err = await big.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect((err as Error).message).toMatch(/quota exceeded.*rolled back/);
    expect(await s.backend.readRevisions()).toHaveLength(1);
    expect(s.backend.size()).toEqual(before);
    await expect(s.saveReady({ entries: range(1, 200, 1) })).rejects.toBeInstanceOf(StorageQuotaError);
    expect(await s.wal.records()).toEqual([]);
    await s.wal.save({ entries: range(1, 1, 1) });
    expect((await s.wal.readAll()).entries).toEqual(range(1, 1, 1));
    await s.close();
  });
});
