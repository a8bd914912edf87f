import { test } from '@playwright/test';
import { expect, openPlayground, shot } from './driver.ts';

test('heartbeatTicks=3 in the page (worker-hosted members): a leader beats every 300 virtual ms; settings offer and check it', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=9&heartbeatTicks=3');
  expect(await page.evaluate(() => window.etcdPlayground!.settings().heartbeatTicks)).toBe(3);
  const gaps = await page.evaluate(async () => {
    const pg = window.etcdPlayground!;
    pg.pause();
    const leader = pg.leader()!.name;
    await pg.runFor(3000);
    const from = pg.now() - 2000;
    const out: number[] = [];
    for (const f of pg.members().filter((m) => m.name !== leader)) {
      const t = pg.trace().filter((e) => e.kind === 'send' && e.actor === leader && e.peer === f.name && /^MsgHeartbeat /.test(e.detail) && e.atMs >= from).map((e) => e.atMs);
      for (let i = 1; i < t.length; i++) out.push(t[i]! - t[i - 1]!);
    }
    return { out, same: pg.leader()?.name === leader };
  });
  expect(gaps.same).toBe(true);
  expect(gaps.out.length).toBeGreaterThan(5);
  expect(new Set(gaps.out)).toEqual(new Set([300]));

  await page.getByRole('tab', { name: 'Settings' }).click();
  const hb = page.getByTestId('set-heartbeatTicks');
  await expect(hb).toHaveValue('3');
  await expect(hb).toHaveAttribute('max', '9');
  // 10 election ticks under 5 heartbeats of 3 ticks: etcd 3.4 would refuse it; the panel says so.
  await expect(page.getByTestId('heartbeat-note')).toContainText('etcd 3.4 refuses to start');
  await shot(page, 'settings-heartbeat');
  await hb.fill('10');
  await expect(page.getByTestId('heartbeat-note')).toContainText('from 1 to 9');
  // The form will not submit a value over its maximum, and the cluster keeps running as it was.
  expect(await hb.evaluate((el) => (el as HTMLInputElement).validity.rangeOverflow)).toBe(true);
  await page.getByTestId('apply-settings').click();
  expect(await page.evaluate(() => window.etcdPlayground!.settings().heartbeatTicks)).toBe(3);
  // A script gets the runtime's reason, and nothing changes either.
  const err = await page.evaluate(() => window.etcdPlayground!.reset({ heartbeatTicks: 10 }).then(() => 'accepted', (e: Error) => e.message));
  expect(err).toBe('settings.heartbeatTicks must be a whole number in [1, electionTicks - 1] = [1, 9], got 10');
  expect(await page.evaluate(() => window.etcdPlayground!.settings().heartbeatTicks)).toBe(3);
  await hb.fill('2');
  await page.getByTestId('apply-settings').click();
  await expect.poll(() => page.evaluate(() => window.etcdPlayground!.settings().heartbeatTicks)).toBe(2);
  await expect(page.getByTestId('heartbeat-note')).toHaveCount(0);
});
