/**
 * One etcd member (etcd's EtcdServer): a RawNode, its storage, and the state machine it applies
 * (MVCC store, lessor, membership, alarms), with etcd 3.4's request semantics.
 *
 * The member is driven, never self-running: a host calls `step({nowMs, inputs, ticks})` with what
 * arrived at one instant of virtual time and gets back plain-data outputs (raft messages, client
 * answers, watch responses, forwarded lease requests). It reads no clock and no ambient
 * randomness: time comes in `nowMs`, randomness through the injected `randInt`.
 *
 * The Ready loop, once per Ready:
 *   1. apply the snapshot and committed entries in memory (the consistent index advances with
 *      each entry, so a restart that replays the log skips what the image already holds), and
 *      answer read states;
 *   2. queue one storage write for the Ready's snapshot, entries and HardState, with the applied
 *      state's batch when one is due; a Ready that comes while the write before it still waits
 *      joins that write (group commit). The write is not awaited here;
 *   3. put the Ready's messages among the step's outputs. They are not sent yet: the host sends a
 *      step's outputs only once `durable()` resolved (and the modelled disk time has passed), so a
 *      vote, an append ack or a client answer never leaves before what it promises is on disk
 *      (safety switch 5, settings.unsafeAckBeforeDurable, breaks exactly this rule);
 *   4. advance.
 * Applying before the write lands loses nothing a crash may not lose: a committed entry is on a
 * quorum's disks, and what this member applied in memory is rebuilt from its WAL and its peers.
 */
import { RawNode, MemoryStorage, RaftError, ErrProposalDropped, decodeConfChange } from '../raft/index.ts';
import type { ConfChange, Entry, Message, NodeId, Ready, Snapshot, Status } from '../raft/types.ts';
import { KvStore } from '../mvcc/kvStore.ts';
import { MemoryBackend } from '../mvcc/memoryBackend.ts';
import { WatchableStore } from '../mvcc/watchableStore.ts';
import { Lessor, LeaseError, MemoryLeaseBackend, leaseIdGenerator, type LeaseBackend, type LeaseIdGenerator, type LeaseView } from '../lease/index.ts';
import type { BackendBatch, MemberStorage, ReadyPersist } from '../storage/types.ts';
import { PersistingKvBackend, PersistingLeaseBackend, loadStoredState, writeAlarms, writeMembership } from './backendSync.ts';
import type { MembershipState } from './membership.ts';
import type {
  AlarmMember,
  AlarmRequest,
  AlarmResponse,
  EtcdErrorBody,
  Id64,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
  MemberAddResponse,
  MemberListResponse,
  RangeRequest,
  ResponseHeader,
  StatusResponse,
  TxnRequest,
} from './api.ts';
import { id64ToDecimal } from './api.ts';
import { IdGenerator, computeMemberId } from './ids.ts';
import { Membership, type MemberAttrs, type MembershipRefusal } from './membership.ts';
import type { ClientRequest, ClientResult, MemberInput, MemberOutput, PeerRequest } from './protocol.ts';
import { decodeRaftRequest, encodeRaftRequest, type InternalRaftRequest } from './raftRequest.ts';
import { DEFAULT_QUOTA_BYTES, minLeaseTtlSeconds, validateSettings, type MemberSettings } from './settings.ts';
import { Wait } from './wait.ts';
import { decodeAppImage, encodeAppImage, type AppImage } from './appState.ts';
import { KvApplier } from './kvApplier.ts';
import { isTxnReadOnly } from './applyKv.ts';
import { WatchServer, type WatcherView } from './watchServer.ts';
import { E } from './memberErrors.ts';

export const SERVER_VERSION = '3.4.23';

export interface MemberStartOptions {
  name: string;
  id: Id64;
  storage: MemberStorage;
  settings: MemberSettings;
  /** Seeded randomness for raft's election timeouts: an integer in [0, n). */
  randInt: (n: number) => number;
  /** Virtual time now, in ms. */
  nowMs: number;
  /** Unix ms that virtual time 0 stands for (IDs derived from time use epochMs + nowMs). */
  epochMs: number;
  peerURLs: string[];
  clientURLs: string[];
  clusterToken: string;
  /** A new cluster's initial members; used only when the storage is fresh. Absent = join an existing cluster. */
  initialCluster?: { name: string; peerURLs: string[]; clientURLs: string[] }[];
  /** A blob from `snapshot()` to start a NEW cluster from (etcdctl snapshot restore); needs initialCluster and fresh storage. */
  restoreFrom?: string;
  /** Optional sink for raft's log lines. */
  logger?: (line: string) => void;
  /** Told of every applied entry and every state restore (invariant checkers, inspectors). */
  applyObserver?: ApplyObserver;
}

export interface ApplyObserver {
  applied(index: number, term: number, data: string): void;
  /** The state machine now stands at `index` without applying entries one by one. */
  restored(index: number): void;
}

/** Raft's state as the invariant checkers read it (plain data plus a term lookup). */
export interface MemberRaftView {
  term: number;
  vote: string;
  commit: number;
  role: Status['softState']['raft_state'];
  lead: string;
  /** The HardState last written to stable storage. */
  persisted: { term: number; vote: string; commit: number };
  firstIndex: number;
  lastIndex: number;
  termAt(i: number): number;
  applied: number;
}

export interface MemberStepInput {
  nowMs: number;
  inputs: MemberInput[];
  ticks: number;
  /** This member's disk: a WAL write's virtual time for this step, instead of settings.walFsyncMs (a slow disk). */
  walFsyncMs?: number;
}

export interface MemberTraceEvent {
  kind: 'role' | 'custom';
  detail: string;
}

export interface MemberStepResult {
  outputs: MemberOutput[];
  events: MemberTraceEvent[];
  /** Virtual time the step's WAL writes took (settings.walFsyncMs each); see ActorOutput.busyMs. */
  busyMs: number;
  /**
   * Settles when everything written so far has landed, or null when nothing is in flight. The
   * step does not wait for its writes; its outputs must not leave before this resolves (persist
   * before send), and a rejection (a storage failure) means they never may: the member stops.
   */
  durable: Promise<void> | null;
}

/** A compact view of the member for inspectors and tests. */
export interface MemberSummary {
  id: Id64;
  name: string;
  role: Status['softState']['raft_state'];
  leader: Id64;
  term: number;
  commitIndex: number;
  appliedIndex: number;
  revision: number;
  compactRevision: number;
  isLearner: boolean;
  removed: boolean;
  alarms: AlarmMember[];
}

/** A client request waiting for its raft entry to apply. */
interface Waiter {
  from: string;
  reqId: number;
  op: ClientRequest['op'];
  startMs: number;
  deadlineMs: number;
  /** Called with the apply result instead of a plain reply (e.g. member add answers with the list). */
  finish?: (r: ClientResult) => ClientResult;
}

interface PendingRead {
  from: string;
  reqId: number;
  request: ClientRequest;
  deadlineMs: number;
  startMs: number;
}

/** A lease keep-alive or time-to-live waiting at a follower for the leader's answer. */
interface Forwarded {
  from: string;
  reqId: number;
  request: PeerRequest;
  deadlineMs: number;
  startMs: number;
  sentTo: NodeId | null;
  sentAtMs: number;
}

interface LeaderTransfer {
  from: string;
  reqId: number;
  target: Id64;
  deadlineMs: number;
}

/** etcd retries a read index request that got no answer after this long (readIndexRetryTime). */
const READ_INDEX_RETRY_MS = 500;
/** Rough bytes per stored revision besides key and value, for the backend size estimate. */
const REVISION_OVERHEAD_BYTES = 64;

export class EtcdMember {
  readonly id: Id64;
  readonly name: string;
  private readonly settings: MemberSettings;
  private readonly storage: MemberStorage;
  private raftStorage: MemoryStorage;
  private node: RawNode;
  private kv: KvStore;
  private lessor: Lessor;
  private leaseBackend: LeaseBackend;
  private membership: Membership;
  private alarms: AlarmMember[] = [];
  private readonly kvApplier: KvApplier;
  /** Watches over the current KvStore; the same one across snapshot restores (it moves its watchers). */
  private readonly watchable: WatchableStore;
  private readonly watches: WatchServer;
  private readonly wait = new Wait<Waiter>();
  private reqIds: IdGenerator;
  private leaseIds: LeaseIdGenerator;
  private readonly epochMs: number;

  private nowMs: number;
  private appliedIndex = 0;
  private appliedTerm = 0;
  private snapshotIndex = 0;
  private confState: { voters: NodeId[]; learners: NodeId[] } = { voters: [], learners: [] };
  private leader: Id64 = '0';
  private lastLeaderChangeMs = 0;
  private removed = false;
  private outputs: MemberOutput[] = [];
  /** WAL writes (fsyncs) in the current step. */
  private walWrites = 0;
  /** The member's storage writes, chained in issue order (see write()), and how many have not landed. */
  private writes: Promise<void> = Promise.resolve();
  private writesInFlight = 0;
  /** The last queued write when it is a Ready that has not started: later Readies may join it. */
  private queuedReady: ReadyPersist | null = null;
  /**
   * With settings.unsafeAckBeforeDurable only: writes issued but not handed to the storage yet,
   * in issue order, each with the virtual time its fsync would end. Only a crash loses them.
   */
  private pageCache: { dueMs: number; run: () => Promise<void> }[] = [];
  /** The fsync time of the step being run (a slow disk's, or the settings'). */
  private stepFsyncMs = 0;
  /** Virtual time of the last backend batch commit (see settings.backendBatchIntervalMs). */
  private lastBackendCommitMs = 0;
  private events: MemberTraceEvent[] = [];

  private readQueue: PendingRead[] = [];
  private readInFlight: { ctx: string; reads: PendingRead[]; sentAtMs: number } | null = null;
  private readsWaitingApply: { index: number; reads: PendingRead[] }[] = [];
  private forwarded = new Map<number, Forwarded>();
  private nextFwdId = 1;
  /** Keep-alives the leader holds because the lease expired and its revoke is not applied yet. */
  private heldRenewals: { from: NodeId | null; fwdId: number; client?: { from: string; reqId: number }; id: Id64; deadlineMs: number }[] = [];
  private transfer: LeaderTransfer | null = null;
  private nextLeaseCheckMs = 0;
  private nextProgressNotifyMs: number;
  /** Backend size estimate: bytes ever allocated (until defragment) and bytes holding live revisions. */
  private dbSizeBytes = 0;
  private dbInUseBytes = 0;
  /** Storage work started by a request (defragment) that this step must finish before returning. */
  private background: Promise<void>[] = [];
  private published = false;
  /** Forwarded proposals received lately (see isDuplicateForward). */
  private readonly recentForwards = new Set<string>();
  /** The stored backend's batch for the Ready being applied (opened on first write). */
  private batch: BackendBatch | null = null;
  private readonly sink = (): BackendBatch => (this.batch ??= this.storage.backend.batch());
  /** Membership and alarms as last written to the stored backend. */
  private persistedMembership: MembershipState;
  private persistedAlarms: AlarmMember[] = [];
  /** When this incarnation started: its peer connections are no older than this. */
  private readonly startedAtMs: number;

  private constructor(o: MemberStartOptions) {
    validateSettings(o.settings);
    this.id = o.id;
    this.name = o.name;
    this.settings = o.settings;
    this.storage = o.storage;
    this.nowMs = o.nowMs;
    this.startedAtMs = o.nowMs;
    this.epochMs = o.epochMs;
    this.reqIds = new IdGenerator(o.id, o.epochMs + o.nowMs);
    this.leaseIds = leaseIdGenerator(o.id, Math.floor(o.epochMs + o.nowMs));
    this.raftStorage = new MemoryStorage();
    this.membership = Membership.restore({ clusterId: '0', members: [], removed: [] });
    this.leaseBackend = new MemoryLeaseBackend();
    this.persistedMembership = this.membership.snapshot();
    this.kv = undefined as unknown as KvStore;
    this.lessor = undefined as unknown as Lessor;
    this.resetStateMachine(new MemoryBackend(), []);
    this.kvApplier = new KvApplier(() => this.kv, () => this.lessor);
    this.watchable = new WatchableStore(this.kv);
    this.watches = new WatchServer({
      store: this.watchable,
      header: (rev) => this.header(rev),
      emit: (o) => this.outputs.push(o),
    });
    this.nextProgressNotifyMs = o.nowMs + o.settings.progressNotifyIntervalMs;
    this.node = undefined as unknown as RawNode;
  }

  /** Opens a member on its storage: recovers snapshot + WAL if there is data, else bootstraps or joins. */
  static async start(o: MemberStartOptions): Promise<EtcdMember> {
    const m = new EtcdMember(o);
    await m.recover(o);
    return m;
  }

  // ---- lifecycle ----

  private raftConfig(applied: number) {
    const s = this.settings;
    return {
      id: this.id,
      electionTick: s.electionTicks,
      heartbeatTick: s.heartbeatTicks ?? 1,
      storage: this.raftStorage,
      applied,
      maxSizePerMsg: s.maxSizePerMsg,
      maxInflightMsgs: s.maxInflightMsgs,
      checkQuorum: s.checkQuorum,
      preVote: s.preVote,
      readOnlyOption: s.unsafeLeaseReads === true ? ('ReadOnlyLeaseBased' as const) : ('ReadOnlySafe' as const),
      ...(s.unsafeRaft ? { unsafe: s.unsafeRaft } : {}),
      randInt: (n: number) => this.randInt(n),
    };
  }

  private randInt: (n: number) => number = () => 0;
  private applyObserver: ApplyObserver | undefined;

  private async recover(o: MemberStartOptions): Promise<void> {
    this.randInt = o.randInt;
    this.applyObserver = o.applyObserver;
    if (this.storage.wiped) {
      // Its data is gone but the cluster still counts it as a member with a log: starting empty
      // would let it vote and acknowledge as if it had the entries it once acknowledged.
      throw new MemberDataLostError(this.name);
    }
    let snap = await this.storage.snapshotter.load();
    let wal = await this.storage.wal.readAll(snap ? { index: snap.metadata.index, term: snap.metadata.term } : undefined);
    let hasData = snap !== undefined || wal.entries.length > 0 || wal.hardState.term > 0;
    if (!hasData && o.initialCluster && o.restoreFrom !== undefined) {
      // `etcdctl snapshot restore`: a new cluster whose data is the saved image. Written to
      // storage first, as a raft snapshot at index n (one per initial member), so a crash right
      // after start still finds the data.
      snap = this.restoredSnapshot(o.restoreFrom, Membership.bootstrap(o.initialCluster, o.clusterToken));
      await this.storage.saveReady({ entries: [], hardState: { term: 1, vote: '0', commit: snap.metadata.index }, snapshot: snap });
      wal = await this.storage.wal.readAll({ index: snap.metadata.index, term: snap.metadata.term });
      hasData = true;
    }
    // The stored backend may be ahead of the newest raft snapshot (applied state is committed in
    // batches, with a Ready's WAL record or on its own):
    // then it is the state to start from, as a snapshot at its consistent index.
    const stored = await loadStoredState(this.storage.backend);
    if (stored && stored.consistentIndex > (snap?.metadata.index ?? 0)) {
      const image: AppImage = { format: 'etcd-playground-snapshot/1', ...stored };
      const ms = Membership.restore(stored.membership);
      const fromBackend: Snapshot = {
        data: encodeAppImage(image),
        metadata: { index: stored.consistentIndex, term: stored.consistentTerm, conf_state: { voters: ms.voters(), learners: ms.learners() } },
      };
      this.raftStorage.applySnapshot(fromBackend);
      this.restoreImage(image, false);
      this.snapshotIndex = stored.consistentIndex;
      this.confState = { ...fromBackend.metadata.conf_state };
    } else if (snap) {
      this.raftStorage.applySnapshot(snap);
      this.restoreImage(decodeAppImage(snap.data));
      this.snapshotIndex = snap.metadata.index;
      this.confState = { voters: [...snap.metadata.conf_state.voters], learners: [...snap.metadata.conf_state.learners] };
    }
    this.raftStorage.setHardState(wal.hardState);
    this.raftStorage.append(wal.entries);
    this.flushBackend(true);
    await this.durable();
    this.node = new RawNode(this.raftConfig(this.appliedIndex));
    this.applyObserver?.restored(this.appliedIndex);
    if (!hasData && o.initialCluster) {
      // etcd's way: one ConfChangeAddNode per initial member at indexes 1..n, committed at once.
      const boot = Membership.bootstrap(o.initialCluster, o.clusterToken);
      const peers = boot.list().map((m) => ({
        id: m.ID,
        context: JSON.stringify({ member: m, clusterId: boot.clusterId }),
      }));
      this.node.bootstrap(peers);
    }
  }

  private restoredSnapshot(blob: string, boot: Membership): Snapshot {
    const img = decodeAppImage(blob);
    const n = boot.list().length;
    const image: AppImage = {
      ...img,
      consistentIndex: n,
      consistentTerm: 1,
      kv: { ...img.kv, meta: { ...img.kv.meta, consistent_index: n } },
      membership: boot.snapshot(),
      alarms: [],
    };
    return { data: encodeAppImage(image), metadata: { index: n, term: 1, conf_state: { voters: boot.voters(), learners: [] } } };
  }

  private resetStateMachine(backend: MemoryBackend, leases: { ID: Id64; TTL: number; RemainingTTL: number }[]): void {
    this.leaseBackend = new PersistingLeaseBackend(new MemoryLeaseBackend(), this.sink);
    for (const l of leases) this.leaseBackend.put(l);
    const lessor = new Lessor({
      now: () => this.nowMs,
      minTtlSeconds: minLeaseTtlSeconds(this.settings),
      backend: this.leaseBackend,
      rangeDeleter: () => {
        const tw = this.kv.write();
        return {
          deleteRange: (key, end) => void tw.deleteRange(key, end),
          end: () => tw.end(),
        };
      },
    });
    this.lessor = lessor;
    this.kv = new KvStore({
      backend: new PersistingKvBackend(backend, this.sink),
      leaseHooks: {
        attach: (lease, key) => lessor.attach(lease, [key]),
        detach: (lease, key) => lessor.detach(lease, [key]),
      },
    });
    // Watchers follow the state machine onto its new store (none exist yet when the constructor gets here).
    this.watchable?.replaceStore(this.kv);
    // Keys restored from the backend carry their lease; re-attach them (etcd's lessor recover).
    const keyLeases: { key: string; lease: string }[] = [];
    for (const kv of this.kv.range('\0', '\0', {}).kvs) if (kv.lease !== '0') keyLeases.push({ key: kv.key, lease: kv.lease });
    lessor.recover(keyLeases);
    this.recomputeDbSize(true);
  }

  /**
   * Replaces the state machine with an image. With `persist`, the stored backend is rewritten to
   * match (a snapshot from the leader, or one found at start that is newer than the backend).
   */
  private restoreImage(img: AppImage, persist = true): void {
    if (persist) {
      const b = this.sink();
      b.deleteRevisionRange([0, 0], [Number.MAX_SAFE_INTEGER, 0]);
      for (const l of this.leaseBackend.list()) b.deleteLease(l.ID);
      for (const [rev, v] of img.kv.keys) b.putRevision([rev[0], rev[1]], v);
      for (const [k, v] of Object.entries(img.kv.meta)) if (v !== undefined) b.putMeta(k, v);
    }
    this.resetStateMachine(MemoryBackend.fromImage(img.kv), img.leases);
    if (!persist) {
      // Loaded from the stored backend itself: membership and alarms are there already.
      this.persistedMembership = img.membership;
      this.persistedAlarms = img.alarms.map((a) => ({ ...a }));
    }
    this.membership = Membership.restore(img.membership);
    this.alarms = img.alarms.map((a) => ({ ...a }));
    this.appliedIndex = img.consistentIndex;
    this.appliedTerm = img.consistentTerm;
    this.kv.setConsistentIndex(img.consistentIndex);
    if (this.leader === this.id) this.lessor.promote(this.electionTimeoutMs());
    this.watches?.onRestore();
  }

  private image(): AppImage {
    return {
      format: 'etcd-playground-snapshot/1',
      consistentIndex: this.appliedIndex,
      consistentTerm: this.appliedTerm,
      kv: this.kv.backendRef().image(),
      leases: this.leaseBackend.list().sort((a, b) => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0)),
      membership: this.membership.snapshot(),
      alarms: this.alarms.map((a) => ({ ...a })),
    };
  }

  private electionTimeoutMs(): number {
    return this.settings.electionTicks * this.settings.heartbeatMs;
  }

  // ---- the step ----

  async step(input: MemberStepInput): Promise<MemberStepResult> {
    if (input.nowMs < this.nowMs) throw new Error(`member ${this.name}: time went back (${input.nowMs} < ${this.nowMs})`);
    this.nowMs = input.nowMs;
    this.walWrites = 0;
    this.stepFsyncMs = input.walFsyncMs ?? this.settings.walFsyncMs ?? 0;
    const inFlightBefore = this.writesInFlight;
    this.flushPageCache(this.nowMs);
    for (const inp of input.inputs) this.receive(inp);
    for (let i = 0; i < input.ticks; i++) this.node.tick();
    if (input.ticks > 0) this.onTimers();
    this.pumpReads();
    this.runReadyLoop();
    this.flushBackend();
    while (this.background.length > 0) await Promise.all(this.background.splice(0));
    this.serveReads();
    // Acknowledging before the disk: the outputs wait neither for this step's writes nor for the
    // modelled fsync (only for writes that were due and handed to the storage, so a failure stops the member).
    const early = this.settings.unsafeAckBeforeDurable === true;
    const busyMs = early ? 0 : this.walWrites * this.stepFsyncMs;
    const durable = (early ? this.writesInFlight > inFlightBefore : this.writesInFlight > 0) ? this.writes : null;
    const out = { outputs: this.outputs, events: this.events, busyMs, durable };
    this.outputs = [];
    this.events = [];
    return out;
  }

  /**
   * Queues a storage write behind the member's earlier ones: each starts when the one before it
   * committed, so what is stored is always a prefix of what was issued, and after a failure no
   * later write runs (every later `durable` rejects). The member goes on with its in-memory
   * state meanwhile; whoever sends its outputs waits for `durable` first.
   */
  private write(run: () => Promise<void>): void {
    // Whatever is queued after it must not be overtaken: no later Ready joins an earlier one.
    this.queuedReady = null;
    if (this.settings.unsafeAckBeforeDurable === true) {
      this.pageCache.push({ dueMs: this.nowMs + this.stepFsyncMs, run });
      return;
    }
    this.issue(run);
  }

  /**
   * Hands the page cache's writes whose fsync time has passed to the storage, oldest first and
   * stopping at the first that is not due, so what lands is still a prefix of what was issued.
   */
  private flushPageCache(untilMs: number): void {
    while (this.pageCache.length > 0 && this.pageCache[0]!.dueMs <= untilMs) this.issue(this.pageCache.shift()!.run);
  }

  private issue(run: () => Promise<void>): void {
    this.writesInFlight++;
    this.writes = this.writes.then(run).then(() => {
      this.writesInFlight--;
    });
    // Handled here so a failure is not reported as unhandled; callers observe it through `durable`.
    this.writes.catch(() => undefined);
  }

  /** Commits what applying wrote, then rewrites the stored backend, after every earlier write. */
  private defragmentAfterWrites(): Promise<void> {
    this.flushBackend(true);
    this.write(() => this.storage.backend.defragment());
    return this.durable();
  }

  /**
   * Waits until everything written so far landed (rejects with a storage failure). An explicit
   * sync: the page cache, if any, goes to the storage first.
   */
  durable(): Promise<void> {
    this.flushPageCache(Infinity);
    return this.writes;
  }

  private runReadyLoop(): void {
    // Several rounds: applying a conf change or a snapshot can make more work ready.
    for (let round = 0; round < 64 && this.node.hasReady(); round++) {
      const rd = this.node.ready();
      // Merged snapshots are images of the applied state, so they are taken before this Ready applies.
      const messages = rd.messages.map((msg) => (msg.type === 'MsgSnap' ? this.mergedSnapshot(msg) : msg));
      if (rd.softState) this.onSoftState(rd.softState.lead, rd.softState.raft_state);
      // Apply in memory first: what it writes goes into the backend batch, which is committed in
      // the same transaction as this Ready's WAL record, so the log and the applied state (with
      // its consistent index) land together, with one durable commit.
      if (rd.snapshot && rd.snapshot.metadata.index > this.appliedIndex) this.applySnapshot(rd.snapshot);
      for (const e of rd.committedEntries) this.applyEntry(e);
      for (const rs of rd.readStates) this.onReadState(rs.index, rs.request_ctx);
      this.persist(rd, this.stageBackend(false));
      // Held with the step's other outputs: the host sends them once this step's writes are
      // durable, so a message may acknowledge what the queued write stores.
      for (const msg of messages) {
        this.outputs.push({ kind: 'raft', to: msg.to, msg });
        // The network gives no delivery receipts: report a snapshot as sent, so the leader goes
        // back to probing; if it was lost, the probe is rejected and a new snapshot follows.
        if (msg.type === 'MsgSnap') this.node.reportSnapshot(msg.to, 'finish');
      }
      this.node.advance(rd);
      this.maybeSnapshot();
      this.pumpReads();
      this.serveReads();
    }
  }

  /**
   * Replaces the stored raft snapshot in an outgoing MsgSnap with one of the state machine as it
   * is now: the applied index and its term, the current ConfState and the image at exactly that
   * index. The stored snapshot may predate a member's addition; that member would refuse it (it
   * is not in its ConfState), answer index 0 and be sent the same snapshot forever. Raft on the
   * leader reads only the metadata: every entry after the applied index is still in its log
   * (compaction keeps entries above the applied index), so it can go on from there.
   * Called before this Ready's committed entries are applied, so image() is the applied state.
   */
  private mergedSnapshot(msg: Message): Message {
    const stored = msg.snapshot;
    if (!stored || this.appliedIndex <= stored.metadata.index) return msg;
    const conf_state = { voters: [...this.confState.voters], learners: [...this.confState.learners] };
    const snapshot: Snapshot = {
      data: encodeAppImage(this.image()),
      metadata: { index: this.appliedIndex, term: this.appliedTerm, conf_state },
    };
    return { ...msg, snapshot };
  }

  /**
   * Persists a Ready and, in the same transaction, the applied state's batch (if any): the
   * backend's consistent index never passes the commit index stored with it.
   */
  private persist(rd: Ready, applied: BackendBatch | null): void {
    if (rd.entries.length > 0 || rd.hardState || rd.snapshot) {
      const q = this.queuedReady;
      if (q && !applied && !rd.snapshot) {
        // Group commit: a Ready that comes while the one before it still waits for the disk joins
        // it, and one transaction (one sync) lands both, as one fsync of etcd's WAL covers every
        // record written before it. Later entries replace earlier ones from their first index on,
        // as replaying the WAL would.
        q.entries = joinEntries(q.entries, rd.entries);
        if (rd.hardState) q.hardState = rd.hardState;
      } else {
        const ready: ReadyPersist = { entries: rd.entries, hardState: rd.hardState, snapshot: rd.snapshot };
        this.write(() => {
          // Started: it takes no more Readies.
          if (this.queuedReady === ready) this.queuedReady = null;
          return this.storage.saveReady(ready, applied ?? undefined);
        });
        if (!applied && !rd.snapshot) this.queuedReady = ready;
      }
      // The modelled disk still syncs once per Ready: virtual time does not depend on how the
      // browser's disk keeps up.
      this.walWrites++;
    } else if (applied) {
      this.write(() => applied.commit());
    }
    if (rd.snapshot) this.raftStorage.applySnapshot(rd.snapshot);
    if (rd.hardState) this.raftStorage.setHardState(rd.hardState);
    this.raftStorage.append(rd.entries);
  }

  /**
   * Commits what applying wrote (plus membership and alarm changes) in one batch: when `force`d
   * (recovery, before a snapshot or a defragment), else only once the batch is due.
   */
  private flushBackend(force = false): void {
    const b = this.stageBackend(force);
    if (b) this.write(() => b.commit());
  }

  /** Whether the backend batch should be committed now (interval elapsed or batch full). */
  private backendDue(): boolean {
    const interval = this.settings.backendBatchIntervalMs ?? 100;
    const limit = this.settings.backendBatchLimit ?? 10_000;
    return this.nowMs - this.lastBackendCommitMs >= interval || (this.batch?.pendingOps ?? 0) >= limit;
  }

  /**
   * Takes the pending backend batch, completed with membership and alarm changes and the
   * consistent index (the applied index it brings the backend to), or null if nothing changed or
   * it is not due yet (then it keeps collecting).
   */
  private stageBackend(force: boolean): BackendBatch | null {
    if (!force && !this.backendDue()) return null;
    const ms = this.membership.snapshot();
    if (JSON.stringify(ms) !== JSON.stringify(this.persistedMembership)) {
      writeMembership(this.sink(), this.persistedMembership, ms);
      this.persistedMembership = ms;
    }
    if (JSON.stringify(this.alarms) !== JSON.stringify(this.persistedAlarms)) {
      writeAlarms(this.sink(), this.persistedAlarms, this.alarms);
      this.persistedAlarms = this.alarms.map((a) => ({ ...a }));
    }
    const b = this.batch;
    if (!b) return null;
    this.batch = null;
    this.lastBackendCommitMs = this.nowMs;
    b.putMeta('consistent_index', this.appliedIndex);
    b.putMeta('consistent_term', this.appliedTerm);
    return b;
  }

  private maybeSnapshot(): void {
    if (this.appliedIndex - this.snapshotIndex < this.settings.snapshotCount) return;
    const snap = this.raftStorage.createSnapshot(this.appliedIndex, this.confState, encodeAppImage(this.image()));
    // The backend must reach the snapshot's index before the WAL up to it is released: entries
    // applied but not yet committed to the backend could no longer be re-applied at restart.
    this.flushBackend(true);
    this.write(() => this.storage.saveReady({ entries: [], snapshot: snap }));
    this.snapshotIndex = this.appliedIndex;
    const compactTo = this.appliedIndex - this.settings.snapshotCatchUpEntries;
    if (compactTo > this.raftStorage.firstIndex()) this.raftStorage.compact(compactTo);
    const upTo = this.snapshotIndex;
    this.write(async () => {
      await this.storage.wal.releaseTo(upTo);
    });
    this.events.push({ kind: 'custom', detail: `snapshot at index ${this.snapshotIndex}` });
  }

  private onSoftState(lead: NodeId, state: string): void {
    const wasLeader = this.leader === this.id;
    if (lead !== this.leader) {
      this.leader = lead;
      this.lastLeaderChangeMs = this.nowMs;
      this.events.push({ kind: 'role', detail: `${state} leader=${lead}` });
    }
    const isLeader = state === 'StateLeader';
    if (isLeader && !wasLeader) {
      // A new leader restarts every lease's countdown, plus an election timeout for clients to find it.
      this.lessor.promote(this.electionTimeoutMs());
      this.nextLeaseCheckMs = this.nowMs + this.settings.leaseCheckIntervalMs;
    } else if (!isLeader && wasLeader) {
      this.lessor.demote();
      this.failHeldRenewals();
    }
    // etcd's MoveLeader returns once this member sees the transferee as leader.
    if (this.transfer && this.leader === this.transfer.target) this.finishTransfer();
  }

  // ---- inputs ----

  private receive(inp: MemberInput): void {
    switch (inp.kind) {
      case 'raft':
        this.stepRaft(inp.msg);
        return;
      case 'request':
        this.onRequest(inp.from, inp.reqId, inp.request);
        return;
      case 'watch':
        if (this.isLearner()) {
          this.watches.refuse(inp.from, inp.streamId, E.notSupportedForLearner);
          return;
        }
        this.watches.onRequest(inp.from, inp.streamId, inp.request);
        return;
      case 'watchClose':
        this.watches.closeStream(inp.from, inp.streamId);
        return;
      case 'peerRequest':
        this.onPeerRequest(inp.from, inp.fwdId, inp.request);
        return;
      case 'peerReply':
        this.onPeerReply(inp.fwdId, inp.result);
        return;
    }
  }

  private stepRaft(msg: Message): void {
    if (this.removed) return;
    if (msg.type === 'MsgProp' && this.isDuplicateForward(msg)) return;
    try {
      this.node.step(msg);
    } catch (e) {
      // etcd's transport drops what raft refuses (a response from an unknown peer, a dropped forward).
      if (!(e instanceof RaftError)) throw e;
    }
  }

  /**
   * A forwarded proposal arriving a second time (the simulated network may duplicate envelopes;
   * etcd's peer transport runs over TCP and never does). Raft would append it twice and the
   * request would apply twice, so a copy of a MsgProp already received is dropped. Every proposal
   * carries a unique request ID, so two equal MsgProps are always one message; the memory of
   * recent ones is volatile and bounded, as a duplicate arrives within a network delay.
   */
  private isDuplicateForward(msg: Message): boolean {
    if (msg.entries.length === 0 || msg.entries.some((e) => e.type !== 'EntryNormal' || e.data === '')) return false;
    const key = `${msg.from}|${msg.entries.map((e) => e.data).join('|')}`;
    if (this.recentForwards.has(key)) return true;
    this.recentForwards.add(key);
    if (this.recentForwards.size > 1024) this.recentForwards.delete(this.recentForwards.values().next().value!);
    return false;
  }

  private reply(to: string, reqId: number, result: ClientResult): void {
    this.outputs.push({ kind: 'reply', to, reqId, result });
  }

  private ok(to: string, reqId: number, resp: unknown): void {
    this.reply(to, reqId, { ok: true, resp });
  }

  private fail(to: string, reqId: number, error: EtcdErrorBody): void {
    this.reply(to, reqId, { ok: false, error });
  }

  header(rev?: number): ResponseHeader {
    return {
      cluster_id: this.membership.clusterId,
      member_id: this.id,
      revision: rev ?? this.kv.rev(),
      raft_term: this.node.raft.term,
    };
  }

  /** etcd's Cluster service answers with a header that carries no revision. */
  private clusterHeader(): ResponseHeader {
    return { ...this.header(), revision: 0 };
  }

  private isLearner(): boolean {
    return this.membership.get(this.id)?.isLearner ?? false;
  }

  private onRequest(from: string, reqId: number, request: ClientRequest): void {
    if (this.removed) {
      this.fail(from, reqId, E.stopped);
      return;
    }
    // etcd 3.4's interceptor: a learner serves only serializable ranges and status.
    if (this.isLearner() && !(request.op === 'status' || (request.op === 'range' && request.req.serializable))) {
      this.fail(from, reqId, E.notSupportedForLearner);
      return;
    }
    const deadlineMs = this.nowMs + this.settings.requestTimeoutMs;
    switch (request.op) {
      case 'range': {
        const bad = this.kvApplier.validateRange(request.req);
        if (bad) return this.fail(from, reqId, bad);
        if (request.req.serializable || this.settings.unsafeReads === 'skipReadIndex') return this.serveRead(from, reqId, request);
        this.readQueue.push({ from, reqId, request, deadlineMs, startMs: this.nowMs });
        return;
      }
      case 'txn': {
        const bad = this.kvApplier.validateTxn(request.req);
        if (bad) return this.fail(from, reqId, bad);
        if (isTxnReadOnly(request.req)) {
          if (isTxnSerializable(request.req)) return this.serveRead(from, reqId, request);
          this.readQueue.push({ from, reqId, request, deadlineMs, startMs: this.nowMs });
          return;
        }
        if (txnHasPut(request.req) && !this.quotaAvailable(txnCost(request.req))) return this.noSpace(from, reqId);
        return this.propose(from, reqId, request.op, { txn: request.req });
      }
      case 'put': {
        const bad = this.kvApplier.validatePut(request.req);
        if (bad) return this.fail(from, reqId, bad);
        if (!this.quotaAvailable(request.req.key.length + (request.req.value ?? '').length + REVISION_OVERHEAD_BYTES)) {
          return this.noSpace(from, reqId);
        }
        return this.propose(from, reqId, request.op, { put: request.req });
      }
      case 'deleteRange': {
        const bad = this.kvApplier.validateDeleteRange(request.req);
        if (bad) return this.fail(from, reqId, bad);
        return this.propose(from, reqId, request.op, { deleteRange: request.req });
      }
      case 'compact':
        return this.propose(from, reqId, request.op, { compaction: request.req });
      case 'hashKV':
        return this.reply(from, reqId, this.kvApplier.hashKV(request.req.revision ?? 0, this.header()));
      case 'leaseGrant': {
        if (!this.quotaAvailable(REVISION_OVERHEAD_BYTES)) return this.noSpace(from, reqId);
        const reqId64 = request.req.ID ?? '0';
        // etcd picks the ID on the member receiving the request, before proposing.
        const id = reqId64 === '0' ? this.leaseIds.next() : reqId64;
        return this.propose(from, reqId, request.op, { leaseGrant: { TTL: request.req.TTL, ID: id } });
      }
      case 'leaseRevoke':
        return this.propose(from, reqId, request.op, { leaseRevoke: { ID: request.req.ID } });
      case 'leaseKeepAlive':
      case 'leaseTimeToLive':
        return this.leaderLeaseRequest(from, reqId, request, deadlineMs);
      case 'leaseLeases': {
        const resp: LeaseLeasesResponse = {
          header: this.header(),
          leases: this.lessor.leases().map((l) => ({ ID: l.ID })),
        };
        return this.ok(from, reqId, resp);
      }
      case 'memberList': {
        const resp: MemberListResponse = { header: this.clusterHeader(), members: this.membership.list().map((m) => this.membership.toApi(m)) };
        return this.ok(from, reqId, resp);
      }
      case 'memberAdd':
        return this.memberAdd(from, reqId, request.req.peerURLs, request.req.isLearner ?? false, deadlineMs);
      case 'memberRemove':
        return this.memberRemove(from, reqId, request.req.ID, deadlineMs);
      case 'memberPromote':
        return this.memberPromote(from, reqId, request.req.ID, deadlineMs);
      case 'status':
        return this.ok(from, reqId, this.status());
      case 'alarm':
        return this.propose(from, reqId, request.op, { alarm: request.req });
      case 'defragment':
        // Answered once the stored backend is rewritten; step() waits for it before returning.
        // What applying wrote is committed first, so the rewrite starts from the applied state.
        this.background.push(
          this.defragmentAfterWrites().then(
            () => {
              this.dbSizeBytes = this.dbInUseBytes;
              this.ok(from, reqId, { header: this.header() });
            },
            (e: unknown) => this.fail(from, reqId, { code: 'Internal', message: `etcdserver: defragment failed: ${e instanceof Error ? e.message : String(e)}` }),
          ),
        );
        return;
      case 'moveLeader':
        return this.moveLeader(from, reqId, request.req.targetID, deadlineMs);
      case 'snapshot':
        return this.ok(from, reqId, { header: this.header(), blob: encodeAppImage(this.image()) });
    }
  }

  private serveRead(from: string, reqId: number, request: ClientRequest): void {
    if (request.op === 'range') this.reply(from, reqId, this.kvApplier.range(request.req, this.header()));
    else if (request.op === 'txn') this.reply(from, reqId, this.kvApplier.readOnlyTxn(request.req, this.header()));
  }

  /** Proposes an InternalRaftRequest; the waiter answers when this member applies it. */
  private propose(from: string, reqId: number, op: ClientRequest['op'], body: Omit<InternalRaftRequest, 'header'>, finish?: Waiter['finish']): void {
    const id = this.reqIds.next();
    const r: InternalRaftRequest = { header: { ID: id }, ...body };
    try {
      this.node.propose(encodeRaftRequest(r));
    } catch (e) {
      if (e === ErrProposalDropped) return this.fail(from, reqId, E.proposalDropped);
      throw e;
    }
    this.wait.register(id, { from, reqId, op, startMs: this.nowMs, deadlineMs: this.nowMs + this.settings.requestTimeoutMs, finish });
  }

  /** A proposal made by the member itself (lease expiry, alarms, publishing its attributes): no client waits. */
  private proposeInternal(body: Omit<InternalRaftRequest, 'header'>): void {
    const r: InternalRaftRequest = { header: { ID: this.reqIds.next() }, ...body };
    try {
      this.node.propose(encodeRaftRequest(r));
    } catch (e) {
      if (e !== ErrProposalDropped) throw e;
    }
  }

  // ---- quota and alarms ----

  private quotaBytes(): number {
    return this.settings.quotaBackendBytes > 0 ? this.settings.quotaBackendBytes : DEFAULT_QUOTA_BYTES;
  }

  private quotaAvailable(cost: number): boolean {
    if (this.alarms.some((a) => a.alarm === 'NOSPACE')) return false;
    return this.dbSizeBytes + cost < this.quotaBytes();
  }

  private noSpace(from: string, reqId: number): void {
    // etcd raises the alarm (through raft) the first time a request does not fit.
    if (!this.alarms.some((a) => a.alarm === 'NOSPACE' && a.memberID === this.id)) {
      this.proposeInternal({ alarm: { action: 'ACTIVATE', memberID: this.id, alarm: 'NOSPACE' } });
    }
    this.fail(from, reqId, E.noSpace);
  }

  private recomputeDbSize(reset: boolean): void {
    let bytes = 0;
    const b = this.kv.backendRef();
    for (const [, v] of b.rangeKeys([0, 0], [Number.MAX_SAFE_INTEGER, 0])) {
      bytes += v.kv.key.length + v.kv.value.length + REVISION_OVERHEAD_BYTES;
    }
    this.dbInUseBytes = bytes;
    if (reset || bytes > this.dbSizeBytes) this.dbSizeBytes = bytes;
  }

  // ---- linearizable reads (ReadIndex) ----

  private pumpReads(): void {
    if (this.readQueue.length === 0 || this.readInFlight) return;
    const ctx = this.reqIds.next();
    this.readInFlight = { ctx, reads: this.readQueue, sentAtMs: this.nowMs };
    this.readQueue = [];
    this.node.readIndex(ctx);
  }

  private onReadState(index: number, ctx: string): void {
    const f = this.readInFlight;
    if (!f || f.ctx !== ctx) return;
    this.readInFlight = null;
    this.readsWaitingApply.push({ index, reads: f.reads });
  }

  private serveReads(): void {
    if (this.readsWaitingApply.length === 0) return;
    const keep: { index: number; reads: PendingRead[] }[] = [];
    for (const w of this.readsWaitingApply) {
      if (w.index > this.appliedIndex) {
        keep.push(w);
        continue;
      }
      for (const r of w.reads) this.serveRead(r.from, r.reqId, r.request);
    }
    this.readsWaitingApply = keep;
  }

  // ---- timers ----

  private onTimers(): void {
    const now = this.nowMs;
    // Requests whose entry did not apply in time: answer with etcd's timeout error.
    for (const [id, w] of [...this.wait.entries()]) {
      if (w.deadlineMs > now) continue;
      this.wait.take(id);
      this.fail(w.from, w.reqId, this.timeoutError(w.startMs));
    }
    const expireReads = (reads: PendingRead[]): PendingRead[] =>
      reads.filter((r) => {
        if (r.deadlineMs > now) return true;
        this.fail(r.from, r.reqId, E.timeout);
        return false;
      });
    this.readQueue = expireReads(this.readQueue);
    for (const w of this.readsWaitingApply) w.reads = expireReads(w.reads);
    this.readsWaitingApply = this.readsWaitingApply.filter((w) => w.reads.length > 0);
    if (this.readInFlight) {
      this.readInFlight.reads = expireReads(this.readInFlight.reads);
      if (this.readInFlight.reads.length === 0) this.readInFlight = null;
      else if (now - this.readInFlight.sentAtMs >= READ_INDEX_RETRY_MS) {
        // No answer (no leader, lost message): ask again with a fresh context.
        this.readQueue = [...this.readInFlight.reads, ...this.readQueue];
        this.readInFlight = null;
      }
    }
    this.retryForwarded();
    this.expireHeldRenewals();
    if (this.transfer && now >= this.transfer.deadlineMs) {
      this.fail(this.transfer.from, this.transfer.reqId, E.leaderTransferTimeout);
      this.transfer = null;
    }
    // The leader decides lease expiry in virtual time and revokes through raft.
    if (this.leader === this.id && now >= this.nextLeaseCheckMs) {
      this.nextLeaseCheckMs = now + this.settings.leaseCheckIntervalMs;
      for (const id of this.lessor.expiredLeases()) this.proposeInternal({ leaseRevoke: { ID: id } });
      const cps = this.lessor.dueCheckpoints();
      if (cps.length > 0) this.proposeInternal({ leaseCheckpoint: { checkpoints: cps.map((c) => ({ ID: c.ID, remaining_TTL: c.Remaining_TTL })) } });
    }
    if (now >= this.nextProgressNotifyMs) {
      this.nextProgressNotifyMs = now + this.settings.progressNotifyIntervalMs;
      this.watches.progressNotifyAll();
    }
    this.maybePublish();
  }

  private timeoutError(startMs: number): EtcdErrorBody {
    // etcd blames a leader change that happened while the request waited.
    if (this.lastLeaderChangeMs > startMs) return E.timeoutDueToLeaderFail;
    return E.timeout;
  }

  /** A member added at runtime announces its name and client URLs once it has a leader (etcd's publish). */
  private maybePublish(): void {
    if (this.published || this.leader === '0' || this.removed) return;
    const me = this.membership.get(this.id);
    if (!me) return;
    if (me.name === this.name) {
      this.published = true;
      return;
    }
    // Once per request timeout, not per tick: the proposal may simply still be on its way.
    if (this.nowMs < this.nextPublishMs) return;
    this.nextPublishMs = this.nowMs + this.settings.requestTimeoutMs;
    this.proposeInternal({ memberAttrSet: { ID: this.id, name: this.name, clientURLs: [`http://${this.name}:2379`] } });
  }

  private nextPublishMs = 0;

  // ---- leases on the leader ----

  private leaderLeaseRequest(from: string, reqId: number, request: ClientRequest, deadlineMs: number): void {
    const pr: PeerRequest =
      request.op === 'leaseKeepAlive' ? { op: 'leaseKeepAlive', req: request.req } : { op: 'leaseTimeToLive', req: (request as { op: 'leaseTimeToLive'; req: { ID: Id64; keys?: boolean } }).req };
    if (this.leader === this.id) {
      const r = this.serveLeaseAsLeader(pr, { from, reqId }, null, 0);
      if (r) this.reply(from, reqId, r);
      return;
    }
    const fwdId = this.nextFwdId++;
    const f: Forwarded = { from, reqId, request: pr, deadlineMs, startMs: this.nowMs, sentTo: null, sentAtMs: 0 };
    this.forwarded.set(fwdId, f);
    this.sendForward(fwdId, f);
  }

  private sendForward(fwdId: number, f: Forwarded): void {
    if (this.leader === '0' || this.leader === this.id) return;
    f.sentTo = this.leader;
    f.sentAtMs = this.nowMs;
    this.outputs.push({ kind: 'peerRequest', to: this.leader, fwdId, request: f.request });
  }

  private retryForwarded(): void {
    for (const [fwdId, f] of [...this.forwarded]) {
      if (this.nowMs >= f.deadlineMs) {
        this.forwarded.delete(fwdId);
        this.fail(f.from, f.reqId, E.timeout);
        continue;
      }
      if (this.leader === this.id) {
        this.forwarded.delete(fwdId);
        const r = this.serveLeaseAsLeader(f.request, { from: f.from, reqId: f.reqId }, null, 0);
        if (r) this.reply(f.from, f.reqId, r);
        continue;
      }
      // The leader changed or did not answer: try again (etcd retries until the context ends).
      if (f.sentTo !== this.leader || this.nowMs - f.sentAtMs >= this.electionTimeoutMs()) this.sendForward(fwdId, f);
    }
  }

  /**
   * Serves a keep-alive or time-to-live as the leader. Returns the result, or null when the
   * answer is held (a keep-alive of an expired lease waits for its revoke to apply).
   */
  private serveLeaseAsLeader(pr: PeerRequest, client: { from: string; reqId: number } | undefined, peer: NodeId | null, fwdId: number): ClientResult | null {
    if (pr.op === 'leaseTimeToLive') {
      // An unknown lease is not an error here: etcd answers TTL -1 with an empty grant.
      const t = this.lessor.timeToLive(pr.req.ID, { keys: pr.req.keys ?? false });
      const resp: LeaseTimeToLiveResponse = { header: this.header(), ID: pr.req.ID, TTL: t.TTL, grantedTTL: t.grantedTTL, keys: t.keys };
      return { ok: true, resp };
    }
    try {
      const ttl = this.lessor.renew(pr.req.ID);
      const resp: LeaseKeepAliveResponse = { header: this.header(), ID: pr.req.ID, TTL: ttl };
      return { ok: true, resp };
    } catch (e) {
      if (!(e instanceof LeaseError)) throw e;
      // etcd's keep-alive stream answers an unknown lease with TTL 0, not an error.
      if (e.code === 'LeaseNotFound') return { ok: true, resp: { header: this.header(), ID: pr.req.ID, TTL: 0 } };
      if (e.code === 'LeaseExpired') {
        this.heldRenewals.push({ from: peer, fwdId, client: peer ? undefined : client, id: pr.req.ID, deadlineMs: this.nowMs + this.settings.requestTimeoutMs });
        return null;
      }
      return { ok: false, error: { code: e.grpcCode, message: e.message } };
    }
  }

  private releaseHeldRenewals(revokedId: Id64): void {
    const keep = [];
    for (const h of this.heldRenewals) {
      if (h.id !== revokedId) {
        keep.push(h);
        continue;
      }
      this.answerHeld(h, { ok: true, resp: { header: this.header(), ID: h.id, TTL: 0 } });
    }
    this.heldRenewals = keep;
  }

  private answerHeld(h: (typeof this.heldRenewals)[number], r: ClientResult): void {
    if (h.from !== null) this.outputs.push({ kind: 'peerReply', to: h.from, fwdId: h.fwdId, result: r });
    else if (h.client) this.reply(h.client.from, h.client.reqId, r);
  }

  private expireHeldRenewals(): void {
    this.heldRenewals = this.heldRenewals.filter((h) => {
      if (h.deadlineMs > this.nowMs) return true;
      this.answerHeld(h, { ok: false, error: E.timeout });
      return false;
    });
  }

  private failHeldRenewals(): void {
    for (const h of this.heldRenewals) this.answerHeld(h, { ok: false, error: E.notLeader });
    this.heldRenewals = [];
  }

  private onPeerRequest(from: NodeId, fwdId: number, pr: PeerRequest): void {
    let r: ClientResult | null;
    if (pr.op === 'memberPromote') {
      if (this.leader !== this.id) r = { ok: false, error: E.notLeader };
      else {
        this.promoteAsLeader(pr.req.ID, (res) => this.outputs.push({ kind: 'peerReply', to: from, fwdId, result: res }));
        return;
      }
    } else if (this.leader !== this.id) r = { ok: false, error: E.notLeader };
    else r = this.serveLeaseAsLeader(pr, undefined, from, fwdId);
    if (r) this.outputs.push({ kind: 'peerReply', to: from, fwdId, result: r });
  }

  private onPeerReply(fwdId: number, result: ClientResult): void {
    const f = this.forwarded.get(fwdId);
    if (!f) return;
    if (!result.ok && result.error.message === E.notLeader.message) {
      // The one we asked is no longer leader: retry at the next tick against the new one.
      f.sentTo = null;
      return;
    }
    this.forwarded.delete(fwdId);
    if (result.ok) {
      // Headers come from the member the client talks to, as etcd's forwarding rewrites nothing
      // but the answer is relayed; keep the leader's revision, our IDs.
      const resp = result.resp as { header: ResponseHeader };
      resp.header = { ...resp.header, member_id: this.id };
    }
    this.reply(f.from, f.reqId, result);
  }

  // ---- membership ----

  private memberAdd(from: string, reqId: number, peerURLs: string[], isLearner: boolean, deadlineMs: number): void {
    if (!Array.isArray(peerURLs) || peerURLs.length === 0 || !peerURLs.every(isValidPeerUrl)) {
      return this.fail(from, reqId, E.memberBadURLs);
    }
    const unixSeconds = Math.floor((this.epochMs + this.nowMs) / 1000);
    const attrs: MemberAttrs = { ID: computeMemberId(peerURLs, '', unixSeconds), name: '', peerURLs: [...peerURLs], clientURLs: [], isLearner };
    const refusal = this.membership.validateAdd(attrs);
    if (refusal) return this.fail(from, reqId, refusalError(refusal));
    if (isLearner && this.membership.learners().length >= 1) return this.fail(from, reqId, E.tooManyLearners);
    if (!isLearner && !this.readyToAddVoter()) return this.fail(from, reqId, E.notEnoughStartedMembers);
    if (!this.clusterHealthyForAdd()) return this.fail(from, reqId, E.unhealthy);
    const cc: ConfChange = {
      type: isLearner ? 'ConfChangeAddLearnerNode' : 'ConfChangeAddNode',
      node_id: attrs.ID,
      context: JSON.stringify({ member: attrs }),
    };
    this.proposeConf(from, reqId, 'memberAdd', cc, deadlineMs);
  }

  /**
   * etcd's transport health for reconfiguration (HealthInterval = 5 s): a peer counts as
   * connected since this member started, unless the leader sees it inactive. So a member younger
   * than 5 s finds the cluster unhealthy, as a freshly started etcd does.
   */
  private connectedSince(peer: Id64, sinceMs: number): boolean {
    if (peer === this.id) return true;
    if (this.startedAtMs > sinceMs) return false;
    if (this.leader === this.id) return this.node.status().progress?.[peer]?.recentActive ?? false;
    return true;
  }

  private static readonly HEALTH_INTERVAL_MS = 5000;

  private clusterHealthyForAdd(): boolean {
    const since = this.nowMs - EtcdMember.HEALTH_INTERVAL_MS;
    return this.membership.voters().every((v) => this.connectedSince(v, since));
  }

  /** etcd's strict reconfiguration check: adding a voter must not leave too few started voters for quorum. */
  private readyToAddVoter(): boolean {
    const voters = this.membership.voters();
    const started = this.membership.list().filter((m) => !m.isLearner && m.name !== '').length;
    const quorumAfter = Math.floor((voters.length + 1) / 2) + 1;
    return started >= quorumAfter;
  }

  private memberRemove(from: string, reqId: number, id: Id64, deadlineMs: number): void {
    const refusal = this.membership.validateRemove(id);
    if (refusal) return this.fail(from, reqId, refusalError(refusal));
    const m = this.membership.get(id)!;
    if (!m.isLearner) {
      const voters = this.membership.voters();
      const started = this.membership.list().filter((x) => !x.isLearner && x.name !== '' && x.ID !== id).length;
      const quorumAfter = Math.floor((voters.length - 1) / 2) + 1;
      if (started < quorumAfter) return this.fail(from, reqId, E.notEnoughStartedMembers);
      // A member that is down is safe to remove; otherwise the rest must keep a connected quorum.
      const since = this.nowMs - EtcdMember.HEALTH_INTERVAL_MS;
      const removedIsActive = id === this.id || this.leader !== this.id || (this.node.status().progress?.[id]?.recentActive ?? false);
      if (removedIsActive) {
        const voters = this.membership.voters();
        const active = voters.filter((v) => this.connectedSince(v, since)).length;
        if (active - 1 < 1 + Math.floor((voters.length - 1) / 2)) return this.fail(from, reqId, E.unhealthy);
      }
    }
    this.proposeConf(from, reqId, 'memberRemove', { type: 'ConfChangeRemoveNode', node_id: id, context: '' }, deadlineMs);
  }

  private memberPromote(from: string, reqId: number, id: Id64, deadlineMs: number): void {
    if (this.leader === this.id) {
      this.promoteAsLeader(id, (r) => this.reply(from, reqId, r));
      return;
    }
    // Only the leader knows whether the learner caught up: etcd forwards promote to it.
    if (this.leader === '0') return this.fail(from, reqId, E.timeout);
    const fwdId = this.nextFwdId++;
    const f: Forwarded = { from, reqId, request: { op: 'memberPromote', req: { ID: id } }, deadlineMs, startMs: this.nowMs, sentTo: null, sentAtMs: 0 };
    this.forwarded.set(fwdId, f);
    this.sendForward(fwdId, f);
  }

  private promoteAsLeader(id: Id64, answer: (r: ClientResult) => void): void {
    const refusal = this.membership.validatePromote(id);
    if (refusal) return answer({ ok: false, error: refusalError(refusal) });
    const progress = this.node.status().progress ?? {};
    const leaderMatch = progress[this.id]?.match ?? 0;
    const learnerMatch = progress[id]?.match ?? 0;
    // etcd's readiness rule: the learner's log must be within 10% of the leader's.
    if (learnerMatch < leaderMatch * 0.9) return answer({ ok: false, error: E.learnerNotReady });
    const m = this.membership.get(id)!;
    const cc: ConfChange = { type: 'ConfChangeAddNode', node_id: id, context: JSON.stringify({ member: { ...m, isLearner: false }, promote: true }) };
    const sink = `promote:${this.nextFwdId++}`;
    this.pendingConfAnswers.set(sink, answer);
    this.proposeConf(sink, 0, 'memberPromote', cc, this.nowMs + this.settings.requestTimeoutMs);
  }

  /** Answers for conf changes proposed on behalf of another member (promote forwarded to the leader). */
  private readonly pendingConfAnswers = new Map<string, (r: ClientResult) => void>();

  private proposeConf(from: string, reqId: number, op: ClientRequest['op'], cc: ConfChange, deadlineMs: number): void {
    const id = this.reqIds.next();
    const ctx = cc.context === '' ? {} : (JSON.parse(cc.context) as Record<string, unknown>);
    const withId: ConfChange = { ...cc, context: JSON.stringify({ ...ctx, requestId: id }) };
    try {
      this.node.proposeConfChange(withId);
    } catch (e) {
      if (e === ErrProposalDropped) {
        const r: ClientResult = { ok: false, error: E.proposalDropped };
        const sink = this.pendingConfAnswers.get(from);
        if (sink) {
          this.pendingConfAnswers.delete(from);
          sink(r);
        } else this.reply(from, reqId, r);
        return;
      }
      throw e;
    }
    this.wait.register(id, { from, reqId, op, startMs: this.nowMs, deadlineMs });
  }

  // ---- move leader ----

  private moveLeader(from: string, reqId: number, target: Id64, deadlineMs: number): void {
    if (this.leader !== this.id) return this.fail(from, reqId, E.notLeader);
    const m = this.membership.get(target);
    if (!m || m.isLearner) return this.fail(from, reqId, E.badLeaderTransferee);
    if (target === this.id) return this.ok(from, reqId, { header: this.header() });
    this.transfer = { from, reqId, target, deadlineMs };
    this.node.transferLeader(target);
  }

  private finishTransfer(): void {
    const t = this.transfer;
    if (!t) return;
    this.transfer = null;
    if (this.leader === t.target) this.ok(t.from, t.reqId, { header: this.header() });
    else this.fail(t.from, t.reqId, E.leaderTransferTimeout);
  }

  // ---- status ----

  status(): StatusResponse {
    const st = this.node.status();
    const errors: string[] = [];
    if (st.softState.lead === '0') errors.push(E.noLeader.message);
    for (const a of this.alarms) errors.push(`memberID:${id64ToDecimal(a.memberID)} alarm:${a.alarm} `);
    return {
      header: this.header(),
      version: SERVER_VERSION,
      // What the stored backend holds (etcd reports its bolt file); the estimate only drives the quota.
      dbSize: this.storage.backend.size().dbSize,
      leader: st.softState.lead,
      raftIndex: st.hardState.commit,
      raftTerm: st.hardState.term,
      raftAppliedIndex: this.appliedIndex,
      errors,
      dbSizeInUse: this.storage.backend.size().dbSizeInUse,
      isLearner: this.isLearner(),
    };
  }

  raftView(): MemberRaftView {
    const r = this.node.raft;
    const log = r.raftLog;
    return {
      term: r.term,
      vote: r.vote,
      commit: log.committed,
      role: r.state,
      lead: r.lead,
      persisted: this.raftStorage.hardStateNow(),
      firstIndex: log.firstIndex(),
      lastIndex: log.lastIndex(),
      termAt: (i) => log.term(i),
      applied: this.appliedIndex,
    };
  }

  raftStatus(): Status {
    return this.node.status();
  }

  summary(): MemberSummary {
    const st = this.node.status();
    return {
      id: this.id,
      name: this.name,
      role: st.softState.raft_state,
      leader: st.softState.lead,
      term: st.hardState.term,
      commitIndex: st.hardState.commit,
      appliedIndex: this.appliedIndex,
      revision: this.kv.rev(),
      compactRevision: this.kv.compactRev(),
      isLearner: this.isLearner(),
      removed: this.removed,
      alarms: this.alarms.map((a) => ({ ...a })),
    };
  }

  /** The member's KV hash at its current revision (what `endpoint hashkv` compares). */
  hashKV(): number {
    return this.kv.hashKV(0).hash;
  }

  /** Read-only access for inspectors and tests. */
  kvStore(): KvStore {
    return this.kv;
  }

  /** The virtual time of the last step. */
  now(): number {
    return this.nowMs;
  }

  /**
   * The lessor's leases for inspectors: on the primary each carries its virtual expiry; elsewhere
   * the expiry is null, since only the primary counts down (etcd forwards TimeToLive to it).
   */
  leaseViews(): LeaseView[] {
    return this.lessor.leases();
  }

  /** The watchers of every client stream (inspectors, tests). */
  watchers(): WatcherView[] {
    return this.watches.watchers();
  }

  membershipView(): Membership {
    return this.membership;
  }

  clusterId(): Id64 {
    return this.membership.clusterId;
  }

  // ---- apply ----

  private applySnapshot(snap: Snapshot): void {
    this.restoreImage(decodeAppImage(snap.data));
    this.snapshotIndex = snap.metadata.index;
    this.confState = { voters: [...snap.metadata.conf_state.voters], learners: [...snap.metadata.conf_state.learners] };
    this.appliedIndex = snap.metadata.index;
    this.appliedTerm = snap.metadata.term;
    this.applyObserver?.restored(this.appliedIndex);
    this.events.push({ kind: 'custom', detail: `applied snapshot at index ${snap.metadata.index}` });
  }

  private applyEntry(e: Entry): void {
    // Replays after a restart skip what the restored image already holds.
    if (e.index <= this.appliedIndex) return;
    if (e.type === 'EntryConfChange') this.applyConfChange(e);
    else if (e.data !== '') this.applyNormal(e);
    this.appliedIndex = e.index;
    this.appliedTerm = e.term;
    this.kv.setConsistentIndex(e.index);
    this.applyObserver?.applied(e.index, e.term, e.data);
  }

  private applyNormal(e: Entry): void {
    const r = decodeRaftRequest(e.data);
    const result = this.applyRequest(r);
    const w = this.wait.take(r.header.ID);
    if (w) this.reply(w.from, w.reqId, w.finish ? w.finish(result) : result);
  }

  private applyRequest(r: InternalRaftRequest): ClientResult {
    const noSpace = this.alarms.some((a) => a.alarm === 'NOSPACE');
    if (r.put) {
      if (noSpace) return { ok: false, error: E.noSpace };
      return this.afterWrite(this.kvApplier.put(r.put, () => this.header()));
    }
    if (r.deleteRange) return this.afterWrite(this.kvApplier.deleteRange(r.deleteRange, () => this.header()));
    if (r.txn) {
      if (noSpace && txnHasPut(r.txn)) return { ok: false, error: E.noSpace };
      return this.afterWrite(this.kvApplier.txn(r.txn, () => this.header()));
    }
    if (r.range) return this.kvApplier.range(r.range, this.header());
    if (r.compaction) {
      const res = this.kvApplier.compact(r.compaction, () => this.header());
      this.recomputeDbSize(false);
      return res;
    }
    if (r.leaseGrant) {
      if (noSpace) return { ok: false, error: E.noSpace };
      try {
        const l = this.lessor.grant(r.leaseGrant.ID, r.leaseGrant.TTL);
        const resp: LeaseGrantResponse = { header: this.header(), ID: l.ID, TTL: l.TTL, error: '' };
        return { ok: true, resp };
      } catch (e) {
        return leaseErrorResult(e);
      }
    }
    if (r.leaseRevoke) {
      try {
        this.lessor.revoke(r.leaseRevoke.ID);
        this.releaseHeldRenewals(r.leaseRevoke.ID);
        this.recomputeDbSize(false);
        const resp: LeaseRevokeResponse = { header: this.header() };
        return { ok: true, resp };
      } catch (e) {
        return leaseErrorResult(e);
      }
    }
    if (r.leaseCheckpoint) {
      for (const c of r.leaseCheckpoint.checkpoints) {
        try {
          this.lessor.checkpoint(c.ID, c.remaining_TTL);
        } catch {
          // A checkpoint for a lease revoked meanwhile is ignored, as etcd does.
        }
      }
      return { ok: true, resp: { header: this.header() } };
    }
    if (r.alarm) return this.applyAlarm(r.alarm);
    if (r.memberAttrSet) {
      this.membership.setAttributes(r.memberAttrSet.ID, r.memberAttrSet.name, r.memberAttrSet.clientURLs);
      return { ok: true, resp: { header: this.header() } };
    }
    throw new Error('unknown raft request');
  }

  private afterWrite(res: ClientResult): ClientResult {
    this.recomputeDbSizeIncremental();
    return res;
  }

  private lastSizedRev = 0;

  /** Adds the bytes of revisions written since the last call (cheap: only new revisions are read). */
  private recomputeDbSizeIncremental(): void {
    const rev = this.kv.rev();
    if (rev <= this.lastSizedRev) return;
    let bytes = 0;
    for (const [, v] of this.kv.backendRef().rangeKeys([this.lastSizedRev + 1, 0], [rev + 1, 0])) {
      bytes += v.kv.key.length + v.kv.value.length + REVISION_OVERHEAD_BYTES;
    }
    this.lastSizedRev = rev;
    this.dbInUseBytes += bytes;
    this.dbSizeBytes += bytes;
  }

  private applyAlarm(a: AlarmRequest): ClientResult {
    const resp: AlarmResponse = { header: this.header(), alarms: [] };
    const memberID = a.memberID ?? '0';
    const alarm = a.alarm ?? 'NONE';
    switch (a.action) {
      case 'GET':
        resp.alarms = this.alarms.filter((x) => alarm === 'NONE' || x.alarm === alarm).map((x) => ({ ...x }));
        break;
      case 'ACTIVATE': {
        if (alarm === 'NONE') break;
        if (!this.membership.get(memberID)) break;
        const exists = this.alarms.some((x) => x.memberID === memberID && x.alarm === alarm);
        if (!exists) {
          this.alarms.push({ memberID, alarm });
          this.alarms.sort((x, y) => (x.memberID < y.memberID ? -1 : x.memberID > y.memberID ? 1 : x.alarm < y.alarm ? -1 : 1));
        }
        resp.alarms = [{ memberID, alarm }];
        break;
      }
      case 'DEACTIVATE': {
        const i = this.alarms.findIndex((x) => x.memberID === memberID && x.alarm === alarm);
        if (i >= 0) {
          this.alarms.splice(i, 1);
          resp.alarms = [{ memberID, alarm }];
        }
        break;
      }
    }
    return { ok: true, resp };
  }

  private applyConfChange(e: Entry): void {
    const cc = decodeConfChange(e.data);
    const ctx = cc.context === '' ? {} : (JSON.parse(cc.context) as { member?: MemberAttrs; clusterId?: Id64; requestId?: string; promote?: boolean });
    let refusal: MembershipRefusal | null = null;
    switch (cc.type) {
      case 'ConfChangeAddNode':
      case 'ConfChangeAddLearnerNode': {
        const m = ctx.member;
        if (!m) throw new Error('conf change without member context');
        if (ctx.clusterId && this.membership.clusterId === '0') this.membership.clusterId = ctx.clusterId;
        if (ctx.promote) {
          refusal = this.membership.validatePromote(m.ID);
          if (!refusal) this.membership.promote(m.ID);
        } else {
          refusal = this.membership.validateAdd(m);
          // A bootstrap entry replayed onto a restored image finds the member already there.
          if (refusal === 'IDExists' && ctx.clusterId) refusal = null;
          else if (!refusal) this.membership.add(m);
        }
        break;
      }
      case 'ConfChangeRemoveNode':
        refusal = this.membership.validateRemove(cc.node_id);
        if (!refusal) this.membership.remove(cc.node_id);
        break;
      case 'ConfChangeUpdateNode':
        break;
    }
    // A refused change still goes to raft, with no node, so raft's pending-conf bookkeeping clears.
    const cs = this.node.applyConfChange(refusal ? { ...cc, node_id: '0' === cc.node_id ? cc.node_id : cc.node_id, type: 'ConfChangeUpdateNode' } : cc);
    this.confState = { voters: [...cs.voters], learners: [...cs.learners] };
    if (!refusal && cc.type === 'ConfChangeRemoveNode' && cc.node_id === this.id) {
      this.removed = true;
      this.events.push({ kind: 'custom', detail: 'removed from the cluster' });
    }
    const id = ctx.requestId;
    if (!id) return;
    const w = this.wait.take(id);
    if (!w) return;
    let result: ClientResult;
    if (refusal) result = { ok: false, error: refusalError(refusal) };
    else if (w.op === 'memberAdd') {
      const resp: MemberAddResponse = {
        header: this.clusterHeader(),
        member: this.membership.toApi(this.membership.get(cc.node_id)!),
        members: this.membership.list().map((m) => this.membership.toApi(m)),
      };
      result = { ok: true, resp };
    } else {
      const resp: MemberListResponse = { header: this.clusterHeader(), members: this.membership.list().map((m) => this.membership.toApi(m)) };
      result = { ok: true, resp };
    }
    const sink = this.pendingConfAnswers.get(w.from);
    if (sink) {
      this.pendingConfAnswers.delete(w.from);
      sink(result);
    } else this.reply(w.from, w.reqId, result);
  }
}

// ---- helpers ----

/** A member whose storage was wiped after it had joined: it must be removed and added again. */
export class MemberDataLostError extends Error {
  override readonly name = 'MemberDataLostError';
  constructor(readonly memberName: string) {
    super(
      `member ${memberName}: its data was lost (the storage is empty but it was a member of the cluster); ` +
        `it cannot rejoin with an empty log: replace the member (etcdctl member remove, then member add and start it as a new member)`,
    );
  }
}

/** `earlier` then `later`, where later's entries replace earlier's from their first index on. */
function joinEntries<E extends { index: number }>(earlier: E[], later: E[]): E[] {
  if (later.length === 0) return earlier;
  if (earlier.length === 0) return later;
  const first = later[0]!.index;
  let keep = earlier.length;
  while (keep > 0 && earlier[keep - 1]!.index >= first) keep--;
  return keep === earlier.length ? earlier.concat(later) : earlier.slice(0, keep).concat(later);
}

function isValidPeerUrl(u: string): boolean {
  return /^(https?|unix|unixs):\/\/[^\s/]+(:\d+)?\/?$/.test(u);
}

function refusalError(r: MembershipRefusal): EtcdErrorBody {
  switch (r) {
    case 'IDRemoved':
      return E.memberNotFound;
    case 'IDExists':
      return E.memberExist;
    case 'IDNotFound':
      return E.memberNotFound;
    case 'PeerURLExists':
      return E.peerURLExist;
    case 'MemberNotLearner':
      return E.memberNotLearner;
  }
}

function leaseErrorResult(e: unknown): ClientResult {
  if (e instanceof LeaseError) return { ok: false, error: { code: e.grpcCode, message: e.message } };
  throw e;
}

function opsOf(r: TxnRequest): import('./api.ts').RequestOp[] {
  return [...(r.success ?? []), ...(r.failure ?? [])];
}

function isTxnSerializable(r: TxnRequest): boolean {
  return opsOf(r).every((op) => {
    if ('request_range' in op) return (op.request_range as RangeRequest).serializable === true;
    if ('request_txn' in op) return isTxnSerializable(op.request_txn);
    return true;
  });
}

function txnHasPut(r: TxnRequest): boolean {
  return opsOf(r).some((op) => 'request_put' in op || ('request_txn' in op && txnHasPut(op.request_txn)));
}

function txnCost(r: TxnRequest): number {
  let c = 0;
  for (const op of opsOf(r)) {
    if ('request_put' in op) c += op.request_put.key.length + (op.request_put.value ?? '').length + REVISION_OVERHEAD_BYTES;
    else if ('request_txn' in op) c += txnCost(op.request_txn);
  }
  return c;
}
