/**
 * One randomized Raft simulation run (VOPR-style): a seed picks the cluster size, a fault plan
 * (partitions incl. one-way cuts, crashes and restarts, loss/duplication/reordering windows) and a
 * workload (proposals to random members, leader transfers, membership changes). The invariant
 * checker runs after every step. Then every fault is healed and liveness is required: a leader
 * within a bound, and each later proposal committed within a bound.
 *
 * Everything is drawn from forks of the seed, so a failing seed replays exactly.
 */
import { planFaults, schedulePlan } from '../sim/faults.ts';
import type { LinkFaults } from '../sim/network.ts';
import { RaftCluster } from './raftCluster.ts';
import type { UnsafeRaftRules } from '../raft/index.ts';

export interface RaftSimOptions {
  seed: number;
  /** Initial voters; by default 3, 5 or 7 chosen by the seed. */
  members?: number;
  /** Virtual time with faults and chaos, before everything heals. */
  chaosMs?: number;
  /** Proposals made one after another once healed; each must commit in time. */
  livenessProposals?: number;
  /** After healing, a leader must exist within this long. */
  electionBoundMs?: number;
  /** After healing and electing, each proposal must commit within this long. */
  commitBoundMs?: number;
  /** Kept trace events (printed on failure). */
  traceCapacity?: number;
  /** Run the invariant checker after every step (default true). */
  check?: boolean;
  /** Chance of crashing a member right after it granted a vote or accepted entries (default 0.02). */
  crashAfterAckRate?: number;
  /** Chance of crashing a leader right after its commit index moved, before telling anyone (default 0). */
  crashAfterCommitRate?: number;
  /** Tick phases of members (default: aligned for even seeds, random for odd ones). */
  tickPhases?: 'random' | 'aligned';
  /** Raft's pre-vote (default true, as etcd runs it). */
  preVote?: boolean;
  /** Raft's check-quorum (default true, as etcd runs it). */
  checkQuorum?: boolean;
  /** Raft safety rules switched off (the safety-switch experiments). */
  unsafe?: UnsafeRaftRules;
  /** Largest append message in bytes (default 64 KiB); a small one sends entries one by one. */
  maxSizePerMsg?: number;
}

export interface RaftSimStats {
  steps: number;
  traceEvents: number;
  leadersElected: number;
  crashes: number;
  restarts: number;
  snapshotsRestored: number;
  membersAdded: number;
  membersRemoved: number;
  /** Learners added (each later promoted to voter, if the run lasts). */
  learnersAdded: number;
  transfersRequested: number;
  proposalsCommitted: number;
  /** Virtual time from heal to a leader. */
  electionAfterHealMs: number;
  /** Slowest commit of the liveness proposals. */
  maxCommitLatencyMs: number;
}

export interface RaftSimResult {
  seed: number;
  members: number;
  traceHash: string;
  stats: RaftSimStats;
}

export class SimulationFailure extends Error {
  constructor(
    readonly seed: number,
    readonly members: number,
    readonly atMs: number,
    readonly failure: unknown,
    readonly recentTrace: string[],
  ) {
    super(
      `seed ${seed} (${members} members) failed at ${atMs} ms virtual: ${failure instanceof Error ? failure.message : String(failure)}\n` +
        `replay: ${replayCommand(seed)}`,
    );
    this.name = 'SimulationFailure';
  }
}

export function replayCommand(seed: number): string {
  return `SIM_SEED=${seed} npx vitest run src/runtime/raftSim.test.ts`;
}

/** How often a client retries a proposal that has not committed yet. */
const RETRY_MS = 500;

const BASE_FAULTS: Partial<LinkFaults> = { latencyMs: 2, jitterMs: 8, lossRate: 0, duplicateRate: 0, reorder: false };

/** Draws exponential gaps (a Poisson process) from `rng` and calls `at` for each time < endMs. */
function poisson(next: () => number, startMs: number, endMs: number, meanGapMs: number, at: (t: number) => void): void {
  let t = startMs;
  for (;;) {
    t += Math.max(1, Math.round(-Math.log(1 - next()) * meanGapMs));
    if (t >= endMs) return;
    at(t);
  }
}

/** Each member's Raft state in one line, for failure reports. */
function describeMembers(cluster: RaftCluster): string {
  return cluster
    .members()
    .map((m) => {
      const r = m.node.raft;
      const up = m.removed ? 'removed' : cluster.world.isUp(m.id) ? 'up' : 'down';
      return (
        `${m.id}[${up} ${m.role} t${r.term} lead ${r.lead} last ${r.raftLog.lastIndex()} commit ${r.raftLog.committed} ` +
        `applied ${m.applied} voters ${m.confState.voters.join(',')} transferee ${r.leadTransferee} dropped ${m.proposalsDropped}]`
      );
    })
    .join(' ');
}

export function runRaftSimulation(options: RaftSimOptions): RaftSimResult {
  const seed = options.seed;
  const n = options.members ?? [3, 5, 7][seed % 3]!;
  const chaosMs = options.chaosMs ?? 12_000;
  const electionBoundMs = options.electionBoundMs ?? 10_000;
  const commitBoundMs = options.commitBoundMs ?? 3_000;
  const livenessProposals = options.livenessProposals ?? 3;
  const cluster = new RaftCluster({
    seed,
    members: n,
    network: BASE_FAULTS,
    trace: { capacity: options.traceCapacity ?? 0 },
    describeMessages: (options.traceCapacity ?? 0) > 0,
    check: options.check ?? true,
    preVote: options.preVote ?? true,
    checkQuorum: options.checkQuorum ?? true,
    ...(options.unsafe ? { unsafe: options.unsafe } : {}),
    ...(options.maxSizePerMsg !== undefined ? { maxSizePerMsg: options.maxSizePerMsg } : {}),
    crashAfterAckRate: options.crashAfterAckRate ?? 0.02,
    crashAfterCommitRate: options.crashAfterCommitRate ?? 0,
    tickPhases: options.tickPhases ?? (seed % 2 === 0 ? 'aligned' : 'random'),
    crashAfterAckUntilMs: chaosMs,
    snapshotEvery: 16,
    keepEntries: 4,
  });
  const world = cluster.world;
  const stats: RaftSimStats = {
    steps: 0,
    traceEvents: 0,
    leadersElected: 0,
    crashes: 0,
    restarts: 0,
    snapshotsRestored: 0,
    membersAdded: 0,
    membersRemoved: 0,
    learnersAdded: 0,
    transfersRequested: 0,
    proposalsCommitted: 0,
    electionAfterHealMs: 0,
    maxCommitLatencyMs: 0,
  };

  const workload = world.rng.fork('workload');
  const faultRng = world.rng.fork('faults');
  // Faults may hit members added later too; actions naming members that do not exist are skipped.
  const candidates = Array.from({ length: n + 4 }, (_, i) => (i + 1).toString(16));
  const plan = planFaults(faultRng, {
    actors: candidates,
    startMs: 500,
    endMs: chaosMs,
    meanGapMs: 250,
    maxDown: Math.floor((n - 1) / 2) + 1,
    baseFaults: BASE_FAULTS,
    worstFaults: { lossRate: 0.3, duplicateRate: 0.2, jitterMs: 60 },
  });
  schedulePlan(world, plan, BASE_FAULTS);

  // Proposals to random members (followers forward them to the leader).
  let proposalNo = 0;
  poisson(() => workload.float(), 0, chaosMs, 40, (t) => {
    const pick = workload.float();
    world.at(t, '', () => {
      const running = cluster.running();
      if (running.length === 0) return;
      world.command(t, running[Math.floor(pick * running.length)]!.id, { kind: 'propose', data: `p${proposalNo++}` });
    });
  });
  // Leader transfers.
  poisson(() => workload.float(), 0, chaosMs, 1_500, (t) => {
    const pick = workload.float();
    world.at(t, '', () => {
      const leader = cluster.leader();
      if (!leader) return;
      const voters = leader.confState.voters.filter((id) => id !== leader.id);
      if (voters.length === 0) return;
      stats.transfersRequested++;
      world.command(t, leader.id, { kind: 'transferLeader', to: voters[Math.floor(pick * voters.length)]! });
    });
  });
  // Membership changes: grow to n+1 voters (directly, or as a learner that is promoted later),
  // then shrink back to n (any voter, the leader included).
  poisson(() => workload.float(), 0, chaosMs, 1_200, (t) => {
    const pick = workload.float();
    const asLearner = workload.chance(0.4);
    world.at(t, '', () => {
      const leader = cluster.leader();
      if (!leader) return;
      const { voters, learners } = leader.confState;
      if (learners.length > 0) {
        const id = learners[Math.floor(pick * learners.length)]!;
        world.command(t, leader.id, { kind: 'confChange', cc: { type: 'ConfChangeAddNode', node_id: id, context: '' } });
      } else if (voters.length <= n) {
        const id = cluster.newMemberId();
        const type = asLearner ? 'ConfChangeAddLearnerNode' : 'ConfChangeAddNode';
        world.command(t, leader.id, { kind: 'confChange', cc: { type, node_id: id, context: '' } });
      } else {
        const id = voters[Math.floor(pick * voters.length)]!;
        world.command(t, leader.id, { kind: 'confChange', cc: { type: 'ConfChangeRemoveNode', node_id: id, context: '' } });
      }
    });
  });
  // Members whose removal committed are stopped when the faults heal (one cut off during its
  // removal never learns of it; etcd would have it shut down by the operator).
  world.at(chaosMs, '', () => cluster.stopRemoved());

  const fail = (cause: unknown): never => {
    const recent = world.trace.events().map((e) => `${e.atMs} ${e.kind} ${e.actor} ${e.peer} #${e.envelopeId} ${e.detail}`);
    throw new SimulationFailure(seed, n, world.nowMs, cause, recent.slice(-(options.traceCapacity ?? 60)));
  };

  try {
    world.runUntil(chaosMs);
    // Liveness: a leader soon after healing...
    const healedAt = world.nowMs;
    world.runUntil(healedAt + electionBoundMs, () => cluster.leader() !== undefined);
    const leader = cluster.leader();
    if (!leader) fail(new Error(`liveness: no leader ${electionBoundMs} ms after all faults healed; ${describeMembers(cluster)}`));
    stats.electionAfterHealMs = world.nowMs - healedAt;
    // ...and every later proposal commits within a bound.
    for (let i = 0; i < livenessProposals; i++) {
      const data = `live${i}`;
      const start = world.nowMs;
      const to = cluster.leader() ?? leader!;
      world.command(start, to.id, { kind: 'propose', data });
      // A proposal can be refused (e.g. while a leader transfer requested before the heal runs
      // out); a client retries, so the bound covers retries to whoever leads then.
      for (let retryAt = start + RETRY_MS; retryAt < start + commitBoundMs; retryAt += RETRY_MS) {
        world.at(retryAt, '', () => {
          const now = cluster.leader();
          if (now && !cluster.firstAppliedAtMs.has(data)) world.command(retryAt, now.id, { kind: 'propose', data });
        });
      }
      world.runUntil(start + commitBoundMs, () => cluster.firstAppliedAtMs.has(data));
      const at = cluster.firstAppliedAtMs.get(data);
      if (at === undefined) {
        fail(new Error(`liveness: proposal ${data} to ${to.id} not committed within ${commitBoundMs} ms after healing; ${describeMembers(cluster)}`));
      }
      stats.maxCommitLatencyMs = Math.max(stats.maxCommitLatencyMs, at! - start);
    }
  } catch (e) {
    if (e instanceof SimulationFailure) throw e;
    fail(e);
  }
  stats.steps = world.stepCount;
  stats.traceEvents = world.trace.totalCount;
  stats.snapshotsRestored = cluster.snapshotsRestored;
  stats.crashes = cluster.crashes;
  stats.restarts = cluster.restarts;
  stats.leadersElected = cluster.checker?.leaders().size ?? 0;
  stats.membersAdded = cluster.members().length - n;
  stats.membersRemoved = cluster.removedIds.size;
  stats.learnersAdded = cluster.learnersAdded;
  stats.proposalsCommitted = cluster.firstAppliedAtMs.size;
  return { seed, members: n, traceHash: world.trace.hash, stats };
}
