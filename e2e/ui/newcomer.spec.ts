import { test } from '@playwright/test';
import { expect, leaderName, openPlayground, selectMember } from './driver.ts';

// What a newcomer stumbled on, one test per finding.

test('MVCC tab: a store never compacted says so in words, and a compaction shows its revision', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=14');
  const leader = await leaderName(page);
  await selectMember(page, leader);
  await page.getByRole('tab', { name: 'MVCC' }).click();
  const facts = page.locator('dl.kv');
  await expect(facts).toContainText(/compacted at\s*never compacted/);
  await expect(facts).not.toContainText('-1');
  await page.evaluate(async () => {
    const api = window.etcdPlayground!;
    await api.etcdctl('put a 1');
    await api.etcdctl('put a 2');
    await api.etcdctl('put a 3');
    const rev = Number(/"Revision" : (\d+)/.exec((await api.etcdctl('get a -w fields')).stdout)?.[1] ?? '0');
    await api.etcdctl(`compaction ${rev - 1}`);
  });
  await expect(facts).toContainText(/compacted at\s*revision \d+/);
});
