import { describe, expect, it } from 'vitest';
import { Playground } from './playground.ts';
import { determinismScript } from './playgroundScripts.ts';

async function run(seed: number): Promise<{ hash: string; events: number }> {
  const pg = Playground.inProcess({ settings: { seed }, paused: true });
  await pg.ready();
  const hash = await determinismScript(pg);
  const events = pg.trace().length;
  await pg.close();
  return { hash, events };
}

describe('determinism on the in-process host', () => {
  it('the same seed and script give the same trace hash; another seed gives another', async () => {
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(a.events).toBeGreaterThan(1000);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
  });
});
