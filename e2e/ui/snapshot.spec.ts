import { test } from '@playwright/test';
import { expect, openPlayground, shot, typeCommand } from './driver.ts';

test('console: snapshot save offers the file for download; status reads it back', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=21');
  const entries = page.getByTestId('console-entry');
  await typeCommand(page, 'put a 1');
  await expect(entries.nth(0)).toContainText('OK');
  await typeCommand(page, '--endpoints m1:2379 snapshot save backup.db');
  await expect(entries.nth(1)).toContainText('Snapshot saved at backup.db');
  const link = entries.nth(1).getByTestId('console-download');
  await expect(link).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('backup.db');
  await typeCommand(page, 'snapshot status backup.db -w json');
  await expect(entries.nth(2).locator('pre.stdout')).toContainText('"totalKey"');
  await shot(page, 'console-snapshot');
});
