import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { determinismScript, everyActionScript } from '../../src/runtime/playgroundScripts.ts';
import { openRuntime } from './driver.ts';

const seed = 5;

test('the worker host in Chromium and the in-process host in Node give the same trace hash for the same seed and script', async ({ page }) => {
  // Node: the in-process host with in-memory storage.
  // (run by tsx in its own process: Playwright's module loader does not resolve every import the engine uses)
  const nodeHash = execFileSync('npx', ['tsx', 'e2e/runtime/nodeTraceHash.ts', String(seed), '3'], { encoding: 'utf8' }).trim();
  expect(nodeHash).toMatch(/^[0-9a-f]{8}$/);

  // Chromium: one worker and one IndexedDB database per member, the same script's source.
  await openRuntime(page, `members=3&seed=${seed}&paused=1`);
  const browserHash = await page.evaluate(`(${determinismScript.toString()})(window.etcdPlayground)`);
  const workers = await page.evaluate(() => window.etcdPlaygroundRuntime!.workers.started);
  console.log(`trace hash: node ${nodeHash}, chromium ${String(browserHash)} (${workers} workers started)`);
  expect(workers).toBeGreaterThanOrEqual(4); // three members and one restart
  expect(browserHash).toBe(nodeHash);
});

test('every kind of recorded action gives the same trace hash in workers as in Node, and Node\'s recording replays in the browser to that hash', async ({ page, browser }) => {
  const seed2 = 7;
  const node = JSON.parse(execFileSync('npx', ['tsx', 'e2e/runtime/nodeTraceHash.ts', String(seed2), '3', 'everyAction', '--recording'], { encoding: 'utf8' }).trim()) as {
    hash: string;
    traceHash: string;
    actions: unknown[];
    endMs: number;
  };
  expect(node.hash).toMatch(/^[0-9a-f]{8}$/);
  expect(node.actions.length).toBeGreaterThan(30);

  await openRuntime(page, `members=3&seed=${seed2}&paused=1`);
  const browserHash = await page.evaluate(`(${everyActionScript.toString()})(window.etcdPlayground)`);
  console.log(`every-action trace hash (seed ${seed2}): node ${node.hash}, chromium ${String(browserHash)}; ${node.actions.length} actions over ${node.endMs} virtual ms`);
  expect(browserHash).toBe(node.hash);

  // A fresh context (fresh workers and an empty IndexedDB): Node's recording, replayed into the workers.
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await openRuntime(fresh, `members=3&seed=${seed2}&paused=1`);
  const replayed = await fresh.evaluate(
    async ({ actions, endMs }) => {
      const pg = window.etcdPlayground as unknown as { replay(a: unknown[], o: { untilMs: number }): Promise<void>; traceHash(): string; now(): number };
      await pg.replay(actions, { untilMs: endMs });
      return { hash: pg.traceHash(), nowMs: pg.now() };
    },
    { actions: node.actions, endMs: node.endMs },
  );
  await context.close();
  expect(replayed.nowMs).toBe(node.endMs);
  expect(replayed.hash).toBe(node.traceHash);
});
