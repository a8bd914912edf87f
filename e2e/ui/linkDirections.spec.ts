import { test, type Page } from '@playwright/test';
import { expect, memberNames, openPlayground, pause, pointOnLink, shot } from './driver.ts';

const detail = (page: Page, a: string, b: string) => page.evaluate(([x, y]) => window.etcdPlayground!.linkDetail(x!, y!), [a, b]);

test('link cycling shows both one-way directions, in the drawing, the label and the API', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=5');
  await pause(page);
  const [a, b] = (await memberNames(page)) as [string, string];
  const link = page.locator(`[data-link="${a}|${b}"]`);
  const click = async (shift = false) => {
    const p = await pointOnLink(page, a, b, 0.5);
    if (shift) await page.keyboard.down('Shift');
    await page.mouse.click(p.x, p.y);
    if (shift) await page.keyboard.up('Shift');
  };

  // A click cuts a→b one way: dashed toward b, with an arrowhead and ✕ there, and the words say so.
  await click();
  await expect(link).toHaveAttribute('data-state', 'cut-ab');
  await expect(link).toHaveAttribute('data-blocked', `${a}→${b}`);
  await expect(link).toHaveAttribute('aria-label', new RegExp(`${a}→${b} blocked \\(${b} no longer hears ${a}; ${b}→${a} still flows\\)`));
  await expect(link.locator('title')).toContainText(`${a}→${b} blocked`);
  await expect(link.locator('.link-line')).toHaveAttribute('marker-end', 'url(#blocked-arrow)');
  await expect(link.locator('.link-open-half')).toHaveCount(1);
  expect(await detail(page, a, b)).toMatchObject({ state: 'cut-one-way', cut: `${a}→${b}`, blockedFromTo: true, blockedToFrom: false });
  await shot(page, 'link-one-way-ab');

  // On to both ways, then healed.
  await click();
  await expect(link).toHaveAttribute('data-state', 'cut-both');
  expect((await detail(page, a, b)).cut).toBe('both');
  await click();
  await expect(link).toHaveAttribute('data-state', 'healthy');

  // Shift+click cuts the other way first: b→a.
  await click(true);
  await expect(link).toHaveAttribute('data-state', 'cut-ba');
  await expect(link).toHaveAttribute('data-blocked', `${b}→${a}`);
  await expect(link).toHaveAttribute('aria-label', new RegExp(`${b}→${a} blocked \\(${a} no longer hears ${b}; ${a}→${b} still flows\\)`));
  await expect(link.locator('.link-line')).toHaveAttribute('marker-start', 'url(#blocked-arrow-rev)');
  expect(await detail(page, a, b)).toMatchObject({ state: 'cut-one-way', cut: `${b}→${a}`, blockedFromTo: false, blockedToFrom: true });
  await shot(page, 'link-one-way-ba');

  // By keyboard too: Enter cycles on (both ways, healed), Shift+Enter starts with b→a again.
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(link).toHaveAttribute('data-state', 'cut-both');
  await page.keyboard.press('Enter');
  await expect(link).toHaveAttribute('data-state', 'healthy');
  await page.keyboard.press('Shift+Enter');
  await expect(link).toHaveAttribute('data-state', 'cut-ba');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(link).toHaveAttribute('data-state', 'healthy');

  // A script's one-way cut shows its true direction, and turning it around is seen.
  await page.evaluate(([x, y]) => window.etcdPlayground!.cut(y!, x!, { oneWay: true }), [a, b]);
  await expect(link).toHaveAttribute('data-state', 'cut-ba');
  await page.evaluate(([x, y]) => {
    window.etcdPlayground!.restore(x!, y!);
    window.etcdPlayground!.cut(x!, y!, { oneWay: true });
  }, [a, b]);
  await expect(link).toHaveAttribute('data-state', 'cut-ab');
  await page.evaluate(() => window.etcdPlayground!.heal());
  await expect(link).toHaveAttribute('data-state', 'healthy');
});

test('the network panel sets a link to either one-way direction or both', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=5');
  await pause(page);
  const [a, b] = (await memberNames(page)) as [string, string];
  const link = page.locator(`[data-link="${a}|${b}"]`);
  await page.getByRole('tab', { name: 'Network' }).click();
  const set = page.getByRole('combobox', { name: `link ${a}–${b}` });
  await set.selectOption({ label: `${b}→${a} cut (one way)` });
  await expect(link).toHaveAttribute('data-state', 'cut-ba');
  await expect(page.getByTestId(`link-state-${a}-${b}`)).toContainText(`${b}→${a} cut`);
  expect((await detail(page, a, b)).cut).toBe(`${b}→${a}`);
  await set.selectOption({ label: `${a}→${b} cut (one way)` });
  await expect(link).toHaveAttribute('data-state', 'cut-ab');
  expect((await detail(page, a, b)).cut).toBe(`${a}→${b}`);
  await set.scrollIntoViewIfNeeded();
  await shot(page, 'network-link-directions');
  await set.selectOption({ label: 'cut both ways' });
  await expect(link).toHaveAttribute('data-state', 'cut-both');
  expect((await detail(page, a, b)).cut).toBe('both');
  await set.selectOption({ label: 'healthy' });
  await expect(link).toHaveAttribute('data-state', 'healthy');
  expect((await detail(page, a, b)).cut).toBe('none');
});
