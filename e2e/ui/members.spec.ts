import { test, type Page } from '@playwright/test';
import { expect, leaderName, memberNames, openPlayground, selectMember, shot } from './driver.ts';

const info = (page: Page, name: string) => page.evaluate((n) => window.etcdPlayground!.members().find((m) => m.name === n), name);

test('crash and restart a member from the inspector', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=3');
  const leader = await leaderName(page);
  const victim = (await memberNames(page)).find((n) => n !== leader)!;
  await selectMember(page, victim);
  await page.getByRole('button', { name: /^Crash/ }).click();
  await page.waitForFunction((n) => !window.etcdPlayground!.members().find((m) => m.name === n)!.alive, victim);
  await expect(page.locator(`[data-member="${victim}"]`)).toHaveAttribute('data-role', 'crashed');
  await expect(page.locator(`[data-member="${victim}"] .node-role`)).toContainText('crashed');
  await shot(page, 'member-crashed', true);
  await page.getByRole('button', { name: /^Restart/ }).click();
  await page.waitForFunction((n) => window.etcdPlayground!.members().find((m) => m.name === n)!.alive, victim);
  // It recovers from its own storage and catches up with the leader's commit index.
  await page.waitForFunction(
    (n) => {
      const ms = window.etcdPlayground!.members();
      const me = ms.find((m) => m.name === n)!;
      const l = ms.find((m) => m.role === 'leader');
      return !!l && me.role === 'follower' && me.commitIndex >= l.commitIndex - 1;
    },
    victim,
    { timeout: 60_000 },
  );
  expect((await info(page, victim))!.alive).toBe(true);
});

test('wipe a member, then replace it with a fresh one', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=4');
  const leader = await leaderName(page);
  const victim = (await memberNames(page)).find((n) => n !== leader)!;
  await selectMember(page, victim);
  await page.getByRole('button', { name: /^Wipe disk/ }).click();
  await page.waitForFunction((n) => !window.etcdPlayground!.members().find((m) => m.name === n)?.alive, victim);
  await shot(page, 'member-wiped');
  await page.getByRole('button', { name: /^Replace/ }).click();
  await page.waitForFunction(
    (n) => {
      const ms = window.etcdPlayground!.members().filter((m) => m.role !== 'removed');
      return !ms.some((m) => m.name === n) && ms.length === 3 && ms.every((m) => m.alive);
    },
    victim,
    { timeout: 60_000 },
  );
  const names = await memberNames(page);
  expect(names).not.toContain(victim);
  await expect(page.locator('[data-member]')).toHaveCount(3);
  await shot(page, 'member-replaced');
});

test('campaign: the selected member starts an election (its vote requests go out)', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=6');
  const leader = await leaderName(page);
  const who = (await memberNames(page)).find((n) => n !== leader)!;
  const before = await page.evaluate(() => window.etcdPlayground!.trace().length ? window.etcdPlayground!.trace()[window.etcdPlayground!.trace().length - 1]!.seq : 0);
  await selectMember(page, who);
  await page.getByRole('button', { name: /^Campaign/ }).click();
  await page.waitForFunction(
    ([n, seq]) => window.etcdPlayground!.trace().some((e) => e.seq > (seq as number) && e.kind === 'send' && e.actor === n && /Vote/.test(e.detail)),
    [who, before] as const,
    { timeout: 30_000 },
  );
  await shot(page, 'member-campaign');
});

test('transfer leadership to the selected follower', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=8');
  const leader = await leaderName(page);
  const target = (await memberNames(page)).find((n) => n !== leader)!;
  await selectMember(page, target);
  await page.getByRole('button', { name: /^Transfer leadership here/ }).click();
  await page.waitForFunction((t) => window.etcdPlayground!.leader()?.name === t, target, { timeout: 60_000 });
  await expect(page.locator(`[data-member="${target}"]`)).toHaveAttribute('data-role', 'leader');
  await expect(page.getByTestId('live-region')).toContainText(`${target} became leader`);
  await shot(page, 'member-transfer');
});

test('add a voting member, add a learner, promote it, remove a member', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=9');
  await page.getByRole('button', { name: /^Add member/ }).click();
  await page.waitForFunction(() => window.etcdPlayground!.members().filter((m) => m.role !== 'removed').length === 4 && window.etcdPlayground!.members().every((m) => m.role === 'removed' || m.alive), null, { timeout: 60_000 });
  await expect(page.locator('[data-member]')).toHaveCount(4);

  await page.getByRole('button', { name: /^Add learner/ }).click();
  await page.waitForFunction(() => window.etcdPlayground!.members().some((m) => m.isLearner), null, { timeout: 60_000 });
  const learner = await page.evaluate(() => window.etcdPlayground!.members().find((m) => m.isLearner)!.name);
  await expect(page.locator(`[data-member="${learner}"]`)).toHaveAttribute('data-role', 'learner');
  await shot(page, 'member-learner', true);

  // A learner can be promoted once it has caught up with the leader's log.
  await page.waitForFunction(
    (n) => {
      const ms = window.etcdPlayground!.members();
      const me = ms.find((m) => m.name === n)!;
      const l = ms.find((m) => m.role === 'leader');
      return !!l && me.appliedIndex >= l.commitIndex - 2;
    },
    learner,
    { timeout: 60_000 },
  );
  await selectMember(page, learner);
  await page.getByRole('button', { name: /^Promote/ }).click();
  await page.waitForFunction((n) => !window.etcdPlayground!.members().find((m) => m.name === n)!.isLearner, learner, { timeout: 60_000 });

  const leader = await leaderName(page);
  const gone = (await memberNames(page)).find((n) => n !== leader && n !== learner)!;
  await selectMember(page, gone);
  await page.getByRole('button', { name: /^Remove/ }).click();
  await page.waitForFunction((n) => !window.etcdPlayground!.members().some((m) => m.name === n && m.role !== 'removed'), gone, { timeout: 60_000 });
  await expect(page.locator(`[data-member="${gone}"]`)).toHaveCount(0);
  await shot(page, 'member-removed');
});

test('a slow disk on the leader, set from the inspector, costs it the leadership', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=5');
  const leader = await leaderName(page);
  await selectMember(page, leader);
  const disk = page.getByLabel(`${leader} disk: virtual time per WAL write`);
  await disk.selectOption('3000');
  await page.waitForFunction((n) => window.etcdPlayground!.members().find((m) => m.name === n)!.walFsyncMs === 3000, leader);
  // A write makes it sync for 3 virtual seconds; its followers stop hearing heartbeats and elect another.
  await page.evaluate((n) => {
    void window.etcdPlayground!.client({ endpoints: [n] }).put({ key: 'slow', value: '1' }).catch(() => undefined);
  }, leader);
  // While its write syncs, its node says so.
  await expect(page.locator(`[data-member="${leader}"] .node-disk`)).toContainText('syncing WAL (3 s)');
  await page.waitForFunction((n) => {
    const l = window.etcdPlayground!.leader();
    return l !== undefined && l.name !== n;
  }, leader, { timeout: 60_000 });
  await shot(page, 'slow-disk-leader-lost', true);
  // Back to the cluster's disk from the same control.
  await disk.selectOption('');
  await page.waitForFunction((n) => window.etcdPlayground!.members().find((m) => m.name === n)!.walFsyncMs === window.etcdPlayground!.settings().walFsyncMs, leader);
  await expect(disk).toHaveValue('');
});

test('a follower whose clock runs fast, set from the inspector, says so on its node and its election clock runs ahead between heartbeats', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=5');
  const leader = await leaderName(page);
  const [fast, steady] = (await memberNames(page)).filter((n) => n !== leader) as [string, string];
  await selectMember(page, fast);
  const clock = page.getByLabel(`${fast} clock: how fast its timers run`);
  await clock.selectOption('4');
  await page.waitForFunction((n) => window.etcdPlayground!.members().find((m) => m.name === n)!.clockRate === 4, fast);
  await expect(page.getByTestId(`node-clock-${fast}`)).toHaveText('clock ×4 fast');
  // A heartbeat every 100 ms resets both followers' election clocks. In between, the fast one
  // ticks about four times and the steady one once (twice when a heartbeat is late): its timeout ring drains faster.
  const most = await page.evaluate(async ([f, s]) => {
    const out = { fast: 0, steady: 0 };
    for (let i = 0; i < 200 && out.fast < 3; i++) {
      for (const m of window.etcdPlayground!.members()) {
        if (m.name === f) out.fast = Math.max(out.fast, m.electionElapsedTicks);
        if (m.name === s) out.steady = Math.max(out.steady, m.electionElapsedTicks);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return out;
  }, [fast, steady] as const);
  expect(most.fast).toBeGreaterThanOrEqual(3);
  expect(most.steady).toBeLessThanOrEqual(2);
  await shot(page, 'clock-drift-fast-follower', true);
  await clock.selectOption('1');
  await page.waitForFunction((n) => window.etcdPlayground!.members().find((m) => m.name === n)!.clockRate === 1, fast);
  await expect(page.getByTestId(`node-clock-${fast}`)).toHaveCount(0);
});
