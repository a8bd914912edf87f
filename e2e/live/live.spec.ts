/**
 * Live mode on a real etcd 3.4 (Debian's etcd-server, started here on loopback with temporary
 * data directories, stopped by PID): the built page, Debian's Chromium, no simulation.
 */
import { test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { ETCDCTL_BINARY, freePort, startRealEtcd, type RealEtcd } from '../../src/client/testing/realEtcd.ts';
import { expect, shot } from '../ui/driver.ts';

async function run(page: Page, line: string): Promise<void> {
  const before = await page.getByTestId('console-entry').count();
  await page.getByTestId('console-input').fill(line);
  await page.getByTestId('console-input').press('Enter');
  await expect(page.getByTestId('console-entry')).toHaveCount(before + 1);
  await expect(page.getByTestId('console-entry').last()).not.toHaveClass(/running/);
}

const lastEntry = (page: Page) => page.getByTestId('console-entry').last();

async function openLive(page: Page, query: string): Promise<void> {
  await page.goto(`/?${query}`);
  await expect(page.locator('.live-app')).toBeVisible();
}

async function connectForm(page: Page, endpoints: string, opts: { via?: 'direct' | 'proxy'; user?: string; password?: string } = {}): Promise<void> {
  await openLive(page, 'live');
  await page.getByTestId('live-endpoints').fill(endpoints);
  if (opts.via === 'proxy') await page.getByTestId('live-via-proxy').check();
  if (opts.user !== undefined) await page.getByTestId('live-user').fill(opts.user);
  if (opts.password !== undefined) await page.getByTestId('live-password').fill(opts.password);
  await page.getByTestId('live-connect').click();
}

async function leaderOnPage(page: Page): Promise<string> {
  await expect(page.getByTestId('live-leader')).not.toHaveText('none');
  return (await page.getByTestId('live-leader').textContent())!.trim();
}

test.describe.serial('live mode on a real 3-member etcd', () => {
  let etcd: RealEtcd;
  test.beforeAll(async ({ baseURL }) => {
    etcd = await startRealEtcd({ members: 3, extraArgs: [`--cors=${new URL(baseURL!).origin}`] });
  });
  test.afterAll(async () => {
    await etcd?.stop();
  });

  test('shows the members and the leader; a put appears in the keys and the watch feed; a killed leader is shown gone and replaced, and comes back', async ({ page }) => {
    await openLive(page, `live=${etcd.endpoints.join(',')}&poll=0.5`);
    await expect(page.locator('.live-app')).toHaveAttribute('data-connected', 'yes');
    for (const m of ['m1', 'm2', 'm3']) await expect(page.getByTestId(`live-member-${m}`)).toHaveAttribute('data-up', 'yes');
    const leader = await leaderOnPage(page);
    // The page's leader is the one every real member reports.
    const reported = new Set(
      etcd.endpoints.map((ep) => JSON.parse(execFileSync(ETCDCTL_BINARY, [`--endpoints=${ep}`, 'endpoint', 'status', '-w', 'json'], { env: { ...process.env, ETCDCTL_API: '3' } }).toString())[0].Status.leader as number),
    );
    expect(reported.size).toBe(1);
    await expect(page.getByTestId(`live-member-${leader}`)).toHaveAttribute('data-role', 'leader');
    await expect(page.locator('[data-role=leader]')).toHaveCount(1);
    await expect(page.getByTestId('live-note')).toContainText('does not show its messages in flight');
    await shot(page, 'live-connected', true);

    await page.getByTestId('live-readonly').uncheck();
    await run(page, 'put /demo/a 1');
    await expect(lastEntry(page)).toContainText('OK');
    await page.getByTestId('live-tab-keys').click();
    await expect(page.getByTestId('live-keys')).toContainText('/demo/a');
    await page.getByTestId('live-tab-watch').click();
    await expect(page.getByTestId('live-watch-event')).toHaveCount(1);
    await expect(page.getByTestId('live-watch-event').first()).toContainText('PUT /demo/a = 1');

    // Kill the leader's process: the view shows it gone and another member leading.
    const pid = etcd.members.find((m) => m.name === leader)!.pid;
    etcd.killMember(leader);
    await expect(page.getByTestId(`live-member-${leader}`)).toHaveAttribute('data-up', 'no', { timeout: 30_000 });
    await page.getByTestId('live-tab-members').click();
    await expect(page.getByTestId('live-leader')).not.toHaveText(leader, { timeout: 30_000 });
    await expect(page.getByTestId('live-leader')).not.toHaveText('none', { timeout: 30_000 });
    const next = await leaderOnPage(page);
    expect(next).not.toBe(leader);
    await expect(page.getByTestId(`live-member-${next}`)).toHaveAttribute('data-role', 'leader');
    await expect(page.getByTestId('live-changes')).toContainText(`${leader} stopped answering`);
    await expect(page.getByTestId('live-changes')).toContainText(`${next} is the leader`);
    await shot(page, 'live-leader-killed', true);
    expect(pid).toBeGreaterThan(0);

    // A put meanwhile reaches the feed once, whichever member its stream was on.
    await run(page, 'put /demo/b 2');
    await expect(lastEntry(page)).toContainText('OK');
    await page.getByTestId('live-tab-watch').click();
    await expect(page.getByTestId('live-watch-event')).toHaveCount(2, { timeout: 30_000 });
    await expect(page.getByTestId('live-watch-events')).toContainText('PUT /demo/b = 2');

    await etcd.restartMember(leader);
    await expect(page.getByTestId(`live-member-${leader}`)).toHaveAttribute('data-up', 'yes', { timeout: 30_000 });
    await page.getByTestId('live-tab-members').click();
    await expect(page.getByTestId('live-changes')).toContainText(`${leader} answers again`);
    await expect(page.getByTestId('live-watch-event')).toHaveCount(0); // the feed is on its own tab
  });

  test('read-only refuses a put with a clear message, and nothing is written', async ({ page }) => {
    await openLive(page, `live=${etcd.endpoints.join(',')}`);
    await expect(page.getByTestId('live-readonly')).toBeChecked();
    await run(page, 'put ro-key v');
    await expect(lastEntry(page)).toHaveAttribute('data-exit', '1');
    await expect(lastEntry(page)).toContainText('Error: live mode is read-only: "put" would change the cluster. Switch read-only off (above the console) to run it.');
    await run(page, 'get ro-key');
    await expect(lastEntry(page)).toHaveAttribute('data-exit', '0');
    await expect(lastEntry(page).locator('pre')).toHaveCount(0);
    // Reading is allowed: a snapshot of the real database is offered for download. It must come
    // from one member, as etcdctl says; the endpoint picker adds --endpoints for it.
    await run(page, 'snapshot save live.db');
    await expect(lastEntry(page)).toContainText('snapshot must be requested to one selected node');
    await page.getByTestId('console-endpoint').selectOption(etcd.endpoints[1]!);
    await run(page, 'snapshot save live.db');
    await expect(lastEntry(page)).toContainText(`etcdctl --endpoints=${etcd.endpoints[1]} snapshot save live.db`);
    await expect(lastEntry(page)).toContainText('Snapshot saved at live.db');
    await expect(page.getByTestId('console-download')).toContainText('Download live.db');
    await shot(page, 'live-read-only');
  });

  test('a destructive command asks first: Cancel runs nothing, Run it deletes', async ({ page }) => {
    await openLive(page, `live=${etcd.endpoints.join(',')}`);
    await page.getByTestId('live-readonly').uncheck();
    await run(page, 'put doomed 1');
    await page.getByTestId('console-input').fill('del doomed');
    await page.getByTestId('console-input').press('Enter');
    await expect(page.getByTestId('live-confirm')).toContainText('etcdctl del doomed');
    await expect(page.getByTestId('live-confirm')).toContainText('deletes keys');
    await shot(page, 'live-confirm');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('live-confirm')).toHaveCount(0);
    await run(page, 'get doomed --print-value-only');
    await expect(lastEntry(page)).toContainText('1');
    await page.getByTestId('console-input').fill('del doomed');
    await page.getByTestId('console-input').press('Enter');
    await page.getByTestId('live-confirm-run').click();
    await expect(lastEntry(page)).toContainText('1');
    await expect(lastEntry(page)).toContainText('etcdctl del doomed');
    await run(page, 'get doomed');
    await expect(lastEntry(page).locator('pre')).toHaveCount(0);
  });

  test("through the page's proxy: the same cluster, with no CORS needed", async ({ page }) => {
    await connectForm(page, etcd.endpoints.join(', '), { via: 'proxy' });
    await expect(page.locator('.live-app')).toHaveAttribute('data-connected', 'yes');
    await expect(page.getByTestId('live-bar')).toContainText("through this page's proxy");
    for (const m of ['m1', 'm2', 'm3']) await expect(page.getByTestId(`live-member-${m}`)).toHaveAttribute('data-up', 'yes');
    await run(page, 'member list');
    await expect(lastEntry(page)).toContainText('started, m1');
  });
});

test.describe.serial('live mode refuses what it cannot use, each with its own message, and stays unconnected', () => {
  const refused = async (page: Page, text: string | RegExp): Promise<void> => {
    await expect(page.getByTestId('live-problems')).toContainText(text);
    await expect(page.locator('.live-app')).toHaveAttribute('data-connected', 'no');
  };

  test('a malformed endpoint', async ({ page }) => {
    await connectForm(page, '127.0.0.1');
    await refused(page, '"127.0.0.1": the port is missing');
  });

  test('an endpoint where nothing listens', async ({ page }) => {
    const port = await freePort();
    await connectForm(page, `127.0.0.1:${port}`);
    await refused(page, `127.0.0.1:${port}: could not connect`);
  });

  test('a URL that is not etcd (this page itself)', async ({ page, baseURL }) => {
    await connectForm(page, new URL(baseURL!).host);
    await refused(page, /this is not an etcd client URL: GET \/version answered HTTP \d+/);
  });

  test('an etcd without its gateway', async ({ page }) => {
    const etcd = await startRealEtcd({ extraArgs: ['--enable-grpc-gateway=false'] });
    try {
      await connectForm(page, etcd.endpoints[0]!);
      await refused(page, /answers, but its gRPC gateway is off/);
    } finally {
      await etcd.stop();
    }
  });

  test("an etcd whose --cors does not allow this page: the browser's refusal, told apart from no answer", async ({ page, baseURL }) => {
    const etcd = await startRealEtcd({ extraArgs: ['--cors=http://another.example:8080'] });
    try {
      await connectForm(page, etcd.endpoints[0]!);
      await refused(page, `the server does not allow the origin ${new URL(baseURL!).origin}. Start etcd with --cors=${new URL(baseURL!).origin}`);
      await shot(page, 'live-cors-refused');
    } finally {
      await etcd.stop();
    }
  });

  test('authentication: none given, a wrong password, then the right one', async ({ page }) => {
    const etcd = await startRealEtcd();
    try {
      const ctl = (...args: string[]) => execFileSync(ETCDCTL_BINARY, [`--endpoints=${etcd.endpoints[0]}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
      ctl('user', 'add', 'root:rootpw');
      ctl('auth', 'enable');
      ctl('--user=root:rootpw', 'put', 'guarded', 'yes');
      await connectForm(page, etcd.endpoints[0]!);
      await refused(page, 'this cluster has authentication on');
      await page.getByTestId('live-user').fill('root');
      await page.getByTestId('live-password').fill('nope');
      await page.getByTestId('live-connect').click();
      await refused(page, `${etcd.endpoints[0]}: etcdserver: authentication failed, invalid user ID or password`);
      await page.getByTestId('live-password').fill('rootpw');
      await page.getByTestId('live-connect').click();
      await expect(page.locator('.live-app')).toHaveAttribute('data-connected', 'yes');
      await expect(page.getByTestId('live-bar')).toContainText('as root');
      await run(page, 'get guarded --print-value-only');
      await expect(lastEntry(page)).toContainText('yes');
      // The token and the password are in no address and no storage.
      expect(page.url()).not.toContain('rootpw');
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
      expect(stored).not.toContain('rootpw');
    } finally {
      await etcd.stop();
    }
  });
});

test("the simulation's top bar leads to live mode, which starts no simulated member, and back", async ({ page }) => {
  await page.goto('/?members=3&seed=7');
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.getByTestId('open-live').click();
  await expect(page.locator('.live-app')).toBeVisible();
  await expect(page.getByTestId('live-endpoints')).toBeVisible();
  await expect(page.getByTestId('live-readonly')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { etcdPlayground?: unknown }).etcdPlayground === undefined)).toBe(true);
  await shot(page, 'live-connect-form', true);
  await page.getByTestId('live-back').click();
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
});
