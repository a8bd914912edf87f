/**
 * Raft's data, as plain objects (etcd's raftpb with its protobuf field names). Everything here is
 * structured-cloneable and JSON-serializable: it crosses worker boundaries, goes into the WAL and
 * into the trace.
 */

/** A member's raft ID: lowercase hex of a 64-bit number, no leading zeros. NONE = '0'. */
export type NodeId = string;
export const NONE: NodeId = '0';

export type EntryType = 'EntryNormal' | 'EntryConfChange';

/** Invariant: index >= 1; within a log, indexes are consecutive and terms never decrease. */
export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  /** Opaque to raft: the server's encoded request, or an encoded ConfChange; '' for a leader's empty entry. */
  data: string;
}

export type ConfChangeType =
  | 'ConfChangeAddNode'
  | 'ConfChangeRemoveNode'
  | 'ConfChangeUpdateNode'
  | 'ConfChangeAddLearnerNode';

export interface ConfChange {
  type: ConfChangeType;
  node_id: NodeId;
  /** Opaque to raft; etcd carries the member's attributes (name, peer URLs) here. */
  context: string;
}

/** Invariant: voters and learners are disjoint. */
export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

export interface SnapshotMetadata {
  conf_state: ConfState;
  index: number;
  term: number;
}

export interface Snapshot {
  /** Opaque to raft: the application's state at metadata.index. */
  data: string;
  metadata: SnapshotMetadata;
}

/** What must be durable before any message that depends on it leaves the member. */
export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

export type StateType = 'StateFollower' | 'StateCandidate' | 'StateLeader' | 'StatePreCandidate';

/** Volatile; never persisted. */
export interface SoftState {
  lead: NodeId;
  raft_state: StateType;
}

export interface ReadState {
  index: number;
  request_ctx: string;
}

export type MessageType =
  | 'MsgHup'
  | 'MsgBeat'
  | 'MsgProp'
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgSnap'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgUnreachable'
  | 'MsgSnapStatus'
  | 'MsgCheckQuorum'
  | 'MsgTransferLeader'
  | 'MsgTimeoutNow'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp';

export interface Message {
  type: MessageType;
  to: NodeId;
  from: NodeId;
  term: number;
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  snapshot?: Snapshot;
  reject: boolean;
  rejectHint: number;
  context: string;
}

/**
 * One batch of work for the application, in etcd's order:
 * 1. persist `snapshot` (if any), then `entries` and `hardState` — durably when `mustSync`;
 * 2. only then send `messages` (they may acknowledge what step 1 stores: a vote, an append);
 * 3. apply `committedEntries` (and snapshot) to the state machine, answer `readStates`;
 * 4. call `advance(ready)`.
 */
export interface Ready {
  softState?: SoftState;
  /** Present only when it changed since the last Ready. */
  hardState?: HardState;
  readStates: ReadState[];
  entries: Entry[];
  snapshot?: Snapshot;
  committedEntries: Entry[];
  messages: Message[];
  mustSync: boolean;
}

export type ProgressStateType = 'StateProbe' | 'StateReplicate' | 'StateSnapshot';

export interface ProgressStatus {
  match: number;
  next: number;
  state: ProgressStateType;
  paused: boolean;
  pendingSnapshot: number;
  recentActive: boolean;
  isLearner: boolean;
  inflight: number;
}

export interface Status {
  id: NodeId;
  hardState: HardState;
  softState: SoftState;
  applied: number;
  /** Only on the leader. */
  progress?: Record<NodeId, ProgressStatus>;
  leadTransferee: NodeId;
  electionElapsed: number;
  /** This member's current randomized election timeout, in ticks. */
  randomizedElectionTimeout: number;
  config: ConfState;
}

export type ReadOnlyOption = 'ReadOnlySafe' | 'ReadOnlyLeaseBased';

/** Raft's view of stable storage (etcd's raft.Storage); MemoryStorage implements it. */
export interface Storage {
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries in [lo, hi), at most maxSize bytes of data but always at least one. Throws ErrCompacted / ErrUnavailable. */
  entries(lo: number, hi: number, maxSize: number): Entry[];
  /** Term of entry i; throws ErrCompacted / ErrUnavailable. */
  term(i: number): number;
  lastIndex(): number;
  firstIndex(): number;
  /** Throws ErrSnapshotTemporarilyUnavailable when not ready. */
  snapshot(): Snapshot;
}

export interface Config {
  id: NodeId;
  /** Ticks without hearing a leader before a follower campaigns; randomized per election in [electionTick, 2*electionTick). */
  electionTick: number;
  heartbeatTick: number;
  storage: Storage;
  /** The last applied index, when restarting. */
  applied?: number;
  maxSizePerMsg?: number;
  maxInflightMsgs?: number;
  checkQuorum?: boolean;
  preVote?: boolean;
  readOnlyOption?: ReadOnlyOption;
  disableProposalForwarding?: boolean;
  /** Injected seeded randomness: returns an integer in [0, n). Raft never uses Math.random. */
  randInt: (n: number) => number;
  /** Optional sink for raft's log lines (state changes, rejections), for the trace. */
  logger?: (line: string) => void;
  /** Safety rules switched off, for teaching why each exists. Never set outside experiments. */
  unsafe?: UnsafeRaftRules;
}

/**
 * Raft's safety rules that can be switched off, each to show what it prevents. Every field
 * absent or false is Raft as the paper and etcd run it; each true field breaks one rule on
 * purpose, so the invariant checkers can be seen catching what follows.
 */
export interface UnsafeRaftRules {
  /**
   * Commit an entry of an earlier term as soon as a majority holds it (drops §5.4.2: a leader
   * commits by counting replicas only entries of its own term; Figure 8 shows why).
   */
  commitOldTermByCounting?: boolean;
  /** Grant votes without checking that the candidate's log is at least as up to date (§5.4.1). */
  voteWithoutLogCheck?: boolean;
}
