/**
 * Live mode's connection against a real etcd 3.4 (Debian's etcd-server on 127.0.0.1): what it
 * reads, what read-only refuses, and each kind of bad endpoint refused with its own message.
 * The browser-only case (a CORS refusal) is in e2e/live.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETCDCTL_BINARY, freePort, realEtcdAvailable, startRealEtcd, type RealEtcd } from '../client/testing/realEtcd.ts';
import { bytesFromUtf8, utf8FromBytes } from '../server/api.ts';
import type { Event } from '../server/api.ts';
import { LiveCluster, LiveConnectError } from './liveCluster.ts';

const d = realEtcdAvailable() ? describe : describe.skip;

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LiveConnectError);
    return (e as Error).message;
  }
  throw new Error('expected the connection to be refused');
}

d('live mode on a real 3-member etcd', () => {
  let etcd: RealEtcd;
  let live: LiveCluster;
  beforeAll(async () => {
    etcd = await startRealEtcd({ members: 3 });
    live = await LiveCluster.connect({ endpoints: etcd.endpoints, via: 'direct' });
  }, 60_000);
  afterAll(async () => {
    live?.close();
    await etcd?.stop();
  });

  it('shows every member with its status and the one leader they agree on', async () => {
    const snap = await live.poll();
    expect(snap.members.map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3']);
    expect(snap.members.every((m) => m.status && m.healthy)).toBe(true);
    const leaders = new Set(snap.members.map((m) => m.status!.leader));
    expect(leaders.size).toBe(1);
    expect(snap.leaderId).toBe([...leaders][0]);
    expect(snap.members.map((m) => m.id)).toContain(snap.leaderId);
    expect(snap.version).toMatch(/^3\.4\./);
    expect(snap.endpointErrors).toEqual([]);
  });

  it('starts read-only: put is refused by the console and by the client, and nothing is written', async () => {
    expect(live.readOnly).toBe(true);
    const r = await live.etcdctl('put ro-key v');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/live mode is read-only: "put" would change the cluster/);
    await expect(live.client.put({ key: bytesFromUtf8('ro-key'), value: bytesFromUtf8('v') })).rejects.toThrow(/read-only/);
    const g = await live.etcdctl('get ro-key');
    expect(g.exitCode).toBe(0);
    expect(g.stdout).toBe('');
    // A read-only txn (compares and ranges only) is a read, and goes through the client.
    const t = await live.client.txn({ compare: [], success: [{ request_range: { key: bytesFromUtf8('ro-key') } }], failure: [] });
    expect(t.succeeded).toBe(true);
  });

  it('pages through keys under a prefix, and a watch on it sees every put in order', async () => {
    live.readOnly = false;
    const seen: Event[] = [];
    const states: string[] = [];
    const stop = live.watchPrefix('/page/', (evs) => seen.push(...evs), (s) => states.push(s.state));
    for (let i = 0; i < 5; i++) expect((await live.etcdctl(`put /page/k${i} v${i}`)).exitCode).toBe(0);
    expect((await live.etcdctl('put /other x')).exitCode).toBe(0);
    const first = await live.keys('/page/', { limit: 2 });
    expect(first.kvs.map((k) => utf8FromBytes(k.key))).toEqual(['/page/k0', '/page/k1']);
    expect(first.more).toBe(true);
    expect(first.count).toBe(5);
    const second = await live.keys('/page/', { limit: 2, after: first.kvs[1]!.key });
    expect(second.kvs.map((k) => utf8FromBytes(k.key))).toEqual(['/page/k2', '/page/k3']);
    const third = await live.keys('/page/', { limit: 2, after: second.kvs[1]!.key });
    expect(third.kvs.map((k) => utf8FromBytes(k.key))).toEqual(['/page/k4']);
    expect(third.more).toBe(false);
    for (let i = 0; i < 100 && seen.length < 5; i++) await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(states[0]).toBe('watching');
    expect(seen.map((e) => `${e.type} ${utf8FromBytes(e.kv.key)}=${utf8FromBytes(e.kv.value)}`)).toEqual([0, 1, 2, 3, 4].map((i) => `PUT /page/k${i}=v${i}`));
    live.readOnly = true;
  });

  it('reads leases with their TTL and keys, and alarms', async () => {
    live.readOnly = false;
    const g = await live.etcdctl('lease grant 300');
    const id = /lease ([0-9a-f]+) granted/.exec(g.stdout)![1]!;
    expect((await live.etcdctl(`put --lease=${id} leased v`)).exitCode).toBe(0);
    live.readOnly = true;
    // etcd 3.4 lists leases from the answering member's own lessor, which may not have applied
    // the grant yet: the list catches up within a moment.
    let leases = await live.leases();
    for (let i = 0; i < 40 && !leases.some((x) => x.id === id); i++) {
      await new Promise((r) => setTimeout(r, 50));
      leases = await live.leases();
    }
    const l = leases.find((x) => x.id === id)!;
    expect(l.grantedTtl).toBe(300);
    expect(l.ttl).toBeGreaterThan(0);
    expect(l.ttl).toBeLessThanOrEqual(300);
    expect(l.keys.map(utf8FromBytes)).toEqual(['leased']);
    expect(await live.alarms()).toEqual([]);
  });

  it('a member whose process is killed is shown down, with a new leader among the others once it led', async () => {
    const before = await live.poll();
    const leader = before.members.find((m) => m.id === before.leaderId)!;
    etcd.killMember(leader.name);
    let after = await live.poll();
    for (let i = 0; i < 100 && (after.leaderId === null || after.leaderId === leader.id); i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await live.poll();
    }
    const gone = after.members.find((m) => m.id === leader.id)!;
    expect(gone.status).toBeUndefined();
    expect(gone.error).toBeTruthy();
    expect(after.leaderId).not.toBe(leader.id);
    expect(after.leaderId).not.toBeNull();
    await etcd.restartMember(leader.name);
    let back = await live.poll();
    for (let i = 0; i < 50 && !back.members.find((m) => m.id === leader.id)!.status; i++) {
      await new Promise((r) => setTimeout(r, 100));
      back = await live.poll();
    }
    expect(back.members.find((m) => m.id === leader.id)!.status).toBeDefined();
  }, 60_000);
});

d('live mode refuses bad endpoints, each with its own cause', () => {
  let html: Server;
  let htmlPort = 0;
  let noGateway: RealEtcd;
  beforeAll(async () => {
    htmlPort = await freePort();
    html = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>not etcd</title>');
    });
    await new Promise<void>((r) => html.listen(htmlPort, '127.0.0.1', () => r()));
    noGateway = await startRealEtcd({ extraArgs: ['--enable-grpc-gateway=false'] });
  }, 60_000);
  afterAll(async () => {
    html?.close();
    await noGateway?.stop();
  });

  it('nothing listening', async () => {
    const port = await freePort();
    const m = await refusal(LiveCluster.connect({ endpoints: [`127.0.0.1:${port}`], via: 'direct' }));
    expect(m).toBe(`127.0.0.1:${port}: could not connect (ECONNREFUSED): nothing is listening there, or the host cannot be reached`);
  });

  it('a web server that is not etcd', async () => {
    const m = await refusal(LiveCluster.connect({ endpoints: [`127.0.0.1:${htmlPort}`], via: 'direct' }));
    expect(m).toBe(`127.0.0.1:${htmlPort}: this is not an etcd client URL: GET /version answered HTTP 200 (text/html), not etcd's version`);
  });

  it('an etcd with its gateway off', async () => {
    const m = await refusal(LiveCluster.connect({ endpoints: noGateway.endpoints, via: 'direct' }));
    expect(m).toMatch(new RegExp(`^${noGateway.endpoints[0]}: etcd 3\\.4\\.\\d+ answers, but its gRPC gateway is off \\(POST /v3/maintenance/status: HTTP 404\\)`));
  });

  it('one good endpoint and one that is not etcd: refused, naming only the bad one', async () => {
    const m = await refusal(LiveCluster.connect({ endpoints: [noGateway.endpoints[0]!, `127.0.0.1:${htmlPort}`], via: 'direct' }));
    expect(m.split('\n')).toHaveLength(2);
  });
});

d('live mode with authentication on', () => {
  let etcd: RealEtcd;
  beforeAll(async () => {
    etcd = await startRealEtcd({ members: 1 });
    const ctl = (...args: string[]) => execFileSync(ETCDCTL_BINARY, [`--endpoints=${etcd.endpoints[0]}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
    ctl('user', 'add', 'root:rootpw');
    ctl('user', 'add', 'alice:alicepw');
    ctl('role', 'add', 'reader');
    ctl('role', 'grant-permission', '--prefix=true', 'reader', 'read', '');
    ctl('user', 'grant-role', 'alice', 'reader');
    ctl('auth', 'enable');
    ctl('--user=root:rootpw', 'put', 'secret', 's3');
  }, 60_000);
  afterAll(async () => {
    await etcd?.stop();
  });

  it('without credentials: says the cluster needs them', async () => {
    const m = await refusal(LiveCluster.connect({ endpoints: etcd.endpoints, via: 'direct' }));
    expect(m).toMatch(/this cluster has authentication on \(etcdserver: user name is empty\): enter a user name and password/);
  });

  it('a wrong password is refused with etcd\'s own words', async () => {
    const m = await refusal(LiveCluster.connect({ endpoints: etcd.endpoints, via: 'direct', user: 'alice', password: 'wrong' }));
    expect(m).toBe(`${etcd.endpoints[0]}: etcdserver: authentication failed, invalid user ID or password`);
  });

  it('the right password reads keys; the role\'s limits still hold for writes', async () => {
    const live = await LiveCluster.connect({ endpoints: etcd.endpoints, via: 'direct', user: 'alice', password: 'alicepw' });
    try {
      const g = await live.etcdctl('get secret');
      expect(g.stdout).toBe('secret\ns3\n');
      const snap = await live.poll();
      expect(snap.members).toHaveLength(1);
      expect(snap.leaderId).not.toBeNull();
      live.readOnly = false;
      const p = await live.etcdctl('put secret x');
      expect(p.exitCode).toBe(1);
      expect(p.stderr).toMatch(/permission denied/);
    } finally {
      live.close();
    }
  });
});

d("live mode through the page's proxy", () => {
  let etcd: RealEtcd;
  let proxy: Server;
  let origin = '';
  beforeAll(async () => {
    const { handleEtcdProxy } = await import('../../scripts/etcdProxy.ts');
    etcd = await startRealEtcd({ members: 1 });
    const port = await freePort();
    proxy = createServer((req, res) =>
      handleEtcdProxy(req, res, () => {
        res.writeHead(404);
        res.end('not found');
      }),
    );
    await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', () => r()));
    origin = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    proxy?.close();
    await etcd?.stop();
  });

  it('reads the cluster, writes when read-only is off, and streams a watch through it', async () => {
    const live = await LiveCluster.connect({ endpoints: etcd.endpoints, via: 'proxy', pageOrigin: origin });
    try {
      const snap = await live.poll();
      expect(snap.members).toHaveLength(1);
      expect(snap.leaderId).toBe(snap.members[0]!.id);
      const seen: string[] = [];
      const stop = live.watchPrefix('px', (evs) => seen.push(...evs.map((e) => utf8FromBytes(e.kv.value))), () => undefined);
      live.readOnly = false;
      await new Promise((r) => setTimeout(r, 200));
      expect((await live.etcdctl('put px 1')).stdout).toBe('OK\n');
      for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      stop();
      expect(seen).toEqual(['1']);
    } finally {
      live.close();
    }
  });

  it('says when nothing listens behind it, and refuses a host that is not loopback', async () => {
    const port = await freePort();
    const m = await refusal(LiveCluster.connect({ endpoints: [`127.0.0.1:${port}`], via: 'proxy', pageOrigin: origin }));
    expect(m).toBe(`127.0.0.1:${port}: the page's proxy could not connect to 127.0.0.1:${port} (ECONNREFUSED): nothing is listening there, or the host cannot be reached`);
    const f = await refusal(LiveCluster.connect({ endpoints: ['10.1.2.3:2379'], via: 'proxy', pageOrigin: origin }));
    expect(f).toBe("10.1.2.3:2379: the page's proxy refused it: 10.1.2.3 is not a loopback host; start the server with ETCD_PROXY_HOSTS=10.1.2.3 to allow it");
  });
});
