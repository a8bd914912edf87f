/**
 * What crosses the boundary between the page and a member's Web Worker (docs/ARCHITECTURE.md §8): plain,
 * structured-cloneable data only. The page keeps the simulated world; a worker keeps one member
 * and its IndexedDB database, and answers each step with the member's outputs and a compact
 * summary (a few numbers), so the per-step payload stays small. Details come on demand.
 */
import type { MemberStartOptions } from '../server/member.ts';
import type { MemberInput, MemberOutput } from '../server/protocol.ts';
import type { ActorTraceEvent } from '../sim/scheduler.ts';
import type { Durability } from '../storage/types.ts';
import type { LeaseExpiry, MemberDetails, MemberInfo } from './playgroundApi.ts';

/** A seeded stream's exact state, so a restarted worker continues the same sequence of draws. */
export interface PrngState {
  key: number;
  a: number;
  b: number;
  c: number;
  d: number;
}

/** Everything a worker needs to start (or restart) its member; the storage is opened inside. */
export interface WorkerStartOptions {
  member: Omit<MemberStartOptions, 'storage' | 'randInt' | 'logger'>;
  /** Storage cluster id (the database name's middle part). */
  storageClusterId: string;
  durability: Durability;
  rng: PrngState;
}

/** A member's state in the few numbers the page shows every frame (MemberInfo without page-side fields). */
export type MemberSummaryWire = Omit<MemberInfo, 'name' | 'alive' | 'walFsyncMs' | 'clockRate'>;

export interface StepInput {
  nowMs: number;
  inputs: MemberInput[];
  ticks: number;
  /** Extra ticks that make the election timeout elapse now (a "campaign" request). */
  campaign: boolean;
  /** The member's disk is slower (or faster) than the cluster's setting: a WAL write's virtual time. */
  walFsyncMs?: number;
}

/**
 * An error as plain data: class instances do not survive the worker boundary, so a failure
 * travels as its name (e.g. StorageQuotaError, MemberDataLostError) and readable message.
 */
export interface WireError {
  name: string;
  message: string;
}

/** A start's outcome: the member's first summary, or why it could not start (it stays down). */
/** `draws`: taken from the member's seeded stream while it started (the page mirrors them). */
export type StartReply = { summary: MemberSummaryWire; draws: number } | { error: WireError };

export interface StepReply {
  outputs: MemberOutput[];
  events: ActorTraceEvent[];
  summary: MemberSummaryWire;
  /** Draws taken from the member's seeded stream during the step (the page mirrors them). */
  draws: number;
  /** Virtual time the step's WAL writes took (ActorOutput.busyMs). */
  busyMs?: number;
  /**
   * Set when the step's writes were still landing as it answered: its outputs may leave only
   * after they landed (persist before send). The worker announces each landed step by posting
   * `{ landed: seq }` (with `error` when the write failed), unasked.
   */
  durableSeq?: number;
  /** Every step numbered up to this has landed (so no need to ask). */
  landedSeq?: number;
  /**
   * Set when a storage write failed (quota, aborted or closed transaction): the member stopped,
   * its storage is released, and `outputs` is empty, since they might acknowledge what was
   * never persisted.
   */
  stopped?: WireError;
}

/** The API `workers/member.worker.ts` exposes with comlink. */
export interface MemberWorkerApi {
  start(options: WorkerStartOptions): Promise<StartReply>;
  step(input: StepInput): Promise<StepReply>;
  summary(): MemberSummaryWire | null;
  details(): Promise<MemberDetails>;
  leaseExpiries(): LeaseExpiry[];
  /** Closes the database cleanly (member removed or page shutting down). */
  close(): Promise<void>;
}
