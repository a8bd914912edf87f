import { test } from '@playwright/test';
import { expect, openPlayground, shot } from './driver.ts';

test('with prefers-reduced-motion nothing flies: messages show as still link highlights', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openPlayground(page, 'members=3&seed=18');
  await expect(page.getByTestId('flights')).toHaveClass(/reduced/);
  // Slow links so messages are in flight most of the time.
  await page.evaluate(() => window.etcdPlayground!.setLink({ latencyMs: 300, jitterMs: 0 }));
  // (A horizontal highlight has a zero-height box, so count them rather than ask if visible.)
  await expect(page.locator('.link-highlight')).not.toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator('.flights .vanish:not(.still)')).toHaveCount(0);
  // Freeze the clock so the set of messages holds still, then check every highlight: its glyph
  // sits at the middle of its link, wherever the message actually is.
  await page.waitForFunction(() => window.etcdPlayground!.inFlight().filter((f) => f.deliverAtMs - f.sentAtMs >= 300).length >= 2, null, { timeout: 30_000 });
  await page.evaluate(() => window.etcdPlayground!.pause());
  expect(await page.evaluate(() => window.etcdPlayground!.inFlight().length)).toBeGreaterThan(0);
  await expect(page.locator('.link-highlight')).not.toHaveCount(0);
  const atMiddle = await page.evaluate(() => {
    const lines = [...document.querySelectorAll<SVGLineElement>('.link-highlight')];
    return lines.length > 0 && lines.every((line) => {
      const g = line.nextElementSibling!;
      const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '');
      if (!m) return false;
      const mx = (line.x1.baseVal.value + line.x2.baseVal.value) / 2;
      const my = (line.y1.baseVal.value + line.y2.baseVal.value) / 2;
      return Math.abs(Number(m[1]) - mx) < 1.5 && Math.abs(Number(m[2]) - my) < 1.5;
    });
  });
  expect(atMiddle).toBe(true);
  await shot(page, 'reduced-motion', true);
});

test('projector mode enlarges type and raises contrast', async ({ page }) => {
  await openPlayground(page, 'members=5&seed=19');
  await page.locator('body').press('g');
  await expect(page.locator('.app')).toHaveClass(/projector/);
  const size = await page.locator('.node-name').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(size).toBeGreaterThanOrEqual(18);
  await shot(page, 'projector', true);
});

test('a tablet-sized window reflows the panels under the cluster', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openPlayground(page, 'members=3&seed=20');
  const centre = (await page.locator('.centre').boundingBox())!;
  const side = (await page.locator('.side').boundingBox())!;
  expect(side.y).toBeGreaterThanOrEqual(centre.y + centre.height - 1);
  await page.screenshot({ path: 'test-results/screenshots/tablet-1024.png', fullPage: true });
});
