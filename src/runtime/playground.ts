/**
 * The playground: PlaygroundApi over the cluster engine (InProcessCluster's World), with member
 * hosts that are either Web Workers (the page) or in this thread (Node), so one class runs the
 * same scripts in both. Everything that steps or changes the world goes through one queue
 * (`exclusive`), so user actions land between steps, at a definite virtual time.
 */
import type { EtcdClient } from '../client/client.ts';
import { runEtcdctl } from '../client/etcdctl/runEtcdctl.ts';
import type { HashKVResponse, Id64, MemberAddResponse } from '../server/api.ts';
import { DEFAULT_QUOTA_BYTES, type MemberSettings } from '../server/settings.ts';
import { checkUnsafeSwitches, memberSettingsForUnsafe } from '../server/unsafeSwitches.ts';
import { InvariantMonitor, type InvariantStatus, type MonitoredMember } from './invariantMonitor.ts';
import { HistoryLane, type HistoryLaneView } from './historyLane.ts';
import { validateFaults, type Envelope, type LinkFaults } from '../sim/network.ts';
import type { TraceEvent } from '../sim/trace.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import type { StorageFactory } from '../storage/types.ts';
import type { ClientCommand } from './clusterTypes.ts';
import { InProcessCluster, type MemberActorFactory } from './inProcessCluster.ts';
import { describePayload, type WirePayload } from './memberWire.ts';
import type {
  ClusterSettings,
  EtcdctlOptions,
  EtcdctlResult,
  FlightView,
  LinkDetail,
  LinkSettings,
  LinkState,
  MemberDetails,
  MemberInfo,
  PlaygroundApi,
  PlaygroundClient,
  PlaygroundEvent,
  Speed,
  TimeState,
} from './playgroundApi.ts';
import type { PlaygroundClient as ClusterClient } from './playgroundClient.ts';
import { exportHistory, type HistoryFile } from '../sim/checkers/exportHistory.ts';
import { ConsoleSession, pinnedClient } from './consoleSession.ts';
import { checkSnapshotBlob, restoredMemberCount, snapshotStatusOf } from './snapshotFile.ts';
import { defaultWallClock, TimeController, validateSpeed, type WallClock } from './timeController.ts';
import { localActorFactory, type MemberHostSettings, type PlaygroundMemberActor } from './workerHost.ts';
import type { ClientObservation } from './clusterTypes.ts';
import { CLOCK_RATE_MAX, CLOCK_RATE_MIN, clockTickMs, isClockRate } from './clockDrift.ts';
import { describeAction, isClientAction, ReplayError, type RecordedAction, type WorldAction } from './worldActions.ts';
import type { WatchHandle } from '../client/client.ts';

export const defaultClusterSettings: ClusterSettings = {
  members: 3,
  seed: 1,
  tickMs: 100,
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: true,
  checkQuorum: true,
  snapshotCount: 10_000,
  snapshotCatchUpEntries: 5_000,
  durability: 'strict',
  quotaBackendBytes: DEFAULT_QUOTA_BYTES,
  requestTimeoutMs: 5_000,
  walFsyncMs: 2,
  unsafe: [],
};

/** Checks settings at the boundary: a clear error, and nothing changes. */
export function validateClusterSettings(s: ClusterSettings): void {
  const int = (k: keyof ClusterSettings, min: number, max: number) => {
    const v = s[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Error(`settings.${k} must be a whole number in [${min}, ${max}], got ${String(v)}`);
  };
  int('members', 1, 9);
  int('seed', 0, 2 ** 31 - 1);
  int('tickMs', 1, 10_000);
  int('electionTicks', 2, 1000);
  // Raft's own rule (a leader must beat before followers time out). etcd 3.4 also refuses an
  // election timeout under 5 heartbeat intervals; the playground allows it, to show what follows.
  if (typeof s.heartbeatTicks !== 'number' || !Number.isInteger(s.heartbeatTicks) || s.heartbeatTicks < 1 || s.heartbeatTicks >= s.electionTicks) {
    throw new Error(`settings.heartbeatTicks must be a whole number in [1, electionTicks - 1] = [1, ${s.electionTicks - 1}], got ${String(s.heartbeatTicks)}`);
  }
  int('snapshotCount', 1, 10_000_000);
  int('snapshotCatchUpEntries', 1, 10_000_000);
  int('quotaBackendBytes', 1024, 8 * 1024 ** 3);
  int('requestTimeoutMs', 1, 3_600_000);
  int('walFsyncMs', 0, 1000);
  if (typeof s.preVote !== 'boolean') throw new Error(`settings.preVote must be true or false, got ${String(s.preVote)}`);
  if (typeof s.checkQuorum !== 'boolean') throw new Error(`settings.checkQuorum must be true or false, got ${String(s.checkQuorum)}`);
  if (s.durability !== 'strict' && s.durability !== 'relaxed') throw new Error(`settings.durability must be 'strict' or 'relaxed', got ${String(s.durability)}`);
  checkUnsafeSwitches(s.unsafe);
  if (s.unsafe.includes('leaseReads') && !s.checkQuorum) {
    throw new Error('settings.unsafe: leaseReads (switch 4) needs checkQuorum on: the lease lasts only because followers that heard from the leader refuse to vote for an election timeout (settings.unsafeLeaseReads needs settings.checkQuorum)');
  }
  const known = new Set(Object.keys(defaultClusterSettings));
  for (const k of Object.keys(s)) if (!known.has(k)) throw new Error(`unknown setting ${k}`);
}

function memberSettingsOf(s: ClusterSettings): Partial<MemberSettings> {
  return {
    heartbeatMs: s.tickMs,
    electionTicks: s.electionTicks,
    heartbeatTicks: s.heartbeatTicks,
    preVote: s.preVote,
    checkQuorum: s.checkQuorum,
    snapshotCount: s.snapshotCount,
    snapshotCatchUpEntries: s.snapshotCatchUpEntries,
    quotaBackendBytes: s.quotaBackendBytes,
    walFsyncMs: s.walFsyncMs,
    ...memberSettingsForUnsafe(s.unsafe),
  };
}

export interface PlaygroundOptions {
  settings?: Partial<ClusterSettings>;
  /** Where members keep their data (in-memory by default; the page passes IndexedDB). */
  storageFactory?: StorageFactory;
  /** Builds member hosts (default: in this thread). */
  actorFactory?: (host: MemberHostSettings) => MemberActorFactory;
  /** The database cluster id for a cluster key (the page may add a per-tab suffix). */
  storageClusterId?: (clusterKey: string) => string;
  wallClock?: WallClock;
  /** Trace events kept in memory (a ring; the hash covers all). Default 10,000. */
  traceCapacity?: number;
  /** Start with the clock paused (scripts that step by runFor). Default false. */
  paused?: boolean;
  /** Initial speed; default 1 (real time). */
  speed?: Speed;
}

/** The one command a member actor takes: campaign now (its election timeout elapses). */
const CAMPAIGN: ClientCommand = { to: '', payload: { kind: 'watchClose', from: '', streamId: 0 } };

type Listener = (events: PlaygroundEvent[]) => void;

function toEvent(e: TraceEvent): PlaygroundEvent {
  return { seq: e.seq, atMs: e.atMs, kind: e.kind, actor: e.actor, peer: e.peer, envelopeId: e.envelopeId, detail: e.detail };
}

function flightType(p: WirePayload): string {
  switch (p.kind) {
    case 'raft':
      return p.msg.type;
    case 'request':
      return `client:${p.request.op}`;
    case 'reply':
      return 'client:reply';
    case 'watch':
      return 'watch:request';
    case 'watchClose':
      return 'watch:close';
    case 'watchResponse':
      return p.resp.events.length > 0 ? 'watch:event' : 'watch:response';
    case 'peerRequest':
      return `peer:${p.request.op}`;
    case 'peerReply':
      return 'peer:reply';
  }
}

export class Playground implements PlaygroundApi {
  private cluster!: InProcessCluster;
  private controller!: TimeController;
  private current: ClusterSettings;
  private readonly actors = new Map<string, PlaygroundMemberActor>();
  private readonly removed = new Set<string>();
  /** Members whose clocks run at another rate than virtual time (setClock); absent = 1. */
  private readonly clockRates = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<Listener>();
  private pending: PlaygroundEvent[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubTrace: (() => void) | null = null;
  /** The last events, oldest at ringHead once full (bounded memory in long runs). */
  private ring: PlaygroundEvent[] = [];
  private ringHead = 0;
  /** The client history checked for linearizability as it grows (made on first use). */
  private lane: HistoryLane | null = null;
  private laneCluster: InProcessCluster | null = null;
  /** Raft's safety properties, checked after every step (null when the options turned it off). */
  private monitor: InvariantMonitor | null = null;
  private readonly lastSeen = new Map<string, { commit: number; applied: number; role: string; snapshot: number }>();
  private starting: Promise<void>;
  private readonly storageFactory: StorageFactory;
  private readonly wall: WallClock;
  private hiddenPaused = false;
  /** The console's snapshot files by path; they outlive resets, as files outlive a cluster. */
  private readonly files = new Map<string, string>();
  /** The image the next boot's members start from (`etcdctl snapshot restore`), once. */
  private restoreBlob: string | undefined;
  private nextMemberNumber = 1;
  /** Every action that changed the world since it booted, in order (see worldActions.ts). */
  private recorded: RecordedAction[] = [];
  private readonly actionListeners = new Set<(a: RecordedAction) => void>();
  /** The snapshot image the current cluster booted from, if it was restored from one. */
  private bootSnapshot: string | undefined;
  /** The clients and watches a replay opened, kept so a later replay call can go on with them. */
  private replayClients = new Map<string, ClusterClient>();
  /** The console's shared client (see consoleSession.ts). */
  private consoleSession = new ConsoleSession();
  private replayWatches = new Map<string, WatchHandle>();

  constructor(private readonly opts: PlaygroundOptions = {}) {
    this.current = { ...defaultClusterSettings, ...opts.settings };
    validateClusterSettings(this.current);
    this.storageFactory = opts.storageFactory ?? createMemoryStorageFactory();
    this.wall = opts.wallClock ?? defaultWallClock();
    this.starting = this.boot(opts.paused ?? false, opts.speed ?? 1);
    // A failed start is reported by ready(), not as an unhandled rejection.
    this.starting.catch(() => undefined);
  }

  /** A playground on the in-process host with in-memory storage (Node, headless runs). */
  static inProcess(opts: Omit<PlaygroundOptions, 'actorFactory'> = {}): Playground {
    return new Playground(opts);
  }

  get seed(): number {
    return this.current.seed;
  }

  ready(): Promise<void> {
    return this.starting;
  }

  settings(): ClusterSettings {
    return { ...this.current };
  }

  private storageIdOf(clusterKey: string): string {
    return this.opts.storageClusterId ? this.opts.storageClusterId(clusterKey) : clusterKey;
  }

  private async boot(paused: boolean, speed: Speed): Promise<void> {
    const s = this.current;
    const restoreSnapshot = this.restoreBlob;
    this.restoreBlob = undefined;
    const clusterKey = `etcd-cluster-${String(s.seed)}`;
    // A fresh cluster: data an earlier page left under the same name is removed first.
    const sid = this.storageIdOf(clusterKey);
    for (const name of await this.storageFactory.list(sid)) await this.storageFactory.destroy(sid, name);
    const hostSettings: MemberHostSettings = {
      durability: s.durability,
      storageFactory: this.storageFactory,
      storageClusterId: (k) => this.storageIdOf(k),
    };
    const make = (this.opts.actorFactory ?? localActorFactory)(hostSettings);
    const memberActorFactory: MemberActorFactory = (o, ctx) => {
      const a = make(o, ctx) as PlaygroundMemberActor;
      this.actors.set(o.name, a);
      return a;
    };
    this.actors.clear();
    this.removed.clear();
    this.lastSeen.clear();
    this.monitor = new InvariantMonitor();
    this.cluster = await InProcessCluster.create({
      size: s.members,
      seed: s.seed,
      settings: memberSettingsOf(s),
      storageFactory: this.storageFactory,
      autoRun: false,
      // The world keeps no events itself (its ring would hold every message's payload); the
      // playground keeps its own ring of payload-free events, fed below.
      trace: { capacity: 0 },
      memberActorFactory,
      recordHistory: true,
      // A string, so it reaches worker-hosted members as plain data in their start options.
      ...(restoreSnapshot !== undefined ? { restoreSnapshot } : {}),
    });
    this.nextMemberNumber = s.members + 1;
    this.recorded = [];
    this.replayClients = new Map();
    this.replayWatches = new Map();
    this.bootSnapshot = restoreSnapshot;
    this.cluster.clientObserver = (ev) => this.record(actionOfObservation(ev));
    this.cluster.world.afterStep(() => this.afterStep());
    this.ring = [];
    this.ringHead = 0;
    this.attachTrace();
    const world = () => this.cluster.world;
    const engine = {
      get nowMs() {
        return world().nowMs;
      },
      nextEventMs: () => this.cluster.world.nextEventMs(),
      runSome: (untilMs: number, stop: () => boolean) => this.cluster.world.runPipelinedAsync(untilMs, stop),
      advanceTo: (ms: number) => this.cluster.world.clock.advanceTo(ms),
      exclusive: <T>(run: () => Promise<T>) => this.exclusive(run),
    };
    this.controller = new TimeController(engine, this.wall, { speed, paused, maxChunkMs: 25 });
    this.controller.start();
  }

  /** Runs `run` when nothing else is stepping or changing the world. */
  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  // ---- events ----

  private attachTrace(): void {
    if (this.unsubTrace) return;
    const capacity = this.opts.traceCapacity ?? 10_000;
    this.unsubTrace = this.cluster.world.trace.subscribe((e) => {
      const ev = toEvent(e);
      if (capacity > 0) {
        if (this.ring.length < capacity) this.ring.push(ev);
        else {
          this.ring[this.ringHead] = ev;
          this.ringHead = (this.ringHead + 1) % capacity;
        }
      }
      if (this.listeners.size > 0) this.push(ev);
    });
  }

  private push(e: PlaygroundEvent): void {
    this.pending.push(e);
    if (this.flushTimer === null) this.flushTimer = setTimeout(() => this.flush(), 16);
  }

  private flush(): void {
    this.flushTimer = null;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    for (const l of [...this.listeners]) {
      try {
        l(batch);
      } catch (e) {
        console.error('playground: a subscriber threw', e);
      }
    }
  }

  /** Events the trace does not carry (they come from members' summaries): commits, applies, snapshots. */
  private afterStep(): void {
    const world = this.cluster.world;
    if (this.monitor) {
      const v = this.monitor.observe(this.monitored(), world.nowMs);
      if (v) {
        // A broken rule stops the clock where it broke, so the learner sees the moment itself.
        this.controller.pause();
        this.push({ seq: world.trace.totalCount - 1, atMs: world.nowMs, kind: 'invariant', actor: v.members[0] ?? '', peer: v.members[1] ?? '', envelopeId: 0, detail: `${v.invariant}: ${v.detail}` });
        // Delivered at once, not with the next batch: it is rare, and it is the moment to see.
        this.flush();
      }
    }
    if (this.listeners.size === 0) return;
    const seq = world.trace.totalCount - 1;
    for (const [name, a] of this.actors) {
      const info = a.info;
      if (!info || !world.isUp(name)) continue;
      const last = this.lastSeen.get(name);
      this.lastSeen.set(name, { commit: info.commitIndex, applied: info.appliedIndex, role: info.role, snapshot: info.snapshotIndex });
      if (!last) continue;
      const base = { seq, atMs: world.nowMs, actor: name, peer: '', envelopeId: 0 };
      if (info.commitIndex > last.commit) this.push({ ...base, kind: 'commit', detail: `committed to ${info.commitIndex}` });
      if (info.appliedIndex > last.applied) this.push({ ...base, kind: 'apply', detail: `applied to ${info.appliedIndex}` });
      if (info.snapshotIndex > last.snapshot) this.push({ ...base, kind: 'snapshot', detail: `snapshot at ${info.snapshotIndex}` });
    }
  }

  subscribe(listener: Listener): () => void {
    if (typeof listener !== 'function') throw new Error('subscribe: listener must be a function');
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  trace(): PlaygroundEvent[] {
    return this.ringHead === 0 ? this.ring.slice() : [...this.ring.slice(this.ringHead), ...this.ring.slice(0, this.ringHead)];
  }

  traceHash(): string {
    return this.cluster.world.trace.hash;
  }

  /** The members as the monitor reads them: their hosts' summaries as they are (no copies). */
  private *monitored(): Generator<MonitoredMember> {
    const world = this.cluster.world;
    for (const [name, a] of this.actors) {
      const info = a.info;
      if (!info) continue;
      yield { name, alive: world.isUp(name) && !a.error, removed: this.removed.has(name), info };
    }
  }

  /** The invariant monitor's state: checks made, and the first violation if one was found. */
  invariants(): InvariantStatus {
    return this.monitor ? this.monitor.status() : { checks: 0, violation: null };
  }

  /**
   * The history lane: the client operations that overlap [fromMs, now) as intervals, and the
   * linearizability checker's latest answer over the whole history (re-run when it is due).
   */
  historyLane(fromMs = 0, opts: { now?: boolean; limit?: number } = {}): HistoryLaneView {
    // Bound to the cluster of its time: a reset makes a new cluster with a new recorder, and a lane.
    const cluster = this.cluster;
    if (!this.lane || this.laneCluster !== cluster) {
      this.lane = new HistoryLane({ operations: () => cluster.history!.operationsSoFar(), wallMs: () => this.wall.nowMs() });
      this.laneCluster = cluster;
    }
    return this.lane.view(fromMs, opts.now === true, opts.limit);
  }

  clientHistory(): HistoryFile {
    return exportHistory(this.cluster.history!.history());
  }

  // ---- recording: the one way in ----

  /** Records an action at the point it is applied (see RecordedAction). */
  private record(a: WorldAction): void {
    const w = this.cluster.world;
    const { deferred: _d, ...plain } = a as WorldAction & { deferred?: true };
    const r = { ...plain, atMs: w.nowMs, ...(w.instantComplete() ? {} : { pending: true }) } as RecordedAction;
    this.recorded.push(r);
    for (const l of this.actionListeners) {
      try {
        l(r);
      } catch (e) {
        console.error('playground: an action listener threw', e);
      }
    }
  }

  /** What changed the world since the cluster booted (copies; see worldActions.ts). */
  recordedActions(): RecordedAction[] {
    return this.recorded.slice();
  }

  /**
   * Everything needed to replay this run, taken at one instant: how the cluster booted, what acted
   * on it, and the trace hash at `endMs`. Events already due at the current time are run first
   * (a paused clock may stop between two events of one millisecond), so a replay to `endMs`,
   * which runs everything due by then, ends on the same hash.
   */
  capture(): Promise<{ settings: ClusterSettings; snapshot?: string; actions: RecordedAction[]; endMs: number; traceHash: string }> {
    return this.exclusive(async () => {
      const world = this.cluster.world;
      const endMs = world.nowMs;
      while (world.nextEventMs() <= endMs) await world.runPipelinedAsync(endMs, () => false);
      return { ...this.bootState(), actions: this.recorded.slice(), endMs, traceHash: world.trace.hash };
    });
  }

  /** The settings and snapshot image the current cluster booted with. */
  bootState(): { settings: ClusterSettings; snapshot?: string } {
    return { settings: { ...this.current }, ...(this.bootSnapshot !== undefined ? { snapshot: this.bootSnapshot } : {}) };
  }

  /** Called with every action as it is recorded; returns the unsubscribe. */
  onAction(listener: (a: RecordedAction) => void): () => void {
    this.actionListeners.add(listener);
    return () => {
      this.actionListeners.delete(listener);
    };
  }

  /**
   * Applies a change that takes no time (a fault, a link or disk setting, a dropped message) and
   * records it. Between runs it applies at once. Made during a run, it waits for the end of the
   * step being processed and then goes in as a control action at that instant, so where it lands
   * does not depend on which steps were routed yet. The promise settles once it has been applied.
   */
  private mutate(a: WorldAction): Promise<void> {
    const w = this.cluster.world;
    const applied = new Promise<void>((resolve, reject) => {
      // In the middle of a run it waits for the end of the step being processed (betweenSteps).
      w.betweenSteps(() => {
        this.record(a);
        if (!w.isStepping) {
          try {
            this.applyInstant(a);
            resolve();
          } catch (e) {
            reject(e);
          }
          return;
        }
        w.at(w.nowMs, '', () => {
          try {
            this.applyInstant(a);
            resolve();
          } catch (e) {
            console.error(`playground: ${a.type} could not be applied`, e);
            reject(e);
          }
        });
      });
    });
    // The UI does not await these; a failure is already logged and must not go unhandled.
    applied.catch(() => undefined);
    return applied;
  }

  private applyInstant(a: WorldAction): void {
    const world = this.cluster.world;
    switch (a.type) {
      case 'partition':
        world.partition(a.groups);
        return;
      case 'heal':
        world.heal();
        return;
      case 'cut':
        world.cut(a.from, a.to);
        if (!a.oneWay) world.cut(a.to, a.from);
        return;
      case 'restore':
        world.uncut(a.from, a.to);
        world.uncut(a.to, a.from);
        return;
      case 'setLink':
        this.applyLink(a.link, a.from, a.to);
        return;
      case 'setDisk': {
        const actor = this.actors.get(a.member);
        if (!actor) throw new Error(`no member named ${a.member}`);
        actor.diskFsyncMs = a.fsyncMs;
        world.trace.record(world.nowMs, 'fault', a.member, '', 0, a.fsyncMs === null ? 'disk: fsync as the cluster setting' : `disk: fsync ${a.fsyncMs} ms`);
        return;
      }
      case 'setClock': {
        if (!this.actors.has(a.member)) throw new Error(`no member named ${a.member}`);
        world.setTickInterval(a.member, a.rate === null ? null : clockTickMs(this.current.tickMs, a.rate));
        if (a.rate === null) this.clockRates.delete(a.member);
        else this.clockRates.set(a.member, a.rate);
        return;
      }
      case 'dropMessage':
        world.network.drop(a.envelopeId);
        return;
      default:
        throw new Error(`playground: ${a.type} is not an instant change`);
    }
  }

  /**
   * Applies a change that waits for members (a crash, a restart, a new member...) and records it.
   * Callers hold the exclusive queue, so the world is between steps.
   */
  private async applyHeld(a: WorldAction, onWait?: () => void): Promise<void> {
    const world = this.cluster.world;
    switch (a.type) {
      case 'crash':
      case 'kill':
        this.record(a);
        await this.cluster.crash(a.member);
        return;
      case 'restart': {
        const actor = this.actors.get(a.member);
        this.record(a);
        // A member that stopped by itself is still up in the world: take it down first, as its
        // process has exited, so the restart really starts it again.
        if (actor?.error && world.isUp(a.member)) await this.cluster.crash(a.member);
        await this.cluster.restart(a.member);
        return;
      }
      case 'wipe': {
        const actor = this.actors.get(a.member);
        if (!actor) throw new Error(`no member named ${a.member}`);
        this.record(a);
        if (world.isUp(a.member)) await this.cluster.crash(a.member);
        await actor.wipe();
        return;
      }
      case 'launch': {
        this.record(a);
        const n = /^m(\d+)$/.exec(a.member);
        if (n) this.nextMemberNumber = Math.max(this.nextMemberNumber, Number(n[1]) + 1);
        await this.cluster.launch(a.member, a.id, { join: true });
        return;
      }
      case 'stopMember':
        this.record(a);
        this.removed.add(a.member);
        this.clockRates.delete(a.member);
        await this.cluster.stopMember(a.member);
        return;
      case 'campaign':
        this.record(a);
        world.command(world.nowMs, a.member, CAMPAIGN);
        return;
      case 'wait':
        this.record(a);
        world.at(a.untilMs, '', onWait ?? (() => undefined));
        return;
      default:
        throw new Error(`playground: ${a.type} is not a held change`);
    }
  }

  // ---- replay ----

  /**
   * Replays recorded actions into the cluster as it booted (call it right after boot or reset,
   * before anything else acts): runs the world to each action's step and virtual time, applies
   * the action there, then runs on to `untilMs`. The clock stays paused. It holds the exclusive
   * queue throughout, so nothing else steps or acts meanwhile, and it lets the page breathe
   * between chunks. Each action is recorded again as it is applied, so afterwards
   * `recordedActions()` holds the replayed prefix. Throws ReplayError at the first action that no
   * longer applies or whose point the run no longer reaches (the world stays where it stopped).
   */
  replay(actions: readonly RecordedAction[], opts: { untilMs?: number; onProgress?: (doneMs: number, totalMs: number) => void; signal?: AbortSignal } = {}): Promise<void> {
    this.controller.pause();
    return this.exclusive(async () => {
      const world = this.cluster.world;
      // A replay may go on from where an earlier one stopped (a seek forward), so long as what was
      // applied so far is the start of this list; anything else acted on the cluster meanwhile.
      const from = this.recorded.length;
      for (let i = 0; i < from; i++) {
        const a = actions[i];
        const got = this.recorded[i]!;
        if (!a || a.type !== got.type || a.atMs !== got.atMs) throw new Error('replay: the cluster has been acted on since it booted, other than by this recording');
      }
      const untilMs = opts.untilMs ?? (actions.length > 0 ? actions[actions.length - 1]!.atMs : world.nowMs);
      if (untilMs < world.nowMs) throw new Error(`replay: the cluster is already at ${world.nowMs} ms, past ${untilMs} ms`);
      const clients = this.replayClients;
      const watches = this.replayWatches;
      const progress = (): void => opts.onProgress?.(world.nowMs, untilMs);
      const failed = (i: number, e: unknown): ReplayError =>
        e instanceof ReplayError ? e : new ReplayError(i, `action ${i + 1} (${describeAction(actions[i]!)} at ${actions[i]!.atMs} ms) no longer applies: ${e instanceof Error ? e.message : String(e)}`);
      for (let i = from; i < actions.length && actions[i]!.atMs <= untilMs; i++) {
        const r = actions[i]!;
        if (r.pending) {
          // Straight after the action before it, at the same instant.
          if (world.nowMs !== r.atMs) throw new ReplayError(i, `action ${i + 1} (${describeAction(r)}) followed another at ${r.atMs} ms, but the replay is at ${world.nowMs} ms`);
        } else await this.runToPoint(r.atMs, i, opts.signal, progress);
        const before = this.recorded.length;
        try {
          if (isClientAction(r)) this.replayClientAction(r, clients, watches);
          else if (r.type === 'partition' || r.type === 'heal' || r.type === 'cut' || r.type === 'restore' || r.type === 'setLink' || r.type === 'setDisk' || r.type === 'setClock' || r.type === 'dropMessage') {
            this.checkActionMembers(r);
            this.mutate(stripPosition(r));
          } else {
            this.checkActionMembers(r);
            await this.applyHeld(stripPosition(r));
          }
        } catch (e) {
          throw failed(i, e);
        }
        const got = this.recorded[before];
        if (!got || got.atMs !== r.atMs || got.type !== r.type) {
          throw new ReplayError(i, `action ${i + 1} (${describeAction(r)}) was recorded at ${r.atMs} ms, but replayed at ${got?.atMs ?? '?'} ms`);
        }
        // A change made in the middle of a run went in as a control at its instant, which kept
        // what followed it waiting (pending); replayed between runs it applies at once and
        // nothing waits. Either way it is the same point: the recording keeps the original's mark.
        if (r.pending) got.pending = true;
        else delete got.pending;
      }
      // On to the end (runs everything due up to untilMs, as runFor does).
      while (world.nextEventMs() <= untilMs) {
        if (opts.signal?.aborted) throw new Error('replay: stopped');
        const t0 = this.wall.nowMs();
        await world.runPipelinedAsync(untilMs, () => this.wall.nowMs() - t0 > 40);
        progress();
        if (world.nextEventMs() <= untilMs) await this.wall.yieldNow();
      }
      if (untilMs > world.nowMs) world.clock.advanceTo(untilMs);
      progress();
    });
  }

  /** Runs every event due up to `atMs` (its instant complete), the clock at `atMs`. */
  private async runToPoint(atMs: number, index: number, signal: AbortSignal | undefined, progress: () => void): Promise<void> {
    const world = this.cluster.world;
    if (world.nowMs > atMs) throw new ReplayError(index, `the run went past the point of action ${index + 1} (${atMs} ms; the replay is at ${world.nowMs} ms): the scenario does not match this version of the playground`);
    while (world.nextEventMs() <= atMs) {
      if (signal?.aborted) throw new Error('replay: stopped');
      const t0 = this.wall.nowMs();
      await world.runPipelinedAsync(atMs, () => this.wall.nowMs() - t0 > 40);
      if (world.nextEventMs() <= atMs) {
        progress();
        await this.wall.yieldNow();
      }
    }
    if (world.nowMs < atMs) world.clock.advanceTo(atMs);
  }

  private checkActionMembers(a: WorldAction): void {
    const names: string[] = [];
    if ('member' in a && a.type !== 'launch') names.push(a.member);
    if (a.type === 'cut' || a.type === 'restore') names.push(a.from, a.to);
    if (a.type === 'setLink') {
      if (a.from !== undefined) names.push(a.from);
      if (a.to !== undefined) names.push(a.to);
    }
    if (a.type === 'partition') for (const g of a.groups) names.push(...g);
    for (const n of names) if (!this.actors.has(n)) throw new Error(`there is no member ${n} (members: ${this.memberNames().join(', ')})`);
  }

  private replayClientAction(r: RecordedAction, clients: Map<string, ClusterClient>, watches: Map<string, WatchHandle>): void {
    const ignore = (): void => undefined;
    if (r.type === 'clientOpen') {
      if (clients.has(r.client) || this.cluster.world.hasActor(r.client)) throw new Error(`a client named ${r.client} is already open`);
      clients.set(r.client, this.cluster.client({ ...r.options, name: r.client }));
      return;
    }
    if (!('client' in r)) return;
    const c = clients.get(r.client);
    if (!c) throw new Error(`no open client named ${r.client}`);
    switch (r.type) {
      case 'clientClose':
        clients.delete(r.client);
        c.close();
        return;
      case 'request':
        c.request(r.request, r.endpoint).catch(ignore);
        return;
      case 'watch':
        watches.set(`${r.client}#${r.watch}`, c.watch(r.request, ignore));
        return;
      case 'watchProgress':
      case 'watchCancel': {
        const h = watches.get(`${r.client}#${r.watch}`);
        if (!h) throw new Error(`client ${r.client} has no watch #${r.watch}`);
        if (r.type === 'watchCancel') {
          watches.delete(`${r.client}#${r.watch}`);
          void h.cancel().catch(ignore);
        } else h.requestProgress?.();
        return;
      }
      default:
        return;
    }
  }

  // ---- members ----

  private actor(name: string): PlaygroundMemberActor {
    const a = this.actors.get(name);
    if (!a || this.removed.has(name)) throw new Error(`no member named ${JSON.stringify(name)} (members: ${this.memberNames().join(', ')})`);
    return a;
  }

  private memberNames(): string[] {
    return [...this.actors.keys()].filter((n) => !this.removed.has(n));
  }

  members(): MemberInfo[] {
    const out: MemberInfo[] = [];
    for (const [name, a] of this.actors) {
      if (this.removed.has(name)) continue;
      const info = a.info;
      // A member that stopped by itself (failed start, storage failure) is down although the world has it up.
      const alive = this.cluster.world.isUp(name) && !a.error;
      if (!info) continue;
      out.push({
        ...info,
        recentEntries: info.recentEntries.slice(),
        alarms: info.alarms.slice(),
        name,
        alive,
        role: alive ? info.role : 'crashed',
        walFsyncMs: a.diskFsyncMs ?? this.current.walFsyncMs,
        clockRate: this.clockRates.get(name) ?? 1,
        ...(alive && this.cluster.world.isBusy(name) ? { syncingUntilMs: this.cluster.world.busyUntil(name) } : {}),
        ...(a.error ? { error: a.error.message } : {}),
      });
    }
    return out;
  }

  leader(): MemberInfo | undefined {
    let best: MemberInfo | undefined;
    for (const m of this.members()) if (m.alive && m.role === 'leader' && (!best || m.term > best.term)) best = m;
    return best;
  }

  memberDetails(name: string): Promise<MemberDetails> {
    const a = this.actor(name);
    if (!this.isRunning(name)) return Promise.reject(new Error(`member ${name} is down${a.error ? `: ${a.error.message}` : ''}`));
    return this.exclusive(async () => {
      const d = await a.details();
      const nowMs = this.now();
      // Only a leader's lessor counts down. A follower borrows the countdown of the leader it
      // follows, the member its own `lease timetolive` would be forwarded to.
      let borrowed: Map<string, number | null> | null = null;
      let from = '';
      if (d.leases.some((l) => l.expiryMs === null)) {
        const lead = this.members().find((m) => m.id === d.raft.lead && m.alive && m.role === 'leader' && m.name !== name);
        if (lead && this.isRunning(lead.name)) {
          const list = await this.actor(lead.name).leaseExpiries().catch(() => []);
          borrowed = new Map(list.map((l) => [l.id, l.expiryMs]));
          from = lead.name;
        }
      }
      d.leases = d.leases.map((l) => {
        const expiryMs = l.expiryMs ?? borrowed?.get(l.id) ?? null;
        const countedBy = l.expiryMs !== null ? l.countedBy : expiryMs !== null ? from : undefined;
        return { ...l, expiryMs, remainingMs: expiryMs === null ? 0 : Math.max(0, expiryMs - nowMs), ...(countedBy ? { countedBy } : {}) };
      });
      return d;
    });
  }

  /** Names of member workers/actors that are running (one per member that is up). */
  aliveMembers(): string[] {
    return this.memberNames().filter((n) => this.isRunning(n));
  }

  /** Up in the world and not stopped by its own failure. */
  private isRunning(name: string): boolean {
    return this.cluster.world.isUp(name) && !this.actors.get(name)?.error;
  }

  /** A client for cluster operations, closed when `run` is done. */
  private async withAdmin<T>(run: (c: ClusterClient) => Promise<T>): Promise<T> {
    const eps = this.aliveMembers();
    if (eps.length === 0) throw new Error('no member is up');
    const c = this.cluster.client({ endpoints: eps, commandTimeoutMs: this.current.requestTimeoutMs });
    try {
      return await run(c);
    } finally {
      c.close();
    }
  }

  /** Waits `ms` of virtual time (the clock must be running). */
  private sleepVirtual(ms: number): Promise<void> {
    return new Promise((resolve) => {
      void this.exclusive(() => this.applyHeld({ type: 'wait', untilMs: this.cluster.world.nowMs + ms }, resolve));
    });
  }

  async addMember(opts: { learner?: boolean } = {}): Promise<MemberInfo> {
    let name = `m${this.nextMemberNumber}`;
    while (this.actors.has(name)) name = `m${++this.nextMemberNumber}`;
    this.nextMemberNumber++;
    const urls = InProcessCluster.urlsOf(name);
    // etcd refuses a new voter until the cluster has been healthy for a while (strict reconfiguration check).
    const resp: MemberAddResponse = await this.retrying(/unhealthy cluster/, 30, this.current.tickMs * 10, () =>
      this.withAdmin((c) => c.memberAdd({ peerURLs: urls.peerURLs, isLearner: opts.learner ?? false })),
    );
    const id = resp.member.ID;
    await this.exclusive(() => this.applyHeld({ type: 'launch', member: name, id }));
    return this.members().find((m) => m.name === name)!;
  }

  private idOf(name: string): Id64 {
    return this.actor(name).memberId;
  }

  async promoteMember(name: string): Promise<void> {
    const id = this.idOf(name);
    // The leader refuses a learner that has not caught up yet; it usually has within a few heartbeats.
    await this.retrying(/in sync with leader|unhealthy cluster/, 30, this.current.tickMs * 5, () => this.withAdmin((c) => c.memberPromote(id)));
  }

  /** Runs `op`, again after `waitMs` of virtual time while it fails with an error matching `retryOn`. */
  private async retrying<T>(retryOn: RegExp, attempts: number, waitMs: number, op: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (!retryOn.test(msg) || attempt >= attempts) throw e;
        await this.sleepVirtual(waitMs);
      }
    }
  }

  async removeMember(name: string): Promise<void> {
    const id = this.idOf(name);
    await this.retrying(/unhealthy cluster/, 30, this.current.tickMs * 10, () => this.withAdmin((c) => c.memberRemove(id)));
    await this.exclusive(() => this.applyHeld({ type: 'stopMember', member: name }));
  }

  async replaceMember(name: string): Promise<MemberInfo> {
    const learner = this.actor(name).info?.isLearner ?? false;
    await this.removeMember(name);
    await this.exclusive(() => this.applyHeld({ type: 'wipe', member: name })).catch(() => undefined);
    return this.addMember({ learner });
  }

  async campaign(name: string): Promise<void> {
    this.actor(name);
    if (!this.isRunning(name)) throw new Error(`member ${name} is down`);
    await this.exclusive(() => this.applyHeld({ type: 'campaign', member: name }));
  }

  async transferLeader(to: string): Promise<void> {
    const id = this.idOf(to);
    const lead = this.leader();
    if (!lead) throw new Error('there is no leader to transfer from');
    if (lead.name === to) return;
    await this.withAdmin((c) => c.moveLeader(id, lead.name));
  }

  crash(name: string): Promise<void> {
    this.actor(name);
    return this.exclusive(() => this.applyHeld({ type: 'crash', member: name }));
  }

  /**
   * Chaos: kills the member's host right now, in the middle of a step if one is running (its
   * write may or may not land), then marks it crashed. Returns whether a step was in flight.
   */
  async killNow(name: string): Promise<boolean> {
    const a = this.actor(name);
    if (!this.cluster.world.isUp(name)) return false;
    const busy = a.busy;
    a.killNow();
    await this.exclusive(() => this.applyHeld({ type: 'kill', member: name }));
    return busy;
  }

  /** Rejects with the member's start error (e.g. lost data: replace the member) if it cannot recover. */
  restart(name: string): Promise<void> {
    this.actor(name);
    return this.exclusive(() => this.applyHeld({ type: 'restart', member: name }));
  }

  async wipe(name: string): Promise<void> {
    this.actor(name);
    await this.exclusive(() => this.applyHeld({ type: 'wipe', member: name }));
  }

  // ---- network ----

  private checkMember(name: string): void {
    if (!this.actors.has(name)) throw new Error(`no member named ${JSON.stringify(name)} (members: ${this.memberNames().join(', ')})`);
  }

  partition(groups: string[][]): Promise<void> {
    if (!Array.isArray(groups) || groups.some((g) => !Array.isArray(g))) throw new Error('partition: expected groups of member names, e.g. [["m1"], ["m2", "m3"]]');
    const seen = new Set<string>();
    for (const g of groups) {
      for (const n of g) {
        this.checkMember(n);
        if (seen.has(n)) throw new Error(`partition: ${n} is in more than one group`);
        seen.add(n);
      }
    }
    return this.mutate({ type: 'partition', groups: groups.map((g) => [...g]) });
  }

  heal(): Promise<void> {
    return this.mutate({ type: 'heal' });
  }

  cut(from: string, to: string, opts: { oneWay?: boolean } = {}): Promise<void> {
    this.checkMember(from);
    this.checkMember(to);
    if (from === to) throw new Error('cut: a member cannot be cut from itself');
    return this.mutate({ type: 'cut', from, to, oneWay: opts.oneWay === true });
  }

  restore(from: string, to: string): Promise<void> {
    this.checkMember(from);
    this.checkMember(to);
    return this.mutate({ type: 'restore', from, to });
  }

  linkState(from: string, to: string): LinkState {
    const n = this.cluster.world.network;
    const ab = n.canReach(from, to);
    const ba = n.canReach(to, from);
    if (ab && ba) return 'healthy';
    if (!ab && !ba) return 'cut-both';
    return 'cut-one-way';
  }

  linkDetail(from: string, to: string): LinkDetail {
    this.checkMember(from);
    this.checkMember(to);
    if (from === to) throw new Error('linkDetail: name two different members');
    const n = this.cluster.world.network;
    const blockedFromTo = !n.canReach(from, to);
    const blockedToFrom = !n.canReach(to, from);
    const cut: LinkDetail['cut'] = blockedFromTo ? (blockedToFrom ? 'both' : `${from}→${to}`) : blockedToFrom ? `${to}→${from}` : 'none';
    // The same answer linkState gives, from the two reads already made (the UI asks every frame).
    const state: LinkState = blockedFromTo && blockedToFrom ? 'cut-both' : blockedFromTo || blockedToFrom ? 'cut-one-way' : 'healthy';
    return { from, to, state, cut, blockedFromTo, blockedToFrom };
  }

  /** What every link has unless one link was set on its own (the network's defaults and changes). */
  allLinks(): Required<LinkSettings> {
    const f = this.cluster.world.network.getFaults();
    return { latencyMs: f.latencyMs, jitterMs: f.jitterMs, lossRate: f.lossRate, duplicateRate: f.duplicateRate, reorder: f.reorder };
  }

  setLink(opts: LinkSettings & { from?: string; to?: string }): Promise<void> {
    const f: LinkSettings = {};
    if (opts.latencyMs !== undefined) f.latencyMs = opts.latencyMs;
    if (opts.jitterMs !== undefined) f.jitterMs = opts.jitterMs;
    if (opts.lossRate !== undefined) f.lossRate = opts.lossRate;
    if (opts.duplicateRate !== undefined) f.duplicateRate = opts.duplicateRate;
    if (opts.reorder !== undefined) f.reorder = opts.reorder;
    // Bad input is refused before anything changes.
    validateFaults(f);
    if (opts.from !== undefined) this.checkMember(opts.from);
    if (opts.to !== undefined) this.checkMember(opts.to);
    return this.mutate({ type: 'setLink', link: f, ...(opts.from !== undefined ? { from: opts.from } : {}), ...(opts.to !== undefined ? { to: opts.to } : {}) });
  }

  private applyLink(f: Partial<LinkFaults>, from: string | undefined, to: string | undefined): void {
    const world = this.cluster.world;
    if (from === undefined && to === undefined) {
      world.setFaults(f);
      return;
    }
    const links: [string, string][] = [];
    if (from !== undefined && to !== undefined) links.push([from, to]);
    else {
      // One end named: every link of that member, both ways.
      const one = (from ?? to)!;
      for (const other of this.memberNames()) if (other !== one) links.push([one, other], [other, one]);
    }
    for (const [a, b] of links) {
      world.network.setLinkFaults(a, b, { ...world.network.linkFaults(a, b), ...f });
      world.trace.record(world.nowMs, 'fault', a, b, 0, JSON.stringify(f));
    }
  }

  setDisk(name: string, opts: { fsyncMs: number | null }): Promise<void> {
    this.checkMember(name);
    const ms = opts?.fsyncMs;
    if (ms !== null && !(typeof ms === 'number' && Number.isInteger(ms) && ms >= 0 && ms <= 60_000)) {
      throw new Error(`setDisk: fsyncMs must be a whole number of virtual ms in [0, 60000], or null for the cluster's setting, got ${String(ms)}`);
    }
    return this.mutate({ type: 'setDisk', member: name, fsyncMs: ms });
  }

  setClock(name: string, opts: { rate: number | null }): Promise<void> {
    this.checkMember(name);
    const rate = opts?.rate;
    if (rate !== null && !isClockRate(rate)) {
      throw new Error(`setClock: rate must be a number in [${CLOCK_RATE_MIN}, ${CLOCK_RATE_MAX}] (1 = in step with the others, 2 = twice as fast), or null for in step, got ${String(rate)}`);
    }
    return this.mutate({ type: 'setClock', member: name, rate: rate === 1 ? null : rate });
  }

  inFlight(): FlightView[] {
    const n = this.cluster.world.network;
    const view = (e: Envelope<WirePayload>, held: boolean): FlightView => ({
      id: e.id,
      from: e.from,
      to: e.to,
      sentAtMs: e.sentAtMs,
      deliverAtMs: e.deliverAtMs,
      type: flightType(e.payload),
      text: describePayload(e.payload),
      held,
    });
    return [...n.inFlight().map((e) => view(e, false)), ...n.heldEnvelopes().map((e) => view(e, true))];
  }

  dropMessage(envelopeId: number): boolean {
    const n = this.cluster.world.network;
    const there = n.inFlight().some((e) => e.id === envelopeId) || n.heldEnvelopes().some((e) => e.id === envelopeId);
    if (!there) return false;
    void this.mutate({ type: 'dropMessage', envelopeId });
    return true;
  }

  // ---- time ----

  pause(): void {
    this.hiddenPaused = false;
    this.controller.pause();
  }

  resume(): void {
    this.hiddenPaused = false;
    this.controller.resume();
  }

  /** The tab was hidden or shown: pause while hidden, and resume only if hiding paused it. */
  setHidden(hidden: boolean): void {
    if (hidden) {
      if (!this.controller.isPaused()) {
        this.controller.pause();
        this.hiddenPaused = true;
      }
    } else if (this.hiddenPaused) {
      this.hiddenPaused = false;
      this.controller.resume();
    }
  }

  async step(): Promise<void> {
    this.controller.pause();
    await this.exclusive(() => this.cluster.world.stepAsync());
  }

  setSpeed(speed: Speed): void {
    validateSpeed(speed);
    this.controller.setSpeed(speed);
  }

  time(): TimeState {
    return this.controller.state();
  }

  now(): number {
    return this.cluster.world.nowMs;
  }

  runFor(virtualMs: number): Promise<void> {
    if (typeof virtualMs !== 'number' || !Number.isFinite(virtualMs) || virtualMs < 0) return Promise.reject(new Error(`runFor: expected a virtual duration in ms >= 0, got ${String(virtualMs)}`));
    return this.exclusive(async () => {
      const world = this.cluster.world;
      const until = world.nowMs + Math.round(virtualMs);
      while (world.nextEventMs() <= until) {
        const t0 = this.wall.nowMs();
        await world.runPipelinedAsync(until, () => this.wall.nowMs() - t0 > 50);
        // Let the page breathe during long runs.
        if (world.nextEventMs() <= until) await this.wall.yieldNow();
      }
      if (until > world.nowMs) world.clock.advanceTo(until);
    });
  }

  // ---- clients ----

  client(opts: { endpoints?: string[] } = {}): PlaygroundClient & EtcdClient {
    const c = this.cluster.client({ ...(opts.endpoints ? { endpoints: opts.endpoints } : { endpoints: this.memberNames() }), commandTimeoutMs: this.current.requestTimeoutMs });
    return adaptClient(c);
  }

  async etcdctl(
    commandLine: string,
    opts: EtcdctlOptions = {},
  ): Promise<EtcdctlResult> {
    const made: ClusterClient[] = [];
    const mk = (eps: string[]) => {
      const c = this.cluster.client({ endpoints: eps, commandTimeoutMs: this.current.requestTimeoutMs });
      made.push(c);
      return c;
    };
    const defaults = opts.endpoints ?? this.memberNames().map((n) => InProcessCluster.urlsOf(n).clientURLs[0]!.replace(/^http:\/\//, ''));
    const endpoints = opts.endpoints ?? this.memberNames();
    const shared = opts.session ? this.consoleSession.client(this.cluster, endpoints, this.current.requestTimeoutMs) : null;
    // In a session, a command aimed at one endpoint uses the session's client pinned there.
    const factory = (eps: string[]): EtcdClient =>
      shared && eps.length === 1 ? pinnedClient(shared, eps[0]!, () => mk(eps)) : mk(eps);
    const main = shared ?? mk(endpoints);
    try {
      return await runEtcdctl(commandLine, {
        client: main,
        clientFactory: factory,
        defaultEndpoints: defaults,
        ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
        ...(opts.onStream ? { onStream: opts.onStream } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        files: this.files,
        snapshotStatus: snapshotStatusOf,
        snapshotRestore: (req) => this.restoreFromSnapshot(req.blob, restoredMemberCount(req.initialCluster)),
        nowMs: () => this.wall.nowMs(),
        // Keep-alive renews every TTL/3 of the cluster's time, not the wall's: at 10x a wall-clock
        // pause let the lease run out between renewals.
        sleep: (ms) => main.sleep(ms),
      });
    } finally {
      for (const c of made) c.close();
    }
  }

  /** Snapshot files `etcdctl snapshot save` wrote in this page, by path (to offer for download). */
  snapshotFiles(): { path: string; blob: string }[] {
    return [...this.files].map(([path, blob]) => ({ path, blob }));
  }

  /**
   * Puts a snapshot file the user opened (e.g. one downloaded earlier) where `etcdctl snapshot
   * status|restore <path>` find it. A name that is not a plain file name, or bytes that are not
   * a snapshot, are refused with the reason, and nothing is stored.
   */
  addSnapshotFile(path: string, blob: string): void {
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(path) || path === '.' || path === '..') {
      throw new Error(`a snapshot file name may hold letters, digits, '.', '_' and '-' only (up to 128), got ${JSON.stringify(path)}`);
    }
    try {
      checkSnapshotBlob(blob);
    } catch (e) {
      throw new Error(`${path} is not an etcd playground snapshot: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.files.set(path, blob);
  }

  /**
   * `etcdctl snapshot restore`: where etcdctl writes a new data dir, the playground replaces its
   * cluster with a new one of `members` members whose data is the image. The blob and the size
   * are checked before the running cluster is stopped, so bad input changes nothing. etcdctl
   * 3.4 reports a restore only in log lines, so nothing is printed.
   */
  private async restoreFromSnapshot(blob: string, members: number): Promise<string> {
    checkSnapshotBlob(blob);
    validateClusterSettings({ ...this.current, members });
    this.restoreBlob = blob;
    try {
      await this.reset({ members });
    } finally {
      this.restoreBlob = undefined;
    }
    return '';
  }

  // ---- lifecycle ----

  /**
   * A new cluster with these settings (the rest kept) and fresh databases. `snapshot` boots it
   * from a snapshot image instead of empty, as a restore does; it is checked before anything stops.
   */
  async reset(settings: Partial<ClusterSettings> = {}, opts: { snapshot?: string } = {}): Promise<void> {
    const next = { ...this.current, ...settings };
    validateClusterSettings(next);
    if (opts.snapshot !== undefined) {
      checkSnapshotBlob(opts.snapshot);
      this.restoreBlob = opts.snapshot;
    }
    await this.ready().catch(() => undefined);
    const time = this.controller?.state();
    await this.shutdown();
    this.current = next;
    this.starting = this.boot(time?.paused ?? false, time?.speed ?? 1);
    this.starting.catch(() => undefined);
    await this.starting;
  }

  private async shutdown(): Promise<void> {
    this.controller?.stop();
    if (this.unsubTrace) {
      this.unsubTrace();
      this.unsubTrace = null;
    }
    if (this.cluster) await this.exclusive(() => this.cluster.close());
  }

  /** Stops the clock and closes every member. */
  close(): Promise<void> {
    return this.shutdown();
  }
}

/** The runtime client under the API's client shape (optional revision, alarm list). */
function adaptClient(c: ClusterClient): PlaygroundClient & EtcdClient {
  return Object.assign(c, {
    hashKV: ((revision?: number, endpoint?: string): Promise<HashKVResponse> => ClusterClientProto.hashKV.call(c, revision ?? 0, endpoint)) as EtcdClient['hashKV'],
    alarmList: () => c.alarm({ action: 'GET' }),
  });
}

const ClusterClientProto = {
  hashKV(this: ClusterClient, revision: number, endpoint?: string): Promise<HashKVResponse> {
    return Object.getPrototypeOf(this).hashKV.call(this, revision, endpoint) as Promise<HashKVResponse>;
  },
};

/** A client user's call as the action a scenario records. */
function actionOfObservation(ev: ClientObservation): WorldAction {
  switch (ev.kind) {
    case 'open':
      return { type: 'clientOpen', client: ev.client, options: ev.options };
    case 'close':
      return { type: 'clientClose', client: ev.client, ...(ev.deferred ? { deferred: true } : {}) } as WorldAction;
    case 'request':
      return { type: 'request', client: ev.client, request: ev.request, ...(ev.endpoint !== undefined ? { endpoint: ev.endpoint } : {}) };
    case 'watch':
      return { type: 'watch', client: ev.client, watch: ev.watch, request: ev.request };
    case 'watchProgress':
      return { type: 'watchProgress', client: ev.client, watch: ev.watch };
    case 'watchCancel':
      return { type: 'watchCancel', client: ev.client, watch: ev.watch };
  }
}

/** The action without its recorded position. */
function stripPosition(r: RecordedAction): WorldAction {
  const { atMs: _atMs, pending: _pending, ...a } = r as RecordedAction & { deferred?: true };
  delete (a as { deferred?: true }).deferred;
  return a as WorldAction;
}
