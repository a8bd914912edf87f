import { test } from '@playwright/test';
import { expect, dragMemberTo, leaderName, memberCentre, memberNames, openPlayground, shot } from './driver.ts';

test('dragging the leader to open water partitions it away; the majority elects a leader; dragging it back heals', async ({ page }) => {
  await openPlayground(page, 'members=5&seed=42');
  const names = await memberNames(page);
  const old = await leaderName(page);
  const box = (await page.getByTestId('cluster-svg').boundingBox())!;
  // Far left edge of the view: outside the one island's oval.
  await dragMemberTo(page, old, { x: box.x + 24, y: box.y + box.height / 2 });
  await expect(page.locator('[data-island]')).toHaveCount(2);
  for (const n of names.filter((x) => x !== old)) {
    expect(await page.evaluate(([a, b]) => window.etcdPlayground!.linkState(a!, b!), [old, n])).toBe('cut-both');
    expect(await page.evaluate(([a, b]) => window.etcdPlayground!.linkState(a!, b!), [n, old])).toBe('cut-both');
  }
  // The four on the majority side elect a leader among themselves.
  await page.waitForFunction(
    (o) => window.etcdPlayground!.members().some((m) => m.role === 'leader' && m.name !== o && m.alive),
    old,
    { timeout: 60_000 },
  );
  const newLeader = await page.evaluate((o) => window.etcdPlayground!.members().find((m) => m.role === 'leader' && m.name !== o)!.name, old);
  expect(newLeader).not.toBe(old);
  await expect(page.locator(`[data-member="${newLeader}"]`)).toHaveAttribute('data-role', 'leader');
  await shot(page, 'partition-isolated-leader', true);

  // Drag it back onto the other island: one island again, every link healthy.
  const target = await memberCentre(page, newLeader);
  await dragMemberTo(page, old, { x: target.x, y: target.y + 40 });
  await expect(page.locator('[data-island]')).toHaveCount(0);
  for (const n of names.filter((x) => x !== old)) {
    // The islands redraw at once; the heal lands between two steps of the world.
    await expect.poll(() => page.evaluate(([a, b]) => window.etcdPlayground!.linkState(a!, b!), [old, n])).toBe('healthy');
  }
  // The old leader rejoins as a follower of the new term.
  await page.waitForFunction((o) => window.etcdPlayground!.members().find((m) => m.name === o)!.role === 'follower', old, { timeout: 60_000 });
  await shot(page, 'partition-healed');
});

test('presets: split 3|2 leaves the minority without a leader; heal all restores every link', async ({ page }) => {
  await openPlayground(page, 'members=5&seed=11');
  await page.getByRole('tab', { name: 'Network' }).click();
  await page.getByTestId('preset-split').click();
  await expect(page.locator('[data-island]')).toHaveCount(2);
  const islands = await page.locator('[data-island]').count();
  expect(islands).toBe(2);
  await page.waitForFunction(() => {
    const ms = window.etcdPlayground!.members();
    const leaders = ms.filter((m) => m.role === 'leader');
    return leaders.length >= 1;
  });
  await shot(page, 'preset-split');
  await page.getByTestId('preset-heal').click();
  const names = await memberNames(page);
  for (const a of names) for (const b of names) if (a !== b) expect(await page.evaluate(([x, y]) => window.etcdPlayground!.linkState(x!, y!), [a, b])).toBe('healthy');
});
