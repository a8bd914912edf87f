import { test, expect } from '@playwright/test';

test('the built page opens and renders its title', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'etcd playground' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/smoke.png' });
});
