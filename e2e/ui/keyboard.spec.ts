import { test } from '@playwright/test';
import { expect, leaderName, memberNames, openPlayground, shot } from './driver.ts';

test('keyboard only: select, pause, step, speed, crash, restart, isolate, heal, cycle a link, console', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=17');
  const names = await memberNames(page);
  const leader = await leaderName(page);
  const follower = names.find((n) => n !== leader)!;
  const key = String(names.indexOf(follower) + 1);
  await page.locator('body').click({ position: { x: 5, y: 5 } });

  await page.keyboard.press(' ');
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(true);
  // A step runs the next event: the clock moves to it, or (same instant) the trace grows.
  const before = await page.evaluate(() => ({ seq: window.etcdPlayground!.trace().at(-1)?.seq ?? -1, now: window.etcdPlayground!.now() }));
  await page.keyboard.press('.');
  await page.waitForFunction((b) => (window.etcdPlayground!.trace().at(-1)?.seq ?? -1) > b.seq || window.etcdPlayground!.now() > b.now, before);
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(true);
  await page.keyboard.press(' ');
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(false);

  const speed0 = await page.evaluate(() => window.etcdPlayground!.time().speed);
  await page.keyboard.press('-');
  const slower = await page.evaluate(() => window.etcdPlayground!.time().speed);
  expect(typeof slower === 'number' && (speed0 === 'max' || slower < speed0)).toBe(true);
  await page.keyboard.press('=');
  expect(await page.evaluate(() => window.etcdPlayground!.time().speed)).toBe(speed0);

  await page.keyboard.press(key);
  await expect(page.getByTestId('inspector')).toContainText(follower);
  await page.keyboard.press('c');
  await page.waitForFunction((n) => !window.etcdPlayground!.members().find((m) => m.name === n)!.alive, follower);
  await expect(page.getByTestId('live-region')).toContainText(`${follower} crashed`);
  await page.keyboard.press('r');
  await page.waitForFunction((n) => window.etcdPlayground!.members().find((m) => m.name === n)!.alive, follower);

  await page.keyboard.press('i');
  const cur = await leaderName(page);
  const other = names.find((n) => n !== cur)!;
  expect(await page.evaluate(([a, b]) => window.etcdPlayground!.linkState(a!, b!), [cur, other])).toBe('cut-both');
  await page.keyboard.press('h');
  expect(await page.evaluate(([a, b]) => window.etcdPlayground!.linkState(a!, b!), [cur, other])).toBe('healthy');

  // Links are focusable: Tab to the first one and cycle it with Enter.
  const link = page.locator('[data-link]').first();
  await link.focus();
  const [a, b] = (await link.getAttribute('data-link'))!.split('|');
  await page.keyboard.press('Enter');
  await expect(link).toHaveAttribute('data-state', /cut-ab|cut-ba/);
  // One press at a time, as a hand does: each cycle step starts from the state the last one reached.
  await page.keyboard.press('Enter');
  await expect(link).toHaveAttribute('data-state', 'cut-both');
  await page.keyboard.press('Enter');
  await expect(link).toHaveAttribute('data-state', 'healthy');
  await expect.poll(() => page.evaluate(([x, y]) => window.etcdPlayground!.linkState(x!, y!), [a, b])).toBe('healthy');

  // "/" goes to the console; typing and Enter runs the command.
  await page.locator('body').press('Escape');
  await page.keyboard.press('/');
  await expect(page.getByTestId('console-input')).toBeFocused();
  await page.keyboard.type('put kb yes');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('console-entry').last()).toContainText('OK');
  await page.keyboard.press('Escape');

  // Every member is reachable by Tab.
  await page.getByTestId('console-input').blur();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'keyboard shortcuts' })).toBeVisible();
  await shot(page, 'keyboard-help', true);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'keyboard shortcuts' })).toHaveCount(0);
});
