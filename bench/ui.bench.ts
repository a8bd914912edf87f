/**
 * UI frame budget: the built page with 7 members under a client workload at real-time speed,
 * driven by Playwright in Debian's Chromium. Prints the frame-time median and p95 (from
 * requestAnimationFrame deltas) and the long tasks (> 50 ms, PerformanceObserver 'longtask')
 * seen in steady state, i.e. after a warm-up.
 *
 *   npm run bench:ui
 *   UI_BENCH_SECONDS=60 UI_BENCH_WARMUP=5 UI_BENCH_RATE=50 UI_BENCH_URL=http://127.0.0.1:4173 npm run bench:ui
 *   UI_BENCH_PROFILE=/tmp/ui.cpuprofile npm run bench:ui   # also a main-thread CPU profile of the
 *       measured window (open it in Chromium's DevTools), with the heaviest functions printed; an
 *       unminified build (`npx vite build --minify false`) gives readable names
 *   UI_BENCH_LONG_TASKS=1 npm run bench:ui   # lists each long task's length and when it started
 *   UI_BENCH_QUERY='&foo=1' npm run bench:ui  # appended to the page's query string
 *   UI_BENCH_SPEED=max npm run bench:ui       # another speed than real time (1)
 *   UI_BENCH_INSPECT=m1 npm run bench:ui      # with member m1 selected (the inspector open)
 *   UI_BENCH_LOSS=0.05 npm run bench:ui       # with 5% loss on every link
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
const profilePath = process.env.UI_BENCH_PROFILE ?? '';
const listLongTasks = process.env.UI_BENCH_LONG_TASKS === '1';
/** 1 = real time (the target's condition); another speed or 'max' to see how the page copes. */
const speed = process.env.UI_BENCH_SPEED ?? '1';
/** Loss rate on every link (0..1), e.g. 0.05: drops and retransmissions to draw. */
const loss = Number(process.env.UI_BENCH_LOSS ?? 0);
/** A member to select once the workload runs, so the inspector (its Raft tab) is open while measuring. */
const inspect = process.env.UI_BENCH_INSPECT ?? '';
/** More of the page's query string, e.g. "&projector=1". */
const extraQuery = process.env.UI_BENCH_QUERY ?? '';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self and total time per function (recursion counted once), heaviest first. */
function summarizeProfile(p: CpuProfile, top: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode): string => {
    const f = n.callFrame;
    const file = f.url.replace(/^.*\//, '');
    return `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    let id: number | undefined = p.samples[i]!;
    const leaf = byId.get(id)!;
    all += dt;
    self.set(keyOf(leaf), (self.get(keyOf(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    while (id !== undefined) {
      const k = keyOf(byId.get(id)!);
      if (!seen.has(k)) {
        seen.add(k);
        total.set(k, (total.get(k) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  const fmt = (m: Map<string, number>): string =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `    ${v.toFixed(0).padStart(7)} ms ${((100 * v) / all).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `  profile: ${all.toFixed(0)} ms sampled\n  self time:\n${fmt(self)}\n  total time:\n${fmt(total)}`;
}

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
    await page.goto(`${base}/?members=${members}&seed=1${extraQuery}`);
    await page.waitForSelector('.app[data-status="ready"]', { timeout: 120_000 });
    await page.waitForFunction('!!window.etcdPlayground.leader()', null, { timeout: 120_000 });
    if (loss > 0) await page.evaluate(`window.etcdPlayground.setLink({ lossRate: ${loss} })`);
    await page.evaluate(`window.etcdPlayground.setSpeed(${speed === 'max' ? "'max'" : Number(speed)})`);
    await page.getByRole('tab', { name: 'Workload' }).click();
    await page.getByTestId('wl-rate').fill(String(rate));
    await page.getByTestId('wl-toggle').click();
    if (inspect) await page.locator(`[data-member="${inspect}"]`).click();
    // Collect frame deltas and long tasks in the page, then read them at the end. (A string, so
    // the page gets plain code, not code rewritten by the TypeScript loader.)
    await page.evaluate(`(() => {
      const warmMs = ${warmupSeconds * 1000};
      const b = { frames: [], longTasks: [], longStarts: [], start: performance.now(), virtualAtWarm: -1, wallAtWarm: 0 };
      window.__bench = b;
      let last = performance.now();
      const tick = (t) => {
        if (t - b.start > warmMs) {
          if (b.virtualAtWarm < 0) {
            b.virtualAtWarm = window.etcdPlayground.now();
            b.wallAtWarm = performance.now();
          }
          b.frames.push(t - last);
        }
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.startTime - b.start > warmMs) {
          b.longTasks.push(e.duration);
          b.longStarts.push(e.startTime - b.start);
        }
      }).observe({ type: 'longtask', buffered: false });
    })()`);
    // CPU time, unlike frame times, barely depends on what else the host runs: the main thread's
    // (ThreadTime) and the whole renderer's including the member workers (ProcessTime).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> => {
      const m = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      return Object.fromEntries(m.metrics.map((x) => [x.name, x.value]));
    };
    await page.waitForTimeout(warmupSeconds * 1000);
    const m0 = await metrics();
    const v0 = (await page.evaluate('window.etcdPlayground.now()')) as number;
    if (profilePath) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    await page.waitForTimeout(seconds * 1000);
    const m1 = await metrics();
    const v1 = (await page.evaluate('window.etcdPlayground.now()')) as number;
    const profile = profilePath ? ((await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }).profile : null;
    const r = (await page.evaluate(`({
      frames: window.__bench.frames,
      longTasks: window.__bench.longTasks,
      longStarts: window.__bench.longStarts,
      virtualPerWall: (window.etcdPlayground.now() - window.__bench.virtualAtWarm) / (performance.now() - window.__bench.wallAtWarm),
      flights: window.etcdPlayground.inFlight().length,
      nowMs: window.etcdPlayground.now(),
      ops: Number(document.querySelector('[data-testid="wl-summary"]')?.getAttribute('data-ops') ?? 0),
      lane: document.querySelector('[data-testid="history-verdict"]')?.textContent ?? '',
      safety: document.querySelector('[data-testid="invariant-monitor"]')?.getAttribute('data-state') ?? '',
    })`)) as { frames: number[]; longTasks: number[]; longStarts: number[]; virtualPerWall: number; flights: number; nowMs: number; ops: number; lane: string; safety: string };
    const sorted = [...r.frames].sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    const p95 = quantile(sorted, 0.95);
    const longest = r.longTasks.length ? Math.max(...r.longTasks) : 0;
    console.log(`bench:ui ${members} members, workload ${rate} ops/s, ${speed === '1' ? 'real-time speed' : `speed ${speed}`}, ${seconds} s measured after ${warmupSeconds} s warm-up`);
    console.log(`  frames:     ${r.frames.length} (${(r.frames.length / seconds).toFixed(1)} fps)`);
    console.log(`  frame time: median ${median.toFixed(2)} ms (target <= 16.7), p95 ${p95.toFixed(2)} ms (target <= 25)`);
    console.log(`  long tasks: ${r.longTasks.length} (> 50 ms; target 0)${r.longTasks.length ? `, longest ${longest.toFixed(0)} ms` : ''}`);
    if (listLongTasks) for (let i = 0; i < r.longTasks.length; i++) console.log(`    ${r.longTasks[i]!.toFixed(0)} ms at ${(r.longStarts[i]! / 1000).toFixed(2)} s`);
    console.log(`  world:      ${r.virtualPerWall.toFixed(2)} virtual s per wall s in the measured window (1.00 = keeping up with real time)`);
    console.log(`  workload:   ${r.ops} operations answered; virtual clock at ${(r.nowMs / 1000).toFixed(1)} s; ${r.flights} messages in flight at the end`);
    // The history lane checks the whole history as it runs, and the Raft safety lights every step.
    console.log(`  checkers:   ${r.lane.trim()}; Raft safety ${r.safety}`);
    const wallS = m1.Timestamp! - m0.Timestamp!;
    const virtualS = (v1 - v0) / 1000;
    const d = (k: string): number => (m1[k] ?? 0) - (m0[k] ?? 0);
    const perWall = (k: string): string => `${((1000 * d(k)) / wallS).toFixed(0)} ms/s`;
    const perVirtual = (k: string): string => (virtualS > 0 ? `${((1000 * d(k)) / virtualS).toFixed(0)} ms per virtual s` : '–');
    console.log(`  main CPU:   ${perWall('ThreadTime')} (${perVirtual('ThreadTime')}); tasks ${perWall('TaskDuration')}, script ${perWall('ScriptDuration')}, style+layout ${((1000 * (d('RecalcStyleDuration') + d('LayoutDuration'))) / wallS).toFixed(0)} ms/s`);
    console.log(`  page CPU:   ${perWall('ProcessTime')} (${perVirtual('ProcessTime')}) with the member workers`);
    const load = await import('node:os').then((os) => os.loadavg());
    console.log(`  host load:  ${load.map((x) => x.toFixed(2)).join(' ')} (1, 5, 15 min)`);
    if (profile && profilePath) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(profilePath, JSON.stringify(profile));
      console.log(summarizeProfile(profile, Number(process.env.UI_BENCH_PROFILE_TOP ?? 25)));
      console.log(`  profile written to ${profilePath}`);
    }
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
