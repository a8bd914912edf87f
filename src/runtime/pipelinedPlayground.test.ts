import { afterEach, describe, expect, it } from 'vitest';
import { Playground } from './playground.ts';
import { determinismScript } from './playgroundScripts.ts';
import { localActorFactory, type MemberHostSettings } from './workerHost.ts';
import type { MemberActorFactory } from './inProcessCluster.ts';
import type { PlaygroundApi } from './playgroundApi.ts';
import { Prng } from '../sim/prng.ts';

/**
 * The playground runs its world pipelined (World.runPipelinedAsync): steps overlap while members
 * work. In-process members answer within a few promise callbacks; these members answer after a
 * random number of event-loop turns instead, as workers do. The trace must not change.
 */
const open: Playground[] = [];
afterEach(async () => {
  for (const pg of open.splice(0)) await pg.close();
});

function slowMembers(waitSeed: number): (host: MemberHostSettings) => MemberActorFactory {
  const wait = new Prng(waitSeed);
  return (host) => {
    const make = localActorFactory(host);
    return (opts, ctx) => {
      const a = make(opts, ctx);
      const handle = a.handle.bind(a);
      a.handle = (batch) => {
        const answer = Promise.resolve(handle(batch));
        let turns = wait.int(5);
        return new Promise((resolve, reject) => {
          const later = (): void => {
            if (turns-- > 0) setImmediate(later);
            else answer.then(resolve, reject);
          };
          later();
        });
      };
      return a;
    };
  };
}

/** Sixteen clients writing at once while the clock runs, then the determinism script. */
async function workload(pg: PlaygroundApi): Promise<string> {
  pg.pause();
  await pg.runFor(2000);
  const clients = Array.from({ length: 16 }, () => pg.client());
  let done = 0;
  const writes = clients.map(async (c, j) => {
    for (let i = 0; i < 6; i++) await c.put({ key: `w/${j}/${i}`, value: String(i) }).catch(() => undefined);
    done++;
  });
  while (done < clients.length) await pg.runFor(50);
  await Promise.all(writes);
  return determinismScript(pg);
}

describe('pipelined playground', () => {
  it('gives the same trace hash whether members answer at once or after random waits', async () => {
    const hashes: string[] = [];
    for (const factory of [undefined, slowMembers(1), slowMembers(2)]) {
      const pg = new Playground({ settings: { seed: 9, members: 3 }, paused: true, ...(factory ? { actorFactory: factory } : {}) });
      open.push(pg);
      await pg.ready();
      hashes.push(await workload(pg));
      await pg.close();
      open.pop();
    }
    expect(hashes[1]).toBe(hashes[0]);
    expect(hashes[2]).toBe(hashes[0]);
  });
});
