/**
 * One member's storage over an Engine, and the factory that opens it: the WAL, the snapshotter and
 * the backend share one database, the registry remembers which members ever had data, and an
 * ownership lock keeps a second owner out. Both implementations are this code over their engine.
 */
import { BucketBackend } from './bucketBackend.ts';
import { MEMBER_STORES, type Engine, type EngineOp, type EngineProvider } from './engine.ts';
import type { OwnershipHandle, OwnershipLock } from './ownership.ts';
import { SnapshotStore } from './snapshotStore.ts';
import {
  StorageLockedError,
  type BackendBatch,
  storageName,
  type Durability,
  type MemberStorage,
  type OpenOptions,
  type ReadyPersist,
  type StorageFactory,
  type StorageStats,
  type WalSnapshotMarker,
} from './types.ts';
import { WalLog } from './walLog.ts';

/** A registry record: this member had data once; `present` false after a wipe that kept the record. */
interface RegistryEntry {
  clusterId: string;
  memberName: string;
  present: boolean;
  wiped: boolean;
}

export class EngineMemberStorage implements MemberStorage {
  readonly wal: WalLog;
  readonly snapshotter: SnapshotStore;
  private closed = false;

  constructor(
    readonly clusterId: string,
    readonly memberName: string,
    readonly durability: Durability,
    readonly fresh: boolean,
    readonly wiped: boolean,
    readonly backend: BucketBackend,
    keepSnapshots: number,
    private readonly engine: Engine,
    private readonly ownership: OwnershipHandle,
  ) {
    this.wal = new WalLog(engine);
    this.snapshotter = new SnapshotStore(engine, keepSnapshots);
  }

  get name(): string {
    return storageName(this.clusterId, this.memberName);
  }

  /** Snapshot first, then the WAL record with its marker: in one transaction, so both or neither. */
  async saveReady(ready: ReadyPersist, applied?: BackendBatch): Promise<void> {
    const snap = ready.snapshot ? await this.snapshotter.prepare(ready.snapshot) : undefined;
    let marker: WalSnapshotMarker | undefined;
    if (ready.snapshot) {
      const m = ready.snapshot.metadata;
      marker = { index: m.index, term: m.term, conf_state: m.conf_state };
    }
    const save: Parameters<WalLog['prepare']>[0] = { entries: ready.entries };
    if (ready.hardState) save.hardState = ready.hardState;
    if (marker) save.snapshot = marker;
    const rec = await this.wal.prepare(save);
    const ops: EngineOp[] = [...(snap?.ops ?? []), ...(rec?.ops ?? [])];
    if (applied) await this.backend.commitWith(applied, ops);
    else if (ops.length === 0) return;
    else await this.engine.write(ops);
    snap?.committed();
    rec?.committed();
  }

  stats(): StorageStats {
    const byDurability = { ...this.engine.writeTransactions };
    return {
      writeTransactions: byDurability.strict + byDurability.relaxed,
      writeTransactionsByDurability: byDurability,
      walRecords: this.wal.recordsWritten,
      walEntries: this.wal.entriesWritten,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine.close();
    await this.ownership.release();
  }
}

export interface EngineStorageFactoryOptions {
  provider: EngineProvider;
  /** Opens the registry engine and builds the ownership lock; called once, on first use. */
  setup: () => Promise<{ registry: Engine; ownership: OwnershipLock }>;
}

export class EngineStorageFactory implements StorageFactory {
  private ready: Promise<{ registry: Engine; ownership: OwnershipLock }> | undefined;

  constructor(private readonly options: EngineStorageFactoryOptions) {}

  private deps(): Promise<{ registry: Engine; ownership: OwnershipLock; provider: EngineProvider }> {
    this.ready ??= this.options.setup();
    return this.ready.then((d) => ({ ...d, provider: this.options.provider }));
  }

  async open(options: OpenOptions): Promise<MemberStorage> {
    validateName('clusterId', options?.clusterId);
    validateName('memberName', options?.memberName);
    const durability = options.durability ?? 'strict';
    if (durability !== 'strict' && durability !== 'relaxed') throw new RangeError(`storage: durability must be 'strict' or 'relaxed', got ${String(durability)}`);
    const keep = options.keepSnapshots ?? 5;
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`storage: keepSnapshots must be an integer >= 1, got ${keep}`);
    const name = storageName(options.clusterId, options.memberName);
    const deps = await this.deps();
    const handle = await deps.ownership.tryAcquire(name);
    if (!handle) throw new StorageLockedError(name);
    let engine: Engine | undefined;
    try {
      const { registry } = deps;
      const entry = (await registry.get('members', name)) as RegistryEntry | undefined;
      engine = await deps.provider.open(name, MEMBER_STORES, durability);
      // Data gone while the registry remembers the member: its disk was lost.
      const wiped = (engine.created && entry !== undefined) || entry?.wiped === true;
      const record: RegistryEntry = { clusterId: options.clusterId, memberName: options.memberName, present: true, wiped };
      await registry.write([{ op: 'put', store: 'members', key: name, value: record }]);
      const backend = await BucketBackend.open(engine);
      return new EngineMemberStorage(options.clusterId, options.memberName, durability, engine.created, wiped, backend, keep, engine, handle);
    } catch (err) {
      engine?.close();
      await handle.release();
      throw err;
    }
  }

  async destroy(clusterId: string, memberName: string, options?: { forgetMembership?: boolean }): Promise<void> {
    validateName('clusterId', clusterId);
    validateName('memberName', memberName);
    const name = storageName(clusterId, memberName);
    const deps = await this.deps();
    const handle = await deps.ownership.tryAcquire(name);
    if (!handle) throw new StorageLockedError(name);
    try {
      await deps.provider.deleteDatabase(name);
      const forget = options?.forgetMembership ?? true;
      const entry = (await deps.registry.get('members', name)) as RegistryEntry | undefined;
      if (forget) await deps.registry.write([{ op: 'delete', store: 'members', key: name }]);
      else if (entry) await deps.registry.write([{ op: 'put', store: 'members', key: name, value: { ...entry, present: false } }]);
    } finally {
      await handle.release();
    }
  }

  async list(clusterId: string): Promise<string[]> {
    validateName('clusterId', clusterId);
    const rows = await (await this.deps()).registry.read('members');
    return rows
      .map((r) => r.value as RegistryEntry)
      .filter((e) => e.clusterId === clusterId && e.present)
      .map((e) => e.memberName)
      .sort();
  }
}

function validateName(what: string, value: string): void {
  if (typeof value !== 'string' || value === '' || value.includes('/')) {
    throw new TypeError(`storage: ${what} must be a non-empty string without '/', got ${JSON.stringify(value)}`);
  }
}
