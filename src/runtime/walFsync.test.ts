/**
 * The members' disk in virtual time: a WAL write takes settings.walFsyncMs, during which the
 * member is busy (what arrives is batched into its next Ready, as etcd's raft loop batches), and
 * the backend batch is committed on its interval rather than per Ready.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Playground } from './playground.ts';
import { settle } from './playgroundTesting.ts';
import type { ClusterSettings } from './playgroundApi.ts';

const open: Playground[] = [];
afterEach(async () => {
  for (const pg of open.splice(0)) await pg.close();
});

async function started(settings: Partial<ClusterSettings>): Promise<Playground> {
  const pg = Playground.inProcess({ paused: true, settings: { seed: 3, ...settings } });
  open.push(pg);
  await pg.ready();
  for (let i = 0; i < 100 && !pg.leader(); i++) await pg.runFor(100);
  await pg.runFor(500);
  return pg;
}

/** Runs the clock in small slices until every promise settled. */
const settleAll = <T,>(pg: Playground, ps: Promise<T>[]): Promise<T[]> => settle(pg, Promise.all(ps), 5);

describe('WAL fsync time and the backend batch interval', () => {
  it.each([0, 7])('with walFsyncMs=%i, the leader sends its append that long after the proposal arrived', async (fsyncMs) => {
    const pg = await started({ walFsyncMs: fsyncMs });
    const leader = pg.leader()!.name;
    const c = pg.client({ endpoints: [leader] });
    const from = pg.trace().length > 0 ? pg.trace()[pg.trace().length - 1]!.seq : 0;
    await settleAll(pg, [c.put({ key: 'k', value: 'v' })]);
    const events = pg.trace().filter((e) => e.seq > from);
    const arrived = events.find((e) => e.kind === 'deliver' && e.actor === leader && e.peer.startsWith('client-'));
    expect(arrived).toBeDefined();
    const append = events.find((e) => e.kind === 'send' && e.actor === leader && e.seq > arrived!.seq && /MsgApp\b/.test(e.detail));
    expect(append, JSON.stringify(events.slice(0, 20))).toBeDefined();
    expect(append!.atMs - arrived!.atMs).toBe(fsyncMs);
    c.close();
  });

  it('proposals that arrive while the leader syncs go into one WAL record: fewer records with a slower disk', async () => {
    const records = async (fsyncMs: number) => {
      const pg = await started({ walFsyncMs: fsyncMs });
      const leader = pg.leader()!.name;
      const before = (await pg.memberDetails(leader)).storage.walRecords.length;
      const clients = Array.from({ length: 24 }, () => pg.client({ endpoints: [leader] }));
      const res = await settleAll(pg, clients.map((c, i) => c.put({ key: `k${i}`, value: String(i) })));
      expect(res).toHaveLength(24);
      for (const c of clients) c.close();
      return (await pg.memberDetails(leader)).storage.walRecords.length - before;
    };
    const instant = await records(0);
    const slow = await records(10);
    expect(slow).toBeGreaterThan(0);
    expect(slow).toBeLessThan(instant);
  });

  it('the backend commits on its interval: its consistent index trails the applied index, then catches up', async () => {
    const pg = await started({ walFsyncMs: 0 });
    const leader = pg.leader()!.name;
    const c = pg.client({ endpoints: [leader] });
    // The first write after a quiet spell finds the batch due and commits it at once; a second
    // one right after stays in the batch until the interval is up.
    await pg.runFor(300);
    await settleAll(pg, [c.put({ key: 'a', value: '1' })]);
    expect((await pg.memberDetails(leader)).storage.consistentIndex).toBe(pg.members().find((x) => x.name === leader)!.appliedIndex);
    await settleAll(pg, [c.put({ key: 'b', value: '2' })]);
    const m = pg.members().find((x) => x.name === leader)!;
    const right = await pg.memberDetails(leader);
    expect(right.storage.consistentIndex).toBeLessThan(m.appliedIndex);
    // Within an interval plus a tick, the batch is committed with the applied index.
    await pg.runFor(250);
    const later = await pg.memberDetails(leader);
    expect(later.storage.consistentIndex).toBe(pg.members().find((x) => x.name === leader)!.appliedIndex);
    c.close();
  });
});
