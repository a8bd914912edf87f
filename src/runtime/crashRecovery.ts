/**
 * Crash-recovery torture for durable members: a 3-member in-process cluster under a write load,
 * with loss and partitions, whose members are crashed over and over — between steps, or in the
 * middle of a storage transaction that then lands or not — and restarted on the same storage.
 *
 * After every restart the recovered member must hold the state of a prefix of the committed log
 * (its hashKV equals a healthy member's hashKV at the recovered revision). At the end, once
 * healed, every acknowledged put is on every member at its acknowledged revision and all
 * members' hashKV agree.
 *
 * Mid-transaction crashes: on the memory disk the armed member's (k+1)-th write is issued and
 * the disk crashes at once, deciding that write ('land' or 'drop'); on IndexedDB the (k+1)-th
 * write transaction is aborted before it commits ('drop') or left to commit ('land') while the
 * process is taken as dead from then on (its connection is closed at the crash, so it starts no
 * further transaction). Either way the step's outputs are never sent: the process that would
 * have sent them is gone.
 */
import { MemoryDisk } from '../storage/memory/memoryDisk.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import { storageName, type StorageFactory } from '../storage/types.ts';
import { Prng } from '../sim/prng.ts';
import type { ActorBatch, ActorOutput } from '../sim/scheduler.ts';
import type { Id64 } from '../server/api.ts';
import type { EtcdMember } from '../server/member.ts';
import { InProcessCluster, type HostedMemberActor, type MemberActorFactory } from './inProcessCluster.ts';
import { MemberActor, type MemberActorOptions } from './memberActor.ts';
import type { WirePayload } from './memberWire.ts';

export type CrashMode = 'between' | 'land' | 'drop';

interface Armed {
  afterWrites: number;
  inFlight: 'land' | 'drop';
  seen: number;
}

/**
 * Decides when an armed member's storage dies, and tells its actor. One per cluster; the storage
 * implementation reports each write transaction through `onWrite`.
 */
export class CrashSwitch {
  private readonly armed = new Map<string, Armed>();
  private readonly actors = new Map<string, CrashableMemberActor>();
  /** Crashes that hit a transaction in flight, by how it was decided. */
  readonly counts = { land: 0, drop: 0 };

  register(actor: CrashableMemberActor): void {
    this.actors.set(actor.id, actor);
  }

  /** The member dies at its (afterWrites+1)-th write from now; that write lands or not. */
  arm(member: string, afterWrites: number, inFlight: 'land' | 'drop'): void {
    this.armed.set(member, { afterWrites, inFlight, seen: 0 });
  }

  disarm(member: string): void {
    this.armed.delete(member);
  }

  /** Whether the member died mid-transaction since it was armed (and has not been crashed since). */
  fired(member: string): boolean {
    return this.actors.get(member)?.dead ?? false;
  }

  /**
   * Called as a member's database issues a write: returns how that write is decided when the
   * member dies now, or undefined when it lives on.
   */
  onWrite(member: string): 'land' | 'drop' | undefined {
    const a = this.armed.get(member);
    if (!a) return undefined;
    if (a.seen++ < a.afterWrites) return undefined;
    this.armed.delete(member);
    this.counts[a.inFlight]++;
    this.actors.get(member)?.die();
    return a.inFlight;
  }
}

/** A member's host that can die in the middle of a step: from then on it answers nothing. */
export class CrashableMemberActor implements HostedMemberActor {
  readonly inner: MemberActor;
  dead = false;
  private onDeath: (() => void) | null = null;

  constructor(opts: MemberActorOptions) {
    this.inner = new MemberActor(opts);
  }

  get id(): string {
    return this.inner.id;
  }
  get memberId(): Id64 {
    return this.inner.memberId;
  }
  get member(): EtcdMember | null {
    return this.dead ? null : this.inner.member;
  }

  /** Rejected when this incarnation dies: writes it still waits for will never land then. */
  private death = this.newDeath();

  private newDeath(): { promise: Promise<never>; kill: () => void } {
    let kill = () => {};
    const promise = new Promise<never>((_, reject) => (kill = () => reject(new Error(`member ${this.inner?.id ?? ''} died`))));
    promise.catch(() => undefined);
    return { promise, kill };
  }

  die(): void {
    this.dead = true;
    this.death.kill();
    this.onDeath?.();
  }

  async handle(batch: ActorBatch<WirePayload, never>): Promise<ActorOutput<WirePayload>> {
    if (this.dead) return { messages: [] };
    const died = new Promise<ActorOutput<WirePayload>>((resolve) => {
      this.onDeath = () => resolve({ messages: [] });
    });
    try {
      // The step of a process that died never finishes (or fails); its outputs are never sent.
      const out = await Promise.race([this.inner.handle(batch), died]);
      if (this.dead) return { messages: [] };
      const durable = out.durable;
      // A write in flight when it dies never lands (nor fails): its messages are never sent.
      if (durable) {
        const death = this.death.promise;
        return { ...out, durable: () => Promise.race([durable(), death]) };
      }
      return out;
    } finally {
      this.onDeath = null;
    }
  }

  crash(): void {
    this.inner.crash();
    this.dead = false;
    this.death.kill();
    this.death = this.newDeath();
  }
  restart(nowMs: number): void {
    this.dead = false;
    this.inner.restart(nowMs);
  }
  start(nowMs: number): Promise<void> {
    return this.inner.start(nowMs);
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
  ready(): Promise<void> {
    return this.inner.ready();
  }
}

/** A memory disk whose armed members die as they issue a write (see CrashSwitch). */
export class CrashingMemoryDisk extends MemoryDisk {
  switch: CrashSwitch | null = null;
  /** Database name -> member name. */
  private readonly memberOf = new Map<string, string>();

  watch(dbName: string, member: string): void {
    this.memberOf.set(dbName, member);
  }

  override submit(w: Parameters<MemoryDisk['submit']>[0]): void {
    super.submit(w);
    const member = this.memberOf.get(w.db.name);
    if (member === undefined || !this.switch) return;
    const decided = this.switch.onWrite(member);
    // The crash decides the write just issued (and any other in flight): whole or not at all.
    if (decided) this.crash(w.db.name, { inFlight: decided });
  }
}

export interface CrashRunOptions {
  seed: number;
  crashes: number;
  /** 'memory' (MemoryDisk, land and drop) or a factory builder for IndexedDB (drop = abort). */
  storage: 'memory' | { factory: (onWrite: (dbName: string) => 'land' | 'drop' | undefined) => StorageFactory };
}

export interface CrashRunResult {
  crashes: Record<CrashMode, number>;
  restarts: number;
  ackedPuts: number;
  prefixChecks: number;
  finalRevision: number;
}

export function replayCommand(testFile: string, seed: number, crashes: number): string {
  return `CRASH_SEED=${seed} CRASH_COUNT=${crashes} npx vitest run ${testFile}`;
}

/** Runs one seed; throws an Error naming the violated property. */
export async function runCrashRecovery(o: CrashRunOptions): Promise<CrashRunResult> {
  const sw = new CrashSwitch();
  let factory: StorageFactory;
  let disk: CrashingMemoryDisk | null = null;
  const dbMember = (dbName: string): string => dbName.slice(dbName.lastIndexOf('/') + 1);
  if (o.storage === 'memory') {
    disk = new CrashingMemoryDisk();
    disk.switch = sw;
    factory = createMemoryStorageFactory(disk);
  } else {
    // The IndexedDB factory asks, as each write transaction starts, whether the member dies now
    // and whether that transaction still commits ('land') or is aborted ('drop').
    factory = o.storage.factory((dbName) => sw.onWrite(dbMember(dbName)));
  }
  const actorFactory: MemberActorFactory = (opts) => {
    disk?.watch(storageName(opts.clusterKey, opts.name), opts.name);
    const a = new CrashableMemberActor(opts);
    sw.register(a);
    return a;
  };
  const c = await InProcessCluster.create({
    size: 3,
    seed: o.seed,
    storageFactory: factory,
    autoRun: false,
    network: { lossRate: 0.03 },
    // Small snapshot interval: recoveries start from snapshots and from the backend alike. Odd
    // seeds give the disk a sync time, so members are busy and crash with writes and held
    // messages in flight; even seeds write instantly.
    settings: { snapshotCount: 40, snapshotCatchUpEntries: 10, walFsyncMs: o.seed % 2 === 1 ? 3 : 0 },
    memberActorFactory: actorFactory,
  });
  const rng = new Prng(o.seed).fork('crash-recovery');
  const names = c.memberNames();
  const acked: { key: string; value: string; rev: number }[] = [];
  const result: CrashRunResult = { crashes: { between: 0, land: 0, drop: 0 }, restarts: 0, ackedPuts: 0, prefixChecks: 0, finalRevision: 0 };
  const cl = c.client({ name: 'load', commandTimeoutMs: 2000 });
  let n = 0;
  const pending: Promise<unknown>[] = [];
  const load = (count: number): void => {
    for (let j = 0; j < count; j++) {
      const key = `k${n}`;
      const value = `v${n}-${o.seed}`;
      n++;
      // Some writes are txns with a version compare: re-applying one would change the outcome.
      const p =
        n % 4 === 0
          ? cl
              .txn({ compare: [{ key, target: 'VERSION', result: 'EQUAL', version: 0 }], success: [{ request_put: { key, value } }], failure: [] })
              .then((r) => {
                if (r.succeeded) acked.push({ key, value, rev: r.header.revision });
              })
          : cl.put({ key, value }).then((r) => {
              acked.push({ key, value, rev: r.header.revision });
            });
      pending.push(p.catch(() => undefined));
    }
  };
  try {
    await c.waitForLeader();
    for (let i = 0; i < o.crashes; i++) {
      load(1 + rng.int(4));
      if (rng.chance(0.2)) {
        const alone = names[rng.int(names.length)]!;
        c.partition([[alone], names.filter((x) => x !== alone)]);
      } else c.heal();
      const victim = names[rng.int(names.length)]!;
      const modes: CrashMode[] = ['between', 'land', 'drop'];
      let mode = modes[rng.int(modes.length)]!;
      if (mode === 'between') {
        await c.runFor(rng.int(400));
      } else {
        sw.arm(victim, rng.int(4), mode === 'land' ? 'land' : 'drop');
        await c.runFor(300 + rng.int(1000));
        sw.disarm(victim);
        // No write came in time: it dies between steps instead.
        if (!sw.fired(victim)) mode = 'between';
      }
      result.crashes[mode]++;
      await c.crash(victim);
      await c.runFor(rng.int(300));
      await c.restart(victim).catch((e: unknown) => {
        throw new Error(`restart ${i} of ${victim} (${mode}) failed: ${e instanceof Error ? e.message : String(e)}`);
      });
      result.restarts++;
      result.prefixChecks += checkPrefix(c, victim, `after restart ${i} of ${victim} (${mode})`);
    }
    c.heal();
    c.world.network.setFaults({ lossRate: 0 });
    await c.runFor(5000);
    await Promise.all(pending);
    await c.runUntil(() => converged(c), 60_000).catch(() => {
      throw new Error(`members did not converge once healed: ${describe(c)}`);
    });
    result.ackedPuts = acked.length;
    for (const v of c.members()) {
      const kv = v.member!.kvStore();
      for (const a of acked) {
        const got = kv.range(a.key, undefined, {}).kvs[0];
        if (!got || got.value !== a.value || got.mod_revision !== a.rev) {
          throw new Error(`acknowledged write lost on ${v.name}: ${a.key}=${a.value} at revision ${a.rev}, found ${JSON.stringify(got)}`);
        }
      }
    }
    const hashes = new Set(c.members().map((v) => v.member!.hashKV()));
    if (hashes.size !== 1) throw new Error(`hashKV differ once healed: ${describe(c)}`);
    result.finalRevision = c.member(names[0]!).kvStore().rev();
    return result;
  } finally {
    await c.close().catch(() => undefined);
  }
}

function converged(c: InProcessCluster): boolean {
  const ms = c.members();
  if (ms.some((v) => !v.member)) return false;
  const revs = new Set(ms.map((v) => v.member!.kvStore().rev()));
  const applied = new Set(ms.map((v) => v.member!.summary().appliedIndex));
  return revs.size === 1 && applied.size === 1 && c.leader() !== undefined;
}

function describe(c: InProcessCluster): string {
  return c
    .members()
    .map((v) => (v.member ? `${v.name}: rev ${v.member.kvStore().rev()} applied ${v.member.summary().appliedIndex} hash ${v.member.hashKV()}` : `${v.name}: down`))
    .join('; ');
}

/**
 * The restarted member's key space must be what the healthy members had at its revision: the
 * state after a prefix of the committed log. Compared with every other running member, in
 * whichever direction the shorter history allows. Returns the number of comparisons made.
 */
export function checkPrefix(c: InProcessCluster, name: string, when: string): number {
  const m = c.member(name).kvStore();
  const rev = m.rev();
  let checks = 0;
  for (const v of c.members()) {
    if (v.name === name || !v.member) continue;
    const o = v.member.kvStore();
    const [ahead, behind] = o.rev() >= rev ? [o, m] : [m, o];
    const at = behind.rev();
    if (at <= Math.max(ahead.compactRev(), behind.compactRev())) continue;
    const a = ahead.hashKV(at).hash;
    const b = behind.hashKV(0).hash;
    if (a !== b) throw new Error(`${when}: ${name} at revision ${rev} is not a prefix of ${v.name}'s history (hash at ${at}: ${a} vs ${b})`);
    checks++;
  }
  return checks;
}
