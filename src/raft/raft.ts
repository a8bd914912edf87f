import type {
  Config,
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  MessageType,
  NodeId,
  ReadState,
  Snapshot,
  SoftState,
  StateType,
  UnsafeRaftRules,
} from './types.ts';
import { NONE } from './types.ts';
import { ErrProposalDropped, ErrSnapshotTemporarilyUnavailable, RaftError } from './errors.ts';
import { RaftLog } from './raftLog.ts';
import { Progress } from './progress.ts';
import { ProgressTracker } from './tracker.ts';
import { ReadOnly } from './readOnly.ts';
import { decodeConfChange, validateConfChange } from './confChange.ts';
import { isEmptyHardState, newMessage, NO_LIMIT, voteRespMsgType } from './util.ts';

/** Marks a MsgVote sent because of a leader transfer: voters skip the leader-lease check for it. */
export const CAMPAIGN_TRANSFER = 'CampaignTransfer';

type CampaignType = 'CampaignPreElection' | 'CampaignElection' | 'CampaignTransfer';

/** etcd server's defaults (raft itself has none that make sense in a cluster). */
export const DEFAULT_MAX_SIZE_PER_MSG = 1024 * 1024;
export const DEFAULT_MAX_INFLIGHT_MSGS = 256;

/**
 * The Raft state machine of one member (etcd's `raft` struct). It never does I/O: input arrives
 * through step() and tick(); output accumulates in `msgs`, `readStates` and the log's unstable part,
 * which RawNode hands out as a Ready. Roles are swapped step/tick functions, and timers are local
 * messages (MsgHup, MsgBeat, MsgCheckQuorum) stepped like any other.
 */
export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  readStates: ReadState[] = [];
  readonly raftLog: RaftLog;
  readonly maxMsgSize: number;
  trk: ProgressTracker;
  state: StateType = 'StateFollower';
  /** True when this member is a learner in the current configuration. */
  isLearner = false;
  msgs: Message[] = [];
  lead: NodeId = NONE;
  /** The member a leader transfer targets, NONE when none is running. */
  leadTransferee: NodeId = NONE;
  /**
   * Index of the latest conf change the leader appended. While it is above `applied`, a new conf
   * change proposal is replaced by an empty entry: only one change may be pending at a time.
   */
  pendingConfIndex = 0;
  readOnly: ReadOnly;
  /** Ticks since the last election timeout (follower/candidate) or check-quorum round (leader). */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly heartbeatTimeout: number;
  readonly electionTimeout: number;
  /** In [electionTimeout, 2*electionTimeout), redrawn on every term change or role change. */
  randomizedElectionTimeout = 0;
  readonly disableProposalForwarding: boolean;
  readonly unsafe: Readonly<UnsafeRaftRules>;
  /** Read requests that arrived before this leader committed an entry of its term; answered after. */
  private pendingReadIndexMessages: Message[] = [];
  /** The leader's ticks in this term: the clock its lease is counted on (ReadOnlyLeaseBased). */
  private leaseTick = 0;
  /** Per follower, the latest leaseTick whose stamped heartbeat it answered (this term only). */
  private readonly leaseAcks = new Map<NodeId, number>();
  private readonly randInt: (n: number) => number;
  private readonly logger: ((line: string) => void) | undefined;
  private tickFn: () => void = () => this.tickElection();
  private stepFn: (m: Message) => void = (m) => this.stepFollower(m);

  constructor(c: Config) {
    validateConfig(c);
    this.id = c.id;
    this.maxMsgSize = c.maxSizePerMsg ?? DEFAULT_MAX_SIZE_PER_MSG;
    this.raftLog = new RaftLog(c.storage, this.maxMsgSize === 0 ? NO_LIMIT : this.maxMsgSize);
    const { hardState, confState } = c.storage.initialState();
    this.trk = new ProgressTracker(c.maxInflightMsgs ?? DEFAULT_MAX_INFLIGHT_MSGS);
    this.checkQuorum = c.checkQuorum ?? false;
    this.preVote = c.preVote ?? false;
    this.heartbeatTimeout = c.heartbeatTick;
    this.electionTimeout = c.electionTick;
    this.disableProposalForwarding = c.disableProposalForwarding ?? false;
    this.unsafe = { ...c.unsafe };
    this.readOnly = new ReadOnly(c.readOnlyOption ?? 'ReadOnlySafe');
    this.randInt = c.randInt;
    this.logger = c.logger;

    this.restoreConfState(confState);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    if (c.applied !== undefined && c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, NONE);
    if (this.logger) {
      this.logger(
        `${this.id} newRaft [peers: [${this.trk.sortedVoters().join(',')}], term: ${this.term}, commit: ${this.raftLog.committed}, applied: ${this.raftLog.applied}, lastindex: ${this.raftLog.lastIndex()}, lastterm: ${this.raftLog.lastTerm()}]`,
      );
    }
  }

  private log(line: () => string): void {
    if (this.logger) this.logger(`${this.id} ${line()}`);
  }

  softState(): SoftState {
    return { lead: this.lead, raft_state: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  private loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new Error(
        `${this.id} state.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
      );
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // ---- sending ----

  /** Queues m for the next Ready. Stamps our ID and, except for votes and proposals, our term. */
  private send(m: Message): void {
    if (m.from === NONE) m.from = this.id;
    const t = m.type;
    if (t === 'MsgVote' || t === 'MsgVoteResp' || t === 'MsgPreVote' || t === 'MsgPreVoteResp') {
      // Votes carry the term they are for (a pre-vote's is a term not yet entered).
      if (m.term === 0) throw new Error(`term should be set when sending ${t}`);
    } else {
      if (m.term !== 0) throw new Error(`term should not be set when sending ${t} (was ${m.term})`);
      // Proposals and read requests forwarded to the leader are not term-bound.
      if (t !== 'MsgProp' && t !== 'MsgReadIndex') m.term = this.term;
    }
    this.msgs.push(m);
  }

  private sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  /**
   * Sends `to` the entries it lacks (or a snapshot when they are compacted away), unless its
   * progress is paused. With sendIfEmpty false, sends nothing when there is nothing new.
   */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to)!;
    if (pr.isPaused()) return false;
    let term = 0;
    let ents: Entry[] = [];
    let needSnapshot = false;
    try {
      term = this.raftLog.term(pr.next - 1);
      ents = this.raftLog.entries(pr.next, this.maxMsgSize === 0 ? 1 : this.maxMsgSize);
    } catch (e) {
      if (!(e instanceof RaftError)) throw e;
      needSnapshot = true;
    }
    if (!needSnapshot && ents.length === 0 && !sendIfEmpty) return false;

    if (needSnapshot) {
      if (!pr.recentActive) {
        this.log(() => `ignore sending snapshot to ${to} since it is not recently active`);
        return false;
      }
      let snapshot: Snapshot;
      try {
        snapshot = this.raftLog.snapshot();
      } catch (e) {
        if (e === ErrSnapshotTemporarilyUnavailable) {
          this.log(() => `failed to send snapshot to ${to} because snapshot is temporarily unavailable`);
          return false;
        }
        throw e;
      }
      if (snapshot.metadata.index === 0) throw new Error('need non-empty snapshot');
      this.log(
        () =>
          `[firstindex: ${this.raftLog.firstIndex()}, commit: ${this.raftLog.committed}] sent snapshot[index: ${snapshot.metadata.index}, term: ${snapshot.metadata.term}] to ${to}`,
      );
      pr.becomeSnapshot(snapshot.metadata.index);
      this.send(newMessage({ type: 'MsgSnap', to, snapshot }));
      return true;
    }

    const prevIndex = pr.next - 1;
    const n = ents.length;
    if (n > 0) {
      if (pr.state === 'StateReplicate') {
        const last = ents[n - 1]!.index;
        pr.optimisticUpdate(last);
        pr.inflights.add(last);
      } else if (pr.state === 'StateProbe') {
        pr.probeSent = true;
      }
    }
    this.send(
      newMessage({
        type: 'MsgApp',
        to,
        index: prevIndex,
        logTerm: term,
        entries: ents,
        commit: this.raftLog.committed,
      }),
    );
    return true;
  }

  private sendHeartbeat(to: NodeId, ctx: string): void {
    // Never tell a follower to commit past what it is known to have: it may lack those entries.
    const commit = Math.min(this.trk.progress.get(to)!.match, this.raftLog.committed);
    this.send(newMessage({ type: 'MsgHeartbeat', to, commit, context: ctx }));
  }

  private bcastAppend(): void {
    for (const id of this.trk.sortedIds()) if (id !== this.id) this.sendAppend(id);
  }

  private bcastHeartbeat(): void {
    const pending = this.readOnly.lastPendingRequestCtx();
    // Lease-based reads: a heartbeat with nothing else to carry is stamped with the tick it left
    // on, so an answer to it tells the leader when that follower last heard from it.
    if (pending === '' && this.readOnly.option === 'ReadOnlyLeaseBased') this.bcastHeartbeatWithCtx(leaseContext(this.term, this.leaseTick));
    else this.bcastHeartbeatWithCtx(pending);
  }

  private bcastHeartbeatWithCtx(ctx: string): void {
    for (const id of this.trk.sortedIds()) if (id !== this.id) this.sendHeartbeat(id, ctx);
  }

  // ---- commit ----

  maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term, this.unsafe.commitOldTermByCounting === true);
  }

  private appendEntry(es: Entry[]): void {
    let li = this.raftLog.lastIndex();
    const stamped: Entry[] = new Array(es.length);
    for (let i = 0; i < es.length; i++) {
      const e = es[i]!;
      stamped[i] = { term: this.term, index: ++li, type: e.type, data: e.data };
    }
    li = this.raftLog.append(stamped);
    // The leader counts its own copy; the Ready contract makes it durable before any ack can count.
    this.trk.progress.get(this.id)!.maybeUpdate(li);
    this.maybeCommit();
  }

  // ---- roles ----

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    for (const [id, pr] of this.trk.progress) {
      const fresh = new Progress(last + 1, this.trk.maxInflight, pr.isLearner);
      if (id === this.id) fresh.match = last;
      this.trk.progress.set(id, fresh);
    }
    this.pendingConfIndex = 0;
    this.readOnly = new ReadOnly(this.readOnly.option);
    this.pendingReadIndexMessages = [];
    this.leaseTick = 0;
    this.leaseAcks.clear();
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.randInt(this.electionTimeout);
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.stepFn = (m) => this.stepFollower(m);
    this.reset(term);
    this.tickFn = () => this.tickElection();
    this.lead = lead;
    this.state = 'StateFollower';
    this.log(() => `became follower at term ${this.term}`);
  }

  becomeCandidate(): void {
    if (this.state === 'StateLeader') throw new Error('invalid transition [leader -> candidate]');
    this.stepFn = (m) => this.stepCandidate(m);
    this.reset(this.term + 1);
    this.tickFn = () => this.tickElection();
    this.vote = this.id;
    this.state = 'StateCandidate';
    this.log(() => `became candidate at term ${this.term}`);
  }

  becomePreCandidate(): void {
    if (this.state === 'StateLeader') throw new Error('invalid transition [leader -> pre-candidate]');
    // A pre-candidate keeps its term and vote: it only asks whether it could win. Bumping the
    // term here would let a partitioned member disrupt the cluster when it returns.
    this.stepFn = (m) => this.stepCandidate(m);
    this.trk.resetVotes();
    this.tickFn = () => this.tickElection();
    this.lead = NONE;
    this.state = 'StatePreCandidate';
    this.log(() => `became pre-candidate at term ${this.term}`);
  }

  becomeLeader(): void {
    if (this.state === 'StateFollower') throw new Error('invalid transition [follower -> leader]');
    this.stepFn = (m) => this.stepLeader(m);
    this.reset(this.term);
    this.tickFn = () => this.tickHeartbeat();
    this.lead = this.id;
    this.state = 'StateLeader';
    const self = this.trk.progress.get(this.id)!;
    self.becomeReplicate();
    self.recentActive = true;
    // Conservatively assume the log's tail may hold an unapplied conf change.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // An entry of the new term: committing it commits everything before it (Raft §5.4.2) and
    // lets read-index requests be answered.
    this.appendEntry([{ term: 0, index: 0, type: 'EntryNormal', data: '' }]);
    this.log(() => `became leader at term ${this.term}`);
  }

  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasPendingSnapshot();
  }

  private hup(t: CampaignType): void {
    if (this.state === 'StateLeader') {
      this.log(() => 'ignoring MsgHup because already leader');
      return;
    }
    if (!this.promotable()) {
      this.log(() => 'is unpromotable and can not campaign');
      return;
    }
    if (this.raftLog.committed > this.raftLog.applied && this.hasUnappliedConfChange()) {
      this.log(() => `cannot campaign at term ${this.term} since there are still pending configuration changes to apply`);
      return;
    }
    this.log(() => `is starting a new election at term ${this.term}`);
    this.campaign(t);
  }

  private hasUnappliedConfChange(): boolean {
    const lo = Math.max(this.raftLog.applied + 1, this.raftLog.firstIndex());
    const ents = this.raftLog.slice(lo, this.raftLog.committed + 1, NO_LIMIT);
    return ents.some((e) => e.type === 'EntryConfChange');
  }

  private campaign(t: CampaignType): void {
    if (!this.promotable()) {
      this.log(() => 'is unpromotable; campaign() should have been called');
      return;
    }
    let term: number;
    let voteMsg: MessageType;
    if (t === 'CampaignPreElection') {
      this.becomePreCandidate();
      voteMsg = 'MsgPreVote';
      // Ask for votes in the term we would enter, without entering it.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = 'MsgVote';
      term = this.term;
    }
    if (this.poll(this.id, voteRespMsgType(voteMsg), true) === 'VoteWon') {
      // A single-voter cluster wins at once.
      if (t === 'CampaignPreElection') this.campaign('CampaignElection');
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of this.trk.sortedVoters()) {
      if (id === this.id) continue;
      this.log(() => `[logterm: ${lastTerm}, index: ${lastIndex}] sent ${voteMsg} request to ${id} at term ${term}`);
      this.send(
        newMessage({
          type: voteMsg,
          to: id,
          term,
          index: lastIndex,
          logTerm: lastTerm,
          context: t === 'CampaignTransfer' ? CAMPAIGN_TRANSFER : '',
        }),
      );
    }
  }

  private poll(id: NodeId, t: MessageType, granted: boolean) {
    this.log(() => `received ${t} ${granted ? '' : 'rejection '}from ${id} at term ${this.term}`);
    this.trk.recordVote(id, granted);
    return this.trk.tallyVotes().result;
  }

  // ---- step ----

  /**
   * The single entry point for every input. Handles terms (Raft's "if a message has a higher term,
   * become follower" with the pre-vote and leader-lease exceptions), then votes, then hands the
   * message to the current role. Throws ErrProposalDropped when a proposal cannot be accepted.
   */
  step(m: Message): void {
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const force = m.context === CAMPAIGN_TRANSFER;
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) {
          // We heard from a leader within the election timeout: a vote now would only disrupt it.
          this.log(
            () =>
              `[logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${this.vote}] ignored ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}: lease is not expired (remaining ticks: ${this.electionTimeout - this.electionElapsed})`,
          );
          return;
        }
      }
      if (m.type === 'MsgPreVote') {
        // Never change our term in answer to a pre-vote.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // A granted pre-vote carries the term we asked for; we enter it only on winning a quorum.
      } else {
        this.log(() => `received a ${m.type} message with higher term from ${m.from} [term: ${m.term}]`);
        if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') {
          this.becomeFollower(m.term, m.from);
        } else {
          this.becomeFollower(m.term, NONE);
        }
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A stale leader (e.g. after a partition) would otherwise never learn the new term if we
        // ignored it; with check-quorum or pre-vote nothing else would make it step down.
        this.send(newMessage({ type: 'MsgAppResp', to: m.from }));
      } else if (m.type === 'MsgPreVote') {
        // Reject so the pre-candidate learns the term and does not wait for an answer forever.
        this.log(() => `rejected ${m.type} from ${m.from} at term ${this.term} (stale term ${m.term})`);
        this.send(newMessage({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true }));
      } else {
        this.log(() => `ignored a ${m.type} message with lower term from ${m.from} [term: ${m.term}]`);
      }
      return;
    }

    switch (m.type) {
      case 'MsgHup':
        this.hup(this.preVote ? 'CampaignPreElection' : 'CampaignElection');
        return;
      case 'MsgVote':
      case 'MsgPreVote': {
        const canVote =
          this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === 'MsgPreVote' && m.term > this.term);
        if (canVote && (this.unsafe.voteWithoutLogCheck === true || this.raftLog.isUpToDate(m.index, m.logTerm))) {
          this.log(() => `cast ${m.type} for ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`);
          // Answer with the message's term: for a pre-vote that is a future term, and the
          // pre-candidate counts the answer only for that term.
          this.send(newMessage({ type: voteRespMsgType(m.type), to: m.from, term: m.term }));
          if (m.type === 'MsgVote') {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.log(
            () =>
              `[logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${this.vote}] rejected ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`,
          );
          this.send(newMessage({ type: voteRespMsgType(m.type), to: m.from, term: this.term, reject: true }));
        }
        return;
      }
      default:
        this.stepFn(m);
    }
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'MsgBeat':
        this.bcastHeartbeat();
        return;
      case 'MsgCheckQuorum': {
        const self = this.trk.progress.get(this.id);
        if (self) self.recentActive = true;
        if (!this.trk.quorumActive()) {
          this.log(() => 'stepped down to follower since quorum is not active');
          this.becomeFollower(this.term, NONE);
        }
        // Start a new round: a member must be heard from again to count as active next time.
        for (const [id, pr] of this.trk.progress) if (id !== this.id) pr.recentActive = false;
        return;
      }
      case 'MsgProp': {
        if (m.entries.length === 0) throw new Error(`${this.id} stepped empty MsgProp`);
        if (!this.trk.progress.has(this.id)) {
          // Removed from the configuration while leader: it must not take new entries.
          throw ErrProposalDropped;
        }
        if (this.leadTransferee !== NONE) {
          this.log(() => `[term ${this.term}] transfer leadership to ${this.leadTransferee} is in progress; dropping proposal`);
          throw ErrProposalDropped;
        }
        let ents = m.entries;
        for (let i = 0; i < ents.length; i++) {
          if (ents[i]!.type !== 'EntryConfChange') continue;
          if (this.pendingConfIndex > this.raftLog.applied) {
            this.log(
              () =>
                `ignoring conf change at index ${this.raftLog.lastIndex() + i + 1} since a previous one (index ${this.pendingConfIndex}) is not yet applied`,
            );
            if (ents === m.entries) ents = ents.slice();
            ents[i] = { term: 0, index: 0, type: 'EntryNormal', data: '' };
          } else {
            this.pendingConfIndex = this.raftLog.lastIndex() + i + 1;
          }
        }
        this.appendEntry(ents);
        this.bcastAppend();
        return;
      }
      case 'MsgReadIndex': {
        if (this.trk.isSingleton()) {
          // A lone voter is its own quorum.
          const resp = this.responseToReadIndexReq(m, this.raftLog.committed);
          if (resp) this.send(resp);
          return;
        }
        if (!this.committedEntryInCurrentTerm()) {
          // Our commit index may lag the true one until our term's first entry commits (§6.4).
          this.pendingReadIndexMessages.push(m);
          return;
        }
        this.sendMsgReadIndexResponse(m);
        return;
      }
    }

    // Everything else is from a member and needs its progress.
    const pr = this.trk.progress.get(m.from);
    if (!pr) {
      this.log(() => `no progress available for ${m.from}`);
      return;
    }
    switch (m.type) {
      case 'MsgAppResp': {
        pr.recentActive = true;
        if (m.reject) {
          this.log(() => `received MsgAppResp(rejected, hint: (index ${m.rejectHint}, term ${m.logTerm})) from ${m.from} for index ${m.index}`);
          let nextProbeIdx = m.rejectHint;
          if (m.logTerm > 0) {
            // Skip every entry of ours whose term exceeds the follower's term at its hint: they
            // cannot match (etcd's findConflictByTerm on the leader side).
            nextProbeIdx = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
          }
          if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
            this.log(() => `decreased progress of ${m.from} to [next ${pr.next}, match ${pr.match}]`);
            if (pr.state === 'StateReplicate') pr.becomeProbe();
            this.sendAppend(m.from);
          }
        } else {
          const oldPaused = pr.isPaused();
          if (pr.maybeUpdate(m.index)) {
            if (pr.state === 'StateProbe') {
              pr.becomeReplicate();
            } else if (pr.state === 'StateSnapshot' && pr.match + 1 >= this.raftLog.firstIndex()) {
              // The follower caught up past the snapshot by ordinary appends: resume replicating.
              this.log(() => `recovered from needing snapshot, resumed sending replication messages to ${m.from}`);
              pr.becomeProbe();
              pr.becomeReplicate();
            } else if (pr.state === 'StateReplicate') {
              pr.inflights.freeLE(m.index);
            }
            if (this.maybeCommit()) {
              this.releasePendingReadIndexMessages();
              this.bcastAppend();
            } else if (oldPaused) {
              // It was paused and just freed: send what it missed.
              this.sendAppend(m.from);
            }
            // Keep the window full: send further batches while the follower can take them.
            while (this.maybeSendAppend(m.from, false)) {
              /* sends one more batch per iteration */
            }
            if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
              this.log(() => `sent MsgTimeoutNow to ${m.from} after received MsgAppResp`);
              this.sendTimeoutNow(m.from);
            }
          }
        }
        return;
      }
      case 'MsgHeartbeatResp': {
        pr.recentActive = true;
        pr.probeSent = false;
        // A full window with no acks may mean lost MsgApps: free one slot so replication resumes.
        if (pr.state === 'StateReplicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
        if (pr.match < this.raftLog.lastIndex()) this.sendAppend(m.from);
        if (m.context === '') return;
        const stamp = parseLeaseContext(m.context, this.term);
        if (stamp !== undefined) {
          if (stamp > (this.leaseAcks.get(m.from) ?? -1)) this.leaseAcks.set(m.from, stamp);
          return;
        }
        const acks = this.readOnly.recvAck(m.from, m.context);
        if (!acks || !this.trk.hasQuorum(acks)) return;
        for (const rs of this.readOnly.advance(m.context)) {
          const resp = this.responseToReadIndexReq(rs.req, rs.index);
          if (resp) this.send(resp);
        }
        return;
      }
      case 'MsgSnapStatus': {
        if (pr.state !== 'StateSnapshot') return;
        if (!m.reject) {
          this.log(() => `snapshot succeeded, resumed sending replication messages to ${m.from}`);
        } else {
          // A failed snapshot is forgotten; the next probe decides whether another is needed.
          pr.pendingSnapshot = 0;
          this.log(() => `snapshot failed, resumed sending replication messages to ${m.from}`);
        }
        pr.becomeProbe();
        // Wait for the follower's MsgAppResp (or a heartbeat) before probing it.
        pr.probeSent = true;
        return;
      }
      case 'MsgUnreachable':
        // MsgApps were probably lost: stop streaming optimistically and probe.
        if (pr.state === 'StateReplicate') pr.becomeProbe();
        this.log(() => `failed to send message to ${m.from} because it is unreachable`);
        return;
      case 'MsgTransferLeader': {
        if (pr.isLearner) {
          this.log(() => `is learner. Ignored transferring leadership`);
          return;
        }
        const transferee = m.from;
        const last = this.leadTransferee;
        if (last !== NONE) {
          if (last === transferee) {
            this.log(() => `[term ${this.term}] transfer leadership to ${transferee} is in progress, ignores request to same node`);
            return;
          }
          this.abortLeaderTransfer();
        }
        if (transferee === this.id) {
          this.log(() => `is already leader. Ignored transferring leadership to self`);
          return;
        }
        this.log(() => `[term ${this.term}] starts to transfer leadership to ${transferee}`);
        // The transfer must finish within one election timeout or it is aborted.
        this.electionElapsed = 0;
        this.leadTransferee = transferee;
        if (pr.match === this.raftLog.lastIndex()) {
          this.sendTimeoutNow(transferee);
          this.log(() => `sends MsgTimeoutNow to ${transferee} immediately as ${transferee} already has up-to-date log`);
        } else {
          this.sendAppend(transferee);
        }
        return;
      }
    }
  }

  /** Candidates and pre-candidates share this: they differ only in which vote answers they count. */
  private stepCandidate(m: Message): void {
    const myVoteRespType: MessageType = this.state === 'StatePreCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    switch (m.type) {
      case 'MsgProp':
        this.log(() => `no leader at term ${this.term}; dropping proposal`);
        throw ErrProposalDropped;
      case 'MsgApp':
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return;
      case 'MsgHeartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'MsgSnap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case 'MsgTimeoutNow':
        this.log(() => `[term ${this.term} state ${this.state}] ignored MsgTimeoutNow from ${m.from}`);
        return;
      default:
        if (m.type !== myVoteRespType) return;
        switch (this.poll(m.from, m.type, !m.reject)) {
          case 'VoteWon':
            if (this.state === 'StatePreCandidate') {
              this.campaign('CampaignElection');
            } else {
              this.becomeLeader();
              this.bcastAppend();
            }
            return;
          case 'VoteLost':
            // A pre-vote answer may carry a future term; stay at ours.
            this.becomeFollower(this.term, NONE);
            return;
          case 'VotePending':
            return;
        }
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'MsgProp':
        if (this.lead === NONE) {
          this.log(() => `no leader at term ${this.term}; dropping proposal`);
          throw ErrProposalDropped;
        }
        if (this.disableProposalForwarding) {
          this.log(() => `not forwarding to leader ${this.lead} at term ${this.term}; dropping proposal`);
          throw ErrProposalDropped;
        }
        this.send({ ...m, to: this.lead, from: m.from });
        return;
      case 'MsgApp':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        return;
      case 'MsgHeartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case 'MsgSnap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return;
      case 'MsgTransferLeader':
        if (this.lead === NONE) {
          this.log(() => `no leader at term ${this.term}; dropping leader transfer msg`);
          return;
        }
        this.send({ ...m, to: this.lead });
        return;
      case 'MsgTimeoutNow':
        this.log(() => `[term ${this.term}] received MsgTimeoutNow from ${m.from} and starts an election to get leadership`);
        // A transfer campaign skips pre-vote: the leader asked for it, so the lease check does not apply.
        this.hup('CampaignTransfer');
        return;
      case 'MsgReadIndex':
        if (this.lead === NONE) {
          this.log(() => `no leader at term ${this.term}; dropping index reading msg`);
          return;
        }
        this.send({ ...m, to: this.lead });
        return;
      case 'MsgReadIndexResp':
        if (m.entries.length !== 1) {
          this.log(() => `invalid format of MsgReadIndexResp from ${m.from}, entries count: ${m.entries.length}`);
          return;
        }
        this.readStates.push({ index: m.index, request_ctx: m.entries[0]!.data });
        return;
    }
  }

  private handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      // Already committed here: tell the leader how far we are.
      this.send(newMessage({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed }));
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send(newMessage({ type: 'MsgAppResp', to: m.from, index: lastNew }));
      return;
    }
    // Reject, with a hint: the last index at or below m.index whose term is <= m.logTerm. The
    // leader can skip every index after it, one term per round trip instead of one entry.
    const hintIndex = Math.min(m.index, this.raftLog.lastIndex());
    const hint = this.raftLog.findConflictByTerm(hintIndex, m.logTerm);
    this.log(
      () =>
        `[logterm: ${this.raftLog.termOrZero(m.index)}, index: ${m.index}] rejected MsgApp [logterm: ${m.logTerm}, index: ${m.index}] from ${m.from}`,
    );
    this.send(
      newMessage({
        type: 'MsgAppResp',
        to: m.from,
        index: m.index,
        reject: true,
        rejectHint: hint.index,
        logTerm: hint.term,
      }),
    );
  }

  private handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.send(newMessage({ type: 'MsgHeartbeatResp', to: m.from, context: m.context }));
  }

  private handleSnapshot(m: Message): void {
    const s = m.snapshot;
    if (!s) {
      this.log(() => `ignored MsgSnap without a snapshot from ${m.from}`);
      return;
    }
    if (this.restore(s)) {
      this.log(() => `[commit: ${this.raftLog.committed}] restored snapshot [index: ${s.metadata.index}, term: ${s.metadata.term}]`);
      this.send(newMessage({ type: 'MsgAppResp', to: m.from, index: this.raftLog.lastIndex() }));
    } else {
      this.log(() => `[commit: ${this.raftLog.committed}] ignored snapshot [index: ${s.metadata.index}, term: ${s.metadata.term}]`);
      this.send(newMessage({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed }));
    }
  }

  /** Replaces the log and configuration with the snapshot's. Returns false if it is not newer. */
  restore(s: Snapshot): boolean {
    if (s.metadata.index <= this.raftLog.committed) return false;
    if (this.state !== 'StateFollower') {
      // Only a leader of this term sends snapshots; becoming follower keeps us safe if not.
      this.log(() => 'attempted to restore snapshot as non-follower; becoming follower');
      this.becomeFollower(this.term + 1, NONE);
      return false;
    }
    const cs = s.metadata.conf_state;
    if (!cs.voters.includes(this.id) && !cs.learners.includes(this.id)) {
      this.log(() => `attempted to restore snapshot but it is not in the ConfState; should never happen`);
      return false;
    }
    if (this.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
      // We already have the snapshot's last entry: fast-forward the commit index instead.
      this.log(() => `fast-forwarded commit to snapshot [index: ${s.metadata.index}, term: ${s.metadata.term}]`);
      this.raftLog.commitTo(s.metadata.index);
      return false;
    }
    this.raftLog.restore(s);
    this.trk = new ProgressTracker(this.trk.maxInflight);
    this.restoreConfState(cs);
    return true;
  }

  // ---- read index ----

  private committedEntryInCurrentTerm(): boolean {
    return this.raftLog.termOrZero(this.raftLog.committed) === this.term;
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0) return;
    if (!this.committedEntryInCurrentTerm()) return;
    const msgs = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of msgs) this.sendMsgReadIndexResponse(m);
  }

  private sendMsgReadIndexResponse(m: Message): void {
    if (this.readOnly.option === 'ReadOnlySafe') {
      // Confirm leadership with a heartbeat round carrying the request's context.
      const ctx = m.entries[0]!.data;
      this.readOnly.addRequest(this.raftLog.committed, m);
      this.readOnly.recvAck(this.id, ctx);
      this.bcastHeartbeatWithCtx(ctx);
    } else if (this.leaseHolds()) {
      const resp = this.responseToReadIndexReq(m, this.raftLog.committed);
      if (resp) this.send(resp);
    } else {
      // No lease now (just elected, or a quorum has not answered lately): confirm as ReadIndex does.
      const ctx = m.entries[0]!.data;
      this.readOnly.addRequest(this.raftLog.committed, m);
      this.readOnly.recvAck(this.id, ctx);
      this.bcastHeartbeatWithCtx(ctx);
    }
  }

  /**
   * Whether the leader may answer a read from its lease, without a heartbeat round. A follower
   * that answered a heartbeat stamped at leader tick s reset its election clock when it got it,
   * after s; with check-quorum it then refuses votes (and does not campaign) for a full election
   * timeout of its own ticks. So while a quorum answered stamps no older than electionTimeout - 2
   * ticks (one tick for the follower's tick phase, one for the time since the leader's last
   * tick), no other leader can have been elected. That holds only if every member's ticks run at
   * the same rate and a member remembers when it last heard from the leader: a member whose clock
   * runs fast, or one restarted without that memory, can vote early (what safety switch 4 shows).
   * A leader handing leadership over has no lease: its transferee campaigns at once.
   */
  private leaseHolds(): boolean {
    if (this.leadTransferee !== NONE) return false;
    const fresh = new Set<NodeId>([this.id]);
    for (const [id, s] of this.leaseAcks) if (this.leaseTick - s <= this.electionTimeout - 2) fresh.add(id);
    return this.trk.hasQuorum(fresh);
  }

  /** Answers a local request with a ReadState, a forwarded one with a message back. */
  private responseToReadIndexReq(req: Message, readIndex: number): Message | undefined {
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index: readIndex, request_ctx: req.entries[0]!.data });
      return undefined;
    }
    return newMessage({ type: 'MsgReadIndexResp', to: req.from, index: readIndex, entries: req.entries });
  }

  // ---- timers ----

  tick(): void {
    this.tickFn();
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(newMessage({ type: 'MsgHup', from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(newMessage({ type: 'MsgCheckQuorum', from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === 'StateLeader' && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== 'StateLeader') return;
    this.leaseTick++;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(newMessage({ type: 'MsgBeat', from: this.id }));
    }
  }

  // ---- leader transfer ----

  private sendTimeoutNow(to: NodeId): void {
    this.send(newMessage({ type: 'MsgTimeoutNow', to }));
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  // ---- membership ----

  /** Builds the tracker from a ConfState (at start and on restoring a snapshot). */
  private restoreConfState(cs: ConfState): void {
    const next = this.raftLog.lastIndex() + 1;
    for (const id of cs.voters) {
      this.trk.voters.add(id);
      this.trk.progress.set(id, newProgress(next, this.trk.maxInflight, false));
    }
    for (const id of cs.learners) {
      if (this.trk.voters.has(id)) throw new Error(`${id} is both voter and learner in ${JSON.stringify(cs)}`);
      this.trk.learners.add(id);
      this.trk.progress.set(id, newProgress(next, this.trk.maxInflight, true));
    }
    this.switchToConfig();
  }

  /**
   * Applies one single-step membership change; the application calls it when the entry is applied.
   * Throws (changing nothing) for a change that would leave no voters.
   */
  applyConfChange(cc: ConfChange): ConfState {
    validateConfChange(cc);
    const id = cc.node_id;
    const trk = this.trk;
    const next = this.raftLog.lastIndex() + 1;
    const leavesVoters = cc.type === 'ConfChangeRemoveNode' || cc.type === 'ConfChangeAddLearnerNode';
    if (leavesVoters && trk.voters.size === 1 && trk.voters.has(id)) {
      // A configuration without voters can never elect a leader again (etcd refuses it too).
      throw new Error(`conf change ${cc.type} ${id}: removed all voters`);
    }
    switch (cc.type) {
      case 'ConfChangeAddNode': {
        if (trk.voters.has(id)) break;
        trk.learners.delete(id);
        trk.voters.add(id);
        const pr = trk.progress.get(id);
        if (pr) pr.isLearner = false; // a promoted learner keeps its replication progress
        else trk.progress.set(id, newProgress(next, trk.maxInflight, false));
        break;
      }
      case 'ConfChangeAddLearnerNode': {
        if (trk.learners.has(id)) break;
        trk.voters.delete(id);
        trk.learners.add(id);
        const pr = trk.progress.get(id);
        if (pr) pr.isLearner = true;
        else trk.progress.set(id, newProgress(next, trk.maxInflight, true));
        break;
      }
      case 'ConfChangeRemoveNode':
        trk.voters.delete(id);
        trk.learners.delete(id);
        trk.progress.delete(id);
        break;
      case 'ConfChangeUpdateNode':
        break;
    }
    return this.switchToConfig();
  }

  /** Reacts to a new configuration: our own role, commit (a smaller quorum may commit more), transfers. */
  private switchToConfig(): ConfState {
    this.trk.configChanged();
    const cs = this.trk.confState();
    const pr = this.trk.progress.get(this.id);
    this.isLearner = pr !== undefined && pr.isLearner;
    if ((!pr || this.isLearner) && this.state === 'StateLeader') {
      // A leader removed or demoted steps down; the remaining voters elect a successor.
      this.log(() => 'stepping down: removed from or demoted in the configuration');
      this.becomeFollower(this.term, NONE);
      return cs;
    }
    if (this.state !== 'StateLeader' || cs.voters.length === 0) return cs;
    if (this.maybeCommit()) {
      this.bcastAppend();
    } else {
      for (const id of this.trk.sortedIds()) if (id !== this.id) this.maybeSendAppend(id, false);
    }
    if (this.leadTransferee !== NONE && !this.trk.voters.has(this.leadTransferee)) this.abortLeaderTransfer();
    return cs;
  }
}

function newProgress(next: number, maxInflight: number, isLearner: boolean): Progress {
  const pr = new Progress(Math.max(next, 1), maxInflight, isLearner);
  // A member just added counts as active, so check-quorum does not depose the leader before it answers.
  pr.recentActive = true;
  return pr;
}

function validateConfig(c: Config): void {
  if (typeof c.id !== 'string' || c.id === NONE || !/^[1-9a-f][0-9a-f]{0,15}$/.test(c.id)) {
    throw new Error(`cannot use ${JSON.stringify(c.id)} as id (want nonzero lowercase hex)`);
  }
  if (!Number.isInteger(c.heartbeatTick) || c.heartbeatTick <= 0) throw new Error('heartbeat tick must be greater than 0');
  if (!Number.isInteger(c.electionTick) || c.electionTick <= c.heartbeatTick) {
    throw new Error('election tick must be greater than heartbeat tick');
  }
  if (!c.storage) throw new Error('storage cannot be nil');
  if (typeof c.randInt !== 'function') throw new Error('randInt must be given (raft never uses Math.random)');
  if (c.maxInflightMsgs !== undefined && (!Number.isInteger(c.maxInflightMsgs) || c.maxInflightMsgs <= 0)) {
    throw new Error('max inflight messages must be greater than 0');
  }
  if (c.maxSizePerMsg !== undefined && (!Number.isFinite(c.maxSizePerMsg) || c.maxSizePerMsg < 0)) {
    throw new Error('max size per message must not be negative');
  }
  if (c.readOnlyOption === 'ReadOnlyLeaseBased' && !c.checkQuorum) {
    throw new Error('CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased');
  }
}

/** Conf-change entries found in ents, decoded (used by the application and tests). */
export function confChangesIn(ents: Entry[]): ConfChange[] {
  const out: ConfChange[] = [];
  for (const e of ents) if (e.type === 'EntryConfChange') out.push(decodeConfChange(e.data));
  return out;
}

/** A lease heartbeat's context: `lease:<term>:<leader tick>` (read-index contexts never start so). */
function leaseContext(term: number, tick: number): string {
  return `lease:${term}:${tick}`;
}

/**
 * The leader tick a lease heartbeat answer carries: undefined when the context is not a lease
 * stamp (a read-index context), -1 for another term's stamp (never newer than a recorded ack).
 */
function parseLeaseContext(ctx: string, term: number): number | undefined {
  if (!ctx.startsWith('lease:')) return undefined;
  const [, t, tick] = ctx.split(':');
  return Number(t) === term ? Number(tick) : -1;
}
