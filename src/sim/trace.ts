/**
 * The record of everything that happened in a world: envelopes sent, delivered and dropped, role
 * changes, crashes, restarts, partitions, and whatever else the host reports.
 *
 * Two views with different lifetimes: the hash covers EVERY event ever recorded (FNV-1a chained
 * over each event's canonical line), while the kept events are a bounded ring, so long runs stay
 * in bounded memory and two runs can still be compared exactly by hash.
 */
import { hashString32 } from './prng.ts';

export type TraceKind =
  | 'send'
  | 'deliver'
  | 'drop'
  | 'hold'
  | 'release'
  | 'role'
  | 'crash'
  | 'restart'
  | 'partition'
  | 'heal'
  | 'fault'
  | 'command'
  | 'custom';

/** Invariant: seq is 0, 1, 2, ... in recording order; atMs never decreases along seq. */
export interface TraceEvent {
  seq: number;
  atMs: number;
  kind: TraceKind;
  /** The actor it happened to (the sender for send/drop, the receiver for deliver). */
  actor: string;
  /** The other end of an envelope, or '' */
  peer: string;
  /** The envelope id, or 0 when not about an envelope. */
  envelopeId: number;
  /** Free text: a payload summary, a role, a reason. Part of the hash. */
  detail: string;
}

export interface TraceOptions {
  /** How many recent events to keep in memory (0 keeps none; the hash still covers all). */
  capacity?: number;
  /** Turn hashing off for raw speed (benchmarks); `hash` then stays at its initial value. */
  hashing?: boolean;
}

export type TraceListener = (event: TraceEvent) => void;

const HASH_SEED = 0x811c9dc5;

/** The canonical one-line form of an event that the hash covers. */
export function canonicalLine(e: Omit<TraceEvent, 'seq'>): string {
  return `${e.atMs}|${e.kind}|${e.actor}|${e.peer}|${e.envelopeId}|${e.detail}\n`;
}

export class Trace {
  private readonly capacity: number;
  private readonly hashing: boolean;
  private readonly ring: TraceEvent[] = [];
  /** Next slot to overwrite once the ring is full. */
  private head = 0;
  private count = 0;
  private h = HASH_SEED;
  private readonly listeners = new Set<TraceListener>();

  constructor(options: TraceOptions = {}) {
    const cap = options.capacity ?? 10_000;
    if (!(cap >= 0) || (cap !== Infinity && !Number.isInteger(cap))) {
      throw new Error(`trace: capacity must be a whole number >= 0 or Infinity, got ${cap}`);
    }
    this.capacity = cap;
    this.hashing = options.hashing ?? true;
  }

  /** Events recorded so far, including those no longer kept. */
  get totalCount(): number {
    return this.count;
  }

  /** The chained hash of all events so far, as 8 hex digits. */
  get hash(): string {
    return this.h.toString(16).padStart(8, '0');
  }

  record(atMs: number, kind: TraceKind, actor: string, peer = '', envelopeId = 0, detail = ''): void {
    if (this.hashing) {
      this.h = hashString32(`${atMs}|${kind}|${actor}|${peer}|${envelopeId}|${detail}\n`, this.h);
    }
    const seq = this.count++;
    if (this.capacity === 0 && this.listeners.size === 0) return;
    const event: TraceEvent = { seq, atMs, kind, actor, peer, envelopeId, detail };
    if (this.capacity > 0) {
      if (this.ring.length < this.capacity) this.ring.push(event);
      else {
        this.ring[this.head] = event;
        this.head = (this.head + 1) % this.capacity;
      }
    }
    for (const l of this.listeners) l(event);
  }

  /** The kept events, oldest first. */
  events(): TraceEvent[] {
    if (this.ring.length < this.capacity || this.head === 0) return this.ring.slice();
    return [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
