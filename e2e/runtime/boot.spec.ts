import { expect, test } from '@playwright/test';
import { installHelpers, openRuntime, type Helpers } from './driver.ts';

declare const h: Helpers;

for (const members of [3, 5]) {
  test(`${members} members, each in its own worker, elect a leader and a put is visible on every member`, async ({ page }) => {
    await openRuntime(page, `members=${members}&seed=${40 + members}&speed=max`);
    await installHelpers(page);
    expect(page.workers().length).toBe(members);
    expect(await page.evaluate(() => window.etcdPlaygroundRuntime!.workers.live)).toBe(members);
    const r = await page.evaluate(async () => {
      const pg = window.etcdPlayground!;
      const leader = await h.waitLeader();
      const c = pg.client();
      const put = await c.put({ key: 'greeting', value: 'hello' });
      const seen: Record<string, string | null> = {};
      for (const m of pg.members()) seen[m.name] = await h.valueOn(m.name, 'greeting', 'hello');
      return { leader, revision: put.header.revision, seen, names: pg.members().map((m) => m.name) };
    });
    expect(r.names).toHaveLength(members);
    expect(r.revision).toBeGreaterThan(1);
    for (const name of r.names) expect(r.seen[name], `value on ${name}`).toBe('hello');
  });
}

test('bad URL parameters are refused with a clear error', async ({ page }) => {
  await page.goto('/runtime.html?members=0&bogus=1');
  await page.waitForFunction(() => document.body.dataset.ready !== undefined);
  expect(await page.evaluate(() => document.body.dataset.ready)).toBe('error');
  const text = await page.textContent('#status');
  expect(text).toContain('members');
  expect(text).toContain('bogus');
  expect(page.workers().length).toBe(0);
});

test('the clock pauses while the tab is hidden and resumes when it is shown again', async ({ page }) => {
  await openRuntime(page, 'members=3&seed=7&speed=1');
  const setHidden = (hidden: boolean) =>
    page.evaluate((hidden) => {
      Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(false);
  await setHidden(true);
  const t1 = await page.evaluate(() => window.etcdPlayground!.time());
  await page.waitForTimeout(300);
  const t2 = await page.evaluate(() => window.etcdPlayground!.time());
  expect(t1.paused).toBe(true);
  expect(t2.nowMs).toBe(t1.nowMs);
  await setHidden(false);
  await page.waitForFunction((t) => window.etcdPlayground!.now() > t, t2.nowMs);
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(false);
  // A pause the user asked for is not undone by showing the tab.
  await page.evaluate(() => window.etcdPlayground!.pause());
  await setHidden(true);
  await setHidden(false);
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(true);
});
