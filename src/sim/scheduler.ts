/**
 * The lock-step scheduler (docs/ARCHITECTURE.md §3): it owns virtual time and runs the world one instant at a
 * time. Each step takes every event due at the next instant (control actions such as faults,
 * envelope deliveries, timer ticks, commands), hands each actor its batch in registration order,
 * waits for all of them, and only then puts their outputs on the network, again in registration
 * order. Delays come from the network's seeded stream in that fixed order, so the outcome never
 * depends on which actor finishes first, and a synchronous actor costs no Promise per step.
 *
 * A pipelined run (runPipelinedAsync) gives the same outcome and the same trace while overlapping
 * steps: no message arrives sooner than the network's smallest delay, so the steps within it are
 * handed out before earlier ones have answered, and their outputs are put on the network later,
 * still in step and registration order.
 */
import { VirtualClock } from './clock.ts';
import { EventQueue, type Timed } from './eventQueue.ts';
import { Network, type ActorId, type DropReason, type Envelope, type LinkFaults, type NetworkEventKind } from './network.ts';
import { Prng, type Seed } from './prng.ts';
import { Trace, type TraceKind, type TraceOptions, type TraceRecordArgs } from './trace.ts';

/** What an actor gets at one instant. Valid only during the call that receives it. */
export interface ActorBatch<P, C> {
  nowMs: number;
  /** Envelopes arriving now, in delivery order. */
  envelopes: Envelope<P>[];
  /** Timer ticks due now (normally 0 or 1). */
  ticks: number;
  /** Commands (client requests, operator actions) due now, in schedule order. */
  commands: C[];
  /**
   * Callbacks due now (see World.call): the timers of an actor that lives in the scheduler's own
   * thread. They run first, in schedule order. Never set for actors that get plain data only.
   */
  calls?: Array<() => void>;
}

export interface OutgoingMessage<P> {
  to: ActorId;
  payload: P;
}

/** Something an actor wants in the trace (a role change, an applied entry...). */
export interface ActorTraceEvent {
  kind: TraceKind;
  detail: string;
  peer?: string;
}

/** Plain data, so it can come back from a worker. */
export interface ActorOutput<P> {
  messages: OutgoingMessage<P>[];
  events?: ActorTraceEvent[];
  /**
   * Virtual time the actor spent on this batch (a member's WAL fsync). Its messages leave only
   * when that time is up, and it takes no batch before then: whatever arrives meanwhile waits and
   * comes in its next batch, all at once, as etcd's raft loop batches proposals while it syncs.
   * A crash meanwhile loses the messages that had not left. Default 0.
   */
  busyMs?: number;
  /**
   * For an actor whose writes are still landing when it answers: resolves once they have. Its
   * messages (and, if it is busy, its outbox) are routed only after that (persist before send);
   * a rejection means they never leave (the actor stopped on a storage failure, or died). The
   * world meanwhile goes on gathering: the write overlaps the steps within the network's delay.
   * Only the asynchronous runs honour it.
   */
  durable?: () => Promise<void>;
}

export interface Actor<P, C> {
  readonly id: ActorId;
  /** Handles one instant's batch. Returning a value (not a Promise) is the synchronous fast path. */
  handle(batch: ActorBatch<P, C>): ActorOutput<P> | Promise<ActorOutput<P>>;
  /** Called when the world crashes this actor: it must drop everything volatile. */
  crash?(nowMs: number): void | Promise<void>;
  /** Called when the world restarts this actor: it recovers from what it had persisted. */
  restart?(nowMs: number): void | Promise<void>;
}

export interface WorldOptions<P> {
  seed: Seed;
  network?: Partial<LinkFaults>;
  trace?: TraceOptions;
  /** Virtual time between an actor's timer ticks, default 100 ms (etcd's --heartbeat-interval is one tick). */
  tickIntervalMs?: number;
  /**
   * A canonical 32-bit fingerprint of a payload, covered by the trace hash so that two runs
   * sending different contents differ. Without it only routing and timing are hashed.
   */
  fingerprint?: (payload: P) => number;
  /**
   * A one-line text for a payload, put in each send event's `detail`. The hash covers it only when
   * there is no `fingerprint`. Costs a string per message; leave it out where speed matters.
   */
  describe?: (payload: P) => string;
  /**
   * How an asynchronous step lets the event loop run after synchronous actors answered (default:
   * one macrotask). Everything those answers set off in promise callbacks happens before the
   * world moves on, so it is scheduled at the same instant whoever else is still working.
   */
  yieldTask?: () => Promise<void>;
}

/** One channel for every yield in a page (a channel per yield costs more than the message). */
let yieldChannel: MessageChannel | null = null;
const yieldWaiters: Array<() => void> = [];

/** Lets the event loop run once (a macrotask), so every pending promise callback has run. */
function defaultYieldTask(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  if (typeof MessageChannel === 'function') {
    if (!yieldChannel) {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => yieldWaiters.shift()?.();
      yieldChannel = ch;
    }
    const ch = yieldChannel;
    return new Promise((r) => {
      yieldWaiters.push(r);
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

export interface AddActorOptions {
  /** Whether the actor gets timer ticks (members do, clients usually not). Default true. */
  ticks?: boolean;
  /** Offset of its ticks within the interval; by default drawn from the actor's own stream. */
  tickPhaseMs?: number;
}

type QueuedEvent<C> = Timed &
  (
    | { type: 'tick'; actor: ActorId; generation: number }
    | { type: 'command'; actor: ActorId; command: C }
    | { type: 'control'; label: string; run: () => void }
    | { type: 'wake'; actor: ActorId; incarnation: number }
    | { type: 'call'; actor: ActorId; run: () => void }
  );

interface Taken<P, C> {
  events: QueuedEvent<C>[];
  controls: QueuedEvent<C>[];
  /** Null when controls are due: the envelopes are taken after they ran. */
  due: Envelope<P>[] | null;
}

/** An outbox released when a busy time ended; outboxes leave in the order their busy times began. */
interface WakeSend<P, C = unknown> {
  /** The step whose run started the busy time. */
  origin: StepRecord<P, C>;
  rank: number;
  slot: ActorSlot<P, C>;
  messages: OutgoingMessage<P>[];
  /** What they wait for besides the time (ActorOutput.durable); null once landed. */
  durable: (() => Promise<void>) | null;
  /** Why they never left (set when `durable` rejected). */
  failure?: string;
}

/** Null once `durable` resolved, or why it rejected. */
async function landed(durable: () => Promise<void>): Promise<string | null> {
  try {
    await durable();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Lock-step order of released outboxes: by the step that started their busy time, then rank. Steps
 * are in time order, and in gathering order within an instant (a step made for a late wake is the
 * only one at its instant).
 */
function byOrigin<P, C>(a: WakeSend<P, C>, b: WakeSend<P, C>): number {
  return a.origin.atMs - b.origin.atMs || a.origin.seq - b.origin.seq || a.rank - b.rank;
}

/**
 * One step (one instant's batches) between being gathered and having its outputs on the network.
 * Invariant: unrouted steps are kept in the order they were gathered, which is time order; a step
 * is routed only after every run in it has been settled and every step before it routed.
 */
interface StepRecord<P, C> {
  atMs: number;
  /** Gathering order (-1 for a synthetic step). */
  seq: number;
  /**
   * Gathered while older steps were unrouted: its trace records and released outboxes wait for
   * its routing. A step gathered with nothing unrouted records and sends them at once.
   */
  deferred: boolean;
  /** Stands for a wake that was learned late (see World.apply): routing only, not counted as a step. */
  synthetic: boolean;
  wakeSends: WakeSend<P, C>[];
  records: TraceRecordArgs[];
  /** Its actors' runs, in registration order. */
  runs: ActorRun<P, C>[];
}

/** One actor's handling of one batch. `sends` is null until the answer has been applied. */
interface ActorRun<P, C> {
  slot: ActorSlot<P, C>;
  step: StepRecord<P, C>;
  pending: Promise<ActorOutput<P>> | null;
  out: ActorOutput<P> | null;
  sends: OutgoingMessage<P>[] | null;
  /** Why its messages never left (its writes did not land). */
  failure?: string;
}

interface ActorSlot<P, C> {
  actor: Actor<P, C>;
  /** Registration rank: batches run and outputs leave in this order. */
  rank: number;
  up: boolean;
  /** Bumped when ticks are rescheduled, so stale tick events are ignored. */
  generation: number;
  /** Its own time between ticks when its clock runs at another rate (null: the world's). */
  tickIntervalMs: number | null;
  /** Whether it gets ticks at all (clients usually not). */
  ticking: boolean;
  batch: ActorBatch<P, C> | null;
  /**
   * While busy (nowMs < busyUntilMs): the messages of its last batch, not yet sent, and the
   * batch gathering what arrives meanwhile. Both are handed over by the 'wake' event at
   * busyUntilMs; a crash discards them.
   */
  busyUntilMs: number;
  outbox: OutgoingMessage<P>[] | null;
  /** What the outbox waits for besides the time (ActorOutput.durable). */
  outboxDurable: (() => Promise<void>) | null;
  /** Why the outbox will not leave (its writes failed), once awaited. */
  outboxFailure: string | undefined;
  waiting: ActorBatch<P, C> | null;
  /** Bumped by every crash and removal, so a wake of an earlier life is ignored. */
  incarnation: number;
  /** The step whose run filled the outbox (outboxes of one instant leave in that order). */
  outboxOrigin: StepRecord<P, C> | null;
  /** Its last run while the answer is still out. */
  pending: ActorRun<P, C> | null;
  /**
   * What came due for it while `pending` was out, per step, in step order: it cannot be batched
   * before that answer says whether the actor is busy (see World.advance). Empty when not pending.
   */
  lazy: LazyItem<P, C>[];
}

/** A step's batch for an actor that had not answered its previous one yet. */
interface LazyItem<P, C> {
  step: StepRecord<P, C>;
  batch: ActorBatch<P, C>;
}

function mergeBatch<P, C>(into: ActorBatch<P, C>, from: ActorBatch<P, C>): void {
  for (const e of from.envelopes) into.envelopes.push(e);
  into.ticks += from.ticks;
  for (const c of from.commands) into.commands.push(c);
  if (from.calls) for (const f of from.calls) (into.calls ??= []).push(f);
}

export class World<P, C = never> {
  readonly rng: Prng;
  readonly clock: VirtualClock;
  readonly trace: Trace;
  readonly network: Network<P>;
  readonly tickIntervalMs: number;
  private readonly queue = new EventQueue<QueuedEvent<C>>();
  private readonly slots = new Map<ActorId, ActorSlot<P, C>>();
  /** Registration order: the fixed order of batches and output flushes. */
  private order: ActorSlot<P, C>[] = [];
  private readonly fingerprint: ((payload: P) => number) | undefined;
  private readonly describe: ((payload: P) => string) | undefined;
  private readonly stepListeners: Array<() => void> = [];
  /** Control actions, apart: a step with one waits until every earlier step is routed. */
  private readonly controls = new EventQueue<QueuedEvent<C>>();
  private readonly active: ActorSlot<P, C>[] = [];
  /** Steps gathered whose outputs are not on the network yet, oldest first (see StepRecord). */
  private readonly unrouted: StepRecord<P, C>[] = [];
  /** The instant of the last step gathered. */
  private gatheredMs = -Infinity;
  private nextStepSeq = 0;
  /** The instant whose outputs are being routed: network records carry it rather than the clock. */
  private emitAtMs: number | null = null;
  private readonly yieldTask: () => Promise<void>;
  private nextRank = 0;
  private stepping = false;
  private steps = 0;

  constructor(options: WorldOptions<P>) {
    this.rng = new Prng(options.seed);
    this.clock = new VirtualClock();
    this.trace = new Trace(options.trace);
    this.fingerprint = options.fingerprint;
    this.describe = options.describe;
    const interval = options.tickIntervalMs ?? 100;
    if (!(Number.isInteger(interval) && interval >= 1)) throw new Error(`world: tickIntervalMs must be a whole number >= 1, got ${interval}`);
    this.tickIntervalMs = interval;
    const observer = (kind: NetworkEventKind, env: Envelope<P>, reason?: DropReason) => this.onNetwork(kind, env, reason);
    this.network = new Network<P>(this.rng.fork('network'), options.network, observer);
    this.yieldTask = options.yieldTask ?? defaultYieldTask;
  }

  get nowMs(): number {
    return this.clock.nowMs;
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * Steps opened so far (gathered, whether or not their outputs are routed yet). Between steps
   * this equals stepCount. It names a point in the run that every host and every pipelining
   * reaches the same way, so a scenario places each user action by it (with the virtual time).
   */
  get stepsOpened(): number {
    return this.nextStepSeq;
  }

  /**
   * True while a step or a run is in progress (between its first gather and its last routing).
   * A change to actors or links made then would land between steps in a way that depends on
   * which steps were routed yet; such a change goes in as a control action (`at(nowMs)`) instead.
   */
  /**
   * Inputs from outside the world (a user's click, a console command, a client's answer acted
   * on) that arrived during a run. They wait until the current instant is complete (nothing more
   * can happen at this virtual time): the one point a replay reaches again however the run was
   * cut into chunks and steps, in every host. Arriving between runs, they apply at once.
   */
  private inputs: (() => void)[] = [];

  /** Runs `fn` now between runs, or during a run once the current instant is complete (see inputs). */
  betweenSteps(fn: () => void): void {
    if (!this.stepping && this.inputs.length === 0) fn();
    else this.inputs.push(fn);
  }

  /**
   * Nothing more is due at the current time: no event, and no unrouted step that could still
   * deliver at it (a step delivers at least the network's smallest delay after it ran).
   */
  instantComplete(): boolean {
    if (this.nextEventMs() <= this.nowMs) return false;
    if (this.network.minDelayMs() > 0) return true;
    return this.unrouted.every((st) => st.atMs < this.nowMs);
  }

  private flushInputs(): void {
    while (this.inputs.length > 0) {
      const fn = this.inputs.shift()!;
      try {
        fn();
      } catch (e) {
        console.error('world: an input failed', e);
      }
    }
  }

  get isStepping(): boolean {
    return this.stepping;
  }

  private onNetwork(kind: NetworkEventKind, env: Envelope<P>, reason?: DropReason): void {
    const t = this.trace;
    const now = this.emitAtMs ?? this.clock.nowMs;
    switch (kind) {
      case 'sent': {
        const digest = this.fingerprint ? this.fingerprint(env.payload) : 0;
        const tag = env.duplicate ? 'dup' : '';
        let detail = tag;
        if (this.describe) detail = env.duplicate ? `dup ${this.describe(env.payload)}` : this.describe(env.payload);
        // With a fingerprint the hash covers content through it, and the text is presentation
        // only: describing messages (for a replay) then leaves the hash unchanged.
        const hashed = this.fingerprint ? tag : detail;
        t.record(now, 'send', env.from, env.to, env.id, detail, env.deliverAtMs, digest, t.keepsEvents ? env.payload : undefined, hashed);
        break;
      }
      case 'dropped':
        t.record(now, 'drop', env.from, env.to, env.id, reason ?? '');
        break;
      case 'held':
        t.record(now, 'hold', env.from, env.to, env.id, '');
        break;
      case 'released':
        t.record(now, 'release', env.from, env.to, env.id, '', env.deliverAtMs);
        break;
    }
  }

  // ---- actors ----

  addActor(actor: Actor<P, C>, options: AddActorOptions = {}): void {
    if (this.slots.has(actor.id)) throw new Error(`world: actor ${actor.id} already exists`);
    if (actor.id === '') throw new Error('world: actor id must not be empty');
    const slot: ActorSlot<P, C> = {
      actor,
      rank: this.nextRank++,
      up: true,
      generation: 0,
      tickIntervalMs: null,
      ticking: options.ticks ?? true,
      batch: null,
      busyUntilMs: 0,
      outbox: null,
      outboxDurable: null,
      outboxFailure: undefined,
      waiting: null,
      incarnation: 0,
      outboxOrigin: null,
      pending: null,
      lazy: [],
    };
    this.slots.set(actor.id, slot);
    this.order.push(slot);
    if (options.ticks ?? true) {
      const phase = options.tickPhaseMs ?? this.rng.fork(`tick:${actor.id}`).int(this.tickIntervalMs);
      this.queue.push({ atMs: this.nowMs + 1 + phase, seq: 0, type: 'tick', actor: actor.id, generation: 0 });
    }
  }

  /**
   * Makes one actor's clock run at its own rate: its ticks come every `intervalMs` of virtual
   * time from now on (null: back to the world's interval). Only that actor's sense of time
   * changes; messages and the other actors keep the world's time. This is how clock drift is
   * modelled: a member whose ticks come faster thinks more time has passed than has.
   */
  setTickInterval(id: ActorId, intervalMs: number | null): void {
    const slot = this.requireSlot(id);
    if (!slot.ticking) throw new Error(`world: ${id} gets no ticks, so it has no clock to set`);
    if (intervalMs !== null && !(Number.isInteger(intervalMs) && intervalMs >= 1)) {
      throw new Error(`world: a tick interval must be a whole number of ms >= 1, got ${intervalMs}`);
    }
    slot.tickIntervalMs = intervalMs;
    slot.generation++;
    this.queue.push({ atMs: this.nowMs + (intervalMs ?? this.tickIntervalMs), seq: 0, type: 'tick', actor: id, generation: slot.generation });
    this.trace.record(this.nowMs, 'fault', id, '', 0, `tick interval ${intervalMs ?? this.tickIntervalMs} ms`);
  }

  /** An actor's time between ticks (its own when set, else the world's). */
  tickIntervalOf(id: ActorId): number {
    return this.requireSlot(id).tickIntervalMs ?? this.tickIntervalMs;
  }

  /** Forgets an actor: its ticks stop, envelopes to it are dropped. */
  removeActor(id: ActorId): void {
    const slot = this.requireSlot(id);
    this.slots.delete(id);
    this.order = this.order.filter((s) => s !== slot);
    slot.generation++;
    this.forgetBusy(slot);
  }

  /** A crashed or removed actor's unsent messages and waiting batch are gone with it. */
  private forgetBusy(slot: ActorSlot<P, C>): void {
    slot.incarnation++;
    slot.busyUntilMs = 0;
    slot.outbox = null;
    slot.outboxDurable = null;
    slot.outboxFailure = undefined;
    slot.waiting = null;
  }

  /** Whether an actor is still busy with its last batch (see ActorOutput.busyMs). */
  isBusy(id: ActorId): boolean {
    const slot = this.slots.get(id);
    return slot !== undefined && slot.busyUntilMs > this.nowMs;
  }

  /** When a busy actor's busy time ends (0 when it is not busy). */
  busyUntil(id: ActorId): number {
    const slot = this.slots.get(id);
    return slot !== undefined && slot.busyUntilMs > this.nowMs ? slot.busyUntilMs : 0;
  }

  hasActor(id: ActorId): boolean {
    return this.slots.has(id);
  }

  actorIds(): ActorId[] {
    return this.order.map((s) => s.actor.id);
  }

  isUp(id: ActorId): boolean {
    return this.slots.get(id)?.up ?? false;
  }

  private requireSlot(id: ActorId): ActorSlot<P, C> {
    const slot = this.slots.get(id);
    if (!slot) throw new Error(`world: no actor ${id}`);
    return slot;
  }

  /**
   * Crashes an actor now: it gets nothing (envelopes to it are dropped) until restarted. Call it
   * between steps or from a control action; an async crash hook is awaited by crashAsync.
   */
  crash(id: ActorId): void {
    const slot = this.requireSlot(id);
    if (!slot.up) return;
    slot.up = false;
    this.forgetBusy(slot);
    this.trace.record(this.nowMs, 'crash', id);
    const r = slot.actor.crash?.(this.nowMs);
    if (r && typeof (r as Promise<void>).then === 'function') throw new Error(`world: actor ${id} crashes asynchronously; use crashAsync`);
  }

  restart(id: ActorId): void {
    const slot = this.requireSlot(id);
    if (slot.up) return;
    slot.up = true;
    this.trace.record(this.nowMs, 'restart', id);
    const r = slot.actor.restart?.(this.nowMs);
    if (r && typeof (r as Promise<void>).then === 'function') throw new Error(`world: actor ${id} restarts asynchronously; use restartAsync`);
  }

  async crashAsync(id: ActorId): Promise<void> {
    const slot = this.requireSlot(id);
    if (!slot.up) return;
    slot.up = false;
    this.forgetBusy(slot);
    this.trace.record(this.nowMs, 'crash', id);
    await slot.actor.crash?.(this.nowMs);
  }

  async restartAsync(id: ActorId): Promise<void> {
    const slot = this.requireSlot(id);
    if (slot.up) return;
    slot.up = true;
    this.trace.record(this.nowMs, 'restart', id);
    await slot.actor.restart?.(this.nowMs);
  }

  // ---- network faults, traced ----

  partition(groups: readonly (readonly ActorId[])[]): void {
    this.network.partition(groups);
    this.trace.record(this.nowMs, 'partition', '', '', 0, groups.map((g) => g.join(',')).join(' | '));
  }

  cut(from: ActorId, to: ActorId): void {
    this.network.cut(from, to);
    this.trace.record(this.nowMs, 'partition', from, to, 0, 'cut');
  }

  uncut(from: ActorId, to: ActorId): void {
    this.network.uncut(from, to);
    this.trace.record(this.nowMs, 'heal', from, to, 0, 'uncut');
  }

  heal(): void {
    this.network.heal();
    this.trace.record(this.nowMs, 'heal', '', '', 0, 'all links');
  }

  setFaults(faults: Partial<LinkFaults>): void {
    this.network.setFaults(faults);
    this.trace.record(this.nowMs, 'fault', '', '', 0, JSON.stringify(faults));
  }

  // ---- scheduling ----

  /** Delivers `command` to actor `to` at virtual time `atMs` (recorded in the trace when it runs). */
  command(atMs: number, to: ActorId, command: C): void {
    this.checkFuture(atMs);
    this.queue.push({ atMs, seq: 0, type: 'command', actor: to, command });
  }

  /** Runs `run` at virtual time `atMs`, before that instant's deliveries (faults, user actions). */
  at(atMs: number, label: string, run: () => void): void {
    this.checkFuture(atMs);
    this.controls.push({ atMs, seq: 0, type: 'control', label, run });
  }

  /**
   * Runs `run` as part of actor `to`'s batch at `atMs`, before its envelopes: a timer of an actor
   * in this thread (a client's deadline or keep-alive). Unlike `at`, it concerns that actor alone,
   * so it does not make the steps before it finish first. Dropped if the actor is gone or down.
   */
  call(atMs: number, to: ActorId, run: () => void): void {
    this.checkFuture(atMs);
    this.queue.push({ atMs, seq: 0, type: 'call', actor: to, run });
  }

  private checkFuture(atMs: number): void {
    if (!(Number.isFinite(atMs) && atMs >= this.nowMs)) {
      throw new Error(`world: cannot schedule at ${atMs} ms (now ${this.nowMs} ms)`);
    }
  }

  /** Calls `listener` after every step (invariant checkers hook in here). Returns the unsubscribe. */
  afterStep(listener: () => void): () => void {
    this.stepListeners.push(listener);
    return () => {
      const i = this.stepListeners.indexOf(listener);
      if (i >= 0) this.stepListeners.splice(i, 1);
    };
  }

  /** Time of the next event, or Infinity when nothing is scheduled. */
  nextEventMs(): number {
    return Math.min(this.queue.peekTimeMs(), this.controls.peekTimeMs(), this.network.nextDeliveryMs());
  }

  private controlDueAt(t: number): boolean {
    return this.controls.peekTimeMs() === t;
  }

  /**
   * Opens the step at `t`: advances the clock and takes the events and envelopes due. A step that
   * follows unrouted steps is deferred: its trace records wait in its own buffer (see Trace.divert)
   * and its released outboxes wait for its routing, so the trace and the network's draws come out
   * in step order however the steps overlap.
   */
  private open(t: number): StepRecord<P, C> {
    this.clock.advanceTo(t);
    this.gatheredMs = t;
    const deferred = this.unrouted.length > 0;
    const step: StepRecord<P, C> = { atMs: t, seq: this.nextStepSeq++, deferred, synthetic: false, wakeSends: [], records: [], runs: [] };
    this.unrouted.push(step);
    // Even a step that records at once keeps what taking its envelopes records (drops on links cut
    // since they left) until its released outboxes are sent, as they go first.
    this.trace.divert(step.records);
    return step;
  }

  /**
   * Takes what is due at `t`. The envelopes are taken now only when no control action is due: a
   * control runs first and may cut what would arrive (gather takes them after it).
   */
  private take(t: number): Taken<P, C> {
    const events = this.queue.popAllAt(t, []);
    const controls = this.controls.popAllAt(t, []);
    let due: Envelope<P>[] | null = null;
    if (controls.length === 0) {
      due = [];
      this.network.takeDue(t, due);
    }
    return { events, controls, due };
  }

  /**
   * Builds the step's batches from what `take` returned (running its control actions first).
   * Returns the slots with work, in registration order.
   */
  private gather(step: StepRecord<P, C>, taken: Taken<P, C>): ActorSlot<P, C>[] {
    const t = step.atMs;
    const active = this.active;
    active.length = 0;
    let taking: TraceRecordArgs[] = [];
    if (!step.deferred) {
      this.trace.divert(null);
      taking = step.records.splice(0);
    }
    // Control actions first, in schedule order, so a fault at t applies to t's deliveries. A step
    // with controls is never deferred (the scheduler routes everything before it).
    for (const ev of taken.controls) {
      if (ev.type !== 'control') continue;
      if (ev.label) this.trace.record(t, 'fault', '', '', 0, ev.label);
      ev.run();
    }
    // Actors whose busy time ends now: their held messages leave (after this instant's faults,
    // so a cut made now stops them), and what waited for them becomes their batch. They leave in
    // the order their busy times began, as they would have had each wake been its own event.
    const wakes: WakeSend<P, C>[] = [];
    for (const ev of taken.events) {
      if (ev.type !== 'wake') continue;
      const slot = this.slots.get(ev.actor);
      if (!slot || slot.incarnation !== ev.incarnation || slot.busyUntilMs !== t) continue;
      slot.busyUntilMs = 0;
      const out = slot.outbox;
      const durable = slot.outboxDurable;
      slot.outbox = null;
      slot.outboxDurable = null;
      const failure = slot.outboxFailure;
      slot.outboxFailure = undefined;
      if (out) wakes.push({ origin: slot.outboxOrigin!, rank: slot.rank, slot, messages: out, durable, ...(failure !== undefined ? { failure } : {}) });
      const w = slot.waiting;
      slot.waiting = null;
      if (w && slot.up) {
        w.nowMs = t;
        slot.batch = w;
        active.push(slot);
      }
    }
    if (wakes.length > 1) wakes.sort(byOrigin);
    if (step.deferred) step.wakeSends.push(...wakes);
    else {
      // A step that sends at once had its outboxes' writes awaited before it was gathered.
      for (const w of wakes) this.sendReleased(w, t);
      this.trace.replay(taking);
    }
    let due = taken.due;
    if (due === null) {
      due = [];
      this.network.takeDue(t, due);
    }
    for (let i = 0; i < due.length; i++) {
      const env = due[i]!;
      const b = this.batchFor(env.to, t, step);
      if (b) {
        this.trace.record(t, 'deliver', env.to, env.from, env.id, '');
        b.envelopes.push(env);
      } else {
        this.trace.record(t, 'drop', env.from, env.to, env.id, 'down');
      }
    }
    for (const ev of taken.events) {
      if (ev.type === 'tick') {
        const slot = this.slots.get(ev.actor);
        if (!slot || slot.generation !== ev.generation) continue;
        this.queue.push({ atMs: t + (slot.tickIntervalMs ?? this.tickIntervalMs), seq: 0, type: 'tick', actor: ev.actor, generation: ev.generation });
        const b = this.batchFor(ev.actor, t, step);
        if (b) b.ticks++;
      } else if (ev.type === 'command') {
        const b = this.batchFor(ev.actor, t, step);
        this.trace.record(t, 'command', ev.actor, '', 0, b ? '' : 'dropped: actor down or unknown');
        if (b) b.commands.push(ev.command);
      } else if (ev.type === 'call') {
        const b = this.batchFor(ev.actor, t, step);
        if (b) (b.calls ??= []).push(ev.run);
      }
    }
    // Batches in registration order, whatever order the events came in.
    if (active.length > 1) active.sort((a, b) => a.rank - b.rank);
    return active;
  }

  /**
   * The batch being gathered for an actor that is up, or null (unknown or down). For a busy
   * actor it is the batch waiting for its wake.
   */
  private batchFor(id: ActorId, t: number, step: StepRecord<P, C>): ActorBatch<P, C> | null {
    const slot = this.slots.get(id);
    if (!slot || !slot.up) return null;
    if (slot.pending) {
      // Whether it is busy now is not known yet: keep it for when its answer is in.
      const last = slot.lazy[slot.lazy.length - 1];
      if (last && last.step === step) return last.batch;
      const item: LazyItem<P, C> = { step, batch: { nowMs: t, envelopes: [], ticks: 0, commands: [] } };
      slot.lazy.push(item);
      return item.batch;
    }
    if (slot.busyUntilMs > t) return (slot.waiting ??= { nowMs: slot.busyUntilMs, envelopes: [], ticks: 0, commands: [] });
    if (!slot.batch) {
      slot.batch = { nowMs: t, envelopes: [], ticks: 0, commands: [] };
      this.active.push(slot);
    }
    return slot.batch;
  }

  /**
   * Hands each active slot its batch. Synchronous answers are settled at once; asynchronous ones
   * stay pending on their slot until settled. Returns whether any actor answered synchronously.
   */
  private dispatch(step: StepRecord<P, C>, active: ActorSlot<P, C>[], allowAsync: boolean): boolean {
    let anySync = false;
    for (let i = 0; i < active.length; i++) {
      const slot = active[i]!;
      const batch = slot.batch!;
      slot.batch = null;
      if (this.start(slot, step, batch, allowAsync)) anySync = true;
    }
    active.length = 0;
    return anySync;
  }

  /**
   * Hands one batch to an actor, as a run of `step` (kept in registration order there). An
   * asynchronous answer is applied as soon as it is in, so each actor works through what came due
   * for it at its own pace; the world waits for it only where it must (routing). Returns whether
   * the actor answered synchronously.
   */
  private start(slot: ActorSlot<P, C>, step: StepRecord<P, C>, batch: ActorBatch<P, C>, allowAsync: boolean): boolean {
    const out = slot.actor.handle(batch);
    const run: ActorRun<P, C> = { slot, step, pending: null, out: null, sends: null };
    const runs = step.runs;
    let i = runs.length;
    while (i > 0 && runs[i - 1]!.slot.rank > slot.rank) i--;
    runs.splice(i, 0, run);
    if (typeof (out as Promise<ActorOutput<P>>).then === 'function' || (!allowAsync && (out as ActorOutput<P>).durable)) {
      if (!allowAsync) throw new Error(`world: actor ${slot.actor.id} answered asynchronously; use stepAsync`);
      const pending = out as Promise<ActorOutput<P>>;
      run.pending = pending;
      slot.pending = run;
      pending.then(
        (o) => {
          if (run.sends !== null) return;
          run.out = o;
          this.apply(run);
        },
        // A failing actor is reported by settle, where the world awaits it.
        () => undefined,
      );
      return false;
    }
    run.out = out as ActorOutput<P>;
    this.apply(run);
    return true;
  }

  /**
   * Works through what came due for an actor while its answer was out, now that it is in (so its
   * busy time is known): what falls in a busy time joins the waiting batch; the first thing after
   * it becomes a run of its own step, and the rest waits for that run's answer in turn. A busy time
   * that ended at or before the last gathered instant is a wake the world has passed: it is handled
   * here, at its instant's step (the first step at that instant, or a new one).
   */
  private advance(slot: ActorSlot<P, C>): void {
    while (!slot.pending) {
      const item = slot.lazy[0];
      const until = slot.busyUntilMs;
      if (until > 0 && until <= this.gatheredMs) {
        if (item && item.step.atMs < until) {
          slot.lazy.shift();
          mergeBatch((slot.waiting ??= { nowMs: until, envelopes: [], ticks: 0, commands: [] }), item.batch);
          continue;
        }
        slot.busyUntilMs = 0;
        let batch = slot.waiting;
        slot.waiting = null;
        if (batch === null && (item === undefined || item.step.atMs !== until)) continue;
        const at = this.stepAt(until);
        if (item && item.step === at) {
          slot.lazy.shift();
          if (batch) mergeBatch(batch, item.batch);
          else batch = item.batch;
        }
        if (batch) {
          batch.nowMs = until;
          this.start(slot, at, batch, true);
        }
        continue;
      }
      if (!item) return;
      slot.lazy.shift();
      if (until > item.step.atMs) {
        mergeBatch((slot.waiting ??= { nowMs: until, envelopes: [], ticks: 0, commands: [] }), item.batch);
        continue;
      }
      this.start(slot, item.step, item.batch, true);
    }
  }

  /** Waits for a run's answer and applies it (idempotent). */
  private async settle(run: ActorRun<P, C>): Promise<void> {
    if (run.sends !== null) return;
    const out = await run.pending!;
    if (run.sends !== null) return;
    run.out = out;
    this.apply(run);
  }

  /**
   * Takes in a run's answer: its busy time starts (the wake is scheduled, its messages go to the
   * outbox), or its messages wait for the step's routing. A busy time that ended at or before the
   * last gathered instant (the answer came in late) cannot be an event any more: its messages join
   * the routing of the step at that instant, where its wake would have sent them, and advance hands
   * over what waited. Then the actor works through what came due for it meanwhile.
   */
  private apply(run: ActorRun<P, C>): void {
    const slot = run.slot;
    const out = run.out!;
    if (slot.pending === run) slot.pending = null;
    run.sends = [];
    // An actor crashed during this step (by a control action) sends nothing.
    if (!slot.up) return;
    const busyMs = out.busyMs ?? 0;
    if (busyMs > 0) {
      if (!Number.isFinite(busyMs)) throw new Error(`world: actor ${slot.actor.id} reported busyMs ${busyMs}`);
      // Whole milliseconds, like every other virtual time.
      const until = run.step.atMs + Math.max(1, Math.round(busyMs));
      const msgs = out.messages.length > 0 ? out.messages : null;
      const durable = msgs ? (out.durable ?? null) : null;
      slot.busyUntilMs = until;
      if (until > this.gatheredMs) {
        slot.outbox = msgs;
        slot.outboxDurable = durable;
        slot.outboxOrigin = run.step;
        this.queue.push({ atMs: until, seq: 0, type: 'wake', actor: slot.actor.id, incarnation: slot.incarnation });
      } else if (msgs) {
        // A wake the world has passed: its outbox leaves at that instant's step (see advance).
        this.stepAt(until).wakeSends.push({ origin: run.step, rank: slot.rank, slot, messages: msgs, durable });
      }
      this.advance(slot);
      return;
    }
    run.sends = out.messages;
    this.advance(slot);
  }

  /** The first unrouted step at `t`, or a new one in its place when no step ran at `t`. */
  private stepAt(t: number): StepRecord<P, C> {
    const list = this.unrouted;
    let i = 0;
    while (i < list.length && list[i]!.atMs < t) i++;
    if (i < list.length && list[i]!.atMs === t) return list[i]!;
    const step: StepRecord<P, C> = { atMs: t, seq: -1, deferred: true, synthetic: true, wakeSends: [], records: [], runs: [] };
    list.splice(i, 0, step);
    return step;
  }

  /**
   * Puts the oldest unrouted step's outputs on the network, after settling its runs. Everything
   * the step recorded is recorded now, in lock-step order: released outboxes, then the records
   * made while gathering and running it, then each actor's events and messages in registration
   * order. The network draws its delays in that same order.
   */
  private async routeOldest(): Promise<void> {
    const step = this.unrouted[0]!;
    for (let run = step.runs.find((r) => r.sends === null); run; run = step.runs.find((r) => r.sends === null)) await this.settle(run);
    // Persist before send: what the messages may acknowledge must have landed.
    for (const run of step.runs) {
      const durable = run.out!.durable;
      if (!durable || run.sends!.length === 0) continue;
      const failure = await landed(durable);
      if (failure !== null) {
        run.sends = [];
        run.failure = failure;
      }
    }
    for (const w of step.wakeSends) await this.awaitReleased(w);
    this.unrouted.shift();
    this.routeSettled(step);
  }

  /** Waits for what a released outbox waits for; on a failure it is dropped (see sendReleased). */
  private async awaitReleased(w: WakeSend<P, C>): Promise<void> {
    const d = w.durable;
    if (!d) return;
    w.durable = null;
    const failure = await landed(d);
    if (failure !== null) {
      w.messages = [];
      w.failure = failure;
    }
  }

  private sendReleased(w: WakeSend<P, C>, t: number): void {
    if (w.failure !== undefined) this.trace.record(t, 'custom', w.slot.actor.id, '', 0, `stopped: ${w.failure}`);
    this.send(w.slot, w.messages, t);
  }

  private routeSettled(step: StepRecord<P, C>): void {
    const t = step.atMs;
    const diverted = this.trace.divert(null);
    this.emitAtMs = t;
    if (step.deferred) {
      if (step.wakeSends.length > 1) step.wakeSends.sort(byOrigin);
      for (const w of step.wakeSends) this.sendReleased(w, t);
      this.trace.replay(step.records);
    }
    for (const run of step.runs) {
      const id = run.slot.actor.id;
      const events = run.out!.events;
      if (events) for (const e of events) this.trace.record(t, e.kind, id, e.peer ?? '', 0, e.detail);
      if (run.failure !== undefined) this.trace.record(t, 'custom', id, '', 0, `stopped: ${run.failure}`);
      if (run.sends!.length > 0 && run.slot.up) this.send(run.slot, run.sends!, t);
    }
    this.emitAtMs = null;
    const last = this.unrouted[this.unrouted.length - 1];
    this.trace.divert(last && last !== step ? (diverted ?? null) : null);
    if (!step.synthetic) this.finishStep();
  }

  /** Routes every unrouted step. */
  private async drain(): Promise<void> {
    while (this.unrouted.length > 0) await this.routeOldest();
  }

  private send(slot: ActorSlot<P, C>, msgs: OutgoingMessage<P>[], t: number): void {
    const id = slot.actor.id;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i]!;
      this.network.send(id, m.to, m.payload, t);
    }
  }

  private finishStep(): void {
    this.steps++;
    for (const l of this.stepListeners) l();
  }

  /**
   * Runs the next instant with synchronous actors. Returns false when nothing is scheduled.
   * Throws if an actor answers with a Promise (use stepAsync for those).
   */
  step(): boolean {
    if (this.stepping) throw new Error('world: step called while a step is running');
    if (this.unrouted.length > 0) throw new Error('world: steps of a pipelined run are still out');
    const t = this.nextEventMs();
    if (t === Infinity) return false;
    this.stepping = true;
    try {
      const step = this.open(t);
      const active = this.gather(step, this.take(t));
      this.dispatch(step, active, false);
      this.unrouted.shift();
      this.routeSettled(step);
    } finally {
      this.stepping = false;
    }
    this.flushInputs();
    return true;
  }

  /** Runs the next instant, awaiting every actor before any output leaves. */
  async stepAsync(): Promise<boolean> {
    if (this.stepping) throw new Error('world: step called while a step is running');
    this.stepping = true;
    try {
      await this.drain();
      const t = this.nextEventMs();
      if (t === Infinity) return false;
      await this.stepOne(t);
      await this.drain();
    } finally {
      this.stepping = false;
    }
    this.flushInputs();
    return true;
  }

  /**
   * Opens, gathers and dispatches the step at `t`. Runs still out for actors with something due
   * now are settled first (their busy time decides where it goes). After synchronous actors
   * answered (page clients), the event loop turns once, so whatever their answers set off in
   * promise callbacks (a client's next request) happens at this instant in every host.
   */
  private async stepOne(t: number): Promise<void> {
    const step = this.open(t);
    const taken = this.take(t);
    if (!step.deferred) {
      // It sends released outboxes as it gathers: their writes must have landed.
      for (const ev of taken.events) {
        if (ev.type !== 'wake') continue;
        const slot = this.slots.get(ev.actor);
        if (!slot || slot.incarnation !== ev.incarnation || slot.busyUntilMs !== t || !slot.outboxDurable) continue;
        const failure = await landed(slot.outboxDurable);
        slot.outboxDurable = null;
        if (failure !== null) {
          slot.outbox = [];
          slot.outboxFailure = failure;
        }
      }
    }
    const active = this.gather(step, taken);
    if (this.dispatch(step, active, true)) await this.yieldTask();
  }

  /**
   * Runs what is due up to `untilMs` (events at exactly untilMs run), like runUntilAsync, with the
   * same outcome and trace, but overlapping the actors' asynchronous work: a step is gathered as
   * soon as every step that could still deliver to it has been routed, that is every step older
   * than the network's smallest delay (Network.minDelayMs), and the actors it involves have
   * answered their previous batch. A step with control actions waits for all earlier ones.
   * `stop()` is asked after each step that completes an instant (nothing more due at its time);
   * everything is routed before this returns.
   */
  async runPipelinedAsync(untilMs: number, stop?: () => boolean): Promise<number> {
    if (this.stepping) throw new Error('world: step called while a step is running');
    this.stepping = true;
    let n = 0;
    try {
      for (;;) {
        const t = this.nextEventMs();
        const oldest = this.unrouted[0];
        if (oldest !== undefined && (t > untilMs || oldest.atMs <= t - this.network.minDelayMs() || this.controlDueAt(t))) {
          // Routing may schedule wakes before t: look again afterwards.
          await this.routeOldest();
          continue;
        }
        if (t > untilMs) break;
        await this.stepOne(t);
        n++;
        let complete = this.instantComplete();
        if (complete && this.inputs.length > 0) {
          this.flushInputs();
          // They may have put something at this instant: it runs before the run may stop.
          complete = this.instantComplete();
        }
        // A run stops only once its instant is complete, so an input between runs lands where
        // one in the middle of a run would: after everything at its time.
        if (complete && stop && stop()) break;
      }
      await this.drain();
    } finally {
      this.stepping = false;
    }
    // Stopped early, what is left is still due; otherwise nothing is due up to untilMs.
    if (untilMs > this.nowMs && untilMs !== Infinity && this.nextEventMs() > untilMs) this.clock.advanceTo(untilMs);
    this.flushInputs();
    return n;
  }

  /**
   * Steps until virtual time would pass `untilMs` (events at exactly untilMs run), or `stop()`
   * says so after a step. The clock ends at untilMs unless stopped early. Returns steps taken.
   */
  runUntil(untilMs: number, stop?: () => boolean): number {
    let n = 0;
    while (this.nextEventMs() <= untilMs) {
      this.step();
      n++;
      if (stop && stop()) return n;
    }
    if (untilMs > this.nowMs && untilMs !== Infinity) this.clock.advanceTo(untilMs);
    return n;
  }

  async runUntilAsync(untilMs: number, stop?: () => boolean): Promise<number> {
    let n = 0;
    while (this.nextEventMs() <= untilMs) {
      await this.stepAsync();
      n++;
      if (stop && stop()) return n;
    }
    if (untilMs > this.nowMs && untilMs !== Infinity) this.clock.advanceTo(untilMs);
    return n;
  }
}
