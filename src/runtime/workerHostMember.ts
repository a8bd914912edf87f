/**
 * One hosted etcd member: the code that runs inside a member's Web Worker, and the very same code
 * the in-process host runs in Node, so both hosts step a member identically. It opens the
 * member's storage, starts (recovers) the member, steps it, and reads out the compact summary
 * and, on demand, the inspector's details.
 */
import { EtcdMember, type MemberStartOptions } from '../server/member.ts';
import type { MemberInput } from '../server/protocol.ts';
import { decodeRaftRequest, raftRequestKind } from '../server/raftRequest.ts';
import { decodeConfChange } from '../raft/confChange.ts';
import type { Entry } from '../raft/types.ts';
import { LogShape } from './logShape.ts';
import { Prng } from '../sim/prng.ts';
import {
  StorageAbortedError,
  StorageClosedError,
  StorageQuotaError,
  type MemberStorage,
  type ReadyPersist,
  type BackendBatch,
  type StorageFactory,
} from '../storage/types.ts';
import type { EntrySummary, LeaseExpiry, MemberDetails, RoleName } from './playgroundApi.ts';
import type { MemberSummaryWire, PrngState, StepInput, StepReply, WireError } from './workerHostProtocol.ts';

/** Entries kept for the summary's log strip. */
const RECENT_ENTRIES = 8;
/** Keys listed in details at most (the inspector pages through a small key space). */
const DETAIL_KEYS = 500;

/**
 * Copies a stream's state. Prng keeps its four state words private to its own API; the worker
 * boundary is the one place that must move a stream between two copies of it, exactly.
 */
export function prngState(p: Prng): PrngState {
  const s = p as unknown as PrngState;
  return { key: s.key, a: s.a, b: s.b, c: s.c, d: s.d };
}

export function prngFromState(s: PrngState): Prng {
  return Object.assign(Object.create(Prng.prototype) as Prng, { ...s });
}

/** A failure as plain data, so it can cross the worker boundary. */
export function wireError(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

/** Rebuilds a readable Error from its plain data (keeps the name, e.g. StorageQuotaError). */
export function errorFromWire(w: WireError): Error {
  const e = new Error(w.message);
  e.name = w.name;
  return e;
}

/** A storage write that failed and rolled back: the member must stop rather than run on. */
export function isStorageFailure(e: unknown): e is Error {
  return e instanceof StorageQuotaError || e instanceof StorageAbortedError || e instanceof StorageClosedError;
}

function short(s: string, n = 24): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The log strip's one-line text for an entry. */
export function describeEntry(e: Entry): string {
  if (e.type === 'EntryConfChange') {
    try {
      const cc = decodeConfChange(e.data);
      const verb = cc.type === 'ConfChangeAddNode' ? 'add' : cc.type === 'ConfChangeRemoveNode' ? 'remove' : cc.type === 'ConfChangeAddLearnerNode' ? 'add learner' : 'update';
      return `conf ${verb} ${short(cc.node_id, 8)}`;
    } catch {
      return 'conf change';
    }
  }
  if (e.data === '') return '';
  try {
    const r = decodeRaftRequest(e.data);
    const k = raftRequestKind(r);
    switch (k) {
      case 'put':
        return `put ${short(r.put!.key)}=${short(r.put!.value ?? '', 16)}`;
      case 'deleteRange':
        return `del ${short(r.deleteRange!.key)}${r.deleteRange!.range_end ? '…' : ''}`;
      case 'txn': {
        const t = r.txn!;
        return `txn (${t.compare?.length ?? 0} cmp, ${(t.success?.length ?? 0) + (t.failure?.length ?? 0)} op)`;
      }
      case 'range':
        return `range ${short(r.range!.key)}`;
      case 'compaction':
        return `compact ${r.compaction!.revision}`;
      case 'leaseGrant':
        return `lease grant ${short(r.leaseGrant!.ID, 8)} ttl ${r.leaseGrant!.TTL}`;
      case 'leaseRevoke':
        return `lease revoke ${short(r.leaseRevoke!.ID, 8)}`;
      case 'leaseCheckpoint':
        return `lease checkpoint (${r.leaseCheckpoint!.checkpoints.length})`;
      case 'alarm':
        return `alarm ${r.alarm!.action ?? ''} ${r.alarm!.alarm ?? ''}`.trim();
      case 'memberAttrSet':
        return `publish ${r.memberAttrSet!.name}`;
    }
  } catch {
    return 'entry';
  }
}

function summarizeEntry(e: Entry): EntrySummary {
  return { index: e.index, term: e.term, text: describeEntry(e) };
}

/**
 * Hands the member its storage, watching what each Ready persists to keep the log strip's last
 * entries and the latest snapshot index without reading the database.
 */
function trackingStorage(inner: MemberStorage, core: HostedMember): MemberStorage {
  return {
    get clusterId() {
      return inner.clusterId;
    },
    get memberName() {
      return inner.memberName;
    },
    get name() {
      return inner.name;
    },
    get durability() {
      return inner.durability;
    },
    get wal() {
      return inner.wal;
    },
    get snapshotter() {
      return inner.snapshotter;
    },
    get backend() {
      return inner.backend;
    },
    get fresh() {
      return inner.fresh;
    },
    get wiped() {
      return inner.wiped;
    },
    async saveReady(ready: ReadyPersist, applied?: BackendBatch): Promise<void> {
      await inner.saveReady(ready, applied);
      core.persisted(ready);
    },
    stats: () => inner.stats(),
    close: () => inner.close(),
  };
}

function roleOf(raftState: string, isLearner: boolean, removed: boolean): RoleName {
  if (removed) return 'removed';
  switch (raftState) {
    case 'StateLeader':
      return 'leader';
    case 'StateCandidate':
      return 'candidate';
    case 'StatePreCandidate':
      return 'pre-candidate';
    default:
      return isLearner ? 'learner' : 'follower';
  }
}

export class HostedMember {
  private member: EtcdMember | null = null;
  private storage: MemberStorage | null = null;
  private recent: EntrySummary[] = [];
  private snapshotIndex = 0;
  /** The durable log's terms, and the durable HardState: what the page's invariant monitor checks. */
  private readonly shape = new LogShape();
  private persistedHard: { term: number; vote: string; commit: number } = { term: 0, vote: '0', commit: 0 };
  private draws = 0;
  private factory: StorageFactory | null = null;
  /** Steps whose writes were still landing when they answered, numbered; and the last landed. */
  private writeSeq = 0;
  private landedSeq = 0;
  /**
   * Told when the writes of a numbered step landed (or failed), so a host can tell its page without
   * being asked (see the worker: one small message per write instead of a call per step).
   */
  onLanded: ((seq: number, error?: WireError) => void) | null = null;
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Why a write failed after its step had answered (the member then stopped). */
  private writeFailure: Error | null = null;
  /** The last summary while running, kept so a stopped member still shows what it last was. */
  private lastSummary: MemberSummaryWire | null = null;

  /** Draws taken from the seeded stream so far (right after open: those recovery took). */
  get drawCount(): number {
    return this.draws;
  }

  /**
   * Opens the storage and starts the member, which recovers from whatever the storage holds.
   * `options` builds the member's start options around the (tracked) storage; `randInt` passed
   * there should count its draws through `countDraw`.
   */
  static async open(
    factory: StorageFactory,
    open: { clusterId: string; memberName: string; durability: 'strict' | 'relaxed' },
    options: (storage: MemberStorage, countDraw: () => void) => MemberStartOptions,
  ): Promise<HostedMember> {
    const h = new HostedMember();
    h.factory = factory;
    const storage = await factory.open(open);
    h.storage = storage;
    try {
      h.member = await EtcdMember.start(options(trackingStorage(storage, h), () => h.draws++));
      const snaps = await storage.snapshotter.list();
      h.snapshotIndex = snaps[0]?.index ?? 0;
      // The log strip starts from the recovered log's tail.
      const recs = await storage.wal.records();
      const tail: Entry[] = [];
      for (let i = recs.length - 1; i >= 0 && tail.length < RECENT_ENTRIES; i--) {
        const es = recs[i]!.entries;
        for (let j = es.length - 1; j >= 0 && tail.length < RECENT_ENTRIES; j--) {
          if (tail.length === 0 || es[j]!.index < tail[tail.length - 1]!.index) tail.push(es[j]!);
        }
      }
      h.recent = tail.reverse().filter((e) => e.index > h.snapshotIndex).map(summarizeEntry);
      // The log as recovered: records in order (a later one replaces a conflicting tail), cut at the WAL's newest snapshot.
      let walSnap = { index: 0, term: 0 };
      for (const r of recs) {
        if (r.snapshot && r.snapshot.index >= walSnap.index) walSnap = { index: r.snapshot.index, term: r.snapshot.term };
        h.shape.append(r.entries);
      }
      h.shape.compact(walSnap.index, walSnap.term);
      const hs = h.member.raftStatus().hardState;
      h.persistedHard = { term: hs.term, vote: hs.vote, commit: hs.commit };
    } catch (e) {
      await storage.close().catch(() => undefined);
      throw e;
    }
    return h;
  }

  /** Called after each Ready landed: keeps the log strip and snapshot index current. */
  persisted(ready: ReadyPersist): void {
    if (ready.snapshot) {
      this.snapshotIndex = ready.snapshot.metadata.index;
      this.recent = this.recent.filter((e) => e.index > this.snapshotIndex);
      this.shape.compact(ready.snapshot.metadata.index, ready.snapshot.metadata.term);
    }
    if (ready.hardState) this.persistedHard = { term: ready.hardState.term, vote: ready.hardState.vote, commit: ready.hardState.commit };
    this.shape.append(ready.entries);
    const es = ready.entries;
    if (es.length === 0) return;
    const first = es[0]!.index;
    // A later append replaces a conflicting tail, as in the log itself.
    while (this.recent.length > 0 && this.recent[this.recent.length - 1]!.index >= first) this.recent.pop();
    const from = Math.max(0, es.length - RECENT_ENTRIES);
    for (let i = from; i < es.length; i++) this.recent.push(summarizeEntry(es[i]!));
    if (this.recent.length > RECENT_ENTRIES) this.recent.splice(0, this.recent.length - RECENT_ENTRIES);
  }

  get etcd(): EtcdMember {
    if (!this.member) throw new Error('member is not running');
    return this.member;
  }

  get memberStorage(): MemberStorage | null {
    return this.storage;
  }

  async step(input: StepInput): Promise<StepReply> {
    const m = this.etcd;
    let ticks = input.ticks;
    const inputs: MemberInput[] = input.inputs;
    if (input.campaign) {
      // Campaigning = the election timeout elapsing now: the member runs its normal election
      // (pre-vote first when enabled), exactly as when its timer fires.
      const st = m.raftStatus();
      if (st.softState.raft_state !== 'StateLeader') ticks += Math.max(1, st.randomizedElectionTimeout - st.electionElapsed);
    }
    const before = this.draws;
    if (!this.member && this.writeFailure) {
      // A write failed after its step answered: the member stopped; the page learns it here or
      // from waitDurable, whichever it asks first.
      return { outputs: [], events: [], summary: this.lastSummary!, draws: 0, stopped: wireError(this.writeFailure) };
    }
    const last = this.lastSummary ?? this.summary();
    let res: Awaited<ReturnType<EtcdMember['step']>>;
    try {
      res = await m.step({ nowMs: input.nowMs, inputs, ticks, ...(input.walFsyncMs !== undefined ? { walFsyncMs: input.walFsyncMs } : {}) });
    } catch (e) {
      if (!isStorageFailure(e)) throw e;
      // The write was rolled back, so this step's outputs (which may acknowledge it) are dropped
      // and the member stops, as etcd exits when it cannot write its WAL; a restart recovers
      // from what is stored.
      this.stopAsCrash();
      return { outputs: [], events: [{ kind: 'custom', detail: `stopped: ${e.message}` }], summary: last, draws: this.draws - before, stopped: wireError(e) };
    }
    let durableSeq: number | undefined;
    if (res.durable) {
      const seq = ++this.writeSeq;
      const landing = res.durable.then(
        () => {
          this.inFlight.delete(seq);
          if (seq > this.landedSeq) this.landedSeq = seq;
          this.onLanded?.(seq);
        },
        (e: unknown) => {
          this.inFlight.delete(seq);
          this.onWriteFailure(e, m);
          this.onLanded?.(seq, wireError(e));
          throw e;
        },
      );
      landing.catch(() => undefined);
      this.inFlight.set(seq, landing);
      durableSeq = seq;
    }
    return {
      outputs: res.outputs,
      events: res.events,
      summary: this.summary(),
      draws: this.draws - before,
      busyMs: res.busyMs,
      ...(durableSeq !== undefined ? { durableSeq } : {}),
      landedSeq: this.landedSeq,
    };
  }

  /**
   * Resolves once the writes of the step numbered `seq` (StepReply.durableSeq) landed, or tells
   * why they never will (the member stopped on a storage failure). Never rejects: the answer
   * crosses the worker boundary as plain data.
   */
  async waitDurable(seq: number): Promise<{ error?: WireError }> {
    if (seq <= this.landedSeq) return {};
    const p = this.inFlight.get(seq);
    if (p) {
      try {
        await p;
      } catch (e) {
        return { error: wireError(e) };
      }
      return {};
    }
    return this.writeFailure ? { error: wireError(this.writeFailure) } : {};
  }

  /** A write of `failed` was rolled back: it stops, as etcd exits when it cannot write its WAL. */
  private onWriteFailure(e: unknown, failed: EtcdMember): void {
    if (this.member !== failed) return;
    this.writeFailure = e instanceof Error ? e : new Error(String(e));
    this.stopAsCrash();
  }

  /** Whether the member is running (false once a storage failure stopped it). */
  get running(): boolean {
    return this.member !== null;
  }

  /**
   * Drops the member and releases its storage as a crash would: the memory disk drops the
   * database's connections (in-flight writes lost); other storage is closed in the background.
   */
  stopAsCrash(): void {
    const s = this.storage;
    this.member = null;
    this.storage = null;
    if (!s) return;
    const disk = (this.factory as { disk?: { crash(name: string, o: { inFlight: 'land' | 'drop' }): void } } | null)?.disk;
    if (disk) disk.crash(s.name, { inFlight: 'drop' });
    else void s.close().catch(() => undefined);
  }

  summary(): MemberSummaryWire {
    const m = this.etcd;
    const s = m.summary();
    const st = m.raftStatus();
    const status = m.status();
    return (this.lastSummary = {
      id: s.id,
      role: roleOf(s.role, s.isLearner, s.removed),
      isLearner: s.isLearner,
      term: s.term,
      vote: st.hardState.vote,
      lead: s.leader,
      commitIndex: s.commitIndex,
      appliedIndex: s.appliedIndex,
      revision: s.revision,
      compactRevision: s.compactRevision,
      electionElapsedTicks: st.electionElapsed,
      electionTimeoutTicks: st.randomizedElectionTimeout,
      recentEntries: this.recent.slice(),
      snapshotIndex: this.snapshotIndex,
      dbSize: status.dbSize,
      dbSizeInUse: status.dbSizeInUse,
      alarms: s.alarms.map((a) => a.alarm),
      log: this.shape.wire(),
      persisted: { ...this.persistedHard },
    });
  }

  async details(): Promise<MemberDetails> {
    const m = this.etcd;
    const storage = this.storage!;
    const st = m.raftStatus();
    const status = m.status();
    const kv = m.kvStore();
    const [records, snaps, storedIndex] = await Promise.all([storage.wal.records(), storage.snapshotter.list(), storage.backend.getMeta('consistent_index')]);
    const entries = new Map<number, Entry>();
    let walSnap = { index: 0, term: 0 };
    for (const r of records) {
      if (r.snapshot && r.snapshot.index >= walSnap.index) walSnap = { index: r.snapshot.index, term: r.snapshot.term };
      for (const e of r.entries) {
        // A later record's entries replace a conflicting tail.
        for (const k of [...entries.keys()]) if (k >= e.index) entries.delete(k);
        entries.set(e.index, e);
      }
    }
    const logEntries = [...entries.values()].filter((e) => e.index > walSnap.index).sort((a, b) => a.index - b.index);
    const progress: NonNullable<MemberDetails['raft']['progress']> = {};
    if (st.progress) {
      for (const [id, p] of Object.entries(st.progress)) progress[id] = { match: p.match, next: p.next, state: p.state, inflight: p.inflight, isLearner: p.isLearner };
    }
    const keys: MemberDetails['mvcc']['keys'] = [];
    const rev = kv.rev();
    for (const ki of kv.keyIndexes()) {
      if (keys.length >= DETAIL_KEYS) break;
      const r = kv.range(ki.key, undefined, { limit: 1 });
      const cur = r.kvs?.[0];
      keys.push({
        key: ki.key,
        ...(cur ? { kv: cur } : {}),
        generations: ki.generations.flatMap((g, i, all) => {
          if (g.revs.length === 0) return [];
          const revs = g.revs.map((x) => x.main);
          // Every generation but the last ended with a tombstone, its last revision.
          return [{ created: g.created.main, revisions: revs, ...(i < all.length - 1 ? { tombstone: revs[revs.length - 1]! } : {}) }];
        }),
      });
    }
    return {
      name: m.name,
      raft: {
        term: st.hardState.term,
        vote: st.hardState.vote,
        lead: st.softState.lead,
        commit: st.hardState.commit,
        applied: status.raftAppliedIndex,
        electionElapsedTicks: st.electionElapsed,
        electionTimeoutTicks: st.randomizedElectionTimeout,
        ...(st.progress ? { progress } : {}),
      },
      log: {
        firstIndex: walSnap.index + 1,
        snapshotIndex: walSnap.index,
        snapshotTerm: walSnap.term,
        entries: logEntries.slice(-200).map(summarizeEntry),
      },
      storage: {
        walRecords: records.slice(-200).map((r) => ({
          seq: r.seq,
          crc: r.crc,
          entries: r.entries.length,
          ...(r.hardState ? { hardState: { term: r.hardState.term, vote: r.hardState.vote, commit: r.hardState.commit } } : {}),
        })),
        snapshots: snaps.map((s) => ({ index: s.index, term: s.term, bytes: s.dataSize })),
        dbSize: status.dbSize,
        dbSizeInUse: status.dbSizeInUse,
        // What the stored backend says (it trails the applied index until its batch commits).
        consistentIndex: typeof storedIndex === 'number' ? storedIndex : 0,
      },
      mvcc: { revision: rev, compactRevision: kv.compactRev(), keys },
      // The lessor's view, not the stored records: those carry a remaining TTL only once checkpointed.
      leases: m.leaseViews().map((l) => ({
        id: l.ID,
        grantedTTL: l.TTL,
        expiryMs: l.expiryMs,
        remainingMs: l.expiryMs === null ? 0 : Math.max(0, l.expiryMs - m.now()),
        ...(l.expiryMs === null ? {} : { countedBy: m.name }),
        keys: l.keys,
      })),
      watchers: m.watchers().map((w) => ({ watchId: w.watchId, client: w.client, key: w.key, rangeEnd: w.rangeEnd, nextRevision: w.nextRevision })),
    };
  }

  /** The lessor's expiries: what a follower's inspector borrows from the leader's. */
  leaseExpiries(): LeaseExpiry[] {
    return this.etcd.leaseViews().map((l) => ({ id: l.ID, expiryMs: l.expiryMs }));
  }

  /** Closes the storage cleanly. */
  async close(): Promise<void> {
    const s = this.storage;
    // A clean stop lets the writes in flight land first (a crash would not).
    await this.member?.durable().catch(() => undefined);
    this.member = null;
    this.storage = null;
    if (s) await s.close();
  }
}
