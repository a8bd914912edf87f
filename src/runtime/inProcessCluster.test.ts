import { describe, expect, it } from 'vitest';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import { InProcessCluster } from './inProcessCluster.ts';

describe('in-process cluster: first steps', () => {
  it('a single member elects itself and serves put then get', async () => {
    const c = await InProcessCluster.create({ size: 1, seed: 1, storageFactory: createMemoryStorageFactory() });
    await c.waitForLeader();
    const cl = c.client();
    const p = await cl.put({ key: 'foo', value: 'bar' });
    expect(p.header.revision).toBe(2);
    const r = await cl.range({ key: 'foo' });
    expect(r.kvs).toEqual([{ key: 'foo', value: 'bar', create_revision: 2, mod_revision: 2, version: 1, lease: '0' }]);
    expect(r.header.member_id).toBe(c.members()[0]!.id);
    await c.close();
  });
});

describe('determinism', () => {
  async function run(seed: number): Promise<string> {
    const c = await InProcessCluster.create({ size: 3, seed, storageFactory: createMemoryStorageFactory(), network: { lossRate: 0.05, jitterMs: 10 } });
    await c.waitForLeader();
    const cl = c.client({ name: 'det' });
    const ps: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) ps.push(cl.put({ key: `k${i % 3}`, value: String(i) }).catch(() => undefined));
    await Promise.all(ps);
    await c.runFor(2000);
    const h = c.world.trace.hash;
    await c.close();
    return h;
  }

  it('the same seed and the same requests give the same trace hash; another seed another', async () => {
    const a = await run(5);
    expect(await run(5)).toBe(a);
    expect(await run(6)).not.toBe(a);
  });
});

describe('client connections', () => {
  it('under loss a watch stream still delivers every event, in order (loss delays, it does not drop)', async () => {
    const c = await InProcessCluster.create({ size: 3, seed: 3, storageFactory: createMemoryStorageFactory(), network: { lossRate: 0.2 } });
    await c.waitForLeader();
    const cl = c.client({ name: 'writer' });
    const watcher = c.client({ name: 'watcher' });
    const revisions: number[] = [];
    watcher.watch({ key: 'k', range_end: 'l' }, (resp) => {
      for (const ev of resp.events) revisions.push(ev.kv.mod_revision);
    });
    const written: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await cl.put({ key: `k${i}`, value: String(i) }).catch(() => null);
      if (r) written.push(r.header.revision);
    }
    await c.runFor(3000);
    expect(written.length).toBeGreaterThan(10);
    // Every acknowledged write is seen, and the stream has no gaps or repeats.
    for (const rev of written) expect(revisions).toContain(rev);
    expect(revisions).toEqual(Array.from({ length: revisions.length }, (_, i) => revisions[0]! + i));
    await c.close();
  });
});
