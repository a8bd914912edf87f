/**
 * Group commit: a member's Readies that queue behind a storage write still in flight are merged
 * into one transaction. It changes how many transactions the browser's disk sees, never what the
 * cluster does in virtual time, and what it stores recovers like the Readies written one by one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Playground } from './playground.ts';
import { settle } from './playgroundTesting.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import type { MemberStorage, StorageFactory } from '../storage/types.ts';

const open: Playground[] = [];
afterEach(async () => {
  for (const pg of open.splice(0)) await pg.close();
});

/** Memory storage whose Ready writes take `turns` event-loop turns (wall time only); counts them. */
function slowDisk(turns: number): { factory: StorageFactory; saves: { n: number } } {
  const base = createMemoryStorageFactory();
  const saves = { n: 0 };
  const factory = Object.assign(Object.create(base) as typeof base, {
    async open(o: Parameters<StorageFactory['open']>[0]): Promise<MemberStorage> {
      const s = await base.open(o);
      return new Proxy(s, {
        get(target, prop) {
          if (prop === 'saveReady') {
            return async (...args: Parameters<MemberStorage['saveReady']>) => {
              saves.n++;
              for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
              return target.saveReady(...args);
            };
          }
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
  });
  return { factory, saves };
}

async function run(turns: number): Promise<{ hash: string; saves: number; records: number; pg: Playground }> {
  const disk = slowDisk(turns);
  const pg = new Playground({ settings: { seed: 21, members: 3 }, paused: true, storageFactory: disk.factory });
  open.push(pg);
  await pg.ready();
  await pg.runFor(2000);
  const leader = pg.leader()!.name;
  const clients = Array.from({ length: 24 }, () => pg.client());
  await settle(pg, Promise.all(clients.map(async (c, j) => {
    for (let i = 0; i < 4; i++) await c.put({ key: `g/${j}/${i}`, value: String(i) });
  })), 5);
  await pg.runFor(500);
  const records = (await pg.memberDetails(leader)).storage.walRecords.length;
  return { hash: pg.traceHash(), saves: disk.saves.n, records, pg };
}

describe('group commit', () => {
  it('a disk slower than the steps gets fewer transactions, and the cluster does exactly the same', async () => {
    const quick = await run(0);
    const slow = await run(40);
    expect(slow.hash).toBe(quick.hash);
    expect(slow.saves).toBeLessThan(quick.saves);
    expect(slow.records).toBeLessThan(quick.records);
  });

  it('what merged Readies stored recovers: a crashed member restarts from it and converges', async () => {
    const { pg } = await run(40);
    const victim = pg.members().find((m) => m.role !== 'leader')!.name;
    const before = pg.members().find((m) => m.name === victim)!;
    await pg.crash(victim);
    await pg.restart(victim);
    const after = pg.members().find((m) => m.name === victim)!;
    // Recovered from its own storage: everything it had applied is back before any message.
    expect(after.appliedIndex).toBe(before.appliedIndex);
    expect(after.revision).toBe(before.revision);
    await pg.runFor(2000);
    const c = pg.client();
    const hashes = await Promise.all(pg.members().map((m) => settle(pg, c.hashKV(0, m.name), 5)));
    expect(new Set(hashes.map((h) => h.hash)).size).toBe(1);
    const got = await settle(pg, c.range({ key: 'g/', range_end: 'g0' }), 5);
    expect(got.count).toBe(24 * 4);
  });
});
