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
