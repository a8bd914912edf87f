/**
 * Hosts one etcd member inside the simulated world: turns the world's batches into member
 * inputs, and the member's outputs into envelopes addressed to actors. A crash drops the member
 * object (everything volatile) and the storage's unsynced state; a restart opens the same
 * storage again and the member recovers from it by itself.
 */
import type { Actor, ActorBatch, ActorOutput, OutgoingMessage } from '../sim/scheduler.ts';
import {
  StorageAbortedError,
  StorageClosedError,
  StorageQuotaError,
  type MemberStorage,
  type StorageFactory,
} from '../storage/types.ts';
import { EtcdMember, type MemberStartOptions } from '../server/member.ts';
import type { MemberInput } from '../server/protocol.ts';
import type { Id64 } from '../server/api.ts';
import { payloadOfOutput, type WirePayload } from './memberWire.ts';

export interface MemberActorOptions {
  name: string;
  id: Id64;
  clusterKey: string;
  storageFactory: StorageFactory;
  /** Builds the member's start options (bootstrap or join, settings, seeded randomness). */
  startOptions: (storage: MemberStorage, nowMs: number) => MemberStartOptions;
  /** Maps a raft node ID to the actor that hosts it (members are addressed by name on the wire). */
  actorOfMember: (id: Id64) => string | undefined;
}

export class MemberActor implements Actor<WirePayload, never> {
  readonly id: string;
  member: EtcdMember | null = null;
  private storage: MemberStorage | null = null;
  private starting: Promise<void> | null = null;
  /**
   * Why the member is not running although its actor is up: its start (recovery) failed, or a
   * storage write failed (quota, abort) and the member stopped rather than run on state it could
   * not persist (etcd exits when it cannot write its WAL). Cleared by the next start.
   */
  error: Error | null = null;

  constructor(private readonly opts: MemberActorOptions) {
    this.id = opts.name;
  }

  get memberId(): Id64 {
    return this.opts.id;
  }

  async start(nowMs: number): Promise<void> {
    this.error = null;
    try {
      await this.startMember(nowMs);
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      throw this.error;
    }
  }

  private async startMember(nowMs: number): Promise<void> {
    const incarnation = this.incarnation;
    const storage = await this.opts.storageFactory.open({ clusterId: this.opts.clusterKey, memberName: this.opts.name });
    // Crashed again while recovering: this process is gone too, and must not come back as a zombie.
    if (incarnation !== this.incarnation) return closeAsCrash(storage, this.opts.storageFactory);
    this.storage = storage;
    let member: EtcdMember;
    try {
      member = await EtcdMember.start(this.opts.startOptions(storage, nowMs));
    } catch (e) {
      // A member that cannot recover stays down and releases its storage for inspection or repair.
      this.storage = null;
      if (incarnation === this.incarnation) closeAsCrash(storage, this.opts.storageFactory);
      throw e;
    }
    if (incarnation !== this.incarnation) return closeAsCrash(storage, this.opts.storageFactory);
    this.member = member;
  }

  async handle(batch: ActorBatch<WirePayload, never>): Promise<ActorOutput<WirePayload>> {
    if (this.starting) {
      // A failed start leaves the member down (see `error`); the world goes on.
      await this.starting.catch(() => undefined);
      this.starting = null;
    }
    const m = this.member;
    if (!m) return { messages: [] };
    const inputs: MemberInput[] = [];
    for (const env of batch.envelopes) {
      const p = env.payload;
      if (p.kind === 'reply' || p.kind === 'watchResponse') continue;
      inputs.push(p);
    }
    let res: Awaited<ReturnType<EtcdMember['step']>>;
    const incarnation = this.incarnation;
    try {
      res = await m.step({ nowMs: batch.nowMs, inputs, ticks: batch.ticks });
    } catch (e) {
      if (!isStorageFailure(e)) throw e;
      if (incarnation === this.incarnation) this.stopOnStorageFailure(e, m);
      return { messages: [], events: [{ kind: 'custom', detail: `stopped: ${e.message}` }] };
    }
    const messages: OutgoingMessage<WirePayload>[] = [];
    for (const o of res.outputs) {
      let to: string | undefined;
      if (o.kind === 'raft' || o.kind === 'peerRequest' || o.kind === 'peerReply') to = this.opts.actorOfMember(o.to);
      else to = o.to;
      if (to === undefined) continue;
      messages.push({ to, payload: payloadOfOutput(o, this.opts.id) });
    }
    const durable = res.durable;
    return {
      messages,
      events: res.events,
      busyMs: res.busyMs,
      ...(durable
        ? {
            durable: () =>
              durable.catch((e: unknown) => {
                if (isStorageFailure(e)) this.stopOnStorageFailure(e, m);
                throw e;
              }),
          }
        : {}),
    };
  }

  /**
   * A write was rolled back: the messages that may acknowledge it are never sent and the member
   * stops (etcd exits when it cannot write its WAL); a restart recovers from what is stored. The
   * failure of a process that crashed meanwhile (its storage closed under it) concerns nobody:
   * the member now running, if any, is another one.
   */
  private stopOnStorageFailure(e: Error, failed: EtcdMember): void {
    if (this.member !== failed) return;
    this.error = e;
    this.member = null;
    const s = this.storage;
    this.storage = null;
    if (s) closeAsCrash(s, this.opts.storageFactory);
  }

  /**
   * Synchronous, so the world can crash a member from a fault plan: the memory disk kills the
   * database's connections at once (other storage is closed in the background).
   */
  crash(): void {
    const s = this.storage;
    this.member = null;
    this.storage = null;
    this.starting = null;
    this.incarnation++;
    if (s) closeAsCrash(s, this.opts.storageFactory);
  }

  /** Starts recovery now; the next batch waits for it to finish (the world stays synchronous). */
  restart(nowMs: number): void {
    const s = this.start(nowMs);
    // The failure is kept in `error` and reported by ready(); nobody else awaits it.
    s.catch(() => undefined);
    this.starting = s;
  }

  /** Resolves once a restart's recovery finished; rejects with the start error if it failed. */
  async ready(): Promise<void> {
    if (this.starting) {
      const s = this.starting;
      this.starting = null;
      await s;
    }
  }

  /** Bumped by every crash: volatile state is only comparable within one incarnation. */
  incarnation = 0;

  /** Stops the member for good (removed from the cluster, or the cluster is shut down). */
  async stop(): Promise<void> {
    const s = this.storage;
    this.member = null;
    this.storage = null;
    if (s) await s.close();
  }
}

function isStorageFailure(e: unknown): e is Error {
  return e instanceof StorageQuotaError || e instanceof StorageAbortedError || e instanceof StorageClosedError;
}

/**
 * The memory disk can kill a database's connections as a crash does (in-flight writes dropped,
 * the ownership lock released); other storage is simply closed.
 */
function closeAsCrash(s: MemberStorage, factory: StorageFactory): void {
  const disk = (factory as { disk?: { crash(name: string, o: { inFlight: 'land' | 'drop' }): void } }).disk;
  if (disk) disk.crash(s.name, { inFlight: 'drop' });
  else void s.close().catch(() => undefined);
}
