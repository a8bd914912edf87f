import { test } from '@playwright/test';
import { expect, leaderName, openPlayground, selectMember, shot } from './driver.ts';

test('inspector tabs: Raft progress and log, Storage WAL, MVCC keys, Leases, Watchers', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=14');
  await page.evaluate(async () => {
    const api = window.etcdPlayground!;
    await api.etcdctl('put foo bar');
    await api.etcdctl('put foo baz');
    const g = await api.etcdctl('lease grant 60');
    const id = /lease ([0-9a-f]+) granted/.exec(g.stdout)![1]!;
    await api.etcdctl(`put leased v --lease=${id}`);
  });
  const leader = await leaderName(page);
  await selectMember(page, leader);

  await page.getByRole('tab', { name: 'Raft' }).click();
  // One row per voter and learner, the leader's own included (as etcd's progress tracker has it).
  await expect(page.getByTestId('progress-table').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('log-list')).toContainText('foo');
  await shot(page, 'inspector-raft', true);

  await page.getByRole('tab', { name: 'Storage' }).click();
  await expect(page.getByTestId('wal-table').locator('tbody tr').first()).toBeVisible();
  await expect(page.locator('dl.kv')).toContainText(/HardState\s*term \d+, vote [\w-]+, commit \d+/);
  await shot(page, 'inspector-storage');

  await page.getByRole('tab', { name: 'MVCC' }).click();
  const row = page.getByTestId('mvcc-table').locator('tr', { hasText: 'foo' });
  await expect(row).toContainText('baz');
  await shot(page, 'inspector-mvcc');

  await page.getByRole('tab', { name: 'Leases' }).click();
  await expect(page.getByTestId('lease-list')).toContainText('leased');
  await shot(page, 'inspector-leases');

  // A watch from the console shows on the member serving it (its watcher table when the runtime
  // reports watchers, and the console's open watches in any case).
  await page.getByTestId('console-endpoint').selectOption(leader);
  await page.getByTestId('console-input').fill('watch foo');
  await page.getByTestId('console-input').press('Enter');
  await page.getByRole('tab', { name: 'Watchers' }).click();
  await expect(page.getByTestId('inspector')).toContainText('watch foo', { timeout: 30_000 });
  const reported = await page.evaluate(async (l) => (await window.etcdPlayground!.memberDetails(l)).watchers.length, leader);
  if (reported > 0) await expect(page.getByTestId('watchers-table')).toContainText('foo');
  await shot(page, 'inspector-watchers');
  await page.getByTestId('console-stop').first().click();
});
