/**
 * The record of everything that happened in a world: envelopes sent, delivered and dropped, role
 * changes, crashes, restarts, partitions, and whatever else the host reports.
 *
 * Two views with different lifetimes: the hash covers EVERY event ever recorded (FNV-1a chained
 * over each event's fields in a fixed order), while the kept events are a bounded ring, so long runs stay
 * in bounded memory and two runs can still be compared exactly by hash.
 */
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
  /** The other end of an envelope, or ''. */
  peer: string;
  /** The envelope id, or 0 when not about an envelope. */
  envelopeId: number;
  /** A number that goes with the kind (a send's delivery time), or 0. */
  value: number;
  /** A canonical fingerprint of the payload (for sends), or 0. */
  digest: number;
  /** Free text: a role, a reason, a fault. */
  detail: string;
  /** The payload itself, for sends (kept for inspection only; the hash covers `digest`). */
  payload?: unknown;
}

export interface TraceOptions {
  /** How many recent events to keep in memory (0 keeps none; the hash still covers all). */
  capacity?: number;
  /** Turn hashing off for raw speed (benchmarks); `hash` then stays at its initial value. */
  hashing?: boolean;
}

export type TraceListener = (event: TraceEvent) => void;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a step over a whole number, as 8 little-endian bytes (exact for |n| < 2^53). */
function mixNumber(h: number, n: number): number {
  const lo = n >>> 0;
  const hi = Math.floor(n / 4294967296) >>> 0;
  h = Math.imul(h ^ (lo & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((lo >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((lo >>> 16) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ (lo >>> 24), FNV_PRIME);
  h = Math.imul(h ^ (hi & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((hi >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((hi >>> 16) & 0xff), FNV_PRIME);
  return Math.imul(h ^ (hi >>> 24), FNV_PRIME);
}

/** FNV-1a step over a string's UTF-16 code units, then a 0xffff terminator (so fields cannot run together). */
function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return Math.imul(h ^ 0xffff, FNV_PRIME);
}

/**
 * One step of the chained hash: FNV-1a over the event's canonical serialization, its fields in
 * this fixed order: atMs, kind, actor, peer, envelopeId, value, digest, detail (seq and payload
 * are not part of it).
 */
export function hashEvent(h: number, e: Omit<TraceEvent, 'seq' | 'payload'>): number {
  h = mixNumber(h, e.atMs);
  h = mixString(h, e.kind);
  h = mixString(h, e.actor);
  h = mixString(h, e.peer);
  h = mixNumber(h, e.envelopeId);
  h = mixNumber(h, e.value);
  h = mixNumber(h, e.digest);
  return mixString(h, e.detail) >>> 0;
}

export const TRACE_HASH_SEED = FNV_OFFSET;

/** The arguments of one `Trace.record` call, kept while the trace is diverted. */
export type TraceRecordArgs = [
  atMs: number,
  kind: TraceKind,
  actor: string,
  peer: string,
  envelopeId: number,
  detail: string,
  value: number,
  digest: number,
  payload: unknown,
  hashedDetail: string,
];

export class Trace {
  private readonly capacity: number;
  private readonly hashing: boolean;
  private readonly ring: TraceEvent[] = [];
  /** Next slot to overwrite once the ring is full. */
  private head = 0;
  private count = 0;
  private h = FNV_OFFSET;
  private readonly listeners = new Set<TraceListener>();
  /** While set, records wait here (as their arguments) instead of being recorded; see divert. */
  private sink: TraceRecordArgs[] | null = null;

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

  /** Whether recorded events go anywhere besides the hash (a ring or a listener). */
  get keepsEvents(): boolean {
    return this.capacity > 0 || this.listeners.size > 0;
  }

  record(
    atMs: number,
    kind: TraceKind,
    actor: string,
    peer = '',
    envelopeId = 0,
    detail = '',
    value = 0,
    digest = 0,
    payload?: unknown,
    /** What the hash covers in place of `detail`, when the text is presentation only. */
    hashedDetail = detail,
  ): void {
    if (this.sink !== null) {
      this.sink.push([atMs, kind, actor, peer, envelopeId, detail, value, digest, payload, hashedDetail]);
      return;
    }
    if (this.hashing) {
      // Inlined hashEvent (this is the hottest path of a traced run); the test keeps them equal.
      let h = mixNumber(this.h, atMs);
      h = mixString(h, kind);
      h = mixString(h, actor);
      h = mixString(h, peer);
      h = mixNumber(h, envelopeId);
      h = mixNumber(h, value);
      h = mixNumber(h, digest);
      this.h = mixString(h, hashedDetail) >>> 0;
    }
    const seq = this.count++;
    if (this.capacity === 0 && this.listeners.size === 0) return;
    const event: TraceEvent = { seq, atMs, kind, actor, peer, envelopeId, value, digest, detail };
    if (payload !== undefined) event.payload = payload;
    if (this.capacity > 0) {
      if (this.ring.length < this.capacity) this.ring.push(event);
      else {
        this.ring[this.head] = event;
        this.head = (this.head + 1) % this.capacity;
      }
    }
    for (const l of this.listeners) l(event);
  }

  /**
   * Sends later records into `sink` instead of recording them (null: record again), and returns
   * the sink it replaces. The scheduler uses it to keep a step's records out of the trace until the
   * steps before it are recorded: the trace stays in step order when steps overlap.
   */
  divert(sink: TraceRecordArgs[] | null): TraceRecordArgs[] | null {
    const prev = this.sink;
    this.sink = sink;
    return prev;
  }

  /** Records what a diverted sink kept, in the order it was kept. */
  replay(records: readonly TraceRecordArgs[]): void {
    for (const r of records) this.record(...r);
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
