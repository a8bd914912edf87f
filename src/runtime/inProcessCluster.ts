/**
 * N etcd members in one process, driven in lock-step by the simulator's World: members and
 * client actors exchange envelopes through the simulated network (raft traffic, client requests,
 * answers and watch events alike), so partitions and cuts affect clients as they affect peers.
 *
 * Driving: with `autoRun` (the default) the cluster steps "as fast as possible" whenever a client
 * waits for an answer, so tests and etcdctl just `await client.put(...)`. `runFor(ms)` and
 * `runUntil(pred)` advance virtual time explicitly (elections, lease expiry, watch delivery).
 * Only one driver steps at a time.
 *
 * Faults: crash/restart (restart recovers from the member's storage), partitions, one-way cuts,
 * link faults (loss, duplication, latency), all through the World so they are traced.
 */
import { World, type Actor, type ActorBatch, type ActorOutput } from '../sim/scheduler.ts';
import type { LinkFaults } from '../sim/network.ts';
import type { TraceOptions } from '../sim/trace.ts';
import { Prng, type Seed } from '../sim/prng.ts';
import { HistoryRecorder } from '../sim/checkers/history.ts';
import type { StorageFactory } from '../storage/types.ts';
import type { Id64 } from '../server/api.ts';
import { computeMemberId } from '../server/ids.ts';
import { defaultMemberSettings, validateSettings, type MemberSettings } from '../server/settings.ts';
import type { ApplyObserver, EtcdMember } from '../server/member.ts';
import { MemberActor, type MemberActorOptions } from './memberActor.ts';
import { describePayload, type WirePayload } from './memberWire.ts';
import type { ClientCommand, ClientHooks, ClientHost, ClientObservation } from './clusterTypes.ts';
import { PlaygroundClient, type PlaygroundClientOptions } from './playgroundClient.ts';

export interface InProcessClusterOptions {
  /** Number of members at bootstrap (1..); default 3. */
  size?: number;
  seed?: Seed;
  settings?: Partial<MemberSettings>;
  network?: Partial<LinkFaults>;
  /** Where members keep their data; the in-memory storage by default. */
  storageFactory: StorageFactory;
  clusterToken?: string;
  /** Step automatically while a client waits; default true. */
  autoRun?: boolean;
  trace?: TraceOptions;
  /** Start the new cluster from a `snapshot()` blob (as etcdctl snapshot restore does for each member). */
  restoreSnapshot?: string;
  /** Told of every member's applied entries and restores (simulation invariant checks). */
  applyObserver?: (memberName: string) => ApplyObserver;
  /** Unix time (ms) that virtual time 0 stands for: member IDs of runtime adds and lease IDs use it. */
  epochMs?: number;
  /**
   * Builds the actor that hosts a member (default: the in-process MemberActor). The browser
   * passes one that runs the member in a Web Worker; `rng` is the member's seeded stream, which
   * such an actor must keep in step with its remote copy so both hosts draw the same numbers.
   */
  memberActorFactory?: MemberActorFactory;
  /** Keep a client history (every KV call and answer, every watch response) in `history`. */
  recordHistory?: boolean;
}

/** What the cluster needs from a member's host actor; `member` is null when the member lives elsewhere. */
export type HostedMemberActor = Actor<WirePayload, never> & {
  readonly id: string;
  readonly memberId: Id64;
  readonly member: EtcdMember | null;
  start(nowMs: number): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once a restart's recovery finished (hosts that restart synchronously may omit it). */
  ready?(): Promise<void>;
};

export type MemberActorFactory = (opts: MemberActorOptions, ctx: { rng: Prng }) => HostedMemberActor;

class ClientActor implements Actor<WirePayload, ClientCommand> {
  constructor(
    readonly id: string,
    readonly hooks: ClientHooks,
  ) {}
  handle(batch: ActorBatch<WirePayload, ClientCommand>): ActorOutput<WirePayload> {
    if (batch.calls) for (const run of batch.calls) run();
    for (const env of batch.envelopes) this.hooks.deliver(env.from, env.payload);
    return { messages: batch.commands.map((c) => ({ to: c.to, payload: c.payload })) };
  }
}

export interface MemberView {
  name: string;
  id: Id64;
  up: boolean;
  member: EtcdMember | null;
}

/** TCP's retransmission timeout for a lost segment on a client connection (Linux's minimum RTO). */
export const CLIENT_RETRANSMIT_MS = 200;

export class InProcessCluster implements ClientHost {
  readonly world: World<WirePayload, ClientCommand>;
  /** What the cluster's clients saw, when asked for (recordHistory). */
  readonly history?: HistoryRecorder;
  readonly settings: MemberSettings;
  readonly clusterToken: string;
  readonly epochMs: number;
  private readonly storageFactory: StorageFactory;
  private readonly actors = new Map<string, HostedMemberActor>();
  private readonly memberActorFactory: MemberActorFactory | undefined;
  private readonly nameById = new Map<Id64, string>();
  private readonly clients = new Map<string, ClientActor>();
  private readonly rng: Prng;
  private autoRun: boolean;
  private pumping: Promise<void> | null = null;
  private driving = false;
  private nextClient = 1;
  private readonly clusterKey: string;
  private readonly applyObserverOf: ((memberName: string) => ApplyObserver) | undefined;
  private readonly restoreSnapshot: string | undefined;

  private constructor(opts: InProcessClusterOptions) {
    const seed = opts.seed ?? 1;
    this.settings = { ...defaultMemberSettings, ...opts.settings };
    validateSettings(this.settings);
    this.clusterToken = opts.clusterToken ?? 'etcd-cluster';
    this.epochMs = opts.epochMs ?? 1_700_000_000_000;
    this.storageFactory = opts.storageFactory;
    this.applyObserverOf = opts.applyObserver;
    this.restoreSnapshot = opts.restoreSnapshot;
    this.memberActorFactory = opts.memberActorFactory;
    this.autoRun = opts.autoRun ?? true;
    if (opts.recordHistory) this.history = new HistoryRecorder();
    this.rng = new Prng(seed).fork('cluster');
    this.clusterKey = `${this.clusterToken}-${String(seed)}`;
    this.world = new World<WirePayload, ClientCommand>({
      seed,
      network: opts.network,
      trace: opts.trace ?? { capacity: 0 },
      tickIntervalMs: this.settings.heartbeatMs,
      describe: describePayload,
    });
  }

  /** Bootstraps a new cluster of `size` members m1..mN and starts them. */
  static async create(opts: InProcessClusterOptions): Promise<InProcessCluster> {
    const c = new InProcessCluster(opts);
    const size = opts.size ?? 3;
    if (!Number.isInteger(size) || size < 1) throw new Error(`cluster size must be a positive integer, got ${size}`);
    const initial = Array.from({ length: size }, (_, i) => InProcessCluster.urlsOf(`m${i + 1}`));
    for (const m of initial) {
      const id = computeMemberId(m.peerURLs, c.clusterToken);
      await c.launch(m.name, id, { bootstrap: initial });
    }
    return c;
  }

  static urlsOf(name: string): { name: string; peerURLs: string[]; clientURLs: string[] } {
    return { name, peerURLs: [`http://${name}:2380`], clientURLs: [`http://${name}:2379`] };
  }

  /**
   * Starts a member process. `bootstrap` for an initial member; `join` for one added with
   * MemberAdd (its ID comes from the add's answer), which starts empty and learns the cluster
   * from the leader.
   */
  async launch(name: string, id: Id64, mode: { bootstrap: ReturnType<typeof InProcessCluster.urlsOf>[] } | { join: true }): Promise<void> {
    if (this.actors.has(name)) throw new Error(`member ${name} already exists`);
    const memberRng = this.rng.fork(`member:${name}`);
    const urls = InProcessCluster.urlsOf(name);
    const actorOpts: MemberActorOptions = {
      name,
      id,
      clusterKey: this.clusterKey,
      storageFactory: this.storageFactory,
      actorOfMember: (mid) => this.nameById.get(mid),
      startOptions: (storage, nowMs) => ({
        name,
        id,
        storage,
        settings: this.settings,
        randInt: (n: number) => memberRng.int(n),
        nowMs,
        epochMs: this.epochMs,
        peerURLs: urls.peerURLs,
        clientURLs: urls.clientURLs,
        clusterToken: this.clusterToken,
        initialCluster: 'bootstrap' in mode ? mode.bootstrap : undefined,
        applyObserver: this.applyObserverOf?.(name),
        restoreFrom: 'bootstrap' in mode ? this.restoreSnapshot : undefined,
      }),
    };
    const actor = this.memberActorFactory ? this.memberActorFactory(actorOpts, { rng: memberRng }) : new MemberActor(actorOpts);
    this.nameById.set(id, name);
    this.actors.set(name, actor);
    for (const cl of this.clients.keys()) this.clientLink(cl, name);
    await actor.start(this.world.nowMs);
    this.world.addActor(actor);
  }

  // ---- ClientHost ----

  get nowMs(): number {
    return this.world.nowMs;
  }

  memberNames(): string[] {
    return [...this.actors.keys()];
  }

  isUp(actor: string): boolean {
    return this.world.isUp(actor);
  }

  send(clientActor: string, cmd: ClientCommand): void {
    this.world.command(this.world.nowMs, clientActor, cmd);
  }

  at(atMs: number, run: () => void): void {
    this.world.at(atMs, '', run);
  }

  timer(clientActor: string, atMs: number, run: () => void): void {
    this.world.call(atMs, clientActor, run);
  }

  reachable(from: string, to: string): boolean {
    return this.world.network.canReach(from, to);
  }

  /** Set by a recorder that wants every client user's call (see ClientHost.observe). */
  clientObserver: ((event: ClientObservation) => void) | null = null;

  observe(event: ClientObservation): void {
    if (!this.clientObserver) return;
    this.clientObserver(event.kind === 'close' && this.world.isStepping && !event.deferred ? { ...event, deferred: true } : event);
  }

  note(clientActor: string, peer: string, detail: string): void {
    this.world.trace.record(this.world.nowMs, 'custom', clientActor, peer, 0, detail);
  }

  betweenSteps(fn: () => void): void {
    this.world.betweenSteps(fn);
  }

  registerClient(name: string, hooks: ClientHooks): void {
    if (this.world.hasActor(name)) throw new Error(`actor ${name} already exists`);
    const a = new ClientActor(name, hooks);
    this.clients.set(name, a);
    this.watchClientDrops();
    this.world.addActor(a, { ticks: false });
    for (const m of this.actors.keys()) this.clientLink(name, m);
  }

  unregisterClient(name: string, deferred = false): void {
    if (!this.clients.delete(name)) return;
    if (deferred || this.world.isStepping) this.world.at(this.world.nowMs, '', () => this.world.hasActor(name) && this.world.removeActor(name));
    else this.world.removeActor(name);
  }

  resolveEndpoint(endpoint: string): string | undefined {
    if (this.actors.has(endpoint)) return endpoint;
    const m = /^(?:https?:\/\/)?([^:/]+)(?::\d+)?\/?$/.exec(endpoint);
    if (m && this.actors.has(m[1]!)) return m[1]!;
    return undefined;
  }

  /**
   * A client talks to a member over one TCP connection (gRPC): in order and without duplicates,
   * whatever the link faults say about reordering and duplication. Loss only delays: a lost
   * segment is retransmitted, and what was sent after it waits behind it. Latency still applies.
   */
  private clientLink(client: string, member: string): void {
    const tcp = { reorder: false, duplicateRate: 0, retransmitMs: CLIENT_RETRANSMIT_MS };
    this.world.network.setLinkFaults(client, member, tcp);
    this.world.network.setLinkFaults(member, client, tcp);
  }

  private dropWatch: (() => void) | null = null;

  /**
   * Tells a client when the network drops an envelope on one of its links (the world reports
   * drops in its trace). Loss on a client link only delays (see clientLink); a cut, a partition
   * or an operator's drop loses the envelope, which TCP would retransmit and the simulated
   * network does not, so the client treats that connection as stalled until its keep-alive
   * breaks it. Drops to a crashed member are left out: the crash itself ends the connection.
   */
  private watchClientDrops(): void {
    if (this.dropWatch) return;
    this.dropWatch = this.world.trace.subscribe((e) => {
      if (e.kind !== 'drop' || e.detail === 'down') return;
      const sender = this.clients.has(e.actor);
      const client = sender ? e.actor : e.peer;
      const member = sender ? e.peer : e.actor;
      if (!this.clients.has(client)) return;
      // The client learns it when the envelope would have arrived at the earliest, as a timer of
      // its own: drops are recorded when a step's outputs are routed, which (with overlapping
      // steps) may be after later steps were gathered, so acting at once would depend on timing.
      const atMs = e.atMs + this.world.network.minDelayMs();
      this.world.call(atMs, client, () => this.clients.get(client)?.hooks.linkLost(member));
    });
  }

  kick(): void {
    if (!this.autoRun || this.pumping || this.driving || this.outstanding() === 0) return;
    const run = async (): Promise<void> => {
      // Yield first, so `pumping` is set before the loop can finish and clear it.
      await Promise.resolve();
      try {
        while (this.outstanding() > 0) {
          if (!(await this.world.stepAsync())) break;
        }
      } catch (e) {
        // A member threw: that is a bug, and nothing can be trusted after it. Fail loudly.
        this.failure = e instanceof Error ? e : new Error(String(e));
        for (const c of this.clients.values()) c.hooks.fatal(this.failure);
      } finally {
        this.pumping = null;
      }
    };
    this.pumping = run();
  }

  private outstanding(): number {
    let n = 0;
    for (const c of this.clients.values()) n += c.hooks.outstanding();
    return n;
  }

  // ---- clients ----

  client(opts: Partial<PlaygroundClientOptions> = {}): PlaygroundClient {
    const name = opts.name ?? `client-${this.nextClient++}`;
    // A named client-N (one a scenario replays) keeps later unnamed clients from taking its name.
    const n = /^client-(\d+)$/.exec(name);
    if (n) this.nextClient = Math.max(this.nextClient, Number(n[1]) + 1);
    return new PlaygroundClient(this, { ...opts, name });
  }

  // ---- driving ----

  /** Set when a step threw; the cluster refuses to run after that. */
  private failure: Error | null = null;

  private async exclusive<T>(run: () => Promise<T>): Promise<T> {
    while (this.pumping) await this.pumping;
    if (this.failure) throw this.failure;
    if (this.driving) throw new Error('cluster: another runFor/runUntil is running');
    this.driving = true;
    try {
      return await run();
    } finally {
      this.driving = false;
      if (this.outstanding() > 0) this.kick();
    }
  }

  /** Advances virtual time by `ms`, running everything due. */
  runFor(ms: number): Promise<void> {
    return this.exclusive(async () => {
      await this.world.runUntilAsync(this.world.nowMs + ms);
    });
  }

  /** Steps until `pred()` holds (checked after every step); throws after `maxMs` of virtual time. */
  runUntil(pred: () => boolean, maxMs = 60_000): Promise<void> {
    return this.exclusive(async () => {
      const limit = this.world.nowMs + maxMs;
      if (pred()) return;
      let done = false;
      await this.world.runUntilAsync(limit, () => (done = pred()));
      if (!done && !pred()) throw new Error(`cluster: condition not reached within ${maxMs} virtual ms`);
    });
  }

  /** Waits for any automatic stepping to finish (all clients answered). */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  setAutoRun(on: boolean): void {
    this.autoRun = on;
    if (on) this.kick();
  }

  // ---- members and faults ----

  /** The actor hosting a member (incarnation counts, readiness after a restart). */
  actor(name: string): HostedMemberActor | undefined {
    return this.actors.get(name);
  }

  members(): MemberView[] {
    return [...this.actors.values()].map((a) => ({ name: a.id, id: a.memberId, up: this.world.isUp(a.id), member: a.member }));
  }

  member(name: string): EtcdMember {
    const a = this.actors.get(name);
    if (!a) throw new Error(`no member ${name}`);
    if (!a.member) throw new Error(`member ${name} is down`);
    return a.member;
  }

  nameOf(id: Id64): string | undefined {
    return this.nameById.get(id);
  }

  /** The name of the member every up member agrees is leader, if any. */
  leader(): string | undefined {
    const leaders = new Set<string>();
    for (const a of this.actors.values()) {
      if (!a.member || !this.world.isUp(a.id)) continue;
      const s = a.member.raftStatus();
      if (s.softState.raft_state === 'StateLeader') leaders.add(a.id);
    }
    if (leaders.size !== 1) return undefined;
    return [...leaders][0];
  }

  async waitForLeader(maxMs = 30_000): Promise<string> {
    await this.runUntil(() => this.leader() !== undefined, maxMs);
    return this.leader()!;
  }

  async crash(name: string): Promise<void> {
    await this.idle();
    await this.world.crashAsync(name);
    for (const c of this.clients.values()) c.hooks.memberDown(name);
  }

  async restart(name: string): Promise<void> {
    await this.idle();
    await this.world.restartAsync(name);
    await this.actors.get(name)?.ready?.();
  }

  partition(groups: readonly (readonly string[])[]): void {
    this.world.partition(groups);
  }

  cut(from: string, to: string): void {
    this.world.cut(from, to);
  }

  uncut(from: string, to: string): void {
    this.world.uncut(from, to);
  }

  heal(): void {
    this.world.heal();
  }

  /** Stops a member for good (after it was removed from the cluster). */
  async stopMember(name: string): Promise<void> {
    const a = this.actors.get(name);
    if (!a) return;
    await this.idle();
    if (this.world.isUp(name)) await this.world.crashAsync(name);
    for (const c of this.clients.values()) c.hooks.memberDown(name);
    await a.stop();
  }

  async close(): Promise<void> {
    await this.idle();
    for (const c of [...this.clients.values()]) c.hooks.memberDown('');
    for (const a of this.actors.values()) await a.stop();
  }
}
