import type { ProgressStateType, ProgressStatus } from './types.ts';
import { Inflights } from './inflights.ts';

/**
 * The leader's view of one follower's log.
 *
 * - StateProbe: the leader does not know where the logs agree; it sends one MsgApp per heartbeat
 *   interval (probeSent pauses it) and moves `next` back on each rejection.
 * - StateReplicate: the logs agree up to `match`; the leader streams entries optimistically
 *   (advancing `next` before acks), bounded by the inflight window.
 * - StateSnapshot: the follower needs a snapshot; nothing is sent until it is reported applied
 *   (or failed), then the leader probes again.
 *
 * Invariant: match < next.
 */
export class Progress {
  match = 0;
  next: number;
  state: ProgressStateType = 'StateProbe';
  /** In StateSnapshot, the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum round (or added recently). */
  recentActive = false;
  /** In StateProbe, a probe is out: wait for its answer (or a heartbeat response) before the next. */
  probeSent = false;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(next: number, maxInflight: number, isLearner: boolean) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
    this.isLearner = isLearner;
  }

  private resetState(state: ProgressStateType): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot, the follower has at least the snapshot's entries: probe right after it.
    if (this.state === 'StateSnapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('StateProbe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('StateProbe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('StateReplicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('StateSnapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** An ack for index n arrived. Returns whether match advanced (a stale ack does not move it). */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    if (this.next < n + 1) this.next = n + 1;
    return updated;
  }

  optimisticUpdate(n: number): void {
    this.next = n + 1;
  }

  /**
   * The follower rejected the MsgApp whose previous index was `rejected`; `matchHint` is the
   * highest index where the logs may agree. Returns false for a stale rejection.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'StateReplicate') {
      // A rejection at or below match is stale: those entries were acknowledged.
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // In probe state only the answer to the latest probe (sent at next-1) counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'StateProbe':
        return this.probeSent;
      case 'StateReplicate':
        return this.inflights.full();
      case 'StateSnapshot':
        return true;
    }
  }

  status(): ProgressStatus {
    return {
      match: this.match,
      next: this.next,
      state: this.state,
      paused: this.isPaused(),
      pendingSnapshot: this.pendingSnapshot,
      recentActive: this.recentActive,
      isLearner: this.isLearner,
      inflight: this.inflights.countNow(),
    };
  }
}
