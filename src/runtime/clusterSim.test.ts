/**
 * etcd traffic under random faults (partitions, cuts, crashes, restarts, loss, duplication):
 * Raft's invariants after every step, same applied entries everywhere, ordered watches, and equal
 * KV hashes on every member once healed.
 *
 * CLUSTER_SIM_SEEDS=N runs seeds 1..N (default 100); CLUSTER_SIM_SEED=S replays one seed.
 */
import { describe, expect, it } from 'vitest';
import { runClusterSimulation, type ClusterSimStats } from './clusterSimulation.ts';

const single = process.env.CLUSTER_SIM_SEED !== undefined ? Number(process.env.CLUSTER_SIM_SEED) : undefined;
const seedCount = Number(process.env.CLUSTER_SIM_SEEDS ?? 100);

describe('etcd cluster simulation under faults', () => {
  const seeds = single !== undefined ? [single] : Array.from({ length: seedCount }, (_, i) => i + 1);
  it(`keeps Raft's invariants and converges over ${seeds.length} seed(s)`, async () => {
    const total: ClusterSimStats = { members: 0, steps: 0, opsOk: 0, opsFailed: 0, watchEvents: 0, faults: 0, finalRevision: 0, finalApplied: 0 };
    for (const seed of seeds) {
      let s: ClusterSimStats;
      try {
        s = await runClusterSimulation({ seed });
      } catch (e) {
        console.error(String(e instanceof Error ? e.message : e));
        throw e;
      }
      for (const k of Object.keys(total) as (keyof ClusterSimStats)[]) total[k] += s[k];
    }
    console.log(`cluster simulation: ${seeds.length} seeds`, total);
    // The run must really carry traffic and faults, or passing proves little.
    expect(total.opsOk).toBeGreaterThan(seeds.length * 20);
    expect(total.faults).toBeGreaterThan(seeds.length * 3);
    expect(total.watchEvents).toBeGreaterThan(seeds.length * 10);
  }, 600_000);
});
