import { expect, test } from '@playwright/test';
import { installHelpers, openRuntime, type Helpers } from './driver.ts';

declare const h: Helpers;

test('membership: add a learner, promote it, remove a member, all through the API while the cluster serves', async ({ page }) => {
  await openRuntime(page, 'members=3&seed=31&speed=max');
  await installHelpers(page);
  const r = await page.evaluate(async () => {
    const pg = window.etcdPlayground!;
    const lead = await h.waitLeader();
    // A workload that keeps writing through every step.
    const c = pg.client();
    let acked = 0;
    let failed = 0;
    let stop = false;
    const marks: number[] = [];
    const workload = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await c.put({ key: `w${i % 50}`, value: String(i) });
          acked++;
        } catch {
          failed++;
        }
      }
    })();
    const served = async () => {
      const a = acked;
      await h.waitFor(() => acked >= a + 5);
      marks.push(acked);
    };
    await served();
    const learner = await pg.addMember({ learner: true });
    // The new member learns the cluster (and that it is a learner) from the leader.
    await h.waitFor(() => pg.members().find((m) => m.name === learner.name)!.isLearner);
    const joined = pg.members().find((m) => m.name === learner.name)!;
    const listedLearner = (await pg.client().memberList()).members.find((m) => m.name === learner.name || m.peerURLs.some((u) => u.includes(learner.name)))?.isLearner;
    const asAdded = { name: joined.name, isLearner: joined.isLearner, role: joined.role, listedLearner };
    const workersAfterAdd = window.etcdPlaygroundRuntime!.workers.live;
    await h.waitFor(() => pg.members().find((m) => m.name === learner.name)!.appliedIndex >= pg.leader()!.commitIndex - 5);
    await served();
    await pg.promoteMember(learner.name);
    await h.waitFor(() => !pg.members().find((m) => m.name === learner.name)!.isLearner);
    const promoted = pg.members().find((m) => m.name === learner.name)!;
    await served();
    const victim = pg.members().find((m) => m.name !== lead && m.name !== learner.name)!.name;
    await pg.removeMember(victim);
    await served();
    const list = await pg.client().memberList();
    stop = true;
    await workload;
    return {
      asAdded,
      workersAfterAdd,
      promoted: { isLearner: promoted.isLearner, role: promoted.role },
      victim,
      names: pg.members().map((m) => m.name),
      listed: list.members.map((m) => m.name).sort(),
      workers: window.etcdPlaygroundRuntime!.workers.live,
      acked,
      failed,
      marks,
    };
  });
  expect(r.asAdded).toEqual({ name: 'm4', isLearner: true, role: 'learner', listedLearner: true });
  expect(r.workersAfterAdd).toBe(4);
  expect(r.promoted.isLearner).toBe(false);
  expect(['follower', 'leader']).toContain(r.promoted.role);
  expect(r.names).not.toContain(r.victim);
  expect(r.names).toHaveLength(3);
  expect(r.listed).toEqual([...r.names].sort());
  expect(r.workers).toBe(3);
  // The workload made progress between every membership step.
  expect(r.marks).toHaveLength(4);
  for (let i = 1; i < r.marks.length; i++) expect(r.marks[i]!).toBeGreaterThan(r.marks[i - 1]!);
  expect(r.acked).toBeGreaterThan(20);
});
