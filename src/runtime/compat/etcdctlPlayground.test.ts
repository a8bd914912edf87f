/**
 * etcdctl against the playground: the compatibility scripts run through the real etcdctl 3.4
 * against a real etcd 3.4 and through the playground's etcdctl against a 3-member in-process
 * cluster (in-memory storage), compared after normalizing IDs, terms, durations and sizes (and
 * what two separate clusters never share; see client/testing/etcdctlCompat.ts).
 *
 * Both sides have three members. The main script talks to the first member only (as the real
 * side's single-endpoint etcdctl does), after handing it leadership, so per-endpoint output
 * has one row on each side while `member list` shows three members on each side. The NOSPACE
 * alarm script runs on one member per side (see its test for why).
 *
 * The real etcdctl waits in wall time (watch interruptions, keep-alive renewals), so the
 * playground's virtual time follows the wall clock while a script runs (startClock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEtcdctl } from '../../client/etcdctl/runEtcdctl.ts';
import { GatewayClient } from '../../client/gateway/gatewayClient.ts';
import { alarmScript, clusterScript, compatScript } from '../../client/etcdctl/compatScript.ts';
import { compareScript, describeMismatch, type CompatStep, type CompatTarget } from '../../client/testing/etcdctlCompat.ts';
import { realEtcdAvailable, startRealEtcd, type RealEtcd } from '../../client/testing/realEtcd.ts';
import type { EtcdClient } from '../../client/client.ts';
import type { InProcessCluster } from '../inProcessCluster.ts';
import { playgroundSnapshotRestore, playgroundSnapshotStatus, startPlaygroundSide, type PlaygroundCompatSide } from './etcdctlPlayground.ts';

if (!realEtcdAvailable()) {
  console.warn('etcdctlPlayground.test.ts: /usr/bin/etcd not found; skipping etcdctl compatibility against the playground');
}
const d = realEtcdAvailable() ? describe : describe.skip;

/**
 * Which member leads is chance on both sides: hand leadership to the first member (through the
 * leader, as etcdctl move-leader does), so that a script talking to the first endpoint sees a
 * leader there on both sides.
 */
async function leadWithFirst(client: EtcdClient, endpoints: string[]): Promise<void> {
  const first = (await client.status(endpoints[0])).header.member_id;
  for (let attempt = 0; attempt < 50; attempt++) {
    const st = await client.status(endpoints[0]);
    if (st.leader === first) return;
    const idx = await Promise.all(endpoints.map((e) => client.status(e)));
    const at = idx.findIndex((x) => x.header.member_id === st.leader);
    if (at >= 0) await client.moveLeader(first, endpoints[at]).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('leadership did not move to the first member');
}

/**
 * etcd refuses membership changes ("unhealthy cluster") until every voter's peer connections
 * have been up for its health interval (5 s); a fresh real cluster gets there after 5 to 10 s
 * of wall time, the playground after 5 s of virtual time. Both sides start the scripts once a
 * learner can be added (and removed again), so the script's membership lines see the same.
 */
async function untilReconfigurable(client: EtcdClient, wait: () => Promise<void>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const added = await client.memberAdd({ peerURLs: ['http://127.0.0.1:9'], isLearner: true });
      await client.memberRemove(added.member.ID);
      return;
    } catch (e) {
      if (!(e instanceof Error) || !e.message.includes('unhealthy cluster')) throw e;
      await wait();
    }
  }
  throw new Error('the cluster never became healthy for reconfiguration');
}

async function compare(
  steps: readonly CompatStep[],
  real: RealEtcd,
  play: PlaygroundCompatSide,
  tmp: string,
  endpointCount: number,
): Promise<{ mismatches: string[]; compared: number }> {
  const gw = new GatewayClient(real.clientUrls);
  await untilReconfigurable(gw, () => new Promise((r) => setTimeout(r, 200)));
  const list = await gw.memberList();
  await leadWithFirst(gw, real.clientUrls);
  gw.close();
  const pc = play.clientFor(play.endpoints);
  await untilReconfigurable(pc, () => play.cluster.runFor(200));
  play.startClock();
  await leadWithFirst(pc, play.endpoints).finally(() => pc.close());
  const idOf = new Map(list.members.map((m) => [m.name, m.ID]));
  const realTarget: CompatTarget = {
    endpoints: real.endpoints.slice(0, endpointCount),
    memberEndpoints: real.endpoints,
    memberIds: real.members.map((m) => idOf.get(m.name)!),
    peerUrls: real.members.map((m) => m.peerUrl),
    tmpDir: tmp,
    anyMember: true,
  };
  try {
    const { mismatches, compared } = await compareScript(steps, realTarget, play.target(tmp, endpointCount), play.clientFor);
    if (mismatches.length > 0) {
      console.log(`${mismatches.length} of ${compared} lines differ:\n\n` + mismatches.map(describeMismatch).join('\n\n'));
    }
    return { mismatches: mismatches.map((m) => `#${m.index} ${m.line}`), compared };
  } finally {
    await play.stopClock();
  }
}

d('etcdctl 3.4 compatibility (real etcdctl + etcd 3.4 vs the playground etcdctl + 3-member playground)', () => {
  let tmp: string;
  let compared = 0;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'etcdctl-playground-'));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    console.log(`etcdctl vs playground: ${compared} lines compared`);
  });

  it(`prints what etcdctl prints for all ${compatScript.length} lines of the main script`, async () => {
    const [real, play] = await Promise.all([startRealEtcd({ members: 3, clusterToken: 'pg-main' }), startPlaygroundSide({ seed: 11 })]);
    try {
      const r = await compare(compatScript, real, play, tmp, 1);
      compared += r.compared;
      expect(r.mismatches).toEqual([]);
    } finally {
      await Promise.all([real.stop(), play.close()]);
    }
  }, 120_000);

  it(`prints what etcdctl prints with every endpoint of a 3-member cluster (${clusterScript.filter((s) => !s.setup).length} lines)`, async () => {
    const [real, play] = await Promise.all([startRealEtcd({ members: 3, clusterToken: 'pg-three' }), startPlaygroundSide({ seed: 12 })]);
    try {
      const r = await compare(clusterScript, real, play, tmp, 3);
      compared += r.compared;
      expect(r.mismatches).toEqual([]);
    } finally {
      await Promise.all([real.stop(), play.close()]);
    }
  }, 60_000);

  // One member per side: in a real 3-member cluster, how many members raise NOSPACE depends on
  // when each one's backend commits, so the alarm list is chance there.
  it(`prints alarms as etcdctl does (${alarmScript.filter((s) => !s.setup).length} lines, tiny backend quota, 1 member)`, async () => {
    const quota = 100_000;
    const [real, play] = await Promise.all([
      startRealEtcd({ clusterToken: 'pg-alarm', extraArgs: [`--quota-backend-bytes=${quota}`] }),
      startPlaygroundSide({ size: 1, seed: 13, settings: { quotaBackendBytes: quota } }),
    ]);
    try {
      const r = await compare(alarmScript, real, play, tmp, 1);
      compared += r.compared;
      expect(r.mismatches).toEqual([]);
    } finally {
      await Promise.all([real.stop(), play.close()]);
    }
  }, 60_000);
});

/** The console's runtime hooks, in-process (no real etcd needed). */
describe('the playground etcdctl hooks in-process', () => {
  let play: PlaygroundCompatSide;
  const files = new Map<string, string>();
  const restored: InProcessCluster[] = [];
  const run = (line: string) =>
    runEtcdctl(line, {
      clientFactory: play.clientFor,
      defaultEndpoints: play.endpoints,
      files,
      snapshotStatus: playgroundSnapshotStatus,
      snapshotRestore: playgroundSnapshotRestore((c) => restored.push(c)),
    });
  beforeAll(async () => {
    play = await startPlaygroundSide({ seed: 21 });
  });
  afterAll(async () => {
    await play?.close();
    for (const c of restored) await c.close();
  });

  it('saves a snapshot, reads its status and restores a new cluster from it', async () => {
    expect((await run('put a 1')).exitCode).toBe(0);
    expect((await run('put b 2')).exitCode).toBe(0);
    const save = await run('--endpoints=m1:2379 snapshot save /snap.db');
    expect(save).toMatchObject({ exitCode: 0, stdout: 'Snapshot saved at /snap.db\n' });
    expect(files.has('/snap.db')).toBe(true);
    const status = await run('snapshot status /snap.db -w json');
    expect(status.exitCode).toBe(0);
    const st = JSON.parse(status.stdout) as { revision: number; totalKey: number; totalSize: number };
    expect(st).toMatchObject({ revision: 3, totalKey: 2, totalSize: files.get('/snap.db')!.length });
    const restore = await run('snapshot restore /snap.db --name m1 --initial-cluster m1=http://m1:2380');
    expect(restore.exitCode).toBe(0);
    expect(restored).toHaveLength(1);
    const c = restored[0]!.client();
    const got = await c.range({ key: 'a', range_end: 'c' });
    c.close();
    expect(got.kvs.map((kv) => [kv.key, kv.value])).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('reports every member with --cluster (status, health, hashkv)', async () => {
    for (const line of ['endpoint status --cluster', 'endpoint health --cluster', 'endpoint hashkv --cluster']) {
      const r = await run(`--endpoints=m1:2379 ${line}`);
      expect(r.exitCode, `${line}: ${r.stderr}`).toBe(0);
      for (const m of ['m1', 'm2', 'm3']) expect(r.stdout + r.stderr).toContain(`http://${m}:2379`);
    }
  });

  it('adds, promotes and removes a learner; moves the leader; lists and disarms alarms; defragments', async () => {
    // etcd's health interval: no membership change before the peers have been connected 5 s.
    const early = await run('member add m4 --peer-urls=http://m4:2380 --learner');
    expect(early).toMatchObject({ exitCode: 1, stderr: 'Error: etcdserver: unhealthy cluster\n' });
    await play.cluster.runFor(6000);
    const add = await run('member add m4 --peer-urls=http://m4:2380 --learner');
    expect(add.exitCode, add.stderr).toBe(0);
    const id = /Member +([0-9a-f]+) added/.exec(add.stdout)![1]!;
    // A learner that never started is not in sync, so etcd refuses to promote it.
    const promote = await run(`member promote ${id}`);
    expect(promote).toMatchObject({ exitCode: 1 });
    expect(promote.stderr).toContain('can only promote a learner member which is in sync with leader');
    const remove = await run(`member remove ${id}`);
    expect(remove.exitCode, remove.stderr).toBe(0);
    expect((await run('member list')).stdout).not.toContain(id);

    const status = await run('--endpoints=m1:2379,m2:2379,m3:2379 endpoint status');
    const follower = /^[^,\n]+, ([0-9a-f]+), [^,\n]+, [^,\n]+, false, /m.exec(status.stdout)![1]!;
    const move = await run(`move-leader ${follower}`);
    expect(move.exitCode, move.stderr).toBe(0);
    expect(move.stdout).toContain(`to ${follower}`);

    expect(await run('alarm list')).toMatchObject({ exitCode: 0, stdout: '' });
    expect(await run('alarm disarm')).toMatchObject({ exitCode: 0, stdout: '' });
    const defrag = await run('--endpoints=m1:2379,m2:2379 defrag');
    expect(defrag).toMatchObject({ exitCode: 0, stdout: 'Finished defragmenting etcd member[m1:2379]\nFinished defragmenting etcd member[m2:2379]\n' });
  });
});
