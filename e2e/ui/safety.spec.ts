import { test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { expect, openPlayground, SHOTS, shot, typeCommand } from './driver.ts';

/**
 * With voteWithoutLogCheck on: a follower is cut off while the others commit, the leader crashes,
 * and the stale follower asks for votes. Driven paused, step by step, so no timer races the
 * moves. Returns the stale member's name.
 */
async function staleCandidateWins(page: import('@playwright/test').Page): Promise<string> {
  return page.evaluate(async () => {
    const pg = window.etcdPlayground!;
    pg.pause();
    const settle = async <T,>(p: Promise<T>) => {
      let done = false;
      void p.then(() => (done = true), () => (done = true));
      while (!done) await pg.runFor(50);
    };
    const leader = pg.leader()!.name;
    const [stale, other] = pg.members().map((m) => m.name).filter((n) => n !== leader) as [string, string];
    const c = pg.client({ endpoints: [leader] });
    for (let i = 0; i < 3; i++) await settle(c.put({ key: `a${i}`, value: 'x' }));
    await pg.partition([[stale], [leader, other]]);
    for (let i = 0; i < 10; i++) await settle(c.put({ key: `b${i}`, value: 'y' }));
    await pg.runFor(500);
    await pg.crash(leader);
    await pg.runFor(3000);
    await pg.heal();
    await pg.campaign(stale);
    for (let i = 0; i < 60 && !pg.invariants().violation; i++) await pg.runFor(50);
    return stale;
  });
}

test('safety switch 2 from the URL: the badge says so, the monitor turns leader completeness red on the stale leader and stops the clock', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=9&unsafe=voteWithoutLogCheck');
  await expect(page.getByTestId('unsafe-badge')).toHaveText('⚠ unsafe 2');
  const monitor = page.getByTestId('invariant-monitor');
  await expect(monitor).toHaveAttribute('data-state', 'ok');
  for (const id of ['electionSafety', 'leaderAppendOnly', 'logMatching', 'leaderCompleteness', 'stateMachineSafety', 'durableState']) {
    await expect(page.getByTestId(`light-${id}`)).toHaveAttribute('data-state', 'green');
  }
  await page.getByTestId('invariants-toggle').click();
  await expect(page.getByTestId('light-logMatching')).toContainText('Log matching');
  await shot(page, 'invariants-green-unsafe', true);
  await page.getByTestId('invariants-toggle').click();
  const stale = await staleCandidateWins(page);
  await expect(monitor).toHaveAttribute('data-state', 'broken');
  await expect(page.getByTestId('light-leaderCompleteness')).toHaveAttribute('data-state', 'red');
  await expect(page.getByTestId('light-electionSafety')).toHaveAttribute('data-state', 'unknown');
  const box = page.getByTestId('invariant-violation');
  await expect(box).toContainText('Leader completeness broken');
  await expect(box).toContainText(`leader ${stale} of term`);
  await expect(page.getByTestId(`invariant-broken-${stale}`)).toBeVisible();
  // The clock stopped at the violation, and the timeline has its marker.
  expect(await page.evaluate(() => window.etcdPlayground!.time().paused)).toBe(true);
  await expect(page.locator('.marker.marker-invariant')).toHaveCount(1);
  await shot(page, 'invariants-red', true);
});

test('the same moves with every rule kept: the stale member cannot win, every light stays green', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=9');
  await expect(page.getByTestId('unsafe-badge')).toHaveCount(0);
  await staleCandidateWins(page);
  const checks = await page.evaluate(() => window.etcdPlayground!.invariants());
  expect(checks.violation).toBeNull();
  expect(checks.checks).toBeGreaterThan(100);
  await expect(page.getByTestId('invariant-monitor')).toHaveAttribute('data-state', 'ok');
  await shot(page, 'invariants-green', true);
});

test('Settings: the unsafe experiments section turns a switch on; Apply resets the cluster with it and puts it in the URL', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=2');
  await page.getByRole('tab', { name: 'Settings' }).click();
  const section = page.getByTestId('unsafe-experiments');
  await expect(section).toContainText('Unsafe experiments');
  await expect(section).toContainText('3. serve linearizable reads without ReadIndex');
  await expect(section).toContainText('5. acknowledge a write before it is on disk');
  await page.getByTestId('unsafe-skipReadIndex').check();
  await page.getByTestId('unsafe-ackBeforeDurable').check();
  await page.getByTestId('unsafe-noPreVoteCheckQuorum').check();
  await expect(section).toHaveClass(/ on/);
  await shot(page, 'settings-unsafe');
  await page.getByTestId('apply-settings').click();
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('unsafe-badge')).toHaveText('⚠ unsafe 3 5 6');
  const s = await page.evaluate(() => window.etcdPlayground!.settings());
  expect(s.unsafe).toEqual(['skipReadIndex', 'ackBeforeDurable']);
  expect([s.preVote, s.checkQuorum]).toEqual([false, false]);
  expect(new URL(page.url()).searchParams.get('unsafe')).toBe('skipReadIndex,ackBeforeDurable');
});

test('an unknown switch in the URL is refused by name and nothing starts', async ({ page }) => {
  await page.goto('/?members=3&seed=2&unsafe=skipReadIndex,noWal');
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'error', { timeout: 60_000 });
  await expect(page.locator('.boot-error')).toContainText('unknown safety switch "noWal"');
  expect(page.workers().length).toBe(0);
});

/**
 * Through the UI only: x=1, isolate the leader (Network preset), x=2 through a member of the
 * majority once it has a leader, then `get x` through the old leader. Returns the old leader.
 */
async function staleReadThroughUi(page: import('@playwright/test').Page): Promise<string> {
  const entries = page.getByTestId('console-entry');
  const old = await page.evaluate(() => window.etcdPlayground!.leader()!.name);
  await typeCommand(page, 'put x 1');
  await expect(entries.last()).toContainText('OK');
  await page.getByRole('tab', { name: 'Network' }).click();
  await page.getByTestId('preset-isolate').click();
  const other = await page.evaluate(() => window.etcdPlayground!.members().map((m) => m.name));
  const majority = other.filter((n) => n !== old);
  await page.waitForFunction((ns) => window.etcdPlayground!.members().some((m) => ns.includes(m.name) && m.role === 'leader' && m.alive), majority, { timeout: 60_000 });
  await page.getByTestId('console-endpoint').selectOption(majority[0]!);
  await typeCommand(page, 'put x 2');
  await expect(entries.last()).toContainText('OK', { timeout: 30_000 });
  await page.getByTestId('console-endpoint').selectOption(old);
  await typeCommand(page, 'get x --print-value-only');
  return old;
}

test('history lane: with switch 3 a read through the isolated old leader is stale, and the lane turns red and names it; with the rule kept it stays green', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=5&requestTimeoutMs=2000&speed=4');
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('unsafe-skipReadIndex').check();
  await page.getByTestId('apply-settings').click();
  await expect(page.getByTestId('unsafe-badge')).toHaveText('⚠ unsafe 3');
  await page.waitForFunction(() => !!window.etcdPlayground!.leader(), null, { timeout: 60_000 });
  const lane = page.getByTestId('history-lane');
  await staleReadThroughUi(page);
  const entries = page.getByTestId('console-entry');
  await expect(entries.last().locator('pre.stdout')).toHaveText('1\n');
  await expect(lane).toHaveAttribute('data-result', 'illegal');
  await expect(page.getByTestId('history-verdict')).toContainText('not linearizable');
  await expect(page.getByTestId('history-verdict')).toContainText('returned "x"="1" after the write "x"="2" had completed');
  await expect(page.locator('[data-testid^="history-op-"][data-involved="true"]')).toHaveCount(2);
  await shot(page, 'history-lane-red', true);

  // The rule kept: the same moves, and the read through the old leader never answers.
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('unsafe-skipReadIndex').uncheck();
  await page.getByTestId('apply-settings').click();
  await expect(page.getByTestId('unsafe-badge')).toHaveCount(0);
  await page.waitForFunction(() => !!window.etcdPlayground!.leader(), null, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Clear' }).click();
  await staleReadThroughUi(page);
  await expect(entries.last().locator('pre.stderr')).toContainText('context deadline exceeded', { timeout: 60_000 });
  await expect(lane).toHaveAttribute('data-result', 'ok');
  await expect(page.getByTestId('history-verdict')).toContainText('✓ linearizable');
  await shot(page, 'history-lane-green', true);
});

test('the bug finder\'s counterexamples (found and shrunk in Node) replay in the page to the same trace hash and the same failure', async ({ page }) => {
  test.setTimeout(240_000);
  for (const [sw, check, light] of [
    ['voteWithoutLogCheck', 'invariant', 'leaderCompleteness'],
    ['skipReadIndex', 'history', ''],
    // Clock drift replays in the page's workers as it ran in Node.
    ['leaseReads', 'history', ''],
    ['ackBeforeDurable', 'invariant', 'durableState'],
  ] as const) {
    const out = `${SHOTS}/counterexample-${sw}.json`;
    mkdirSync(SHOTS, { recursive: true });
    const run = spawnSync('npx', ['tsx', 'scripts/findBug.ts', sw, '--seeds=100', `--out=${out}`], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    console.log(run.stdout.trim());
    const scenario = JSON.parse(readFileSync(out, 'utf8')) as { traceHash: string; endMs: number; settings: { unsafe: string[] } };
    expect(scenario.settings.unsafe).toEqual([sw]);
    await openPlayground(page, 'members=3&seed=99');
    await page.getByTestId('import-file').setInputFiles(out);
    await expect(page.locator('.notice').last()).toContainText('the same run as its author', { timeout: 90_000 });
    expect(await page.evaluate(() => window.etcdPlayground!.traceHash())).toBe(scenario.traceHash);
    await expect(page.getByTestId('unsafe-badge')).toBeVisible();
    if (check === 'invariant') {
      await expect(page.getByTestId('invariant-monitor')).toHaveAttribute('data-state', 'broken');
      await expect(page.getByTestId(`light-${light}`)).toHaveAttribute('data-state', 'red');
    } else {
      await expect(page.getByTestId('history-lane')).toHaveAttribute('data-result', 'illegal');
    }
    await shot(page, `counterexample-${sw}`);
  }
});

test('the bug finder in the page: with switch 3 on it finds a stale read in a worker, shrinks it, and opens it as the run to step through', async ({ page }) => {
  test.setTimeout(240_000);
  await openPlayground(page, 'members=3&seed=1&unsafe=skipReadIndex&requestTimeoutMs=2000');
  await page.getByRole('tab', { name: 'Settings' }).click();
  const finder = page.getByTestId('bug-finder');
  await page.getByTestId('finder-start').click();
  await expect(finder).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('finder-progress')).toContainText(/seed \d+/);
  // The page stays live while the worker searches.
  const t0 = await page.evaluate(() => window.etcdPlayground!.now());
  await expect.poll(() => page.evaluate(() => window.etcdPlayground!.now()), { timeout: 30_000 }).toBeGreaterThan(t0);
  await expect(finder).toHaveAttribute('data-status', 'found', { timeout: 180_000 });
  await expect(page.getByTestId('finder-found')).toContainText('History not linearizable');
  await expect(page.getByTestId('finder-found')).toContainText(/Shrunk from 30 moves to \d+/);
  await shot(page, 'bug-finder-found');
  await page.getByTestId('finder-open').click();
  await expect(page.locator('.notice').last()).toContainText('the same run as its author', { timeout: 90_000 });
  await expect(page.getByTestId('history-lane')).toHaveAttribute('data-result', 'illegal');
  await shot(page, 'bug-finder-opened', true);
});

test('the bug finder can be stopped, and needs a switch on', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=1');
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByTestId('finder-start')).toBeDisabled();
  await page.goto('/?members=3&seed=1&unsafe=commitOldTerm');
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('finder-start').click();
  await expect(page.getByTestId('bug-finder')).toHaveAttribute('data-status', 'running');
  await page.getByTestId('finder-stop').click();
  await expect(page.getByTestId('bug-finder')).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('finder-start')).toBeEnabled();
});
