/**
 * The network between named actors: it carries envelopes of opaque payloads and decides, from its
 * own seeded stream, when (and whether) each one arrives.
 *
 * Faults are one options object (`LinkFaults`), set for every link and optionally overridden per
 * directed link: latency = latencyMs + uniform[0, jitterMs), loss, duplication, and reordering
 * (without `reorder` a link is FIFO like a TCP connection; with it, jitter lets later messages
 * overtake earlier ones). Topology faults are separate: one-way cuts, partitions into groups,
 * holds (a held message waits until released), and dropping one in-flight envelope by id.
 *
 * Every send draws the same number of random values whatever the outcome, so a cut or a changed
 * loss rate does not shift the delays of later messages.
 */
import { EventQueue, type Timed } from './eventQueue.ts';
import type { Prng } from './prng.ts';

export type ActorId = string;

/** Invariant: sentAtMs <= deliverAtMs; `id` is unique per network and increases with send order. */
export interface Envelope<P> {
  readonly id: number;
  readonly from: ActorId;
  readonly to: ActorId;
  readonly payload: P;
  readonly sentAtMs: number;
  /** When it arrives (for a held envelope: when it would have arrived; updated on release). */
  deliverAtMs: number;
  /** True for the extra copy made by duplication. */
  readonly duplicate: boolean;
}

export interface LinkFaults {
  /** Fixed part of the one-way delay. At least 1 ms so a reply never lands in the instant that caused it. */
  latencyMs: number;
  /** Uniformly random extra delay in [0, jitterMs). */
  jitterMs: number;
  /** Probability that a message is lost. */
  lossRate: number;
  /** Probability that a message arrives twice (the copy has its own delay). */
  duplicateRate: number;
  /** When false the link delivers in send order (delays are stretched to keep FIFO). */
  reorder: boolean;
  /**
   * When set, a lost message is not dropped but arrives this much later, as TCP's retransmission
   * would deliver it; on a FIFO link the messages after it wait behind it. Unset: loss drops.
   */
  retransmitMs?: number;
}

export const DEFAULT_LINK_FAULTS: Readonly<LinkFaults> = {
  latencyMs: 5,
  jitterMs: 5,
  lossRate: 0,
  duplicateRate: 0,
  reorder: false,
};

export type DropReason = 'loss' | 'cut' | 'partition' | 'dropped' | 'down';

export type NetworkEventKind = 'sent' | 'dropped' | 'held' | 'released';

/** Told about every envelope's fate, in the order it happens. */
export type NetworkObserver<P> = (kind: NetworkEventKind, envelope: Envelope<P>, reason?: DropReason) => void;

type Flight<P> = Envelope<P> & Timed;

interface LinkState {
  faults: LinkFaults;
  faultsVersion: number;
  /** Time of the latest delivery scheduled on this link (FIFO links never deliver before it). */
  lastDeliveryMs: number;
}

function linkKey(from: ActorId, to: ActorId): string {
  return `${from}\u0000${to}`;
}

export function validateFaults(f: Partial<LinkFaults>): void {
  const rate = (name: keyof LinkFaults) => {
    const v = f[name];
    if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) {
      throw new Error(`network: ${name} must be a probability in [0, 1], got ${String(v)}`);
    }
  };
  rate('lossRate');
  rate('duplicateRate');
  if (f.latencyMs !== undefined && !(Number.isFinite(f.latencyMs) && f.latencyMs >= 1)) {
    throw new Error(`network: latencyMs must be a finite number >= 1, got ${f.latencyMs}`);
  }
  if (f.jitterMs !== undefined && !(Number.isFinite(f.jitterMs) && f.jitterMs >= 0)) {
    throw new Error(`network: jitterMs must be a finite number >= 0, got ${f.jitterMs}`);
  }
  if (f.retransmitMs !== undefined && !(Number.isFinite(f.retransmitMs) && f.retransmitMs >= 1)) {
    throw new Error(`network: retransmitMs must be a finite number >= 1, got ${f.retransmitMs}`);
  }
}

export class Network<P> {
  private faults: LinkFaults;
  private readonly linkOverrides = new Map<string, Partial<LinkFaults>>();
  /** Per directed link (from -> to): resolved faults and FIFO state. Sends are the hot path. */
  private readonly links = new Map<ActorId, Map<ActorId, LinkState>>();
  /** Bumped when faults change; a link re-resolves its faults when its copy is older. */
  private faultsVersion = 0;
  private minDelay = 1;
  private minDelayVersion = -1;
  private readonly cuts = new Set<string>();
  /** Actor -> partition group; actors in no group reach everyone. */
  private groupOf = new Map<ActorId, number>();
  private readonly heldLinks = new Set<string>();
  private readonly queue = new EventQueue<Flight<P>>();
  /** In-flight envelopes by id (on the wire, not held); removal marks a queue entry dead. */
  private readonly flying = new Map<number, Flight<P>>();
  private readonly held = new Map<number, Flight<P>>();
  private nextId = 1;
  /** Running totals: envelopes put on the wire, handed to receivers, dropped (any reason). */
  readonly counts = { sent: 0, delivered: 0, dropped: 0 };

  constructor(
    private readonly rng: Prng,
    faults: Partial<LinkFaults> = {},
    private readonly observer?: NetworkObserver<P>,
  ) {
    validateFaults(faults);
    this.faults = { ...DEFAULT_LINK_FAULTS, ...faults };
  }

  /** The faults every link has unless overridden. */
  getFaults(): Readonly<LinkFaults> {
    return this.faults;
  }

  setFaults(faults: Partial<LinkFaults>): void {
    validateFaults(faults);
    this.faults = { ...this.faults, ...faults };
    this.faultsVersion++;
  }

  /** Overrides faults on the directed link from -> to; `undefined` removes the override. */
  setLinkFaults(from: ActorId, to: ActorId, faults: Partial<LinkFaults> | undefined): void {
    if (faults) validateFaults(faults);
    const key = linkKey(from, to);
    if (faults) this.linkOverrides.set(key, { ...faults });
    else this.linkOverrides.delete(key);
    this.faultsVersion++;
  }

  /**
   * A lower bound on the delay of any envelope sent now, in whole ms (at least 1): the smallest
   * latency of any link, rounded as deliveries are. Jitter, retransmission and FIFO order only add
   * to it. The scheduler overlaps the steps that fall within it.
   */
  minDelayMs(): number {
    if (this.minDelayVersion !== this.faultsVersion) {
      let min = Math.round(this.faults.latencyMs);
      for (const o of this.linkOverrides.values()) if (o.latencyMs !== undefined) min = Math.min(min, Math.round(o.latencyMs));
      this.minDelay = Math.max(1, min);
      this.minDelayVersion = this.faultsVersion;
    }
    return this.minDelay;
  }

  linkFaults(from: ActorId, to: ActorId): Readonly<LinkFaults> {
    return this.link(from, to).faults;
  }

  private link(from: ActorId, to: ActorId): LinkState {
    let row = this.links.get(from);
    if (!row) {
      row = new Map();
      this.links.set(from, row);
    }
    let l = row.get(to);
    if (!l) {
      l = { faults: this.faults, faultsVersion: -1, lastDeliveryMs: -Infinity };
      row.set(to, l);
    }
    if (l.faultsVersion !== this.faultsVersion) {
      const o = this.linkOverrides.size > 0 ? this.linkOverrides.get(linkKey(from, to)) : undefined;
      l.faults = o ? { ...this.faults, ...o } : this.faults;
      l.faultsVersion = this.faultsVersion;
    }
    return l;
  }

  /** Cuts the one-way link from -> to: messages that way are dropped (the other way still works). */
  cut(from: ActorId, to: ActorId): void {
    this.cuts.add(linkKey(from, to));
  }

  uncut(from: ActorId, to: ActorId): void {
    this.cuts.delete(linkKey(from, to));
  }

  /**
   * Splits the named actors into groups that cannot reach each other (replacing any earlier
   * partition). Actors named in no group are not affected.
   */
  partition(groups: readonly (readonly ActorId[])[]): void {
    const g = new Map<ActorId, number>();
    groups.forEach((members, i) => {
      for (const a of members) {
        if (g.has(a)) throw new Error(`network: actor ${a} is in more than one partition group`);
        g.set(a, i);
      }
    });
    this.groupOf = g;
  }

  /** Removes every cut and partition. Held messages stay held (see releaseAll). */
  heal(): void {
    this.cuts.clear();
    this.groupOf = new Map();
  }

  canReach(from: ActorId, to: ActorId): boolean {
    return this.blockReason(from, to) === undefined;
  }

  private blockReason(from: ActorId, to: ActorId): DropReason | undefined {
    if (this.cuts.size > 0 && this.cuts.has(linkKey(from, to))) return 'cut';
    if (this.groupOf.size > 0) {
      const a = this.groupOf.get(from);
      const b = this.groupOf.get(to);
      if (a !== undefined && b !== undefined && a !== b) return 'partition';
    }
    return undefined;
  }

  /** Holds the link from -> to: messages arriving on it wait until released. */
  holdLink(from: ActorId, to: ActorId): void {
    this.heldLinks.add(linkKey(from, to));
  }

  /** Stops holding the link and releases what it held. */
  releaseLink(from: ActorId, to: ActorId, nowMs: number): void {
    this.heldLinks.delete(linkKey(from, to));
    for (const env of [...this.held.values()]) {
      if (env.from === from && env.to === to) this.release(env.id, nowMs);
    }
  }

  /** Holds one in-flight envelope; returns false if it is not in flight. */
  hold(id: number): boolean {
    const env = this.flying.get(id);
    if (!env) return false;
    this.flying.delete(id);
    this.held.set(id, env);
    this.observer?.('held', env);
    return true;
  }

  /** Releases a held envelope: it arrives at its planned time, or 1 ms from now if that has passed. */
  release(id: number, nowMs: number): boolean {
    const env = this.held.get(id);
    if (!env) return false;
    this.held.delete(id);
    const fresh: Flight<P> = { ...env, deliverAtMs: Math.max(env.deliverAtMs, nowMs + 1), atMs: 0, seq: 0 };
    fresh.atMs = fresh.deliverAtMs;
    this.flying.set(id, fresh);
    this.queue.push(fresh);
    this.observer?.('released', fresh);
    return true;
  }

  releaseAll(nowMs: number): void {
    this.heldLinks.clear();
    for (const id of [...this.held.keys()].sort((a, b) => a - b)) this.release(id, nowMs);
  }

  /** Drops one envelope that is in flight or held; returns false if there is no such envelope. */
  drop(id: number): boolean {
    const env = this.flying.get(id) ?? this.held.get(id);
    if (!env) return false;
    this.flying.delete(id);
    this.held.delete(id);
    this.counts.dropped++;
    this.observer?.('dropped', env, 'dropped');
    return true;
  }

  /**
   * Sends a payload. Returns the envelopes put on the wire (none when lost or cut, two when
   * duplicated). Envelopes are reported to the observer in send order.
   */
  send(from: ActorId, to: ActorId, payload: P, nowMs: number): number {
    const link = this.link(from, to);
    const f = link.faults;
    const rng = this.rng;
    // Always four draws, whatever happens below, so outcomes do not shift later delays.
    const lossDraw = rng.float();
    const dupDraw = rng.float();
    const delay1 = f.latencyMs + rng.float() * f.jitterMs;
    const delay2 = f.latencyMs + rng.float() * f.jitterMs;
    const lost = lossDraw < f.lossRate;
    const retransmitted = lost && f.retransmitMs !== undefined;
    const first = this.launch(from, to, payload, nowMs, retransmitted ? delay1 + f.retransmitMs! : delay1, false);
    const block = this.blockReason(from, to);
    if (block !== undefined) {
      this.counts.dropped++;
      this.observer?.('dropped', first, block);
      return 0;
    }
    if (lost && !retransmitted) {
      this.counts.dropped++;
      this.observer?.('dropped', first, 'loss');
      return 0;
    }
    this.enqueue(first, link);
    if (dupDraw < f.duplicateRate) {
      this.enqueue(this.launch(from, to, payload, nowMs, delay2, true), link);
      return 2;
    }
    return 1;
  }

  private launch(from: ActorId, to: ActorId, payload: P, nowMs: number, delayMs: number, duplicate: boolean): Flight<P> {
    // Whole milliseconds keep times exact in traces and hashes.
    const at = nowMs + Math.max(1, Math.round(delayMs));
    return { id: this.nextId++, from, to, payload, sentAtMs: nowMs, deliverAtMs: at, duplicate, atMs: at, seq: 0 };
  }

  private enqueue(env: Flight<P>, link: LinkState): void {
    if (!link.faults.reorder) {
      if (link.lastDeliveryMs > env.deliverAtMs) {
        env.deliverAtMs = link.lastDeliveryMs;
        env.atMs = link.lastDeliveryMs;
      }
      link.lastDeliveryMs = env.deliverAtMs;
    }
    this.counts.sent++;
    this.observer?.('sent', env);
    this.flying.set(env.id, env);
    this.queue.push(env);
  }

  /** Time of the next envelope due, or Infinity. */
  nextDeliveryMs(): number {
    const q = this.queue;
    // Skip entries dropped or held by id since they were queued.
    for (;;) {
      const top = q.peek();
      if (top === undefined) return Infinity;
      if (this.flying.get(top.id) === top) return top.atMs;
      q.pop();
    }
  }

  /**
   * Removes the envelopes due at `atMs` and appends those that arrive to `out`, in (time, send)
   * order. Links cut or partitioned while a message was in flight lose it; held links keep it.
   */
  takeDue(atMs: number, out: Envelope<P>[]): void {
    const q = this.queue;
    for (;;) {
      const top = q.peek();
      if (top === undefined || top.atMs !== atMs) return;
      q.pop();
      if (this.flying.get(top.id) !== top) continue;
      this.flying.delete(top.id);
      const block = this.blockReason(top.from, top.to);
      if (block !== undefined) {
        this.counts.dropped++;
        this.observer?.('dropped', top, block);
        continue;
      }
      if (this.heldLinks.size > 0 && this.heldLinks.has(linkKey(top.from, top.to))) {
        this.held.set(top.id, top);
        this.observer?.('held', top);
        continue;
      }
      this.counts.delivered++;
      out.push(top);
    }
  }

  /** Envelopes on the wire, by id (for drawing them in flight). */
  inFlight(): Envelope<P>[] {
    return [...this.flying.values()].sort((a, b) => a.id - b.id);
  }

  heldEnvelopes(): Envelope<P>[] {
    return [...this.held.values()].sort((a, b) => a.id - b.id);
  }

  /** Where an envelope is along its way at `nowMs`: 0 at the sender, 1 at the receiver. */
  static progress(env: Pick<Envelope<unknown>, 'sentAtMs' | 'deliverAtMs'>, nowMs: number): number {
    const span = env.deliverAtMs - env.sentAtMs;
    if (span <= 0) return 1;
    return Math.min(1, Math.max(0, (nowMs - env.sentAtMs) / span));
  }
}
