/**
 * The playground's public surface: what `window.etcdPlayground` offers to classroom scripts and
 * tests, and what the UI (through src/state) drives. One interface, implemented by the runtime
 * over either host (Web Workers in the browser, in-process in Node), so a script behaves the same
 * in both.
 *
 * Everything returned is plain, structured-cloneable data (docs/ARCHITECTURE.md §8). Requests and responses
 * are etcd's (src/server/api.ts). Times are virtual milliseconds unless a name says otherwise.
 */
import type { HistoryFile } from '../sim/checkers/exportHistory.ts';
import type { UnsafeSwitch } from '../server/unsafeSwitches.ts';
import type { LogShapeWire } from './logShape.ts';
import type { InvariantStatus } from './invariantMonitor.ts';
import type { HistoryLaneView } from './historyLane.ts';
import type {
  AlarmResponse,
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashKVResponse,
  Id64,
  KeyValue,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  MemberListResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  StatusResponse,
  TxnRequest,
  TxnResponse,
  WatchCreateRequest,
  WatchResponse,
} from '../server/api.ts';

export type RoleName = 'leader' | 'follower' | 'candidate' | 'pre-candidate' | 'learner' | 'crashed' | 'removed';

/** One row of `members()`. `alive` is false between crash and restart (and after wipe). */
export interface MemberInfo {
  name: string;
  id: Id64;
  role: RoleName;
  alive: boolean;
  isLearner: boolean;
  term: number;
  vote: Id64;
  lead: Id64;
  commitIndex: number;
  appliedIndex: number;
  revision: number;
  compactRevision: number;
  /** Ticks since the last heartbeat/election reset, and the current randomized timeout. */
  electionElapsedTicks: number;
  electionTimeoutTicks: number;
  /** The last few log entries (index, term, short text) for the log strip. */
  recentEntries: EntrySummary[];
  snapshotIndex: number;
  /** The term of every index of its durable log, as runs (what the invariant monitor checks). */
  log: LogShapeWire;
  /** Its durable HardState (what survives a crash). */
  persisted: { term: number; vote: Id64; commit: number };
  dbSize: number;
  dbSizeInUse: number;
  alarms: string[];
  /**
   * Why the member is down, when it stopped by itself: its start failed (e.g. a corrupted WAL
   * record, or its data was lost) or a storage write failed (quota, aborted transaction).
   */
  error?: string;
  /** Virtual time one WAL write takes on this member's disk (the cluster's walFsyncMs unless set by setDisk). */
  walFsyncMs: number;
  /** How fast its clock runs against virtual time (1 unless set by setClock; 2 = its ticks come twice as often). */
  clockRate: number;
  /** Set while the member waits for its disk (a WAL write it made is still syncing): until then it handles nothing. */
  syncingUntilMs?: number;
}

export interface EntrySummary {
  index: number;
  term: number;
  /** e.g. "put foo=bar", "txn (2 cmp, 1 op)", "lease revoke 694d…", "conf add n4", "" for empty. */
  text: string;
}

export interface ClusterSettings {
  members: number;
  seed: number;
  /** 100 ms by default (etcd's heartbeat-interval). */
  tickMs: number;
  electionTicks: number;
  /** Ticks between the leader's heartbeats, in [1, electionTicks - 1]; 1 by default, as in etcd. */
  heartbeatTicks: number;
  preVote: boolean;
  checkQuorum: boolean;
  snapshotCount: number;
  snapshotCatchUpEntries: number;
  durability: 'strict' | 'relaxed';
  /** Backend quota in bytes (etcd's --quota-backend-bytes). */
  quotaBackendBytes: number;
  /** Virtual time a client request may take before it fails as indeterminate. */
  requestTimeoutMs: number;
  /**
   * Virtual time of one WAL fsync: a member that wrote its WAL is busy that long, and what
   * arrives meanwhile is batched into its next Ready (etcd's wal_fsync_duration). 0 = instant.
   */
  walFsyncMs: number;
  /**
   * Safety switches that are on (server/unsafeSwitches.ts): each turns off one of the rules that
   * keep etcd correct, for experiments. Empty by default; kept sorted and without repeats.
   */
  unsafe: UnsafeSwitch[];
}

export interface LinkSettings {
  latencyMs?: number;
  jitterMs?: number;
  lossRate?: number;
  duplicateRate?: number;
  reorder?: boolean;
}

export type LinkState = 'healthy' | 'cut-one-way' | 'cut-both';

/**
 * Which way a link between two members is blocked (by a cut or a partition), as `linkDetail`
 * reports it. Invariants: `state` equals linkState(from, to); `cut` is 'none' exactly when neither
 * direction is blocked, 'both' when both are, and otherwise names the one blocked direction with
 * the members' names, e.g. 'm1→m2' when m1's messages to m2 are dropped but m2 still reaches m1.
 */
export interface LinkDetail {
  from: string;
  to: string;
  state: LinkState;
  cut: 'none' | 'both' | `${string}→${string}`;
  /** Messages from `from` to `to` are dropped. */
  blockedFromTo: boolean;
  /** Messages from `to` to `from` are dropped. */
  blockedToFrom: boolean;
}

/** A message in flight, for drawing: its position is a pure function of (sentAtMs, deliverAtMs, now). */
export interface FlightView {
  id: number;
  from: string;
  to: string;
  sentAtMs: number;
  deliverAtMs: number;
  /** e.g. 'MsgApp', 'MsgVote', 'client:put', 'watch:event'. */
  type: string;
  /** One line, from raft's describe() or the client request. */
  text: string;
  held: boolean;
}

/** A trace event as the UI sees it (sim/trace.ts TraceEvent with the same fields). */
export interface PlaygroundEvent {
  seq: number;
  atMs: number;
  kind: string;
  actor: string;
  peer: string;
  envelopeId: number;
  detail: string;
}

export type Speed = number | 'max';

export interface TimeState {
  nowMs: number;
  paused: boolean;
  speed: Speed;
}

export interface PlaygroundClient {
  range(req: RangeRequest): Promise<RangeResponse>;
  put(req: PutRequest): Promise<PutResponse>;
  deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse>;
  txn(req: TxnRequest): Promise<TxnResponse>;
  compact(req: CompactionRequest): Promise<CompactionResponse>;
  leaseGrant(req: LeaseGrantRequest): Promise<LeaseGrantResponse>;
  leaseRevoke(id: Id64): Promise<LeaseRevokeResponse>;
  leaseKeepAliveOnce(id: Id64): Promise<LeaseKeepAliveResponse>;
  leaseTimeToLive(req: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse>;
  leaseLeases(): Promise<LeaseLeasesResponse>;
  watch(req: WatchCreateRequest, onResponse: (resp: WatchResponse) => void): { cancel(): Promise<void>; requestProgress(): void };
  memberList(): Promise<MemberListResponse>;
  status(endpoint?: string): Promise<StatusResponse>;
  hashKV(revision?: number, endpoint?: string): Promise<HashKVResponse>;
  alarmList(): Promise<AlarmResponse>;
  close(): void;
}

/** Details an inspector fetches on demand (docs/ARCHITECTURE.md §8: never pushed every step). */
export interface MemberDetails {
  name: string;
  raft: {
    term: number;
    vote: Id64;
    lead: Id64;
    commit: number;
    applied: number;
    electionElapsedTicks: number;
    electionTimeoutTicks: number;
    progress?: Record<string, { match: number; next: number; state: string; inflight: number; isLearner: boolean }>;
  };
  log: { firstIndex: number; snapshotIndex: number; snapshotTerm: number; entries: EntrySummary[] };
  storage: {
    walRecords: { seq: number; crc: number; entries: number; hardState?: { term: number; vote: Id64; commit: number } }[];
    snapshots: { index: number; term: number; bytes: number }[];
    dbSize: number;
    dbSizeInUse: number;
    consistentIndex: number;
  };
  mvcc: {
    revision: number;
    compactRevision: number;
    keys: { key: string; kv?: KeyValue; generations: { created: number; revisions: number[]; tombstone?: number }[] }[];
  };
  /**
   * The lessor's leases. Only the leader's lessor counts down (as in etcd), so a follower's entry
   * carries the leader's expiry, named in `countedBy`; with no leader known, `expiryMs` is null.
   * `remainingMs` is at the virtual time the details were taken.
   */
  leases: { id: Id64; grantedTTL: number; expiryMs: number | null; remainingMs: number; countedBy?: string; keys: string[] }[];
  watchers: { watchId: number; client: string; key: string; rangeEnd: string; nextRevision: number }[];
}

/** One lease's expiry in virtual time on one member's lessor (null: that lessor is not counting). */
export interface LeaseExpiry {
  id: Id64;
  expiryMs: number | null;
}

export interface EtcdctlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface PlaygroundApi {
  /** Resolves when the cluster is up (members started and recovered). */
  ready(): Promise<void>;
  reset(settings?: Partial<ClusterSettings>): Promise<void>;
  settings(): ClusterSettings;
  readonly seed: number;

  members(): MemberInfo[];
  leader(): MemberInfo | undefined;
  memberDetails(name: string): Promise<MemberDetails>;

  addMember(opts?: { learner?: boolean }): Promise<MemberInfo>;
  promoteMember(name: string): Promise<void>;
  removeMember(name: string): Promise<void>;
  /** Replace a wiped member: remove it and add a fresh one in its place. */
  replaceMember(name: string): Promise<MemberInfo>;
  campaign(name: string): Promise<void>;
  transferLeader(to: string): Promise<void>;

  crash(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  wipe(name: string): Promise<void>;

  /**
   * Link and disk changes take no virtual time. Made while the cluster runs they land once the
   * instant being processed is complete (so a replay puts them at the same point); the promise
   * settles when the change is in effect, so read linkState after awaiting it.
   */
  partition(groups: string[][]): Promise<void>;
  heal(): Promise<void>;
  cut(from: string, to: string, opts?: { oneWay?: boolean }): Promise<void>;
  restore(from: string, to: string): Promise<void>;
  linkState(from: string, to: string): LinkState;
  /** linkState plus which direction is blocked (a one-way cut's direction). */
  linkDetail(from: string, to: string): LinkDetail;
  /** The settings of every link not set on its own. */
  allLinks?(): Required<LinkSettings>;
  setLink(opts: LinkSettings & { from?: string; to?: string }): Promise<void>;
  /**
   * One member's disk: `fsyncMs` is the virtual time a WAL write takes there (a slow disk, etcd's
   * classic trouble: a leader busy syncing sends its heartbeats late); null = the cluster's setting.
   */
  setDisk(name: string, opts: { fsyncMs: number | null }): Promise<void>;
  /** Makes a member's clock run `rate` times as fast as virtual time (null or 1: in step again). */
  setClock(name: string, opts: { rate: number | null }): Promise<void>;
  inFlight(): FlightView[];
  dropMessage(envelopeId: number): boolean;

  pause(): void;
  resume(): void;
  /** Runs to the next event and stops. */
  step(): Promise<void>;
  setSpeed(speed: Speed): void;
  time(): TimeState;
  now(): number;
  runFor(virtualMs: number): Promise<void>;

  client(opts?: { endpoints?: string[] }): PlaygroundClient;
  etcdctl(commandLine: string, opts?: EtcdctlOptions): Promise<EtcdctlResult>;
  /** Snapshot files the console's `etcdctl snapshot save` wrote, by path (offered for download). */
  snapshotFiles?(): { path: string; blob: string }[];
  /** Adds a snapshot file the user opened; throws (and stores nothing) unless it is a snapshot. */
  addSnapshotFile?(path: string, blob: string): void;

  /** Every event from now on, batched; returns an unsubscribe function. */
  subscribe(listener: (events: PlaygroundEvent[]) => void): () => void;
  trace(): PlaygroundEvent[];
  traceHash(): string;
  /**
   * What every client of this cluster saw since it booted (console, workload, scripts): each KV
   * call with its answer and virtual times, each watch stream's responses; the
   * etcd-playground-history format the checkers read.
   */
  clientHistory(): HistoryFile;
  /**
   * Raft's safety properties checked after every step of this cluster: how many checks ran, and
   * the first violation (which paused the clock and was sent as an 'invariant' event).
   */
  invariants(): InvariantStatus;
  /**
   * The client operations that overlap [fromMs, now), as intervals per client, and the
   * linearizability checker's latest answer over the whole history (within a time budget).
   * The check re-runs a few times a second at most; `now` runs it at once if anything settled.
   * `limit` keeps only the newest operations of the window.
   */
  historyLane(fromMs?: number, opts?: { now?: boolean; limit?: number }): HistoryLaneView;
}

/** How one etcdctl command runs. */
export interface EtcdctlOptions {
  /** The endpoints it dials (default: every member), as etcdctl's --endpoints. */
  endpoints?: string[];
  stdin?: string;
  /** Output as it is written (watch, lease keep-alive), before the command ends. */
  onStream?: (chunk: { stdout?: string; stderr?: string }) => void;
  /** Aborting it is Ctrl-C. */
  signal?: AbortSignal;
  /**
   * Run it in the console's session: every such command shares one client, named `console`,
   * instead of opening its own client and closing it at the end as an etcdctl process does.
   */
  session?: boolean;
}

