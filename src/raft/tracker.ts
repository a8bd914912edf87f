import type { ConfState, NodeId } from './types.ts';
import { Progress } from './progress.ts';
import { compareIds } from './util.ts';

export type VoteResult = 'VotePending' | 'VoteLost' | 'VoteWon';

/**
 * The configuration (voters and learners) and, on a leader, every member's Progress.
 *
 * Invariants: voters and learners are disjoint; `progress` has exactly their members;
 * `ids` lists them sorted by ID, so every broadcast visits members in the same order on every run.
 * Learners replicate but never count toward a quorum.
 */
export class ProgressTracker {
  readonly voters = new Set<NodeId>();
  readonly learners = new Set<NodeId>();
  readonly progress = new Map<NodeId, Progress>();
  readonly votes = new Map<NodeId, boolean>();
  readonly maxInflight: number;
  private ids: NodeId[] = [];
  private voterIds: NodeId[] = [];
  private matchScratch: number[] = [];

  constructor(maxInflight: number) {
    this.maxInflight = maxInflight;
  }

  confState(): ConfState {
    return {
      voters: [...this.voters].sort(compareIds),
      learners: [...this.learners].sort(compareIds),
    };
  }

  /** Called after any change of membership, to refresh the sorted views. */
  configChanged(): void {
    this.ids = [...this.progress.keys()].sort(compareIds);
    this.voterIds = [...this.voters].sort(compareIds);
  }

  /** Visits every member (voters and learners) in ID order. */
  visit(f: (id: NodeId, pr: Progress) => void): void {
    for (const id of this.ids) f(id, this.progress.get(id)!);
  }

  sortedIds(): readonly NodeId[] {
    return this.ids;
  }

  sortedVoters(): readonly NodeId[] {
    return this.voterIds;
  }

  isSingleton(): boolean {
    return this.voters.size === 1;
  }

  quorum(): number {
    return (this.voters.size >> 1) + 1;
  }

  /** The highest index that a quorum of voters have acknowledged. */
  committed(): number {
    const n = this.voterIds.length;
    if (n === 0) return Number.MAX_SAFE_INTEGER; // an empty config commits anything (etcd's convention)
    const m = this.matchScratch;
    m.length = n;
    // Insertion sort, descending: clusters are a handful of voters and this runs on every ack.
    for (let i = 0; i < n; i++) {
      const v = this.progress.get(this.voterIds[i]!)!.match;
      let j = i;
      while (j > 0 && m[j - 1]! < v) {
        m[j] = m[j - 1]!;
        j--;
      }
      m[j] = v;
    }
    return m[this.quorum() - 1]!;
  }

  /** Outcome of an election where `votes` maps voters to their answer (missing = not yet answered). */
  voteResult(votes: ReadonlyMap<NodeId, boolean>): VoteResult {
    if (this.voters.size === 0) return 'VoteWon';
    let yes = 0;
    let missing = 0;
    for (const id of this.voterIds) {
      const v = votes.get(id);
      if (v === undefined) missing++;
      else if (v) yes++;
    }
    const q = this.quorum();
    if (yes >= q) return 'VoteWon';
    if (yes + missing >= q) return 'VotePending';
    return 'VoteLost';
  }

  /** Whether the members in `acks` include a quorum of voters. */
  hasQuorum(acks: ReadonlySet<NodeId>): boolean {
    let yes = 0;
    for (const id of this.voterIds) if (acks.has(id)) yes++;
    return yes >= this.quorum();
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records id's first answer in this election; later answers from the same member are ignored. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voterIds) {
      const v = this.votes.get(id);
      if (v === undefined) continue;
      if (v) granted++;
      else rejected++;
    }
    return { granted, rejected, result: this.voteResult(this.votes) };
  }

  /** Whether a quorum of voters has been recently active (check-quorum). */
  quorumActive(): boolean {
    let active = 0;
    for (const id of this.voterIds) if (this.progress.get(id)!.recentActive) active++;
    return active >= this.quorum();
  }
}
