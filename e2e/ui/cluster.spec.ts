import { test } from '@playwright/test';
import { expect, openPlayground, shot } from './driver.ts';

test('the cluster view shows every member with its role, term and log, driven by the runtime', async ({ page }) => {
  await openPlayground(page, 'members=5&seed=42');
  const members = await page.evaluate(() => window.etcdPlayground!.members());
  expect(members).toHaveLength(5);
  for (const m of members) {
    const node = page.locator(`[data-member="${m.name}"]`);
    await expect(node).toBeVisible();
    await expect(node).toHaveAttribute('data-role', /leader|follower|candidate|pre-candidate|learner/);
  }
  const leader = await page.evaluate(() => window.etcdPlayground!.leader()!.name);
  await expect(page.locator(`[data-member="${leader}"]`)).toHaveAttribute('data-role', 'leader');
  await expect(page.locator(`[data-member="${leader}"] .node-role`)).toContainText('leader');
  // 5 members: 10 links.
  await expect(page.locator('[data-link]')).toHaveCount(10);
  // The URL's settings reached the runtime.
  expect(await page.evaluate(() => window.etcdPlayground!.settings().seed)).toBe(42);
  await shot(page, 'cluster-5', true);
});

test('seven members fit and stay legible', async ({ page }) => {
  await openPlayground(page, 'members=7&seed=7');
  await expect(page.locator('[data-member]')).toHaveCount(7);
  await expect(page.locator('[data-link]')).toHaveCount(21);
  await shot(page, 'cluster-7', true);
});
