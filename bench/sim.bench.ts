/**
 * Simulator throughput: delivered messages per wall-clock second for a 5-member Raft cluster in
 * the lock-step world under a steady proposal load, invariant checkers off. Prints figures only.
 * Run: npm run bench:sim  (BENCH_VIRTUAL_MS sets the simulated duration).
 */
import { RaftCluster } from '../src/runtime/raftCluster.ts';

interface Result {
  label: string;
  delivered: number;
  applied: number;
  wallMs: number;
  virtualMs: number;
}

function run(label: string, virtualMs: number, proposalEveryMs: number, trace: boolean, check = false): Result {
  const cluster = new RaftCluster({
    seed: 1,
    members: 5,
    check,
    fingerprintMessages: trace,
    trace: { capacity: 0, hashing: trace },
  });
  const world = cluster.world;
  let n = 0;
  const propose = () => {
    const leader = cluster.leader();
    if (leader) world.command(world.nowMs, leader.id, { kind: 'propose', data: `value-${n++}` });
    if (world.nowMs + proposalEveryMs <= virtualMs) world.at(world.nowMs + proposalEveryMs, '', propose);
  };
  world.at(2_000, '', propose);
  const start = performance.now();
  world.runUntil(virtualMs);
  const wallMs = performance.now() - start;
  return { label, delivered: world.network.counts.delivered, applied: cluster.appliedTotal, wallMs, virtualMs };
}

function print(r: Result): void {
  const perSec = Math.round((r.delivered / r.wallMs) * 1000);
  console.log(
    `${r.label}: ${r.delivered} messages delivered, ${r.applied} entries applied (all members), ` +
      `${(r.virtualMs / 1000).toFixed(0)} s virtual in ${r.wallMs.toFixed(0)} ms wall = ${perSec.toLocaleString('en-US')} delivered messages/s`,
  );
}

const virtualMs = Number(process.env.BENCH_VIRTUAL_MS ?? 300_000);
// Warm the JIT so the figures measure steady state.
run('warm-up', 20_000, 5, false);
print(run('5 members, 1 proposal / 5 ms, checkers and trace off', virtualMs, 5, false));
print(run('5 members, 1 proposal / 5 ms, checkers off, trace hashed', virtualMs, 5, true));
print(run('5 members, 1 proposal / 50 ms, checkers off, trace hashed', virtualMs, 50, true));
// For reference (not the target figure): the same load with every invariant checked after each step.
print(run('5 members, 1 proposal / 5 ms, checkers ON, trace hashed', virtualMs / 5, 5, true, true));
