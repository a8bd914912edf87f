import type {
  Config,
  ConfChange,
  ConfState,
  HardState,
  Message,
  NodeId,
  ProgressStatus,
  Ready,
  SoftState,
  Status,
} from './types.ts';
import { NONE } from './types.ts';
import { ErrStepLocalMsg, ErrStepPeerNotFound } from './errors.ts';
import { Raft } from './raft.ts';
import { encodeConfChange } from './confChange.ts';
import { EMPTY_HARD_STATE, hardStateEqual, isEmptyHardState, isLocalMsg, isResponseMsg, newMessage } from './util.ts';

/** A peer for bootstrap: its ID and the opaque context carried in its ConfChangeAddNode. */
export interface Peer {
  id: NodeId;
  context?: string;
}

/**
 * The application's handle on one member's Raft (etcd's RawNode). Single-threaded and synchronous:
 * feed it ticks, messages and proposals, then drain its work with ready() / advance().
 *
 * Errors are thrown (they are the shared RaftError instances in errors.ts): propose() and
 * proposeConfChange() throw ErrProposalDropped; step() throws ErrStepLocalMsg for a local message
 * type, ErrStepPeerNotFound for a response from a member not in the configuration, and
 * ErrProposalDropped when a forwarded MsgProp reaches a leader that refuses it. A network host
 * should catch RaftError from step() and drop the message, as etcd's transport logs and drops.
 *
 * Starting a cluster: either give every member `new MemoryStorage({ voters, learners: [] })` (the
 * configuration lives in an index-0 snapshot; the log starts empty), or use etcd's way on empty
 * storage: `node.bootstrap(peers)`, which writes one ConfChangeAddNode entry per peer at indexes
 * 1..n in term 1, already committed, so the application applies them (and records the members)
 * from the first Ready. Restarting: construct with the same storage and `config.applied`.
 */
export class RawNode {
  /** The state machine itself; exposed for tests and inspectors, not for driving. */
  readonly raft: Raft;
  private prevSoftSt: SoftState;
  private prevHardSt: HardState;

  constructor(config: Config) {
    this.raft = new Raft(config);
    this.prevSoftSt = this.raft.softState();
    this.prevHardSt = this.raft.hardState();
  }

  /** Starts a new cluster on empty storage (see the class comment). Throws if storage is not empty. */
  bootstrap(peers: ReadonlyArray<NodeId | Peer>): void {
    if (peers.length === 0) throw new Error('must provide at least one peer to bootstrap');
    const r = this.raft;
    if (r.raftLog.storage.lastIndex() !== 0 || r.raftLog.lastIndex() !== 0) {
      throw new Error("can't bootstrap a nonempty Storage");
    }
    const ccs: ConfChange[] = peers.map((p) => {
      const peer = typeof p === 'string' ? { id: p } : p;
      return { type: 'ConfChangeAddNode', node_id: peer.id, context: peer.context ?? '' };
    });
    const data = ccs.map(encodeConfChange); // validates every peer before anything changes
    // The HardState must be written by the first Ready even though nothing else changed it.
    this.prevHardSt = EMPTY_HARD_STATE;
    r.becomeFollower(1, NONE);
    r.raftLog.append(data.map((d, i) => ({ term: 1, index: i + 1, type: 'EntryConfChange' as const, data: d })));
    // Committed at once: every member bootstraps with the same entries, so no quorum is needed.
    r.raftLog.committed = ccs.length;
    for (const cc of ccs) r.applyConfChange(cc);
  }

  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (pre-vote first when enabled). */
  campaign(): void {
    this.raft.step(newMessage({ type: 'MsgHup' }));
  }

  /** Proposes data be appended to the log. Throws ErrProposalDropped if it cannot be accepted now. */
  propose(data: string): void {
    this.raft.step(
      newMessage({ type: 'MsgProp', from: this.raft.id, entries: [{ term: 0, index: 0, type: 'EntryNormal', data }] }),
    );
  }

  /** Proposes a membership change; it takes effect when the application calls applyConfChange. */
  proposeConfChange(cc: ConfChange): void {
    const data = encodeConfChange(cc);
    this.raft.step(
      newMessage({ type: 'MsgProp', from: this.raft.id, entries: [{ term: 0, index: 0, type: 'EntryConfChange', data }] }),
    );
  }

  /** Steps a message received from another member. */
  step(m: Message): void {
    if (isLocalMsg(m.type)) throw ErrStepLocalMsg;
    if (this.raft.trk.progress.has(m.from) || !isResponseMsg(m.type)) {
      this.raft.step(m);
      return;
    }
    throw ErrStepPeerNotFound;
  }

  /** Applies a committed conf change (call it when applying its entry); returns the new configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /** Asks the leader to hand leadership to transferee (forwarded when called on a follower). */
  transferLeader(transferee: NodeId): void {
    this.raft.step(newMessage({ type: 'MsgTransferLeader', from: transferee }));
  }

  /**
   * Requests a read index; the answer arrives as a ReadState with this requestCtx in a later
   * Ready. The context must be unique among requests in flight.
   */
  readIndex(requestCtx: string): void {
    this.raft.step(
      newMessage({ type: 'MsgReadIndex', entries: [{ term: 0, index: 0, type: 'EntryNormal', data: requestCtx }] }),
    );
  }

  /** The transport failed to reach id: a leader stops streaming to it and probes instead. */
  reportUnreachable(id: NodeId): void {
    this.raft.step(newMessage({ type: 'MsgUnreachable', from: id }));
  }

  /** The outcome of sending a snapshot to id; either way the leader goes back to probing it. */
  reportSnapshot(id: NodeId, status: 'finish' | 'failure'): void {
    this.raft.step(newMessage({ type: 'MsgSnapStatus', from: id, reject: status === 'failure' }));
  }

  hasReady(): boolean {
    const r = this.raft;
    const ss = this.prevSoftSt;
    if (r.lead !== ss.lead || r.state !== ss.raft_state) return true;
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !hardStateEqual(hs, this.prevHardSt)) return true;
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.msgs.length > 0 || r.raftLog.unstableEntries().length > 0 || r.raftLog.hasNextEnts()) return true;
    return r.readStates.length > 0;
  }

  /**
   * The work to do now (see Ready in types.ts for the order). Messages and read states are handed
   * over here and not repeated; entries, snapshot and committed entries stay until advance(rd).
   */
  ready(): Ready {
    const r = this.raft;
    const rd: Ready = {
      readStates: r.readStates,
      entries: r.raftLog.unstableEntries().slice(),
      committedEntries: r.raftLog.nextEnts(),
      messages: r.msgs,
      mustSync: false,
    };
    const ss = r.softState();
    if (ss.lead !== this.prevSoftSt.lead || ss.raft_state !== this.prevSoftSt.raft_state) {
      rd.softState = ss;
      this.prevSoftSt = ss;
    }
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !hardStateEqual(hs, this.prevHardSt)) rd.hardState = hs;
    const snap = r.raftLog.unstable.snapshot;
    if (snap) rd.snapshot = snap;
    // etcd's rule: a change of term or vote, or new entries, must reach disk before anything is
    // sent; a commit index alone may be recovered from peers, so it need not be synced.
    rd.mustSync =
      rd.entries.length > 0 || hs.term !== this.prevHardSt.term || hs.vote !== this.prevHardSt.vote;
    r.msgs = [];
    r.readStates = [];
    return rd;
  }

  /** Acknowledges that rd was persisted, sent and applied. */
  advance(rd: Ready): void {
    const r = this.raft;
    if (rd.hardState) this.prevHardSt = rd.hardState;
    const n = rd.committedEntries.length;
    if (n > 0) r.raftLog.appliedTo(rd.committedEntries[n - 1]!.index);
    else if (rd.snapshot) r.raftLog.appliedTo(rd.snapshot.metadata.index);
    if (rd.entries.length > 0) {
      const e = rd.entries[rd.entries.length - 1]!;
      r.raftLog.stableTo(e.index, e.term);
    }
    if (rd.snapshot) r.raftLog.stableSnapTo(rd.snapshot.metadata.index);
  }

  status(): Status {
    const r = this.raft;
    const st: Status = {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      leadTransferee: r.leadTransferee,
      electionElapsed: r.electionElapsed,
      randomizedElectionTimeout: r.randomizedElectionTimeout,
      config: r.trk.confState(),
    };
    if (r.state === 'StateLeader') {
      const progress: Record<NodeId, ProgressStatus> = {};
      r.trk.visit((id, pr) => {
        progress[id] = pr.status();
      });
      st.progress = progress;
    }
    return st;
  }
}
