import { test } from '@playwright/test';
import { expect, openPlayground, shot } from './driver.ts';

test('start a workload, see answers counted and charted, stop it', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=15');
  await page.getByRole('tab', { name: 'Workload' }).click();
  await page.getByTestId('wl-rate').fill('50');
  await page.getByTestId('wl-toggle').click();
  await expect(page.getByTestId('wl-toggle')).toContainText('Stop');
  await expect.poll(async () => Number(await page.getByTestId('wl-summary').getAttribute('data-ops')), { timeout: 60_000 }).toBeGreaterThan(20);
  // The workload's writes really reached the cluster.
  const keys = await page.evaluate(async () => (await window.etcdPlayground!.etcdctl('get wl/ --prefix --keys-only')).stdout);
  expect(keys).toContain('wl/');
  await shot(page, 'workload-running', true);
  await page.getByTestId('wl-toggle').click();
  await expect(page.getByTestId('wl-toggle')).toContainText('Start');
  await expect(page.getByTestId('wl-summary')).toContainText('stopped');
});
