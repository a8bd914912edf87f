import { test } from '@playwright/test';
import { expect, memberNames, openPlayground, pause, pointOnLink, shot } from './driver.ts';

test('clicking a link cycles it: healthy, cut one way, cut both ways, healthy', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=5');
  await pause(page);
  const [a, b] = (await memberNames(page)) as [string, string];
  const state = () => page.evaluate(([x, y]) => [window.etcdPlayground!.linkState(x!, y!), window.etcdPlayground!.linkState(y!, x!)], [a, b]);
  expect(await state()).toEqual(['healthy', 'healthy']);
  const link = page.locator(`[data-link="${a}|${b}"]`);

  let p = await pointOnLink(page, a, b, 0.5);
  await page.mouse.click(p.x, p.y);
  await expect(link).toHaveAttribute('data-state', /cut-ab|cut-ba/);
  // The runtime reports a one-way cut on both ordered pairs; the UI shows which way it cut.
  const one = await state();
  expect(one).toContain('cut-one-way');
  expect(one).not.toContain('cut-both');
  await expect(link).toHaveAttribute('data-state', 'cut-ab');
  await shot(page, 'link-cut-one-way');

  p = await pointOnLink(page, a, b, 0.5);
  await page.mouse.click(p.x, p.y);
  await expect(link).toHaveAttribute('data-state', 'cut-both');
  expect(await state()).toEqual(['cut-both', 'cut-both']);
  await shot(page, 'link-cut-both');

  p = await pointOnLink(page, a, b, 0.5);
  await page.mouse.click(p.x, p.y);
  await expect(link).toHaveAttribute('data-state', 'healthy');
  expect(await state()).toEqual(['healthy', 'healthy']);
});

test('latency and loss can be set on all links and on one link', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=5');
  await page.getByRole('tab', { name: 'Network' }).click();
  await page.getByLabel('latency ms').first().fill('40');
  await page.getByLabel('jitter ms').first().fill('0');
  await page.getByLabel('loss %').first().fill('5');
  await page.getByRole('button', { name: 'Apply to all links' }).click();
  await expect(page.getByText('latency 40 ms')).toBeVisible();
  // The network now takes at least 40 ms of virtual time per hop.
  await page.waitForFunction(() => window.etcdPlayground!.inFlight().some((f) => f.deliverAtMs - f.sentAtMs >= 40), null, { timeout: 30_000 });
  await shot(page, 'network-panel');
});
