import { describe, expect, it } from 'vitest';
import { Playground } from './playground.ts';
import { outcome as settle } from './playgroundTesting.ts';
import type { ClusterSettings, PlaygroundEvent } from './playgroundApi.ts';


/**
 * A follower is cut off while the others commit ten more entries; then the leader crashes, the
 * follower rejoins and asks for votes. With the log check it cannot win (the other member has
 * entries it lacks); without it, it wins and leads without committed entries.
 */
async function staleCandidate(unsafe: ClusterSettings['unsafe']) {
  const pg = Playground.inProcess({ settings: { members: 3, seed: 9, unsafe }, paused: true });
  await pg.ready();
  await pg.runFor(3000);
  const events: PlaygroundEvent[] = [];
  pg.subscribe((b) => events.push(...b.filter((e) => e.kind === 'invariant')));
  const leader = pg.leader()!.name;
  const [stale, other] = pg.members().map((m) => m.name).filter((n) => n !== leader) as [string, string];
  const c = pg.client({ endpoints: [leader] });
  for (let i = 0; i < 3; i++) await settle(pg, c.put({ key: `a${i}`, value: 'x' }));
  await pg.partition([[stale], [leader, other]]);
  for (let i = 0; i < 10; i++) await settle(pg, c.put({ key: `b${i}`, value: 'y' }));
  await pg.runFor(500);
  await pg.crash(leader);
  // Long enough that the other member stops counting the crashed leader as its leader.
  await pg.runFor(3000);
  await pg.heal();
  await pg.campaign(stale);
  await pg.runFor(3000);
  const status = pg.invariants();
  const paused = pg.time().paused;
  await pg.close();
  return { status, events, stale, paused };
}

describe('the invariant monitor', () => {
  it('stays green through crashes, partitions, a snapshot and a workload on a correct cluster, checking after every step', async () => {
    const pg = Playground.inProcess({ settings: { members: 5, seed: 4, snapshotCount: 40, snapshotCatchUpEntries: 5 }, paused: true });
    await pg.ready();
    await pg.runFor(3000);
    const c = pg.client();
    const put = (n: number) => settle(pg, c.put({ key: `k${n % 7}`, value: `v${n}` }));
    for (let i = 0; i < 20; i++) await put(i);
    const first = pg.leader()!.name;
    await pg.crash(first);
    for (let i = 20; i < 40; i++) await put(i);
    const names = pg.members().map((m) => m.name);
    await pg.partition([names.slice(0, 2), names.slice(2)]);
    for (let i = 40; i < 50; i++) void c.put({ key: `p${i}`, value: 'x' }).catch(() => undefined);
    await pg.runFor(4000);
    await pg.heal();
    await pg.restart(first);
    for (let i = 50; i < 120; i++) await put(i);
    await pg.runFor(2000);
    const s = pg.invariants();
    expect(s.violation).toBeNull();
    expect(s.checks).toBeGreaterThan(500);
    // The run really went through snapshots (so compacted logs were checked too).
    expect(Math.max(...pg.members().map((m) => m.snapshotIndex))).toBeGreaterThan(0);
    await pg.close();
  });

  it('voteWithoutLogCheck: the stale member wins, and the monitor turns leader completeness red, names it and pauses the clock; with the check nothing is found', async () => {
    const on = await staleCandidate(['voteWithoutLogCheck']);
    expect(on.status.violation).not.toBeNull();
    const v = on.status.violation!;
    expect(v.light).toBe('leaderCompleteness');
    expect(v.members).toEqual([on.stale]);
    expect(v.detail).toContain(`leader ${on.stale} of term`);
    expect(v.terms.length).toBeGreaterThan(0);
    expect(v.indexes.length).toBeGreaterThan(0);
    expect(on.paused).toBe(true);
    expect(on.events.map((e) => e.detail)).toEqual([`${v.invariant}: ${v.detail}`]);
    const off = await staleCandidate([]);
    expect(off.status.violation).toBeNull();
    expect(off.status.checks).toBeGreaterThan(100);
  });
});
