/**
 * The member host actors the playground's cluster runs: each turns the world's batches into
 * member steps and the member's outputs into envelopes, and keeps the member's last compact
 * summary so the page can read it synchronously.
 *
 * - WorkerMemberActor: the member lives in its own Web Worker (comlink), with its own IndexedDB
 *   database. Crash = worker.terminate() (also possible in the middle of a step, while the
 *   member's write is in flight); restart = a new worker opening the same database, which
 *   recovers by itself; wipe = the database deleted.
 * - LocalMemberActor: the same member code (HostedMember) in this thread, for Node and fast
 *   headless runs.
 *
 * Both keep the member's seeded stream in step with the cluster's copy, so the two hosts draw
 * the same numbers and produce the same trace.
 */
import * as Comlink from 'comlink';
import type { ActorBatch, ActorOutput, OutgoingMessage } from '../sim/scheduler.ts';
import type { Prng } from '../sim/prng.ts';
import type { MemberInput } from '../server/protocol.ts';
import type { Durability, StorageFactory } from '../storage/types.ts';
import type { HostedMemberActor, MemberActorFactory } from './inProcessCluster.ts';
import type { MemberActorOptions } from './memberActor.ts';
import { payloadOfOutput, type WirePayload } from './memberWire.ts';
import type { LeaseExpiry, MemberDetails } from './playgroundApi.ts';
import { errorFromWire, HostedMember, prngFromState, prngState } from './workerHostMember.ts';
import type { MemberSummaryWire, MemberWorkerApi, StartReply, StepInput, StepReply, WireError } from './workerHostProtocol.ts';

export interface PlaygroundMemberActor extends HostedMemberActor {
  /** The summary after the member's last step (kept across a crash: the last thing it showed). */
  readonly info: MemberSummaryWire | null;
  details(): Promise<MemberDetails>;
  /** The member's lessor expiries (only a leader's are counting). */
  leaseExpiries(): Promise<LeaseExpiry[]>;
  crash(nowMs?: number): Promise<void>;
  restart(nowMs: number): Promise<void>;
  /** Deletes the member's data (the member must be down): its disk is lost. */
  wipe(): Promise<void>;
  /** Chaos: kills the member right now, even in the middle of a step (its step answers nothing). */
  killNow(): void;
  /** Whether a step is running (a kill now lands while its write may be in flight). */
  readonly busy: boolean;
  /**
   * This member's disk, when the user made it slower or faster than the cluster's walFsyncMs
   * (virtual ms per WAL write); null = the cluster's setting. Kept across crashes: it is the disk.
   */
  diskFsyncMs: number | null;
  /**
   * Why the member is down although the world has it up: its start (recovery) failed, e.g. a
   * corrupted WAL record or lost data, or a storage write failed (quota, abort) and the member
   * stopped rather than run on what it could not persist. Cleared by the next start.
   */
  readonly error: Error | null;
}

export interface MemberHostSettings {
  durability: Durability;
  storageFactory: StorageFactory;
  /** Storage cluster id for a member's database; default the cluster key. */
  storageClusterId?: (clusterKey: string) => string;
}

abstract class MemberHostActor implements PlaygroundMemberActor {
  readonly id: string;
  readonly member = null;
  info: MemberSummaryWire | null = null;
  busy = false;
  error: Error | null = null;
  diskFsyncMs: number | null = null;
  /** Bumped by every start and crash: a step's reply only counts for the incarnation it ran in. */
  protected incarnation = 0;
  protected readonly storageClusterId: string;

  constructor(
    protected readonly opts: MemberActorOptions,
    protected readonly rng: Prng,
    protected readonly settings: MemberHostSettings,
  ) {
    this.id = opts.name;
    this.storageClusterId = settings.storageClusterId ? settings.storageClusterId(opts.clusterKey) : opts.clusterKey;
  }

  get memberId(): string {
    return this.opts.id;
  }

  /** Starts (recovers) the member; on failure it stays down with `error` set, and this rejects with it. */
  async start(nowMs: number): Promise<void> {
    this.error = null;
    this.incarnation++;
    this.landedSeq = 0;
    try {
      await this.startMember(nowMs);
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      throw this.error;
    }
  }

  protected abstract startMember(nowMs: number): Promise<void>;
  abstract stop(): Promise<void>;
  abstract crash(): Promise<void>;
  abstract killNow(): void;
  abstract details(): Promise<MemberDetails>;
  abstract leaseExpiries(): Promise<LeaseExpiry[]>;
  protected abstract stepMember(input: StepInput): Promise<StepReply | null>;

  restart(nowMs: number): Promise<void> {
    return this.start(nowMs);
  }

  async wipe(): Promise<void> {
    // A just-killed worker's lock on the database is released by the browser shortly after (as
    // in startMember): wait for it rather than fail the wipe. Wall time only; nothing virtual moves.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.settings.storageFactory.destroy(this.storageClusterId, this.opts.name, { forgetMembership: false });
        return;
      } catch (e) {
        if (!isLockedError(e) || attempt >= 50) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  async handle(batch: ActorBatch<WirePayload, never>): Promise<ActorOutput<WirePayload>> {
    const inputs: MemberInput[] = [];
    for (const env of batch.envelopes) {
      const p = env.payload;
      if (p.kind === 'reply' || p.kind === 'watchResponse') continue;
      inputs.push(p);
    }
    // The only command a member actor is ever sent is "campaign now".
    const campaign = batch.commands.length > 0;
    this.busy = true;
    const incarnation = this.incarnation;
    let reply: StepReply | null;
    try {
      const input: StepInput = { nowMs: batch.nowMs, inputs, ticks: batch.ticks, campaign };
      if (this.diskFsyncMs !== null) input.walFsyncMs = this.diskFsyncMs;
      reply = await this.stepMember(input);
    } finally {
      this.busy = false;
    }
    // A reply from an incarnation that crashed meanwhile must not touch the member now running.
    if (!reply || incarnation !== this.incarnation) return { messages: [] };
    this.info = reply.summary;
    if (reply.stopped) {
      // Nothing of this step is sent: it may acknowledge a write that was rolled back.
      this.error = errorFromWire(reply.stopped);
      return { messages: [], events: reply.events };
    }
    const messages: OutgoingMessage<WirePayload>[] = [];
    for (const o of reply.outputs) {
      const to = o.kind === 'raft' || o.kind === 'peerRequest' || o.kind === 'peerReply' ? this.opts.actorOfMember(o.to) : o.to;
      if (to === undefined) continue;
      messages.push({ to, payload: payloadOfOutput(o, this.opts.id) });
    }
    if (reply.landedSeq !== undefined && reply.landedSeq > this.landedSeq) this.landedSeq = reply.landedSeq;
    const seq = reply.durableSeq;
    const out: ActorOutput<WirePayload> = { messages, events: reply.events, busyMs: reply.busyMs ?? 0 };
    if (seq !== undefined) {
      // Waited for at once, so it has usually landed before the world routes the step.
      const landed = this.durable(seq, incarnation);
      landed.catch(() => undefined);
      out.durable = () => landed;
    }
    return out;
  }

  /** Every step numbered up to this (in the current incarnation) has landed. */
  protected landedSeq = 0;

  /**
   * Resolves once step `seq`'s writes landed; rejects if they failed (the member then stopped,
   * with `error` set) or the incarnation that made them is gone.
   */
  private async durable(seq: number, incarnation: number): Promise<void> {
    if (incarnation === this.incarnation && seq <= this.landedSeq) return;
    const r = incarnation === this.incarnation ? await this.waitDurable(seq) : null;
    if (incarnation !== this.incarnation || r === null) throw new Error(`member ${this.id} crashed before its writes landed`);
    if (r.error) {
      this.error = errorFromWire(r.error);
      this.stopped();
      throw this.error;
    }
    if (seq > this.landedSeq) this.landedSeq = seq;
  }

  /** Asks the host for step `seq`'s writes; null when the host is gone (killed). */
  protected abstract waitDurable(seq: number): Promise<{ error?: WireError } | null>;
  /** The member stopped on a failed write: release its host as a process exit would. */
  protected abstract stopped(): void;
}

/** The member in this thread (Node tests, headless runs). */
export class LocalMemberActor extends MemberHostActor {
  private hosted: HostedMember | null = null;

  protected async startMember(nowMs: number): Promise<void> {
    const incarnation = this.incarnation;
    const hosted = await HostedMember.open(
      this.settings.storageFactory,
      { clusterId: this.storageClusterId, memberName: this.opts.name, durability: this.settings.durability },
      (storage, countDraw) => {
        const so = this.opts.startOptions(storage, nowMs);
        return { ...so, randInt: (n: number) => (countDraw(), so.randInt(n)) };
      },
    );
    // Crashed again while recovering: this process is gone too, and must not come back as a zombie.
    if (incarnation !== this.incarnation) return hosted.stopAsCrash();
    this.hosted = hosted;
    this.info = hosted.summary();
  }

  protected async stepMember(input: StepInput): Promise<StepReply | null> {
    const h = this.hosted;
    if (!h) return null;
    const reply = await h.step(input);
    // A stopped member's storage is already released; this host runs it no more.
    if (reply.stopped && this.hosted === h) this.hosted = null;
    return reply;
  }

  async details(): Promise<MemberDetails> {
    if (!this.hosted) throw new Error(`member ${this.id} is down`);
    return this.hosted.details();
  }

  async leaseExpiries(): Promise<LeaseExpiry[]> {
    if (!this.hosted) throw new Error(`member ${this.id} is down`);
    return this.hosted.leaseExpiries();
  }

  protected async waitDurable(seq: number): Promise<{ error?: WireError } | null> {
    return this.hosted ? this.hosted.waitDurable(seq) : null;
  }

  protected stopped(): void {
    // The hosted member already released its storage when its write failed.
    this.hosted = null;
  }

  async crash(): Promise<void> {
    const h = this.hosted;
    this.hosted = null;
    this.incarnation++;
    if (!h) return;
    const s = h.memberStorage;
    // The memory disk can drop a database's connections as a crash does; other storage just closes.
    const disk = (this.settings.storageFactory as { disk?: { crash(name: string, o: { inFlight: 'land' | 'drop' }): void } }).disk;
    if (disk && s) disk.crash(s.name, { inFlight: 'drop' });
    else await h.close().catch(() => undefined);
  }

  killNow(): void {
    void this.crash();
  }

  async stop(): Promise<void> {
    const h = this.hosted;
    this.hosted = null;
    if (h) await h.close();
  }
}

/** A worker running workers/member.worker.ts; made by the page (Vite resolves the URL). */
export type WorkerMaker = () => Worker;

/** Counts live member workers (tests assert one per member). */
export const workerCounter = { live: 0, started: 0, terminated: 0 };

function isLockedError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'StorageLockedError' || /in use by another owner/.test(e.message));
}

/** The member in its own Web Worker. */
export class WorkerMemberActor extends MemberHostActor {
  private worker: Worker | null = null;
  private api: Comlink.Remote<MemberWorkerApi> | null = null;
  /**
   * Calls waiting on the current worker; a kill ends them with null. (One entry per call, removed
   * when it settles: racing every call against one long-lived promise would pile up reactions.)
   */
  private readonly waiting = new Set<() => void>();

  constructor(
    opts: MemberActorOptions,
    rng: Prng,
    settings: MemberHostSettings,
    private readonly makeWorker: WorkerMaker,
  ) {
    super(opts, rng, settings);
  }

  protected async startMember(nowMs: number): Promise<void> {
    const incarnation = this.incarnation;
    const so = this.opts.startOptions(null as never, nowMs);
    const { storage: _s, randInt: _r, logger: _l, ...member } = so;
    // A terminated worker's lock on its database is released by the browser shortly after.
    for (let attempt = 0; ; attempt++) {
      this.spawn();
      try {
        const starting = this.api!.start({ member, storageClusterId: this.storageClusterId, durability: this.settings.durability, rng: prngState(this.rng) }) as Promise<StartReply>;
        const reply = await this.untilKilled(starting);
        if (reply === null || incarnation !== this.incarnation) throw new Error(`member ${this.id} was killed while starting`);
        // The worker reports a failed start as plain data; the member stays down with it.
        if ('error' in reply) throw errorFromWire(reply.error);
        // Mirror the draws recovery took, as a step's are: a later restart continues after them.
        for (let i = 0; i < reply.draws; i++) this.rng.nextUint32();
        this.info = reply.summary;
        return;
      } catch (e) {
        this.terminate();
        if (!isLockedError(e) || attempt >= 50) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  private spawn(): void {
    const w = this.makeWorker();
    workerCounter.live++;
    workerCounter.started++;
    this.worker = w;
    this.api = Comlink.wrap<MemberWorkerApi>(w);
    this.landedFailure = null;
    // The worker announces landed writes by itself (comlink ignores messages without an id).
    w.addEventListener('message', (e: MessageEvent) => {
      const d = e.data as { landed?: number; error?: WireError } | null;
      if (!d || typeof d.landed !== 'number' || this.worker !== w) return;
      if (d.error) this.landedFailure = d.error;
      else if (d.landed > this.landedSeq) this.landedSeq = d.landed;
      this.wakeLanded();
    });
  }

  /** Why a write failed, as the worker announced it (landed ones raise landedSeq). */
  private landedFailure: WireError | null = null;
  private readonly landedWaiters: Array<{ seq: number; resolve: (r: { error?: WireError } | null) => void }> = [];

  private wakeLanded(): void {
    const failure = this.landedFailure;
    for (let i = this.landedWaiters.length - 1; i >= 0; i--) {
      const w = this.landedWaiters[i]!;
      if (failure) w.resolve({ error: failure });
      else if (w.seq <= this.landedSeq) w.resolve({});
      else continue;
      this.landedWaiters.splice(i, 1);
    }
  }

  /** `p`, or null if the worker is killed first. */
  private untilKilled<T>(p: Promise<T>): Promise<T | null> {
    return new Promise<T | null>((resolve, reject) => {
      const cancel = () => resolve(null);
      this.waiting.add(cancel);
      p.then(
        (v) => {
          this.waiting.delete(cancel);
          resolve(v);
        },
        (e: unknown) => {
          this.waiting.delete(cancel);
          reject(e);
        },
      );
    });
  }

  private terminate(): void {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    this.api = null;
    w.terminate();
    workerCounter.live--;
    workerCounter.terminated++;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const cancel of waiting) cancel();
    // Writes of a killed worker never land.
    for (const w of this.landedWaiters.splice(0)) w.resolve(null);
  }

  protected async stepMember(input: StepInput): Promise<StepReply | null> {
    const api = this.api;
    if (!api) return null;
    const reply = await this.untilKilled(api.step(input));
    if (reply === null) return null;
    // Mirror the worker's draws, so a restarted worker continues the same stream.
    for (let i = 0; i < reply.draws; i++) this.rng.nextUint32();
    // A stopped member's worker exits, releasing its database as a process exit would.
    if (reply.stopped && this.api === api) this.terminate();
    return reply;
  }

  async details(): Promise<MemberDetails> {
    if (!this.api) throw new Error(`member ${this.id} is down`);
    return this.api.details();
  }

  async leaseExpiries(): Promise<LeaseExpiry[]> {
    if (!this.api) throw new Error(`member ${this.id} is down`);
    return this.api.leaseExpiries();
  }

  protected waitDurable(seq: number): Promise<{ error?: WireError } | null> {
    if (!this.api) return Promise.resolve(null);
    if (this.landedFailure) return Promise.resolve({ error: this.landedFailure });
    if (seq <= this.landedSeq) return Promise.resolve({});
    return new Promise((resolve) => this.landedWaiters.push({ seq, resolve }));
  }

  protected stopped(): void {
    // A stopped member's worker exits, releasing its database as a process exit would.
    this.terminate();
  }

  async crash(): Promise<void> {
    this.incarnation++;
    this.terminate();
  }

  killNow(): void {
    this.incarnation++;
    this.terminate();
  }

  async stop(): Promise<void> {
    const api = this.api;
    if (api) await this.untilKilled(api.close().catch(() => undefined));
    this.terminate();
  }
}

/** Rebuilds a worker's stream (used inside the worker). */
export { prngFromState };

export function localActorFactory(settings: MemberHostSettings): MemberActorFactory {
  return (opts, ctx) => new LocalMemberActor(opts, ctx.rng, settings);
}

export function workerActorFactory(settings: MemberHostSettings, makeWorker: WorkerMaker): MemberActorFactory {
  return (opts, ctx) => new WorkerMemberActor(opts, ctx.rng, settings, makeWorker);
}
