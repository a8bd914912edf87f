import { describe, expect, it } from 'vitest';
import type { KeyBucketValue } from '../mvcc/backend.ts';
import { DurableStateBackend } from './durableStateBackend.ts';
import { MemoryDisk, createMemoryStorageFactory } from './memory/memoryStorageFactory.ts';
import { kv } from './storageSuite.ts';
import { storageName } from './types.ts';

const opts = { clusterId: 'c1', memberName: 'm1' };
const name = storageName('c1', 'm1');
const val = (key: string, rev: number): KeyBucketValue => ({ kv: kv(key, rev), tombstone: false });

describe('DurableStateBackend', () => {
  it('reads see pending writes; a restart sees only committed units', async () => {
    const disk = new MemoryDisk();
    const f = createMemoryStorageFactory(disk);
    let s = await f.open(opts);
    let d = await DurableStateBackend.load(s.backend);
    d.putKey([2, 0], val('a', 2));
    d.putMeta('consistent_index', 5);
    d.leases.put({ ID: 'l1', TTL: 10, RemainingTTL: 0 });
    expect(d.getKey([2, 0])).toEqual(val('a', 2));
    expect(d.pendingWrites()).toBe(3);
    const tx0 = s.stats().writeTransactions;
    await d.commit();
    expect(s.stats().writeTransactions - tx0).toBe(1);
    d.putKey([3, 0], val('b', 3));
    d.putMeta('consistent_index', 6);
    d.leases.delete('l1');
    expect(d.rangeKeys([0, 0], [10, 0]).map(([k]) => k)).toEqual([[2, 0], [3, 0]]);
    // The member dies before the second unit is committed.
    disk.crash(name, { inFlight: 'drop' });
    s = await f.open(opts);
    d = await DurableStateBackend.load(s.backend);
    expect(d.image()).toEqual({ keys: [[[2, 0], val('a', 2)]], meta: { consistent_index: 5 } });
    expect(d.leases.list()).toEqual([{ ID: 'l1', TTL: 10, RemainingTTL: 0 }]);
    await s.close();
  });

  it.each(['land', 'drop'] as const)('a unit in flight at a crash %ss with its lease writes', async (mode) => {
    const disk = new MemoryDisk();
    const f = createMemoryStorageFactory(disk);
    let s = await f.open(opts);
    let d = await DurableStateBackend.load(s.backend);
    d.leases.put({ ID: 'l1', TTL: 10, RemainingTTL: 0 });
    d.putKey([2, 0], val('a', 2));
    await d.commit();
    disk.hold();
    // A revoke: the key's tombstone and the lease deletion in one unit.
    d.putKey([3, 0], { kv: { ...kv('a', 3), create_revision: 0, version: 0, value: '' }, tombstone: true });
    d.leases.delete('l1');
    d.putMeta('consistent_index', 9);
    void d.commit();
    await new Promise((r) => setTimeout(r, 0));
    disk.crash(name, { inFlight: mode });
    disk.release();
    s = await f.open(opts);
    d = await DurableStateBackend.load(s.backend);
    const landed = mode === 'land';
    expect(d.rangeKeys([0, 0], [10, 0]).length).toBe(landed ? 2 : 1);
    expect(d.leases.list().length).toBe(landed ? 0 : 1);
    expect(d.getMeta('consistent_index')).toBe(landed ? 9 : undefined);
    await s.close();
  });
});
