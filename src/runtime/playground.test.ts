import { describe, expect, it } from 'vitest';
import { Playground } from './playground.ts';

async function until(pg: Playground, pred: () => boolean, maxMs = 20_000): Promise<void> {
  const limit = pg.now() + maxMs;
  while (!pred()) {
    if (pg.now() > limit) throw new Error('condition not reached');
    await pg.runFor(100);
  }
}

describe('Playground on the in-process host', () => {
  it('boots three members, elects a leader, and serves a put and a get on every member', async () => {
    const pg = Playground.inProcess({ settings: { seed: 7 }, paused: true });
    await pg.ready();
    expect(pg.members().map((m) => m.name)).toEqual(['m1', 'm2', 'm3']);
    await until(pg, () => pg.leader() !== undefined);
    const c = pg.client();
    const put = c.put({ key: 'foo', value: 'bar' });
    await pg.runFor(1000);
    const resp = await put;
    expect(resp.header.revision).toBeGreaterThan(1);
    await pg.runFor(500);
    for (const m of pg.members()) {
      const cm = pg.client({ endpoints: [m.name] });
      const get = cm.range({ key: 'foo', serializable: true });
      await pg.runFor(100);
      expect((await get).kvs.map((kv) => kv.value)).toEqual(['bar']);
    }
    await pg.close();
  });
});
