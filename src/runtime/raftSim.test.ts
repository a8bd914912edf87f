/**
 * Randomized Raft simulation: many seeds of partitions (one-way too), crashes, restarts, loss,
 * duplication, reordering, proposals, membership changes and leader transfers, with Raft's safety
 * invariants checked after every step and liveness required once faults heal.
 *
 * SIM_SEEDS=N runs seeds 1..N (default 1000); SIM_SEED=S replays one seed with its recent trace.
 */
import { describe, expect, it } from 'vitest';
import { runRaftSimulation, replayCommand, SimulationFailure, type RaftSimStats } from './raftSimulation.ts';

const single = process.env.SIM_SEED !== undefined ? Number(process.env.SIM_SEED) : undefined;
const seedCount = Number(process.env.SIM_SEEDS ?? 1000);

function runOrReport(seed: number, traceCapacity = 0): ReturnType<typeof runRaftSimulation> {
  try {
    return runRaftSimulation({ seed, traceCapacity });
  } catch (e) {
    if (e instanceof SimulationFailure) {
      if (e.recentTrace.length > 0) console.error(`last trace events of seed ${seed}:\n${e.recentTrace.join('\n')}`);
      console.error(e.message);
    } else {
      console.error(`seed ${seed} threw: ${String(e)}\nreplay: ${replayCommand(seed)}`);
    }
    throw e;
  }
}

describe('raft randomized simulation', () => {
  if (single !== undefined) {
    it(`replays seed ${single}`, () => {
      if (!Number.isSafeInteger(single)) throw new Error(`SIM_SEED must be an integer, got ${process.env.SIM_SEED}`);
      const r = runOrReport(single, 400);
      console.log(`seed ${single}: ${r.members} members, trace ${r.traceHash}`, r.stats);
      expect(r.stats.steps).toBeGreaterThan(0);
    });
    return;
  }

  it(`keeps every invariant and stays live over ${seedCount} seeds (3, 5 and 7 members)`, () => {
    if (!Number.isSafeInteger(seedCount) || seedCount < 1) throw new Error(`SIM_SEEDS must be a positive integer, got ${process.env.SIM_SEEDS}`);
    const total: RaftSimStats = {
      steps: 0, traceEvents: 0, leadersElected: 0, crashes: 0, restarts: 0, snapshotsRestored: 0, membersAdded: 0,
      membersRemoved: 0, learnersAdded: 0, transfersRequested: 0, proposalsCommitted: 0, electionAfterHealMs: 0, maxCommitLatencyMs: 0,
    };
    const sizes = new Set<number>();
    for (let seed = 1; seed <= seedCount; seed++) {
      const r = runOrReport(seed);
      sizes.add(r.members);
      for (const k of Object.keys(total) as (keyof RaftSimStats)[]) {
        total[k] = k === 'maxCommitLatencyMs' ? Math.max(total[k], r.stats[k]) : total[k] + r.stats[k];
      }
    }
    console.log(`raft simulation: ${seedCount} seeds`, total);
    // The sweep must really exercise what it claims to test, or passing proves little.
    if (seedCount >= 30) {
      expect([...sizes].sort()).toEqual([3, 5, 7]);
      for (const k of ['crashes', 'restarts', 'snapshotsRestored', 'membersAdded', 'membersRemoved', 'learnersAdded', 'transfersRequested'] as const) {
        expect(total[k], k).toBeGreaterThan(0);
      }
      expect(total.leadersElected).toBeGreaterThan(seedCount);
      expect(total.proposalsCommitted).toBeGreaterThan(seedCount * 10);
    }
  });

  it('is deterministic: the same seed gives the same trace hash, other seeds differ', () => {
    const a = runRaftSimulation({ seed: 4242 });
    const b = runRaftSimulation({ seed: 4242 });
    const c = runRaftSimulation({ seed: 4243 });
    const d = runRaftSimulation({ seed: 4245, members: 3 });
    expect(b.traceHash).toBe(a.traceHash);
    // A replay keeps and describes trace events; the hash must not change for that.
    expect(runRaftSimulation({ seed: 4242, traceCapacity: 100 }).traceHash).toBe(a.traceHash);
    expect(b.stats).toEqual(a.stats);
    expect(c.traceHash).not.toBe(a.traceHash);
    expect(d.traceHash).not.toBe(a.traceHash);
  });

  it('names the seed and the replay command when a run fails', () => {
    // A liveness bound no cluster can meet turns any seed into a failure.
    let caught: unknown;
    try {
      runRaftSimulation({ seed: 7, commitBoundMs: 0.5, electionBoundMs: 0 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SimulationFailure);
    const f = caught as SimulationFailure;
    expect(f.seed).toBe(7);
    expect(f.message).toContain('SIM_SEED=7 npx vitest run src/runtime/raftSim.test.ts');
  });
});
