/**
 * Throughput of the playground in the browser, against a real etcd 3.4 on loopback.
 *
 * For 3 and 5 members (one Web Worker + one IndexedDB database each, strict durability, the
 * clock "as fast as possible") and 64 concurrent clients: committed puts per wall second, p50/p99
 * put latency in wall ms, and the page's JS heap (after a forced GC) at the half-way mark and
 * after all puts (the page keeps a bounded trace ring, so the two should be close). After each,
 * the same puts on a real etcd 3.4 with as many members (Debian's /usr/bin/etcd) through its HTTP
 * gateway, with 64 clients and with 1 (latency).
 *
 *   npm run bench
 *   BENCH_PUTS=100000 BENCH_ETCD_PUTS=20000 BENCH_CLIENTS=64 BENCH_MEMBERS=3,5 npm run bench
 *   BENCH_WAL_FSYNC_MS=10 npm run bench      # the members' disk model (virtual ms per WAL write; default: the playground's)
 *
 * Builds the page when dist/runtime.html is missing (BENCH_BUILD=1 forces it) and starts
 * `vite preview` itself. BENCH_ETCD_PUTS=0 skips the real etcd. Figures are printed, never asserted.
 */
import { chromium, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, quantile, waitForHttp } from './benchSupport.ts';
import { GatewayClient } from '../src/client/gateway/gatewayClient.ts';
import { nodeHttpTransport } from '../src/client/gateway/nodeHttpTransport.ts';
import { realEtcdAvailable, startRealEtcd } from '../src/client/testing/realEtcd.ts';
import type {} from '../src/runtime/bootstrap.ts';

const puts = Number(process.env.BENCH_PUTS ?? 100_000);
const etcdPuts = Number(process.env.BENCH_ETCD_PUTS ?? 20_000);
const clients = Number(process.env.BENCH_CLIENTS ?? 64);
const memberCounts = (process.env.BENCH_MEMBERS ?? '3,5').split(',').map(Number);
const walFsyncMs = process.env.BENCH_WAL_FSYNC_MS;

interface Figures {
  puts: number;
  failed: number;
  wallMs: number;
  putsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}




/** Forces a GC in the page and returns its used JS heap in MB. */
async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return u.usedSize / 1024 / 1024;
}

/** Runs `count` puts from `clients` concurrent clients in the page; returns latencies and counts. */
async function pagePuts(page: Page, count: number, offset: number): Promise<{ latencies: number[]; failed: number; wallMs: number }> {
  return page.evaluate(
    async ({ count, clients, offset }) => {
      const pg = window.etcdPlayground!;
      const latencies: number[] = [];
      let next = 0;
      let failed = 0;
      const value = 'x'.repeat(16);
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async (_, j) => {
          const c = pg.client();
          while (next < count) {
            const i = next++;
            const s = performance.now();
            try {
              await c.put({ key: `bench/${j}/${(offset + i) % 1000}`, value });
              latencies.push(performance.now() - s);
            } catch {
              failed++;
            }
          }
          c.close();
        }),
      );
      return { latencies, failed, wallMs: performance.now() - t0 };
    },
    { count, clients, offset },
  );
}

function figures(latencies: number[], failed: number, wallMs: number): Figures {
  const sorted = latencies.slice().sort((a, b) => a - b);
  return { puts: latencies.length, failed, wallMs: Math.round(wallMs), putsPerSecond: Math.round((latencies.length / wallMs) * 1000), p50Ms: +quantile(sorted, 0.5).toFixed(2), p99Ms: +quantile(sorted, 0.99).toFixed(2) };
}

async function benchPlayground(base: string, members: number): Promise<void> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/runtime.html?members=${members}&seed=1&speed=max&durability=strict${walFsyncMs !== undefined ? `&walFsyncMs=${walFsyncMs}` : ''}`);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: 60_000 });
    if ((await page.evaluate(() => document.body.dataset.ready)) !== 'true') throw new Error(`bench: page failed: ${await page.textContent('#status')}`);
    await page.waitForFunction(() => window.etcdPlayground!.leader() !== undefined, undefined, { timeout: 60_000 });
    const heapStart = await heapMb(page);
    const half = Math.floor(puts / 2);
    const a = await pagePuts(page, half, 0);
    const heapHalf = await heapMb(page);
    const b = await pagePuts(page, puts - half, half);
    const heapEnd = await heapMb(page);
    const f = figures([...a.latencies, ...b.latencies], a.failed + b.failed, a.wallMs + b.wallMs);
    const trace = await page.evaluate(() => window.etcdPlayground!.trace().length);
    const fsync = await page.evaluate(() => window.etcdPlayground!.settings().walFsyncMs);
    console.log(
      `playground ${members} members (workers + IndexedDB, strict, WAL fsync ${fsync} virtual ms, speed max, ${clients} clients): ${f.puts} puts in ${(f.wallMs / 1000).toFixed(1)} s = ${f.putsPerSecond} puts/s, ` +
        `p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, failed ${f.failed}; page heap ${heapStart.toFixed(1)} MB at start, ${heapHalf.toFixed(1)} MB after ${half} puts, ${heapEnd.toFixed(1)} MB after ${puts} (trace ring ${trace} events)`,
    );
  } finally {
    await browser.close();
  }
}

/**
 * The same puts on a real etcd 3.4 with as many members, driven so the client is not the limit:
 * GatewayClient over Node's keep-alive http (Node's fetch costs several times the CPU per request
 * and held this figure to a quarter; see bench:member for the plain-client anchor beside it).
 */
async function benchRealEtcd(members: number): Promise<void> {
  if (etcdPuts <= 0) return;
  if (!realEtcdAvailable()) {
    console.log('real etcd: /usr/bin/etcd not found, skipped');
    return;
  }
  const etcd = await startRealEtcd({ members, clusterToken: `bench-${members}` });
  try {
    for (const n of [clients, 1]) {
      const transport = nodeHttpTransport();
      const latencies: number[] = [];
      let failed = 0;
      let next = 0;
      const total = n === 1 ? Math.min(etcdPuts, 2000) : etcdPuts;
      const value = 'x'.repeat(16);
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: n }, async (_, j) => {
          const c = new GatewayClient(etcd.clientUrls.slice(j % etcd.clientUrls.length).concat(etcd.clientUrls.slice(0, j % etcd.clientUrls.length)), { transport });
          while (next < total) {
            const i = next++;
            const s = performance.now();
            try {
              await c.put({ key: `bench/${j}/${i % 1000}`, value });
              latencies.push(performance.now() - s);
            } catch {
              failed++;
            }
          }
          c.close();
        }),
      );
      const f = figures(latencies, failed, performance.now() - t0);
      console.log(`real etcd 3.4, ${members} members on loopback (HTTP gateway, GatewayClient over keep-alive http, ${n} client${n > 1 ? 's' : ''}): ${f.puts} puts in ${(f.wallMs / 1000).toFixed(1)} s = ${f.putsPerSecond} puts/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, failed ${f.failed}`);
    }
  } finally {
    await etcd.stop();
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_BUILD === '1' || !existsSync('dist/runtime.html')) {
    console.log('bench: building the page…');
    const b = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('bench: vite build failed');
  }
  const port = await freePort();
  const server: ChildProcess = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/runtime.html`, 60_000, 'bench');
    for (const n of memberCounts) {
      await benchPlayground(base, n);
      await benchRealEtcd(n);
    }
  } finally {
    if (server.pid) {
      try {
        process.kill(-server.pid);
      } catch {
        server.kill();
      }
    }
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
