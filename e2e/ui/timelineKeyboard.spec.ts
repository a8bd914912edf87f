import { test, type Page } from '@playwright/test';
import { expect, leaderName, memberNames, openPlayground, pause, shot } from './driver.ts';

/** Presses Tab until the timeline's marker list has focus; returns how many presses it took. */
async function tabToTimeline(page: Page): Promise<number> {
  for (let i = 1; i <= 150; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'timeline-markers')) return i;
  }
  throw new Error('Tab never reached the timeline markers');
}

const detail = (page: Page) => page.getByTestId('timeline-detail');
const list = (page: Page) => page.getByTestId('timeline-markers');

test('timeline markers by keyboard only: one tab stop, arrows/Home/End move, Enter and Space select like a click', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=31');
  const names = await memberNames(page);
  const leader = await leaderName(page);
  const victim = names.find((n) => n !== leader)!;
  // Something to mark besides the election: a crash and a restart of a follower.
  await page.evaluate(async (n) => {
    await window.etcdPlayground!.crash(n);
    await window.etcdPlayground!.runFor(300);
    await window.etcdPlayground!.restart(n);
  }, victim);
  await expect(page.locator(`.marker-crash`)).toHaveCount(1);
  await expect(page.locator(`.marker-restart`)).toHaveCount(1);
  await pause(page);
  // Deselect everything, so selecting through the timeline is what changes it.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('inspector').filter({ hasText: victim })).toHaveCount(0);

  await tabToTimeline(page);
  const markerCount = await page.locator('[data-testid="timeline-markers"] [role="option"]').count();
  expect(markerCount).toBeGreaterThanOrEqual(3);
  // Focus lands on the latest marker: announced (aria-activedescendant), described, ringed.
  const activeText = async () =>
    page.evaluate(() => {
      const id = document.querySelector('[data-testid="timeline-markers"]')!.getAttribute('aria-activedescendant');
      return id ? document.getElementById(id)?.getAttribute('aria-label') ?? '' : '';
    });
  await expect.poll(activeText).toContain(`${victim} restarted`);
  await expect(detail(page)).toContainText(`${victim} restarted`);
  await expect(page.locator('.marker-ring')).toHaveCount(1);

  // Home, End and the arrows walk the markers in time order.
  await page.keyboard.press('Home');
  const first = await activeText();
  await page.keyboard.press('End');
  await expect.poll(activeText).toContain(`${victim} restarted`);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(activeText).toContain(`${victim} crashed`);
  await expect(detail(page)).toContainText(`${victim} crashed`);
  await page.keyboard.press('Home');
  await expect.poll(activeText).toBe(first);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(activeText).toBe(first);

  // Walk right to the crash marker and select it with Enter: the same as clicking it.
  for (let i = 0; i < markerCount && !(await activeText()).includes(`${victim} crashed`); i++) await page.keyboard.press('ArrowRight');
  expect(await activeText()).toContain(`${victim} crashed`);
  await page.keyboard.press('Enter');
  await expect(page.locator('.marker-crash')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.marker-crash')).toHaveClass(/selected/);
  await expect(page.getByTestId('inspector')).toContainText(victim);
  await expect(list(page)).toBeFocused();
  await shot(page, 'timeline-keyboard');

  // Space selects too, and does not play/pause while the timeline has focus.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  const second = await activeText();
  await page.keyboard.press(' ');
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(true);
  await expect(page.locator('[data-testid="timeline-markers"] [aria-selected="true"]')).toHaveAttribute('aria-label', second);
  await expect(page.locator('.marker-crash')).toHaveAttribute('aria-selected', 'false');

  // The timeline is one tab stop: the next Tab leaves it.
  await page.keyboard.press('Tab');
  await expect(list(page)).not.toBeFocused();
  expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="timeline-markers"]') ?? null)).toBeNull();
});
