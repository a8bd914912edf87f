import { test } from '@playwright/test';
import { expect, openPlayground, pause, shot } from './driver.ts';

test('a message in flight can be inspected and dropped with the mouse', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=12');
  // Slow the network down so messages spend long enough in flight to catch one, then freeze time.
  await page.evaluate(() => window.etcdPlayground!.setLink({ latencyMs: 200, jitterMs: 0 }));
  await pause(page);
  // Step until something is in flight and drawn.
  for (let i = 0; i < 200; i++) {
    if ((await page.locator('[data-flight-id]').count()) > 0) break;
    await page.evaluate(() => window.etcdPlayground!.step());
    await page.waitForTimeout(20);
  }
  const glyph = page.locator('[data-flight-id]').first();
  await expect(glyph).toBeVisible();
  const id = Number(await glyph.getAttribute('data-flight-id'));
  expect(await page.evaluate((x) => window.etcdPlayground!.inFlight().some((f) => f.id === x), id)).toBe(true);
  await glyph.click({ force: true });
  await expect(page.getByTestId('flight-card')).toContainText(`#${id}`);
  await shot(page, 'message-inspected', true);
  await page.getByTestId('drop-message').click();
  expect(await page.evaluate((x) => window.etcdPlayground!.inFlight().some((f) => f.id === x), id)).toBe(false);
  expect(await page.evaluate((x) => window.etcdPlayground!.trace().some((e) => e.kind === 'drop' && e.envelopeId === x), id)).toBe(true);
  await expect(page.locator(`[data-flight-id="${id}"]`)).toHaveCount(0);
  await shot(page, 'message-dropped');
});
