/**
 * Put throughput and wall-clock latency: a 3-member in-process playground cluster (zero network
 * latency: the simulator's 1 ms minimum, in virtual time) against a real 3-member etcd 3.4 on
 * loopback driven through its JSON gateway, both with 64 concurrent clients in closed loops.
 * Prints figures only. Run: npm run bench:member   (BENCH_SECONDS sets each run's length, default 5)
 */
import { GatewayClient } from '../src/client/gateway/gatewayClient.ts';
import type { EtcdClient } from '../src/client/client.ts';
import { realEtcdAvailable, startRealEtcd } from '../src/client/testing/realEtcd.ts';
import { createMemoryStorageFactory } from '../src/storage/memory/memoryStorageFactory.ts';
import { InProcessCluster } from '../src/runtime/inProcessCluster.ts';

const CLIENTS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const VALUE = 'v'.repeat(256);

interface Result {
  label: string;
  puts: number;
  failed: number;
  wallMs: number;
  latenciesMs: number[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function drive(label: string, clients: EtcdClient[], seconds: number): Promise<Result> {
  const latenciesMs: number[] = [];
  let puts = 0;
  let failed = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let k = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await c.put({ key: `bench/${k++ % 10000}`, value: VALUE });
          latenciesMs.push(performance.now() - t0);
          puts++;
        } catch {
          failed++;
        }
      }
    }),
  );
  return { label, puts, failed, wallMs: performance.now() - start, latenciesMs };
}

function print(r: Result): void {
  const s = [...r.latenciesMs].sort((a, b) => a - b);
  console.log(
    `${r.label.padEnd(34)} ${String(Math.round((r.puts / r.wallMs) * 1000)).padStart(7)} puts/s   ` +
      `p50 ${percentile(s, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(s, 99).toFixed(2).padStart(7)} ms   ` +
      `(${r.puts} puts, ${r.failed} failed, ${(r.wallMs / 1000).toFixed(1)} s)`,
  );
}

async function playground(): Promise<Result> {
  const cluster = await InProcessCluster.create({
    size: 3,
    seed: 1,
    storageFactory: createMemoryStorageFactory(),
    network: { latencyMs: 1, jitterMs: 0 },
  });
  await cluster.waitForLeader();
  const clients = Array.from({ length: CLIENTS }, (_, i) => cluster.client({ name: `bench-${i}`, commandTimeoutMs: 60_000 }));
  await drive('warm-up', clients, 1);
  const r = await drive('playground (3 members, in-process)', clients, SECONDS);
  console.log(`  virtual time ${cluster.nowMs} ms, ${cluster.world.stepCount} steps`);
  for (const c of clients) c.close();
  await cluster.close();
  return r;
}

async function realEtcd(): Promise<Result | null> {
  if (!realEtcdAvailable()) {
    console.log('real etcd: /usr/bin/etcd not found, skipped');
    return null;
  }
  const etcd = await startRealEtcd({ members: 3 });
  try {
    const clients = Array.from({ length: CLIENTS }, (_, i) => new GatewayClient([etcd.clientUrls[i % etcd.clientUrls.length]!], { requestTimeoutMs: 30_000 }));
    await drive('warm-up', clients, 1);
    const r = await drive('etcd 3.4 (3 members, loopback)', clients, SECONDS);
    for (const c of clients) c.close();
    return r;
  } finally {
    await etcd.stop();
  }
}

console.log(`put benchmark: ${CLIENTS} concurrent clients, ${VALUE.length}-byte values, ${SECONDS} s per run`);
const p = await playground();
const e = await realEtcd();
print(p);
if (e) {
  print(e);
  const ratio = p.puts / p.wallMs / (e.puts / e.wallMs);
  console.log(`playground / etcd throughput: ${ratio.toFixed(2)}x`);
}
process.exit(0);
