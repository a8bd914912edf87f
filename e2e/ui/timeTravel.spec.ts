import { test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import type { TimeMachine } from '../../src/scenario/timeMachine.ts';
import { expect, leaderName, openPlayground, shot, SHOTS } from './driver.ts';

declare global {
  interface Window {
    etcdPlaygroundTime?: TimeMachine;
  }
}

async function consoleRun(page: Page, line: string, expectText: string): Promise<void> {
  await page.getByTestId('console-input').fill(line);
  await page.getByTestId('console-input').press('Enter');
  await expect(page.locator('.console-entry').last()).toContainText(expectText);
}

/** A short run made from the page: two writes, the leader crashed, one more write. Paused at the end. */
async function makeRun(page: Page): Promise<{ oldLeader: string; crashAtMs: number; firstWriteAtMs: number; endMs: number }> {
  await consoleRun(page, 'put a 1', 'OK');
  await consoleRun(page, 'put b 2', 'OK');
  const oldLeader = await leaderName(page);
  await page.locator(`[data-member="${oldLeader}"]`).first().click();
  await page.getByRole('button', { name: /^Crash/ }).first().click();
  await page.waitForFunction((n) => !window.etcdPlayground!.members().find((m) => m.name === n)!.alive, oldLeader);
  await page.waitForFunction((n) => !!window.etcdPlayground!.leader() && window.etcdPlayground!.leader()!.name !== n, oldLeader, { timeout: 60_000 });
  await consoleRun(page, 'put after crash', 'OK');
  await page.evaluate(() => window.etcdPlayground!.pause());
  const crashAtMs = await page.evaluate(() => window.etcdPlaygroundTime!.recordedActions().find((a) => a.type === 'crash')!.atMs);
  // The first write was answered by then, so the old leader led from here to the crash.
  const firstWriteAtMs = await page.evaluate(() => window.etcdPlaygroundTime!.recordedActions().find((a) => a.type === 'request')!.atMs);
  const endMs = await page.evaluate(() => window.etcdPlayground!.now());
  return { oldLeader, crashAtMs, firstWriteAtMs, endMs };
}

/** makeRun, then a split and a heal from the Network presets, and a workload burst. */
async function makeFullRun(page: Page): Promise<void> {
  await makeRun(page);
  await page.evaluate(() => window.etcdPlayground!.resume());
  await page.getByRole('tab', { name: 'Network' }).click();
  await page.getByTestId('preset-split').click();
  await expect(page.locator('[data-island]')).toHaveCount(2);
  const splitAtMs = await page.evaluate(() => window.etcdPlayground!.now());
  await page.waitForFunction((t) => window.etcdPlayground!.now() > t + 1500, splitAtMs);
  await page.getByTestId('preset-heal').click();
  await page.getByRole('tab', { name: 'Workload' }).click();
  await page.getByTestId('wl-rate').fill('50');
  await page.getByTestId('wl-toggle').click();
  await expect.poll(async () => Number(await page.getByTestId('wl-summary').getAttribute('data-ops')), { timeout: 60_000 }).toBeGreaterThan(20);
  await page.getByTestId('wl-toggle').click();
  await expect(page.getByTestId('wl-summary')).toContainText('stopped');
  await page.evaluate(() => window.etcdPlayground!.pause());
}

/** Drags the scrubber's thumb to the point for `ms`, as a hand would. */
async function dragScrubberTo(page: Page, ms: number, endMs: number): Promise<void> {
  const box = (await page.getByTestId('scrubber').boundingBox())!;
  // A range thumb travels the track less its own width (about 16 px).
  const x = box.x + 8 + ((box.width - 16) * ms) / endMs;
  const live = box.x + box.width - 4;
  await page.mouse.move(live, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(x, box.y + box.height / 2, { steps: 10 });
  await page.mouse.up();
}

async function pastSettled(page: Page): Promise<number> {
  await page.waitForFunction(() => {
    const v = window.etcdPlaygroundTime!.viewing();
    return v.mode === 'past' && !v.seeking && v.shownMs === v.targetMs;
  });
  return page.evaluate(() => (window.etcdPlaygroundTime!.viewing() as { targetMs: number }).targetMs);
}

test('dragging the scrubber before the crash shows the old leader alive and leading, the old keys, and the transcript then; End returns', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=31');
  const run = await makeRun(page);
  const aimMs = Math.round((run.firstWriteAtMs + 200 + run.crashAtMs) / 2);
  await dragScrubberTo(page, aimMs, run.endMs);
  const atMs = await pastSettled(page);
  console.log(`run ${JSON.stringify(run)}; aimed at ${aimMs} ms, landed at ${atMs} ms`);
  expect(atMs).toBeGreaterThan(run.firstWriteAtMs);
  expect(atMs).toBeLessThan(run.crashAtMs);
  await expect(page.getByTestId('past-banner')).toContainText('Viewing the past');
  // The page shows the replayed cluster: the old leader up, leading.
  await expect(page.locator(`[data-member="${run.oldLeader}"]`).first()).toHaveAttribute('data-role', 'leader');
  expect(await page.evaluate((n) => window.etcdPlayground!.members().find((m) => m.name === n)!.alive, run.oldLeader)).toBe(true);
  // Its keys then: a and b, not the write made after the crash.
  // It is still selected from the crash (a second click would deselect it).
  const member = page.locator(`[data-member="${run.oldLeader}"]`).first();
  if ((await member.getAttribute('aria-pressed')) !== 'true') await member.click();
  await page.getByRole('tab', { name: 'MVCC' }).click();
  await expect(page.getByTestId('mvcc-table')).toContainText('b');
  await expect(page.getByTestId('mvcc-table')).not.toContainText('after');
  // The console as it stood then, and closed to commands.
  await expect(page.locator('.console-entry')).toHaveCount(2);
  await expect(page.getByTestId('console-input')).toBeDisabled();
  // Nothing can change in the past.
  const refused = await page.evaluate(() => window.etcdPlayground!.crash('m1').then(() => 'done', (e: Error) => e.message));
  expect(refused).toMatch(/viewing the past/);
  mkdirSync(SHOTS, { recursive: true });
  await shot(page, 'time-travel-past', true);

  // `]` steps forward a second; End is the present again.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(']');
  await page.waitForFunction((t) => (window.etcdPlaygroundTime!.viewing() as { targetMs?: number }).targetMs === t + 1000, atMs);
  await page.keyboard.press('End');
  await expect(page.getByTestId('past-banner')).toHaveCount(0);
  expect(await page.evaluate((n) => window.etcdPlayground!.members().find((m) => m.name === n)!.alive, run.oldLeader)).toBe(false);
  await expect(page.locator('.console-entry')).toHaveCount(3);
});

test('export a scenario, reload, import it: the same trace hash; the same through a Share link', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=32');
  await makeFullRun(page);
  const kinds = await page.evaluate(() => [...new Set(window.etcdPlaygroundTime!.recordedActions().map((a) => a.type))].sort());
  expect(kinds).toEqual(expect.arrayContaining(['crash', 'heal', 'partition', 'request']));

  // What the clients saw, as a history file the checkers read.
  const historyP = page.waitForEvent('download');
  await page.getByTestId('export-menu').click();
  await page.getByTestId('export-history').click();
  const historyPath = `${SHOTS}/exported-history.json`;
  mkdirSync(SHOTS, { recursive: true });
  await (await historyP).saveAs(historyPath);
  const history = JSON.parse(readFileSync(historyPath, 'utf8')) as { format: string; operations: { op: { type: string; request: { key?: string } }; outcome: { status: string } }[] };
  expect(history.format).toBe('etcd-playground-history');
  const puts = history.operations.filter((o) => o.op.type === 'put' && o.outcome.status === 'ok').map((o) => Buffer.from(o.op.request.key!, 'base64').toString());
  expect(puts.slice(0, 3)).toEqual(['a', 'b', 'after']);
  // The workload's burst (a mix of puts, gets and txns): more than 20 calls after the console's three.
  expect(history.operations.length).toBeGreaterThan(23);
  // Its calls are there whatever they answered (a burst just after a heal may meet an election).
  const keys = history.operations.map((o) => (o.op.request.key ? Buffer.from(o.op.request.key, 'base64').toString() : ''));
  expect(keys.some((k) => k.startsWith('wl/'))).toBe(true);

  const downloadP = page.waitForEvent('download');
  await page.getByTestId('export-menu').click();
  await page.getByTestId('export-scenario').click();
  const dl = await downloadP;
  const path = `${SHOTS}/exported-scenario.json`;
  mkdirSync(SHOTS, { recursive: true });
  await dl.saveAs(path);
  const scenario = JSON.parse(readFileSync(path, 'utf8')) as { format: string; traceHash: string; endMs: number; actions: unknown[] };
  expect(scenario.format).toBe('etcd-playground-scenario');
  expect(scenario.actions.length).toBeGreaterThan(5);
  expect(scenario.traceHash).toBe(await page.evaluate(() => window.etcdPlayground!.traceHash()));
  // The link, while we are here.
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/#scenario=[A-Za-z0-9_-]+$/);

  // Another run in a fresh page, then the file imported.
  await openPlayground(page, 'members=5&seed=99');
  await page.getByTestId('import-file').setInputFiles(path);
  await expect(page.locator('.notice').last()).toContainText('the same run as its author', { timeout: 90_000 });
  expect(await page.evaluate(() => window.etcdPlayground!.traceHash())).toBe(scenario.traceHash);
  expect(await page.evaluate(() => window.etcdPlayground!.now())).toBe(scenario.endMs);
  expect(await page.evaluate(() => window.etcdPlayground!.members().length)).toBe(3);

  // The Share link in a new page replays to the same hash.
  await page.goto('about:blank');
  await page.goto(url);
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.waitForFunction((h) => window.etcdPlayground?.traceHash() === h, scenario.traceHash, { timeout: 90_000 });
  expect(await page.evaluate(() => window.etcdPlayground!.now())).toBe(scenario.endMs);
});

test('continue from here forks: the new branch diverges, and returning to the first branch restores its hash', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=33');
  const run = await makeRun(page);
  const firstHash = await page.evaluate(() => window.etcdPlayground!.traceHash());
  await page.evaluate((t) => window.etcdPlaygroundTime!.seek(t), run.crashAtMs - 300);
  await pastSettled(page);
  await page.getByTestId('continue-here').click();
  await page.waitForFunction(() => window.etcdPlaygroundTime!.branches().length === 2 && window.etcdPlaygroundTime!.viewing().mode === 'live', null, { timeout: 90_000 });
  await expect(page.getByTestId('past-banner')).toHaveCount(0);
  // The live cluster is the past now: the old leader is alive again.
  expect(await page.evaluate((n) => window.etcdPlayground!.members().find((m) => m.name === n)!.alive, run.oldLeader)).toBe(true);
  await page.evaluate(() => window.etcdPlayground!.resume());
  await consoleRun(page, 'put fork 2', 'OK');
  await page.evaluate(() => window.etcdPlayground!.pause());
  const secondHash = await page.evaluate(() => window.etcdPlayground!.traceHash());
  expect(secondHash).not.toBe(firstHash);
  await expect(page.getByTestId('branch-select')).toBeVisible();
  await shot(page, 'time-travel-branches');
  await page.getByTestId('branch-select').selectOption('1');
  await page.waitForFunction((h) => window.etcdPlayground!.traceHash() === h, firstHash, { timeout: 90_000 });
  expect(await page.evaluate(() => window.etcdPlayground!.now())).toBe(run.endMs);
  expect(await page.evaluate((n) => window.etcdPlayground!.members().find((m) => m.name === n)!.alive, run.oldLeader)).toBe(false);
  // The first branch's transcript is back too.
  await expect(page.locator('.console-entry').last()).toContainText('put after crash');
});

test('a malformed scenario file or link is refused with a clear error and changes nothing', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=34');
  // Pausing lets the chunk of steps in flight finish; runFor(0) waits behind it.
  await page.evaluate(async () => {
    window.etcdPlayground!.pause();
    await window.etcdPlayground!.runFor(0);
  });
  const before = await page.evaluate(() => ({ hash: window.etcdPlayground!.traceHash(), now: window.etcdPlayground!.now(), seed: window.etcdPlayground!.settings().seed }));
  mkdirSync(SHOTS, { recursive: true });
  const bad = `${SHOTS}/bad-scenario.json`;
  writeFileSync(bad, '{"format":"etcd-playground-scenario","version":1,"settings":{"members":3');
  await page.getByTestId('import-file').setInputFiles(bad);
  await expect(page.locator('.notice.error').last()).toContainText('this scenario cannot be opened: this is not a scenario: it is not valid JSON');
  const tampered = `${SHOTS}/tampered-scenario.json`;
  const downloadP = page.waitForEvent('download');
  await page.getByTestId('export-menu').click();
  await page.getByTestId('export-scenario').click();
  await (await downloadP).saveAs(`${SHOTS}/good-scenario.json`);
  await page.getByTestId('export-menu').click();
  const good = JSON.parse(readFileSync(`${SHOTS}/good-scenario.json`, 'utf8')) as { endMs: number };
  good.endMs += 5000;
  writeFileSync(tampered, JSON.stringify(good));
  await page.getByTestId('import-file').setInputFiles(tampered);
  await expect(page.locator('.notice.error').last()).toContainText('checksum does not match its content');
  expect(await page.evaluate(() => ({ hash: window.etcdPlayground!.traceHash(), now: window.etcdPlayground!.now(), seed: window.etcdPlayground!.settings().seed }))).toEqual(before);

  await page.goto('/?members=3&seed=35#scenario=not*base64');
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(page.locator('.notice.error').last()).toContainText("this link's scenario cannot be opened: the link's scenario is not base64url text");
  // The page's own cluster runs as the URL's settings say.
  await page.waitForFunction(() => !!window.etcdPlayground!.leader());
  expect(await page.evaluate(() => window.etcdPlayground!.settings().seed)).toBe(35);
});

test('embed mode: the Share dialog gives an iframe whose page shows the same run with only the cluster, time controls and scrubber', async ({ page }) => {
  await openPlayground(page, 'members=3&seed=33');
  await consoleRun(page, 'put a 1', 'OK');
  await consoleRun(page, 'put b 2', 'OK');
  await page.evaluate(() => window.etcdPlayground!.pause());
  const hash = await page.evaluate(() => window.etcdPlayground!.traceHash());
  await page.getByTestId('share').click();
  const code = await page.getByTestId('share-embed').inputValue();
  const src = /<iframe src="([^"]+)"/.exec(code)![1]!.replace(/&amp;/g, '&');
  expect(new URL(src).searchParams.get('embed')).toBe('1');
  expect(src).toContain('#scenario=');

  await page.goto('about:blank');
  await page.goto(src);
  await expect(page.locator('.app')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.waitForFunction((h) => window.etcdPlayground?.traceHash() === h, hash, { timeout: 90_000 });
  await expect(page.locator('.app')).toHaveClass(/\bembed\b/);
  // The cluster, the time controls and the scrubber; no side panels, no console, no export menu.
  await expect(page.getByTestId('cluster-svg')).toBeVisible();
  await expect(page.getByTestId('scrubber')).toBeVisible();
  await expect(page.getByTestId('timeline')).toBeVisible();
  await expect(page.getByTestId('play-pause')).toBeVisible();
  await expect(page.locator('aside.side')).toHaveCount(0);
  await expect(page.getByTestId('console-input')).toHaveCount(0);
  await expect(page.getByTestId('export-menu')).toHaveCount(0);
  // The scrubber works there too: back to before the second write, one key; the title opens the full page.
  const firstAtMs = await page.evaluate(() => window.etcdPlaygroundTime!.recordedActions().filter((a) => a.type === 'request')[1]!.atMs - 1);
  await page.evaluate((t) => window.etcdPlaygroundTime!.seek(t), firstAtMs);
  await expect(page.locator('.app')).toHaveAttribute('data-view', 'past');
  const href = await page.locator('.topbar h1 a').getAttribute('href');
  expect(new URL(href!).searchParams.get('embed')).toBeNull();
  expect(href).toContain('#scenario=');
  await page.setViewportSize({ width: 960, height: 540 });
  await shot(page, 'embed-960x540');
});
