import { expect, test } from '@playwright/test';
import { installHelpers, openRuntime, type Helpers } from './driver.ts';

declare const h: Helpers;

test('leader crash: a new leader is elected; the restarted member recovers from its own IndexedDB and catches up', async ({ page }) => {
  await openRuntime(page, 'members=3&seed=11&speed=max');
  await installHelpers(page);
  const r = await page.evaluate(async () => {
    const pg = window.etcdPlayground!;
    const old = await h.waitLeader();
    const c = pg.client();
    for (let i = 0; i < 20; i++) await c.put({ key: `k${i}`, value: `v${i}` });
    // Let every member apply and its backend commit what it applied.
    await h.waitFor(() => new Set(pg.members().map((m) => m.appliedIndex)).size === 1);
    await pg.runFor(1000);
    const before = pg.members().find((m) => m.name === old)!;
    await pg.crash(old);
    const workersWhileDown = window.etcdPlaygroundRuntime!.workers.live;
    await h.waitFor(() => pg.leader() !== undefined && pg.leader()!.name !== old);
    const next = await h.waitLeader();
    for (let i = 20; i < 30; i++) await c.put({ key: `k${i}`, value: `v${i}` });
    // Restart it cut off from everyone: whatever it shows now came from its own database alone
    // (its WAL replayed through its first Ready), not from the leader.
    await pg.partition([[old], pg.members().map((m) => m.name).filter((n) => n !== old)]);
    await pg.restart(old);
    await pg.runFor(300);
    const recovered = pg.members().find((m) => m.name === old)!;
    const details = await pg.memberDetails(old);
    await pg.heal();
    const leaderCommit = () => pg.leader()?.commitIndex ?? Infinity;
    await h.waitFor(() => pg.members().find((m) => m.name === old)!.appliedIndex >= leaderCommit());
    const last = await h.valueOn(old, 'k29', 'v29');
    return {
      old,
      next,
      workersWhileDown,
      before: { applied: before.appliedIndex, revision: before.revision },
      recovered: { applied: recovered.appliedIndex, revision: recovered.revision, alive: recovered.alive, consistentIndex: details.storage.consistentIndex, keys: details.mvcc.keys.map((k) => k.key) },
      last,
      workers: window.etcdPlaygroundRuntime!.workers.live,
    };
  });
  expect(r.next).not.toBe(r.old);
  expect(r.workersWhileDown).toBe(2);
  expect(r.recovered.alive).toBe(true);
  // Recovered from its own database: everything it had applied before the crash, nothing newer.
  expect(r.recovered.applied).toBe(r.before.applied);
  expect(r.recovered.revision).toBe(r.before.revision);
  expect(r.recovered.consistentIndex).toBe(r.recovered.applied);
  expect(r.recovered.keys).toContain('k19');
  expect(r.recovered.keys).not.toContain('k29');
  expect(r.last).toBe('v29');
  expect(r.workers).toBe(3);
});
