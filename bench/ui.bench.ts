/**
 * UI frame budget: the built page with 7 members under a client workload at real-time speed,
 * driven by Playwright in Debian's Chromium. Prints the frame-time median and p95 (from
 * requestAnimationFrame deltas) and the long tasks (> 50 ms, PerformanceObserver 'longtask')
 * seen in steady state, i.e. after a warm-up.
 *
 *   npm run bench:ui
 *   UI_BENCH_SECONDS=60 UI_BENCH_WARMUP=5 UI_BENCH_RATE=50 UI_BENCH_URL=http://127.0.0.1:4173 npm run bench:ui
 *
 * Without UI_BENCH_URL it builds the page (when dist/ is missing) and starts `vite preview` itself.
 * Targets: median <= 16.7 ms, p95 <= 25 ms, no long tasks. Printed, never asserted.
 */
import { chromium } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, quantile, waitForHttp } from './benchSupport.ts';

const seconds = Number(process.env.UI_BENCH_SECONDS ?? 60);
const warmupSeconds = Number(process.env.UI_BENCH_WARMUP ?? 5);
const rate = Number(process.env.UI_BENCH_RATE ?? 50);
const members = Number(process.env.UI_BENCH_MEMBERS ?? 7);




async function main(): Promise<void> {
  let server: ChildProcess | null = null;
  let base = process.env.UI_BENCH_URL;
  if (!base) {
    if (!existsSync('dist/index.html')) {
      console.log('bench:ui: building the page…');
      const b = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
      if (b.status !== 0) throw new Error('bench:ui: vite build failed');
    }
    const port = await freePort();
    server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
    base = `http://127.0.0.1:${port}`;
    await waitForHttp(base, 60_000, 'bench:ui');
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${base}/?members=${members}&seed=1`);
    await page.waitForSelector('.app[data-status="ready"]', { timeout: 120_000 });
    await page.waitForFunction('!!window.etcdPlayground.leader()', null, { timeout: 120_000 });
    await page.evaluate('window.etcdPlayground.setSpeed(1)');
    await page.getByRole('tab', { name: 'Workload' }).click();
    await page.getByTestId('wl-rate').fill(String(rate));
    await page.getByTestId('wl-toggle').click();
    // Collect frame deltas and long tasks in the page, then read them at the end. (A string, so
    // the page gets plain code, not code rewritten by the TypeScript loader.)
    await page.evaluate(`(() => {
      const warmMs = ${warmupSeconds * 1000};
      const b = { frames: [], longTasks: [], start: performance.now() };
      window.__bench = b;
      let last = performance.now();
      const tick = (t) => {
        if (t - b.start > warmMs) b.frames.push(t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.startTime - b.start > warmMs) b.longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: false });
    })()`);
    await page.waitForTimeout((seconds + warmupSeconds) * 1000);
    const r = (await page.evaluate(`({
      frames: window.__bench.frames,
      longTasks: window.__bench.longTasks,
      flights: window.etcdPlayground.inFlight().length,
      nowMs: window.etcdPlayground.now(),
      ops: Number(document.querySelector('[data-testid="wl-summary"]')?.getAttribute('data-ops') ?? 0),
    })`)) as { frames: number[]; longTasks: number[]; flights: number; nowMs: number; ops: number };
    const sorted = [...r.frames].sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    const p95 = quantile(sorted, 0.95);
    const longest = r.longTasks.length ? Math.max(...r.longTasks) : 0;
    console.log(`bench:ui ${members} members, workload ${rate} ops/s, real-time speed, ${seconds} s measured after ${warmupSeconds} s warm-up`);
    console.log(`  frames:     ${r.frames.length} (${(r.frames.length / seconds).toFixed(1)} fps)`);
    console.log(`  frame time: median ${median.toFixed(2)} ms (target <= 16.7), p95 ${p95.toFixed(2)} ms (target <= 25)`);
    console.log(`  long tasks: ${r.longTasks.length} (> 50 ms; target 0)${r.longTasks.length ? `, longest ${longest.toFixed(0)} ms` : ''}`);
    console.log(`  workload:   ${r.ops} operations answered; virtual clock at ${(r.nowMs / 1000).toFixed(1)} s; ${r.flights} messages in flight at the end`);
  } finally {
    await browser.close();
    if (server?.pid) {
      try {
        process.kill(-server.pid);
      } catch {
        server.kill();
      }
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
