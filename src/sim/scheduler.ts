/**
 * The lock-step scheduler (DESIGN.md §3): it owns virtual time and runs the world one instant at a
 * time. Each step takes every event due at the next instant (control actions such as faults,
 * envelope deliveries, timer ticks, commands), hands each actor its batch in registration order,
 * waits for all of them, and only then puts their outputs on the network, again in registration
 * order. Delays come from the network's seeded stream in that fixed order, so the outcome never
 * depends on which actor finishes first, and a synchronous actor costs no Promise per step.
 */
import { VirtualClock } from './clock.ts';
import { EventQueue, type Timed } from './eventQueue.ts';
import { Network, type ActorId, type DropReason, type Envelope, type LinkFaults, type NetworkEventKind } from './network.ts';
import { Prng, type Seed } from './prng.ts';
import { Trace, type TraceKind, type TraceOptions } from './trace.ts';

/** What an actor gets at one instant. Valid only during the call that receives it. */
export interface ActorBatch<P, C> {
  nowMs: number;
  /** Envelopes arriving now, in delivery order. */
  envelopes: Envelope<P>[];
  /** Timer ticks due now (normally 0 or 1). */
  ticks: number;
  /** Commands (client requests, operator actions) due now, in schedule order. */
  commands: C[];
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
  /** Virtual time between an actor's timer ticks; DESIGN.md §3 uses 100 ms. */
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
  );

interface ActorSlot<P, C> {
  actor: Actor<P, C>;
  /** Registration rank: batches run and outputs leave in this order. */
  rank: number;
  up: boolean;
  /** Bumped when ticks are rescheduled, so stale tick events are ignored. */
  generation: number;
  batch: ActorBatch<P, C> | null;
  /**
   * While busy (nowMs < busyUntilMs): the messages of its last batch, not yet sent, and the
   * batch gathering what arrives meanwhile. Both are handed over by the 'wake' event at
   * busyUntilMs; a crash discards them.
   */
  busyUntilMs: number;
  outbox: OutgoingMessage<P>[] | null;
  waiting: ActorBatch<P, C> | null;
  /** Bumped by every crash and removal, so a wake of an earlier life is ignored. */
  incarnation: number;
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
  private readonly due: Envelope<P>[] = [];
  private readonly dueEvents: QueuedEvent<C>[] = [];
  private readonly active: ActorSlot<P, C>[] = [];
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
  }

  get nowMs(): number {
    return this.clock.nowMs;
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  private onNetwork(kind: NetworkEventKind, env: Envelope<P>, reason?: DropReason): void {
    const t = this.trace;
    const now = this.clock.nowMs;
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
    const slot: ActorSlot<P, C> = { actor, rank: this.nextRank++, up: true, generation: 0, batch: null, busyUntilMs: 0, outbox: null, waiting: null, incarnation: 0 };
    this.slots.set(actor.id, slot);
    this.order.push(slot);
    if (options.ticks ?? true) {
      const phase = options.tickPhaseMs ?? this.rng.fork(`tick:${actor.id}`).int(this.tickIntervalMs);
      this.queue.push({ atMs: this.nowMs + 1 + phase, seq: 0, type: 'tick', actor: actor.id, generation: 0 });
    }
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
    this.queue.push({ atMs, seq: 0, type: 'control', label, run });
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
    return Math.min(this.queue.peekTimeMs(), this.network.nextDeliveryMs());
  }

  /**
   * Collects the next instant's batches (running its control actions first). Returns the slots
   * with work, in registration order, or null when nothing is scheduled.
   */
  private gather(): ActorSlot<P, C>[] | null {
    const t = this.nextEventMs();
    if (t === Infinity) return null;
    this.clock.advanceTo(t);
    const active = this.active;
    active.length = 0;
    const events = this.queue.popAllAt(t, this.dueEvents);
    // Control actions first, in schedule order, so a fault at t applies to t's deliveries.
    for (const ev of events) {
      if (ev.type === 'control') {
        if (ev.label) this.trace.record(t, 'fault', '', '', 0, ev.label);
        ev.run();
      }
    }
    // Actors whose busy time ends now: their held messages leave (after this instant's faults,
    // so a cut made now stops them), and what waited for them becomes their batch.
    for (const ev of events) {
      if (ev.type !== 'wake') continue;
      const slot = this.slots.get(ev.actor);
      if (!slot || slot.incarnation !== ev.incarnation || slot.busyUntilMs !== t) continue;
      slot.busyUntilMs = 0;
      const out = slot.outbox;
      slot.outbox = null;
      if (out) this.send(slot, out, t);
      const w = slot.waiting;
      slot.waiting = null;
      if (w && slot.up) {
        w.nowMs = t;
        slot.batch = w;
        active.push(slot);
      }
    }
    const due = this.due;
    this.network.takeDue(t, due);
    for (let i = 0; i < due.length; i++) {
      const env = due[i]!;
      const b = this.batchFor(env.to, t);
      if (b) {
        this.trace.record(t, 'deliver', env.to, env.from, env.id, '');
        b.envelopes.push(env);
      } else {
        this.trace.record(t, 'drop', env.from, env.to, env.id, 'down');
      }
    }
    due.length = 0;
    for (const ev of events) {
      if (ev.type === 'tick') {
        const slot = this.slots.get(ev.actor);
        if (!slot || slot.generation !== ev.generation) continue;
        this.queue.push({ atMs: t + this.tickIntervalMs, seq: 0, type: 'tick', actor: ev.actor, generation: ev.generation });
        const b = this.batchFor(ev.actor, t);
        if (b) b.ticks++;
      } else if (ev.type === 'command') {
        const b = this.batchFor(ev.actor, t);
        this.trace.record(t, 'command', ev.actor, '', 0, b ? '' : 'dropped: actor down or unknown');
        if (b) b.commands.push(ev.command);
      }
    }
    events.length = 0;
    // Batches in registration order, whatever order the events came in.
    if (active.length > 1) active.sort((a, b) => a.rank - b.rank);
    return active;
  }

  /**
   * The batch being gathered for an actor that is up, or null (unknown or down). For a busy
   * actor it is the batch waiting for its wake.
   */
  private batchFor(id: ActorId, t: number): ActorBatch<P, C> | null {
    const slot = this.slots.get(id);
    if (!slot || !slot.up) return null;
    if (slot.busyUntilMs > t) return (slot.waiting ??= { nowMs: slot.busyUntilMs, envelopes: [], ticks: 0, commands: [] });
    if (!slot.batch) {
      slot.batch = { nowMs: t, envelopes: [], ticks: 0, commands: [] };
      this.active.push(slot);
    }
    return slot.batch;
  }

  private flush(slot: ActorSlot<P, C>, out: ActorOutput<P>): void {
    const id = slot.actor.id;
    const t = this.clock.nowMs;
    if (out.events) for (const e of out.events) this.trace.record(t, e.kind, id, e.peer ?? '', 0, e.detail);
    // An actor crashed during this step (by a control action) sends nothing.
    if (!slot.up) return;
    const busyMs = out.busyMs ?? 0;
    if (busyMs > 0) {
      if (!Number.isFinite(busyMs)) throw new Error(`world: actor ${id} reported busyMs ${busyMs}`);
      // Whole milliseconds, like every other virtual time.
      const until = t + Math.max(1, Math.round(busyMs));
      slot.busyUntilMs = until;
      slot.outbox = out.messages.length > 0 ? out.messages : null;
      this.queue.push({ atMs: until, seq: 0, type: 'wake', actor: id, incarnation: slot.incarnation });
      return;
    }
    this.send(slot, out.messages, t);
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
    this.stepping = true;
    try {
      const active = this.gather();
      if (active === null) return false;
      const outs: ActorOutput<P>[] = new Array(active.length);
      for (let i = 0; i < active.length; i++) {
        const slot = active[i]!;
        const batch = slot.batch!;
        slot.batch = null;
        const out = slot.actor.handle(batch);
        if (typeof (out as Promise<ActorOutput<P>>).then === 'function') {
          throw new Error(`world: actor ${slot.actor.id} answered asynchronously; use stepAsync`);
        }
        outs[i] = out as ActorOutput<P>;
      }
      for (let i = 0; i < active.length; i++) this.flush(active[i]!, outs[i]!);
    } finally {
      this.stepping = false;
    }
    this.finishStep();
    return true;
  }

  /** Runs the next instant, awaiting every actor before any output leaves. */
  async stepAsync(): Promise<boolean> {
    if (this.stepping) throw new Error('world: step called while a step is running');
    this.stepping = true;
    try {
      const active = this.gather();
      if (active === null) return false;
      const pending = active.map((slot) => {
        const batch = slot.batch!;
        slot.batch = null;
        return slot.actor.handle(batch);
      });
      const outs = await Promise.all(pending);
      for (let i = 0; i < active.length; i++) this.flush(active[i]!, outs[i]!);
    } finally {
      this.stepping = false;
    }
    this.finishStep();
    return true;
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
