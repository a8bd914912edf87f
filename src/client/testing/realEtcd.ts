/**
 * Starts a real etcd 3.4 (`/usr/bin/etcd`, Debian's etcd-server) for tests that compare the
 * playground with the real thing: a single member or a cluster of N members on 127.0.0.1.
 *
 * Usage (vitest):
 *
 *   import { realEtcdAvailable, startRealEtcd } from '../testing/realEtcd.ts';
 *   const d = realEtcdAvailable() ? describe : describe.skip;
 *   d('against etcd 3.4', () => {
 *     let etcd: RealEtcd;
 *     beforeAll(async () => { etcd = await startRealEtcd({ members: 3 }); });
 *     afterAll(async () => { await etcd.stop(); });
 *     it('...', async () => { const client = new GatewayClient(etcd.clientUrls); ... });
 *   });
 *
 * Every member gets two ports the OS reported free (bind to port 0, read the port, close), its
 * own directory under one temporary directory, and the name `m1`, `m2`, ... Startup resolves
 * once every member answers `/health` with `{"health":"true"}`, so a leader exists and the
 * cluster can serve requests. `stop()` kills exactly the processes it started (by PID, never by
 * name) and removes the temporary directory; it is safe to call twice.
 *
 * Tuning (heartbeat, election timeout) can be passed as extra flags; the defaults are etcd's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ETCD_BINARY = '/usr/bin/etcd';
export const ETCDCTL_BINARY = '/usr/bin/etcdctl';

/** True when the etcd binary exists; tests skip (with a message) only when it does not. */
export function realEtcdAvailable(): boolean {
  return existsSync(ETCD_BINARY);
}

export interface RealEtcdMember {
  name: string;
  /** e.g. http://127.0.0.1:40123 */
  clientUrl: string;
  peerUrl: string;
  pid: number;
  dataDir: string;
}

export interface RealEtcd {
  members: RealEtcdMember[];
  /** Client URLs of every member, in member order (what etcdctl's --endpoints takes). */
  clientUrls: string[];
  /** `host:port` forms of clientUrls, as etcdctl prints endpoints when given them so. */
  endpoints: string[];
  /** Everything the members wrote to stdout/stderr, for diagnosing a failed start. */
  log(): string;
  /** Kills a single member (SIGKILL) without removing its data, e.g. to test failover. */
  killMember(name: string): void;
  /** Starts a killed member again on its data directory; resolves once it answers /health. */
  restartMember(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartRealEtcdOptions {
  /** Number of members; default 1. */
  members?: number;
  /** Extra flags given to every member, e.g. ['--heartbeat-interval=50']. */
  extraArgs?: string[];
  /** How long to wait for every member to be healthy; default 20000 ms. */
  startTimeoutMs?: number;
  /** Cluster token; different clusters started together get different IDs with different tokens. */
  clusterToken?: string;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not read the bound port'));
        return;
      }
      const port = addr.port;
      srv.close(() => resolve(port));
    });
  });
}

async function freePorts(n: number): Promise<number[]> {
  // Keep all of them bound until every one is known, so the OS never hands out the same port twice.
  const servers = await Promise.all(
    Array.from({ length: n }, () => {
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        const srv = createServer();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve(srv));
      });
    }),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === 'string') throw new Error('could not read the bound port');
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function healthy(clientUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

export async function startRealEtcd(opts: StartRealEtcdOptions = {}): Promise<RealEtcd> {
  const n = opts.members ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new Error(`members must be a positive integer, got ${n}`);
  if (!realEtcdAvailable()) throw new Error(`${ETCD_BINARY} not found`);
  const root = mkdtempSync(join(tmpdir(), 'etcd34-'));
  const ports = await freePorts(2 * n);
  const members: RealEtcdMember[] = [];
  for (let i = 0; i < n; i++) {
    members.push({
      name: `m${i + 1}`,
      clientUrl: `http://127.0.0.1:${ports[2 * i]}`,
      peerUrl: `http://127.0.0.1:${ports[2 * i + 1]}`,
      pid: 0,
      dataDir: join(root, `m${i + 1}.etcd`),
    });
  }
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const token = opts.clusterToken ?? `etcd-test-${ports[0]}`;
  const procs = new Map<string, ChildProcess>();
  let output = '';
  let stopped = false;

  const argsOf = new Map<string, string[]>();
  const spawnMember = (m: RealEtcdMember, args: string[]): void => {
    const p = spawn(ETCD_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout?.on('data', (d: Buffer) => (output += `[${m.name}] ${d.toString()}`));
    p.stderr?.on('data', (d: Buffer) => (output += `[${m.name}] ${d.toString()}`));
    if (p.pid === undefined) throw new Error(`could not start ${ETCD_BINARY}`);
    m.pid = p.pid;
    procs.set(m.name, p);
  };
  for (const m of members) {
    const args = [
      `--name=${m.name}`,
      `--data-dir=${m.dataDir}`,
      `--listen-client-urls=${m.clientUrl}`,
      `--advertise-client-urls=${m.clientUrl}`,
      `--listen-peer-urls=${m.peerUrl}`,
      `--initial-advertise-peer-urls=${m.peerUrl}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-token=${token}`,
      '--initial-cluster-state=new',
      ...(opts.extraArgs ?? []),
    ];
    argsOf.set(m.name, args);
    spawnMember(m, args);
  }

  const killOne = (name: string) => {
    const p = procs.get(name);
    if (p && p.exitCode === null && p.signalCode === null) {
      try {
        process.kill(p.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const exits = [...procs.values()].map(
      (p) =>
        new Promise<void>((r) => {
          if (p.exitCode !== null || p.signalCode !== null) r();
          else p.once('exit', () => r());
        }),
    );
    for (const m of members) killOne(m.name);
    await Promise.race([Promise.all(exits), sleep(5000)]);
    rmSync(root, { recursive: true, force: true });
  };

  const deadline = (opts.startTimeoutMs ?? 20000) / 100;
  for (let attempt = 0; ; attempt++) {
    const ok = await Promise.all(members.map((m) => healthy(m.clientUrl)));
    if (ok.every(Boolean)) break;
    const dead = [...procs.values()].find((p) => p.exitCode !== null);
    if (dead || attempt >= deadline) {
      await stop();
      throw new Error(`etcd did not become healthy:\n${output.slice(-4000)}`);
    }
    await sleep(100);
  }

  return {
    members,
    clientUrls: members.map((m) => m.clientUrl),
    endpoints: members.map((m) => m.clientUrl.replace(/^http:\/\//, '')),
    log: () => output,
    killMember: killOne,
    restartMember: async (name: string) => {
      const m = members.find((x) => x.name === name);
      if (!m) throw new Error(`no member ${name}`);
      if (stopped) throw new Error('the cluster was stopped');
      const p = procs.get(name);
      if (p && p.exitCode === null && p.signalCode === null) throw new Error(`${name} is still running`);
      // Its data directory holds the cluster it belongs to; the initial-cluster flags are ignored then.
      spawnMember(m, argsOf.get(name)!);
      for (let i = 0; i < 200; i++) {
        if (await healthy(m.clientUrl)) return;
        const q = procs.get(name)!;
        if (q.exitCode !== null) throw new Error(`${name} exited on restart:\n${output.slice(-2000)}`);
        await sleep(100);
      }
      throw new Error(`${name} did not become healthy after a restart`);
    },
    stop,
  };
}
