/**
 * Randomized simulation of an etcd cluster under faults, with etcd traffic: closed-loop clients
 * doing puts, txns, deletes, reads, leases and compactions, plus a watcher, while a seeded fault
 * plan partitions, cuts, crashes and restarts members and makes links lossy and duplicating.
 *
 * Checked: Raft's safety invariants after every step (the shared checker), every member applying
 * the same entry at every index, watch streams in revision order without duplicates, and once
 * everything is healed, every member at the same applied index with the same KV hash.
 */
import { Prng, hashString32 } from '../sim/prng.ts';
import { planFaults, schedulePlan } from '../sim/faults.ts';
import { RaftInvariantChecker, type RaftMemberView, type RaftRole } from '../sim/raftInvariants.ts';
import type { LinkFaults } from '../sim/network.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import type { WatchResponse } from '../server/api.ts';
import { InProcessCluster } from './inProcessCluster.ts';
import type { PlaygroundClient } from './playgroundClient.ts';

export interface ClusterSimOptions {
  seed: number;
  /** Members; default 3 or 5, drawn from the seed. */
  size?: number;
  /** Virtual ms of faults; default 6000. */
  faultMs?: number;
}

export interface ClusterSimStats {
  members: number;
  steps: number;
  opsOk: number;
  opsFailed: number;
  watchEvents: number;
  faults: number;
  finalRevision: number;
  finalApplied: number;
}

export class ClusterSimFailure extends Error {
  constructor(
    readonly seed: number,
    cause: string,
  ) {
    super(`cluster simulation seed ${seed} failed: ${cause}\nreplay: CLUSTER_SIM_SEED=${seed} npx vitest run src/runtime/clusterSim.test.ts`);
    this.name = 'ClusterSimFailure';
  }
}

const ROLE: Record<string, RaftRole> = {
  StateLeader: 'leader',
  StateFollower: 'follower',
  StateCandidate: 'candidate',
  StatePreCandidate: 'precandidate',
};

const BASE_FAULTS: Partial<LinkFaults> = { latencyMs: 2, jitterMs: 3, lossRate: 0, duplicateRate: 0, reorder: false };

export async function runClusterSimulation(o: ClusterSimOptions): Promise<ClusterSimStats> {
  const rng = new Prng(o.seed).fork('cluster-sim');
  const size = o.size ?? rng.pick([3, 5]);
  const checker = new RaftInvariantChecker();
  let cluster: InProcessCluster | null = null;
  const now = () => cluster?.nowMs ?? 0;
  const idOf = new Map<string, string>();
  cluster = await InProcessCluster.create({
    size,
    seed: o.seed,
    storageFactory: createMemoryStorageFactory(),
    autoRun: false,
    network: BASE_FAULTS,
    settings: { snapshotCount: 40, snapshotCatchUpEntries: 10, requestTimeoutMs: 3000 },
    applyObserver: (name) => ({
      applied: (index, term, data) => checker.recordApplied(idOf.get(name) ?? name, index, term, String(hashString32(data)), now()),
      restored: (index) => checker.resetApplied(idOf.get(name) ?? name, index),
    }),
  });
  const c = cluster;
  for (const m of c.members()) idOf.set(m.name, m.id);
  const stats: ClusterSimStats = { members: size, steps: 0, opsOk: 0, opsFailed: 0, watchEvents: 0, faults: 0, finalRevision: 0, finalApplied: 0 };

  const views = (): RaftMemberView[] => {
    const out: RaftMemberView[] = [];
    for (const m of c.members()) {
      if (!m.up || !m.member) continue;
      const v = m.member.raftView();
      out.push({ id: m.id, incarnation: (c.actor(m.name) as { incarnation?: number }).incarnation ?? 0, ...v, role: ROLE[v.role]! });
    }
    return out;
  };
  c.world.afterStep(() => {
    stats.steps++;
    checker.check(views(), c.nowMs);
  });

  try {
    await c.waitForLeader();
    const start = c.nowMs;
    const faultMs = o.faultMs ?? 6000;
    const plan = planFaults(rng.fork('faults'), {
      actors: c.memberNames(),
      startMs: start + 300,
      endMs: start + faultMs,
      meanGapMs: 350,
      baseFaults: BASE_FAULTS,
    });
    stats.faults = plan.length;
    schedulePlan(c.world, plan, BASE_FAULTS);

    // The watcher: one stream over everything, from the first revision.
    const watchRevs: number[] = [];
    const watchKeys = new Set<string>();
    let watchError: string | null = null;
    const watcher = c.client({ name: 'watcher', commandTimeoutMs: 3000 });
    watcher.watch({ key: '\0', range_end: '\0', start_revision: 1 }, (r: WatchResponse) => {
      for (const e of r.events) {
        const k = `${e.kv.mod_revision}/${e.kv.key}`;
        const last = watchRevs[watchRevs.length - 1] ?? 0;
        if (e.kv.mod_revision < last) watchError ??= `watch went back: ${e.kv.mod_revision} after ${last}`;
        if (watchKeys.has(k)) watchError ??= `watch repeated ${k}`;
        watchKeys.add(k);
        watchRevs.push(e.kv.mod_revision);
        stats.watchEvents++;
      }
    });

    // Closed-loop clients until the faults end.
    const stopAt = start + faultMs;
    const clients = [1, 2, 3].map((i) => c.client({ name: `c${i}`, commandTimeoutMs: 3000 }));
    const loops = clients.map((cl, i) => clientLoop(cl, rng.fork(`client${i}`), () => c.nowMs >= stopAt, stats));
    await c.runUntil(() => c.nowMs >= stopAt + 100, faultMs + 1000);
    // Healed (the plan ends with heal-all): let in-flight requests finish or time out.
    await c.runFor(4000);
    await Promise.all(loops);

    // Converge: every member applies everything and holds the same data.
    await c.runUntil(() => {
      const ms = c.members().filter((m) => m.up && m.member);
      if (ms.length !== size) return false;
      const applied = ms.map((m) => m.member!.summary().appliedIndex);
      const commit = Math.max(...ms.map((m) => m.member!.summary().commitIndex));
      return applied.every((a) => a === commit) && c.leader() !== undefined;
    }, 30_000).catch(() => {
      throw new Error(`members did not converge: ${JSON.stringify(c.members().map((m) => m.member?.summary()))}`);
    });
    const hashes = c.members().map((m) => m.member!.hashKV());
    if (new Set(hashes).size !== 1) throw new Error(`KV hashes differ after healing: ${hashes.join(', ')}`);
    if (watchError) throw new Error(watchError);
    stats.finalRevision = c.members()[0]!.member!.summary().revision;
    stats.finalApplied = c.members()[0]!.member!.summary().appliedIndex;
    for (const cl of [...clients, watcher]) cl.close();
    return stats;
  } catch (e) {
    throw new ClusterSimFailure(o.seed, e instanceof Error ? e.message : String(e));
  } finally {
    await c.close().catch(() => undefined);
  }
}

async function clientLoop(cl: PlaygroundClient, rng: Prng, done: () => boolean, stats: ClusterSimStats): Promise<void> {
  const key = () => `k${rng.int(8)}`;
  const leases: string[] = [];
  while (!done()) {
    const r = rng.int(100);
    try {
      if (r < 35) await cl.put({ key: key(), value: `v${rng.int(1000)}` });
      else if (r < 50) {
        const k = key();
        const cur = await cl.range({ key: k });
        const ver = cur.kvs[0]?.version ?? 0;
        await cl.txn({
          compare: [{ key: k, target: 'VERSION', result: 'EQUAL', version: ver }],
          success: [{ request_put: { key: k, value: 'cas' } }, { request_put: { key: `${k}/shadow`, value: String(ver) } }],
          failure: [{ request_range: { key: k } }],
        });
      } else if (r < 60) await cl.deleteRange({ key: key() });
      else if (r < 72) await cl.range({ key: 'k', range_end: 'l', serializable: rng.chance(0.3) });
      else if (r < 80) {
        const g = await cl.leaseGrant({ TTL: 2 + rng.int(3) });
        leases.push(g.ID);
        await cl.put({ key: `lease/${rng.int(4)}`, value: 'x', lease: g.ID });
      } else if (r < 85 && leases.length > 0) await cl.leaseRevoke(leases.shift()!);
      else if (r < 90 && leases.length > 0) await cl.leaseKeepAliveOnce(leases[leases.length - 1]!);
      else if (r < 93) {
        const rev = (await cl.range({ key: 'k0' })).header.revision;
        if (rev > 10) await cl.compact({ revision: rev - 5 });
      } else await cl.range({ key: key() });
      stats.opsOk++;
    } catch {
      stats.opsFailed++;
    }
  }
}
