import { expect, test } from '@playwright/test';
import { installHelpers, openRuntime, type Helpers } from './driver.ts';

declare const h: Helpers;

test('partition: the minority cannot commit (indeterminate), the majority can; after healing all members agree', async ({ page }) => {
  await openRuntime(page, 'members=5&seed=21&speed=max&requestTimeoutMs=3000');
  await installHelpers(page);
  const r = await page.evaluate(async () => {
    const pg = window.etcdPlayground!;
    const lead = await h.waitLeader();
    const names = pg.members().map((m) => m.name);
    // The old leader and one follower on the minority side.
    const minority = [lead, names.find((n) => n !== lead)!];
    const majority = names.filter((n) => !minority.includes(n));
    await pg.client().put({ key: 'before', value: '1' });
    await pg.partition([minority, majority]);
    const states = { inside: pg.linkState(minority[0]!, minority[1]!), across: pg.linkState(minority[0]!, majority[0]!) };
    const minorityClient = pg.client({ endpoints: [minority[1]!] });
    const majorityClient = pg.client({ endpoints: majority });
    const [minorityPut, majorityPut] = await Promise.allSettled([
      minorityClient.put({ key: 'minority', value: 'x' }),
      (async () => {
        // Until every majority member has heard from the new leader, one of them would drop the
        // proposal as etcd does ("raft proposal dropped").
        await h.waitFor(() => {
          const side = pg.members().filter((m) => majority.includes(m.name));
          const leader = side.find((m) => m.role === 'leader');
          return leader !== undefined && side.every((m) => m.lead === leader.id);
        });
        return majorityClient.put({ key: 'majority', value: 'y' });
      })(),
    ]);
    const newLeader = pg.members().find((m) => majority.includes(m.name) && m.role === 'leader')?.name;
    await pg.heal();
    const hashes = await h.convergedHashes();
    const minorityValue = await h.valueOn(minority[0]!, 'majority', 'y');
    return {
      states,
      minorityPut: minorityPut.status === 'rejected' ? (minorityPut.reason as Error).name : 'fulfilled',
      majorityPut: majorityPut.status,
      newLeader,
      hashes,
      minorityValue,
    };
  });
  expect(r.states).toEqual({ inside: 'healthy', across: 'cut-both' });
  expect(r.minorityPut).toBe('IndeterminateError');
  expect(r.majorityPut).toBe('fulfilled');
  expect(r.newLeader).toBeDefined();
  expect(r.hashes).toHaveLength(5);
  expect(new Set(r.hashes).size).toBe(1);
  expect(r.minorityValue).toBe('y');
});

test('one-way cut: the leader cannot reach a follower, the cluster still commits, and after restoring all agree', async ({ page }) => {
  await openRuntime(page, 'members=3&seed=22&speed=max&requestTimeoutMs=3000');
  await installHelpers(page);
  const r = await page.evaluate(async () => {
    const pg = window.etcdPlayground!;
    const lead = await h.waitLeader();
    const follower = pg.members().find((m) => m.name !== lead)!.name;
    await pg.cut(lead, follower, { oneWay: true });
    const state = pg.linkState(lead, follower);
    const c = pg.client({ endpoints: pg.members().map((m) => m.name).filter((n) => n !== follower) });
    let ok = 0;
    for (let i = 0; i < 10; i++) {
      await c.put({ key: `cut${i}`, value: String(i) });
      ok++;
    }
    const followerApplied = pg.members().find((m) => m.name === follower)!.appliedIndex;
    const leaderCommit = pg.leader()!.commitIndex;
    await pg.restore(lead, follower);
    const after = pg.linkState(lead, follower);
    const hashes = await h.convergedHashes();
    return { state, after, ok, behind: followerApplied < leaderCommit, hashes, value: await h.valueOn(follower, 'cut9', '9') };
  });
  expect(r.state).toBe('cut-one-way');
  expect(r.after).toBe('healthy');
  expect(r.ok).toBe(10);
  expect(r.behind).toBe(true);
  expect(new Set(r.hashes).size).toBe(1);
  expect(r.value).toBe('9');
});
