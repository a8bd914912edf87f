/**
 * Put throughput and wall-clock latency, measured fairly: the in-process playground cluster
 * (zero network latency: the simulator's 1 ms minimum, in virtual time) against a real etcd 3.4
 * on loopback with the same number of members (3 and 5), the same 256-byte values and the same
 * client counts (64 concurrent closed-loop clients, and 1 client for latency). The real etcd is
 * driven by a plain keep-alive HTTP client posting to /v3/kv/put (the anchor: it does no more
 * than send and wait), and by the project's GatewayClient over Node's keep-alive http (what the
 * compatibility tests use) and over Node's fetch (the default outside a browser, for the record).
 * Clients are spread over the members' endpoints, as etcdctl users would be.
 * Prints figures only. Run: npm run bench:member  (BENCH_SECONDS per run, default 5;
 * BENCH_MEMBERS, default "3,5").
 */
import http from 'node:http';
import os from 'node:os';
import { GatewayClient } from '../src/client/gateway/gatewayClient.ts';
import { nodeHttpTransport } from '../src/client/gateway/nodeHttpTransport.ts';
import type { EtcdClient } from '../src/client/client.ts';
import { realEtcdAvailable, startRealEtcd } from '../src/client/testing/realEtcd.ts';
import { createMemoryStorageFactory } from '../src/storage/memory/memoryStorageFactory.ts';
import { InProcessCluster } from '../src/runtime/inProcessCluster.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MEMBERS = (process.env.BENCH_MEMBERS ?? '3,5').split(',').map(Number);
const VALUE = 'v'.repeat(256);

interface Result {
  label: string;
  puts: number;
  failed: number;
  wallMs: number;
  latenciesMs: number[];
  clientCpu: number;
}

type Put = (client: number, key: string) => Promise<unknown>;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function drive(label: string, clients: number, put: Put, seconds: number): Promise<Result> {
  const latenciesMs: number[] = [];
  let puts = 0;
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  let k = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await put(i, `bench/${k++ % 10000}`);
          latenciesMs.push(performance.now() - t0);
          puts++;
        } catch {
          failed++;
        }
      }
    }),
  );
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  return { label, puts, failed, wallMs, latenciesMs, clientCpu: (cpu.user + cpu.system) / 1000 / wallMs };
}

const results: Result[] = [];
function print(r: Result): void {
  results.push(r);
  const s = [...r.latenciesMs].sort((a, b) => a - b);
  console.log(
    `${r.label.padEnd(58)} ${String(Math.round((r.puts / r.wallMs) * 1000)).padStart(6)} puts/s  ` +
      `p50 ${percentile(s, 50).toFixed(2).padStart(6)} ms  p99 ${percentile(s, 99).toFixed(2).padStart(6)} ms  ` +
      `bench process CPU ${(r.clientCpu * 100).toFixed(0).padStart(3)}%  (${r.puts} puts, ${r.failed} failed)`,
  );
}

async function run(label: string, clients: number, put: Put): Promise<Result> {
  await drive('warm-up', clients, put, 1);
  const r = await drive(label, clients, put, SECONDS);
  print(r);
  return r;
}

async function playground(members: number): Promise<void> {
  const cluster = await InProcessCluster.create({
    size: members,
    seed: 1,
    storageFactory: createMemoryStorageFactory(),
    network: { latencyMs: 1, jitterMs: 0 },
  });
  await cluster.waitForLeader();
  for (const n of [64, 1]) {
    const clients: EtcdClient[] = Array.from({ length: n }, (_, i) => cluster.client({ name: `bench-${members}-${n}-${i}`, commandTimeoutMs: 60_000 }));
    await run(`playground, ${members} members in-process, ${n} client${n > 1 ? 's' : ''}`, n, (i, key) => clients[i]!.put({ key, value: VALUE }));
    for (const c of clients) c.close();
  }
  await cluster.close();
}

/** The anchor: one keep-alive agent, a POST per put, the answer read and dropped. */
function plainClient(urls: string[]): Put {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const value = Buffer.from(VALUE).toString('base64');
  return (i, key) => {
    const u = new URL(urls[i % urls.length]!);
    const body = JSON.stringify({ key: Buffer.from(key).toString('base64'), value });
    return new Promise<void>((resolve, reject) => {
      const r = http.request(
        { host: u.hostname, port: u.port, path: '/v3/kv/put', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      r.on('error', reject);
      r.end(body);
    });
  };
}

async function realEtcd(members: number): Promise<void> {
  const etcd = await startRealEtcd({ members });
  try {
    for (const n of [64, 1]) {
      const s = n > 1 ? 's' : '';
      await run(`etcd 3.4, ${members} members, plain keep-alive http, ${n} client${s}`, n, plainClient(etcd.clientUrls));
      const transport = nodeHttpTransport();
      const gw = Array.from({ length: n }, (_, i) => new GatewayClient([etcd.clientUrls[i % members]!], { requestTimeoutMs: 30_000, transport }));
      await run(`etcd 3.4, ${members} members, GatewayClient (node http), ${n} client${s}`, n, (i, key) => gw[i]!.put({ key, value: VALUE }));
      for (const c of gw) c.close();
      if (members === MEMBERS[0]) {
        const gf = Array.from({ length: n }, (_, i) => new GatewayClient([etcd.clientUrls[i % members]!], { requestTimeoutMs: 30_000 }));
        await run(`etcd 3.4, ${members} members, GatewayClient (Node fetch), ${n} client${s}`, n, (i, key) => gf[i]!.put({ key, value: VALUE }));
        for (const c of gf) c.close();
      }
    }
  } finally {
    await etcd.stop();
  }
}

console.log(`put benchmark: 256-byte values, ${SECONDS} s per run after a 1 s warm-up; members ${MEMBERS.join(' and ')}`);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('the playground and the bench client share this process; a real etcd runs in its own processes');
for (const m of MEMBERS) {
  await playground(m);
  if (realEtcdAvailable()) await realEtcd(m);
  else console.log('real etcd: /usr/bin/etcd not found, skipped');
}
const rate = (r: Result | undefined) => (r ? (r.puts / r.wallMs) * 1000 : NaN);
const find = (re: RegExp) => results.find((r) => re.test(r.label));
for (const m of MEMBERS) {
  const p64 = find(new RegExp(`^playground, ${m} members.*64 clients`));
  const e64 = find(new RegExp(`^etcd 3.4, ${m} members, plain.*64 clients`));
  const p1 = find(new RegExp(`^playground, ${m} members.*1 client$`));
  const e1 = find(new RegExp(`^etcd 3.4, ${m} members, plain.*1 client$`));
  const med = (r: Result | undefined) => (r ? percentile([...r.latenciesMs].sort((a, b) => a - b), 50) : NaN);
  console.log(`${m} members: playground / etcd throughput at 64 clients ${(rate(p64) / rate(e64)).toFixed(2)}x; p50 latency at 1 client ${med(p1).toFixed(2)} ms vs ${med(e1).toFixed(2)} ms`);
}
process.exit(0);
