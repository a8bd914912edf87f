import { test } from '@playwright/test';
import { expect, openPlayground, shot } from './driver.ts';

test('pause stops virtual time, step advances it one event, the slider sets the speed', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=13');
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('play-pause')).toContainText('Play');
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(true);
  const t0 = await page.evaluate(() => window.etcdPlayground!.now());
  await page.waitForTimeout(400);
  expect(await page.evaluate(() => window.etcdPlayground!.now())).toBe(t0);
  await expect(page.getByTestId('clock')).toHaveAttribute('data-now', String(t0));

  // A step runs the next event: the clock moves to it, or (same instant) the trace grows.
  const seq0 = await page.evaluate(() => window.etcdPlayground!.trace().at(-1)?.seq ?? -1);
  await page.getByTestId('step').click();
  await page.waitForFunction(([s, t]) => (window.etcdPlayground!.trace().at(-1)?.seq ?? -1) > s! || window.etcdPlayground!.now() > t!, [seq0, t0]);
  await expect(page.getByTestId('clock')).toHaveAttribute('data-now', String(await page.evaluate(() => window.etcdPlayground!.now())));
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(true);
  expect(await page.evaluate(() => window.etcdPlayground!.now())).toBeGreaterThanOrEqual(t0);
  await shot(page, 'time-paused-step');

  // Slowest notch = 0.05x, top notch = as fast as possible.
  await page.getByTestId('speed').fill('0');
  await expect.poll(() => page.evaluate(() => window.etcdPlayground!.time().speed)).toBe(0.05);
  await expect(page.getByTestId('speed-value')).toHaveText('0.05×');
  await page.getByTestId('speed').fill('100');
  await expect.poll(() => page.evaluate(() => window.etcdPlayground!.time().speed)).toBe('max');
  await page.getByTestId('speed').fill('99');
  await expect.poll(() => page.evaluate(() => window.etcdPlayground!.time().speed)).toBe(1);

  await page.getByTestId('play-pause').click();
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(false);
  await page.waitForFunction((t) => window.etcdPlayground!.now() > t, t0);
});
