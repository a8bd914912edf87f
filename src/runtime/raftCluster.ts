/**
 * A cluster of bare Raft members (RawNode + MemoryStorage + a tiny state machine) driven by the
 * simulator's lock-step world. It exists to test Raft itself under faults and to measure the
 * simulator; the full etcd member (server + mvcc) is hosted elsewhere.
 *
 * What is durable and what is not, per member:
 * - durable: its MemoryStorage (snapshot, entries, HardState), written in the Ready loop;
 * - volatile: the RawNode and the state machine (digest of applied data). A crash drops both; a
 *   restart builds a new RawNode on the same storage and restores the state machine from the
 *   storage's snapshot, then raft hands back the committed entries after it to apply again.
 * Persistence finishes inside the step that produced it, so a crash between steps loses exactly
 * the volatile state.
 */
import { RaftInvariantChecker, InvariantViolation, type RaftMemberView, type RaftRole } from '../sim/raftInvariants.ts';
import { hashString32, type Prng } from '../sim/prng.ts';
import { World, type Actor, type ActorBatch, type ActorOutput, type OutgoingMessage } from '../sim/scheduler.ts';
import type { LinkFaults } from '../sim/network.ts';
import type { TraceOptions } from '../sim/trace.ts';
import {
  MemoryStorage,
  RaftError,
  RawNode,
  decodeConfChange,
  type ConfChange,
  type ConfState,
  type Message,
  type NodeId,
  type StateType,
  type UnsafeRaftRules,
} from '../raft/index.ts';

export type RaftCommand =
  | { kind: 'propose'; data: string }
  | { kind: 'transferLeader'; to: NodeId }
  | { kind: 'confChange'; cc: ConfChange }
  | { kind: 'campaign' };

export interface RaftClusterOptions {
  seed: number;
  /** Initial voters: ids '1'..'n'. */
  members: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  /** Take a snapshot once this many entries were applied since the last one. */
  snapshotEvery?: number;
  /** Entries kept in the log behind a snapshot (so slightly lagging members still get entries). */
  keepEntries?: number;
  maxSizePerMsg?: number;
  maxInflightMsgs?: number;
  /** Raft safety rules switched off (experiments that show what each rule prevents). */
  unsafe?: UnsafeRaftRules;
  network?: Partial<LinkFaults>;
  trace?: TraceOptions;
  /** Run the invariant checker after every step (off for benchmarks). */
  check?: boolean;
  /** Put a fingerprint of each message's content in the trace hash (default on). */
  fingerprintMessages?: boolean;
  /** Put a one-line description of each message in the trace (slower; for replays and inspectors). */
  describeMessages?: boolean;
  /**
   * Probability that a member is crashed right after a step in which it granted a vote or
   * accepted entries, and restarted 1-20 ms later: the moments when a durability bug (a
   * forgotten vote, an unsynced entry) would break safety. Half of these crashes also lose the
   * messages of that step (persisted, never sent). Only before `crashAfterAckUntilMs`.
   */
  crashAfterAckRate?: number;
  crashAfterAckUntilMs?: number;
  /**
   * Probability that a leader is crashed right after a step in which its commit index moved,
   * with that step's messages lost (nobody heard of the commit), and restarted 1-1000 ms later:
   * the moment Figure 8 of the Raft paper is about. Also only before `crashAfterAckUntilMs`.
   */
  crashAfterCommitRate?: number;
  /**
   * 'random' (default): each member ticks at its own phase within the tick interval, like
   * independent clocks. 'aligned': all tick at the same instants, so election timeouts collide
   * and split votes (two candidates in one term) are common.
   */
  tickPhases?: 'random' | 'aligned';
}

const ROLE: Record<StateType, RaftRole> = {
  StateLeader: 'leader',
  StateFollower: 'follower',
  StateCandidate: 'candidate',
  StatePreCandidate: 'precandidate',
};

const MSG_TYPE_CODE = new Map<string, number>();

/**
 * A canonical 32-bit fingerprint of a message's Raft content (type, term, indexes, commit,
 * entries, rejection, snapshot), for the trace hash. Entry data is represented by its count,
 * which the proposal workload makes unique enough; the applied-state checks cover the data.
 */
export function fingerprintRaftMessage(m: Message): number {
  let code = MSG_TYPE_CODE.get(m.type);
  if (code === undefined) {
    code = hashString32(m.type);
    MSG_TYPE_CODE.set(m.type, code);
  }
  let h = Math.imul(code ^ m.term, 0x01000193);
  h = Math.imul(h ^ m.index, 0x01000193);
  h = Math.imul(h ^ m.logTerm, 0x01000193);
  h = Math.imul(h ^ m.commit, 0x01000193);
  h = Math.imul(h ^ m.entries.length, 0x01000193);
  h = Math.imul(h ^ (m.reject ? m.rejectHint + 1 : 0), 0x01000193);
  if (m.snapshot) h = Math.imul(h ^ m.snapshot.metadata.index, 0x01000193);
  return h >>> 0;
}

/** A short, stable text for a message (logs and inspectors). */
export function describeRaftMessage(m: Message): string {
  let s = `${m.type} t${m.term} i${m.index} lt${m.logTerm} c${m.commit} n${m.entries.length}`;
  if (m.reject) s += ` rej${m.rejectHint}`;
  if (m.snapshot) s += ` snap${m.snapshot.metadata.index}`;
  return s;
}

interface SnapshotState {
  digest: number;
  count: number;
}

/** One member as the cluster hosts it. */
export class RaftMember implements Actor<Message, RaftCommand> {
  /** Durable: survives crashes. */
  readonly storage = new MemoryStorage();
  node: RawNode;
  /** Bumped by every restart. */
  incarnation = 0;
  /** Volatile state machine: index applied, chained digest of applied data, entries applied. */
  applied = 0;
  digest = 0x811c9dc5;
  appliedCount = 0;
  confState: ConfState = { voters: [], learners: [] };
  /** Set once this member applied its own removal; it then stops for good. */
  removed = false;
  proposalsDropped = 0;
  stepErrors = 0;
  private lastRole: RaftRole = 'follower';
  /** Set when this step's messages included a granted vote or an accepted append. */
  acked = false;
  /** Set when a step moved this member's commit index while it led (read by crashAfterCommit). */
  committedAsLeader = false;
  private commitSeen = 0;

  constructor(
    readonly id: NodeId,
    private readonly cluster: RaftCluster,
    bootstrapPeers: NodeId[] | null,
  ) {
    this.node = this.newNode(0);
    if (bootstrapPeers) this.node.bootstrap(bootstrapPeers);
  }

  private newNode(applied: number): RawNode {
    const o = this.cluster.options;
    const rng = this.cluster.world.rng.fork(`raft:${this.id}:${this.incarnation}`);
    return new RawNode({
      id: this.id,
      electionTick: o.electionTicks ?? 10,
      heartbeatTick: o.heartbeatTicks ?? 1,
      storage: this.storage,
      applied,
      preVote: o.preVote ?? true,
      checkQuorum: o.checkQuorum ?? true,
      maxSizePerMsg: o.maxSizePerMsg ?? 64 * 1024,
      maxInflightMsgs: o.maxInflightMsgs ?? 64,
      ...(o.unsafe ? { unsafe: o.unsafe } : {}),
      randInt: (n) => rng.int(n),
    });
  }

  get role(): RaftRole {
    return ROLE[this.node.raft.state];
  }

  handle(batch: ActorBatch<Message, RaftCommand>): ActorOutput<Message> {
    const out: OutgoingMessage<Message>[] = [];
    if (this.removed) return { messages: out };
    const node = this.node;
    for (const env of batch.envelopes) {
      try {
        node.step(env.payload);
      } catch (e) {
        if (!(e instanceof RaftError)) throw e;
        this.stepErrors++;
      }
    }
    for (let i = 0; i < batch.ticks; i++) node.tick();
    for (const c of batch.commands) this.command(c);
    const events = this.runReady(out, batch.nowMs);
    return events ? { messages: out, events } : { messages: out };
  }

  private command(c: RaftCommand): void {
    try {
      switch (c.kind) {
        case 'propose':
          this.node.propose(c.data);
          break;
        case 'transferLeader':
          this.node.transferLeader(c.to);
          break;
        case 'confChange':
          this.node.proposeConfChange(c.cc);
          break;
        case 'campaign':
          this.node.campaign();
          break;
      }
    } catch (e) {
      if (!(e instanceof RaftError)) throw e;
      this.proposalsDropped++;
    }
  }

  /**
   * Drains every Ready in etcd's order: persist (snapshot, entries, HardState) to durable
   * storage FIRST, then hand the messages to the network, then apply committed entries, then
   * advance. The messages only leave after this step ends, later than the writes they depend on.
   */
  private runReady(out: OutgoingMessage<Message>[], nowMs: number): ActorOutput<Message>['events'] {
    const node = this.node;
    let events: ActorOutput<Message>['events'];
    while (node.hasReady()) {
      const rd = node.ready();
      // 1. persist
      if (rd.snapshot) this.storage.applySnapshot(rd.snapshot);
      if (rd.entries.length > 0) this.storage.append(rd.entries);
      if (rd.hardState) this.storage.setHardState(rd.hardState);
      // 2. send
      let snapsSent: NodeId[] | undefined;
      for (const m of rd.messages) {
        if (m.type === 'MsgSnap') {
          (snapsSent ??= []).push(m.to);
          out.push({ to: m.to, payload: this.mergedSnapshot(m) });
        } else {
          out.push({ to: m.to, payload: m });
          if ((m.type === 'MsgVoteResp' || m.type === 'MsgAppResp') && !m.reject) this.acked = true;
        }
      }
      if (rd.hardState && node.raft.state === 'StateLeader' && rd.hardState.commit > this.commitSeen) this.committedAsLeader = true;
      if (rd.softState?.raft_state === 'StateLeader') this.committedAsLeader = true;
      if (rd.hardState) this.commitSeen = rd.hardState.commit;
      // 3. apply
      if (rd.snapshot) {
        this.restoreFromSnapshot(nowMs);
        this.cluster.snapshotsRestored++;
      }
      for (const e of rd.committedEntries) {
        if (e.index <= this.applied) continue;
        if (e.type === 'EntryConfChange') this.applyConfChange(decodeConfChange(e.data));
        this.applied = e.index;
        this.digest = hashString32(e.data, this.digest);
        this.appliedCount++;
        this.cluster.applied(this, e.index, e.term, e.data, nowMs);
      }
      if (rd.softState) {
        const role = ROLE[rd.softState.raft_state];
        if (role !== this.lastRole) {
          this.lastRole = role;
          (events ??= []).push({ kind: 'role', detail: `${role} t${node.raft.term}` });
        }
      }
      // 4. advance
      node.advance(rd);
      this.maybeSnapshot();
      // The in-process transport hands a snapshot over at once, so it reports success now; if the
      // network loses it, the leader's next probe finds the follower still behind and sends another.
      if (snapsSent) for (const to of snapsSent) node.reportSnapshot(to, 'finish');
    }
    return events;
  }

  /**
   * etcd sends a snapshot of the state machine as it is NOW (applied index and current membership),
   * not raft's last stored snapshot: a member added after that snapshot would refuse it (it is
   * not in its ConfState) and could never catch up.
   */
  private mergedSnapshot(m: Message): Message {
    const stored = m.snapshot;
    if (!stored || this.applied <= stored.metadata.index) return m;
    const data = JSON.stringify({ digest: this.digest, count: this.appliedCount } satisfies SnapshotState);
    const conf_state = { voters: [...this.confState.voters], learners: [...this.confState.learners] };
    const snapshot = { data, metadata: { index: this.applied, term: this.node.raft.raftLog.term(this.applied), conf_state } };
    return { ...m, snapshot };
  }

  private applyConfChange(cc: ConfChange): void {
    this.confState = this.node.applyConfChange(cc);
    this.cluster.confChangeApplied(this, cc);
    if (cc.type === 'ConfChangeRemoveNode' && cc.node_id === this.id) this.removed = true;
  }

  private restoreFromSnapshot(nowMs: number): void {
    const snap = this.storage.snapshot();
    const state: SnapshotState = snap.data === '' ? { digest: 0x811c9dc5, count: 0 } : (JSON.parse(snap.data) as SnapshotState);
    this.applied = snap.metadata.index;
    this.digest = state.digest;
    this.appliedCount = state.count;
    this.confState = { voters: [...snap.metadata.conf_state.voters], learners: [...snap.metadata.conf_state.learners] };
    this.cluster.restored(this, this.applied, this.digest, nowMs);
  }

  private maybeSnapshot(): void {
    const every = this.cluster.options.snapshotEvery ?? 32;
    const snapIndex = this.storage.snapshot().metadata.index;
    if (every <= 0 || this.applied - snapIndex < every) return;
    const data = JSON.stringify({ digest: this.digest, count: this.appliedCount } satisfies SnapshotState);
    this.storage.createSnapshot(this.applied, this.confState, data);
    const compactTo = this.applied - (this.cluster.options.keepEntries ?? 8);
    if (compactTo > this.storage.firstIndex() - 1) this.storage.compact(compactTo);
  }

  /** Drops everything volatile: the RawNode's memory and the state machine. */
  crash(): void {
    this.cluster.crashes++;
    this.applied = 0;
    this.digest = 0;
    this.appliedCount = 0;
  }

  /** Recovers from durable storage alone, as a restarted process would. */
  restart(nowMs: number): void {
    this.cluster.restarts++;
    this.incarnation++;
    this.restoreFromSnapshot(nowMs);
    this.node = this.newNode(this.applied);
    this.lastRole = 'follower';
  }

  view(): RaftMemberView {
    const r = this.node.raft;
    const log = r.raftLog;
    return {
      id: this.id,
      incarnation: this.incarnation,
      term: r.term,
      vote: r.vote,
      commit: log.committed,
      role: ROLE[r.state],
      lead: r.lead,
      persisted: this.storage.hardStateNow(),
      firstIndex: log.firstIndex(),
      lastIndex: log.lastIndex(),
      termAt: (i) => log.term(i),
      applied: this.applied,
    };
  }
}

export class RaftCluster {
  readonly world: World<Message, RaftCommand>;
  readonly checker: RaftInvariantChecker | undefined;
  readonly options: RaftClusterOptions;
  private readonly byId = new Map<NodeId, RaftMember>();
  /** State digest after applying each index, as first seen; snapshots must match it. */
  private readonly stateAt = new Map<number, number>();
  /** When each proposal's data was first applied anywhere (it was committed by then). */
  readonly firstAppliedAtMs = new Map<string, number>();
  /** Members whose removal was applied somewhere; they are stopped once it is safe. */
  readonly removedIds = new Set<NodeId>();
  private readonly pendingAdds: NodeId[] = [];
  private nextIdNumber: number;
  private readonly crashRng: Prng;
  private readonly commitCrashRng: Prng;
  /** Total entries applied across members (for benchmarks). */
  appliedTotal = 0;
  crashes = 0;
  restarts = 0;
  learnersAdded = 0;
  /** Snapshots received from a leader and restored (catch-up by snapshot). */
  snapshotsRestored = 0;

  constructor(options: RaftClusterOptions) {
    if (!Number.isInteger(options.members) || options.members < 1) {
      throw new Error(`raftCluster: members must be a whole number >= 1, got ${options.members}`);
    }
    this.options = options;
    this.world = new World<Message, RaftCommand>({
      seed: options.seed,
      network: options.network,
      trace: options.trace,
      fingerprint: options.fingerprintMessages === false ? undefined : fingerprintRaftMessage,
      describe: options.describeMessages ? describeRaftMessage : undefined,
    });
    this.checker = options.check === false ? undefined : new RaftInvariantChecker();
    this.crashRng = this.world.rng.fork('crash-after-ack');
    this.commitCrashRng = this.world.rng.fork('crash-after-commit');
    const ids = Array.from({ length: options.members }, (_, i) => (i + 1).toString(16));
    this.nextIdNumber = options.members + 1;
    for (const id of ids) this.start(id, ids);
    this.world.afterStep(() => this.afterStep());
  }

  private start(id: NodeId, bootstrapPeers: NodeId[] | null): RaftMember {
    const m = new RaftMember(id, this, bootstrapPeers);
    this.byId.set(id, m);
    this.world.addActor(m, this.options.tickPhases === 'aligned' ? { tickPhaseMs: 0 } : {});
    return m;
  }

  /** Between steps: start members whose addition was applied, stop removed ones, check invariants. */
  private afterStep(): void {
    if (this.pendingAdds.length > 0) {
      for (const id of this.pendingAdds.splice(0)) if (!this.byId.has(id) && !this.removedIds.has(id)) this.start(id, null);
    }
    for (const m of this.byId.values()) {
      if (m.removed && this.world.hasActor(m.id)) this.world.removeActor(m.id);
    }
    const rate = this.options.crashAfterAckRate ?? 0;
    if (rate > 0) {
      const w = this.world;
      for (const m of this.byId.values()) {
        if (!m.acked) continue;
        m.acked = false;
        // Three draws per acknowledging member, always, so the stream does not depend on outcomes.
        const crash = this.crashRng.chance(rate);
        const downMs = 1 + this.crashRng.int(20);
        const sendsDie = this.crashRng.chance(0.5);
        if (!crash || m.removed || !w.isUp(m.id) || w.nowMs + downMs >= (this.options.crashAfterAckUntilMs ?? Infinity)) continue;
        if (sendsDie) {
          // The writes of this step landed but the process died before its messages left.
          for (const env of w.network.inFlight()) if (env.from === m.id && env.sentAtMs === w.nowMs) w.network.drop(env.id);
        }
        w.crash(m.id);
        w.at(w.nowMs + downMs, `restart ${m.id}`, () => {
          if (w.hasActor(m.id)) w.restart(m.id);
        });
      }
    }
    const commitRate = this.options.crashAfterCommitRate ?? 0;
    if (commitRate > 0) {
      const w = this.world;
      for (const m of this.byId.values()) {
        if (!m.committedAsLeader) continue;
        m.committedAsLeader = false;
        const crash = this.commitCrashRng.chance(commitRate);
        const downMs = 1 + this.commitCrashRng.int(1000);
        if (!crash || m.removed || !w.isUp(m.id) || w.nowMs + downMs >= (this.options.crashAfterAckUntilMs ?? Infinity)) continue;
        for (const env of w.network.inFlight()) if (env.from === m.id && env.sentAtMs === w.nowMs) w.network.drop(env.id);
        w.crash(m.id);
        w.at(w.nowMs + downMs, `restart ${m.id}`, () => {
          if (w.hasActor(m.id)) w.restart(m.id);
        });
      }
    }
    if (this.checker) this.checker.check(this.views(), this.world.nowMs);
  }

  /** A fresh member id for an addition. */
  newMemberId(): NodeId {
    return (this.nextIdNumber++).toString(16);
  }

  members(): RaftMember[] {
    return [...this.byId.values()];
  }

  member(id: NodeId): RaftMember {
    const m = this.byId.get(id);
    if (!m) throw new Error(`raftCluster: no member ${id}`);
    return m;
  }

  /** Members running now (not crashed, not removed). */
  running(): RaftMember[] {
    return this.members().filter((m) => !m.removed && this.world.isUp(m.id));
  }

  /** The running leader with the highest term, if any. */
  leader(): RaftMember | undefined {
    let best: RaftMember | undefined;
    for (const m of this.running()) {
      if (m.role === 'leader' && (!best || m.node.raft.term > best.node.raft.term)) best = m;
    }
    return best;
  }

  views(): RaftMemberView[] {
    return this.running().map((m) => m.view());
  }

  /** Stops a member whose removal was committed (it may never learn of it while cut off). */
  stopRemoved(): void {
    for (const id of this.removedIds) {
      const m = this.byId.get(id);
      if (m && !m.removed) {
        m.removed = true;
        if (this.world.hasActor(id)) this.world.removeActor(id);
      }
    }
  }

  // ---- called by members ----

  applied(m: RaftMember, index: number, term: number, data: string, nowMs: number): void {
    this.appliedTotal++;
    if (this.checker) {
      this.checker.recordApplied(m.id, index, term, data, nowMs);
      const d = this.stateAt.get(index);
      if (d === undefined) this.stateAt.set(index, m.digest);
      else if (d !== m.digest) throw new InvariantViolation('state machines diverge', `${m.id} at index ${index}`);
    }
    if (data !== '' && !this.firstAppliedAtMs.has(data)) this.firstAppliedAtMs.set(data, nowMs);
  }

  restored(m: RaftMember, index: number, digest: number, _nowMs: number): void {
    if (!this.checker) return;
    this.checker.resetApplied(m.id, index);
    const d = this.stateAt.get(index);
    if (index > 0 && d !== undefined && d !== digest) {
      throw new InvariantViolation('snapshot state diverges', `${m.id} restored index ${index} with another state`);
    }
  }

  confChangeApplied(_m: RaftMember, cc: ConfChange): void {
    if ((cc.type === 'ConfChangeAddNode' || cc.type === 'ConfChangeAddLearnerNode') && !this.byId.has(cc.node_id)) {
      if (!this.pendingAdds.includes(cc.node_id)) {
        this.pendingAdds.push(cc.node_id);
        if (cc.type === 'ConfChangeAddLearnerNode') this.learnersAdded++;
      }
    }
    if (cc.type === 'ConfChangeRemoveNode') this.removedIds.add(cc.node_id);
  }
}
