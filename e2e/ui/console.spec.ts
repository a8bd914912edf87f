import { test } from '@playwright/test';
import { expect, openPlayground, shot, typeCommand } from './driver.ts';

test('console: put, get, a watch that shows a later put, a failing txn, history and completion', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=16');
  const entries = page.getByTestId('console-entry');

  await typeCommand(page, 'put foo bar');
  await expect(entries.nth(0)).toContainText('OK');
  await typeCommand(page, 'get foo');
  await expect(entries.nth(1).locator('pre.stdout')).toHaveText('foo\nbar\n');

  await typeCommand(page, 'watch foo');
  await expect(entries.nth(2).getByTestId('console-stop')).toBeVisible();
  await typeCommand(page, 'put foo baz');
  await expect(entries.nth(2)).toContainText('PUT', { timeout: 30_000 });
  await expect(entries.nth(2)).toContainText('baz');
  await shot(page, 'console-watch', true);
  // Ctrl+C in the input stops the running watch.
  await page.getByTestId('console-input').press('Control+c');
  await expect(entries.nth(2).getByTestId('console-stop')).toHaveCount(0);

  // A txn whose compare fails runs its failure branch and says FAILURE.
  await typeCommand(page, 'txn');
  await page.getByTestId('console-stdin').fill('value("foo") = "nope"\n\nput foo yes\n\nput foo no\n\n');
  await page.getByTestId('console-stdin').press('Control+Enter');
  const txn = entries.filter({ hasText: 'etcdctl txn' });
  await expect(txn).toContainText('FAILURE');
  await typeCommand(page, 'get foo --print-value-only');
  await expect(entries.last().locator('pre.stdout')).toHaveText('no\n');

  // An error goes to stderr, marked as such.
  await typeCommand(page, 'get');
  await expect(entries.last().locator('pre.stderr')).toBeVisible();
  await expect(entries.last()).toHaveAttribute('data-exit', /[1-9]/);
  await shot(page, 'console-txn-and-error');

  // History and completion.
  const input = page.getByTestId('console-input');
  await input.press('ArrowUp');
  await expect(input).toHaveValue('get');
  await input.fill('wat');
  await input.press('Tab');
  await expect(input).toHaveValue('watch ');
  await input.fill('get foo --pre');
  await input.press('Tab');
  await expect(input).toHaveValue('get foo --prefix ');
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(entries).toHaveCount(0);
});
