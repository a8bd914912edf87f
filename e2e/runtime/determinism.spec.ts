import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { determinismScript } from '../../src/runtime/playgroundScripts.ts';
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
