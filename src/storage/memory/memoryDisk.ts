/**
 * The memory implementation's "disk": every database that exists, surviving the engines (the
 * member processes) that use it. A write is in flight from the moment it is issued until it lands;
 * it lands at the next microtask, or — while the disk is held — only when released. A crash closes
 * the crashed database's connections and decides each in-flight write: it lands whole, or not at
 * all, never in part (IndexedDB's guarantee for one transaction).
 */
import { BTree } from '../sortedTree.ts';
import {
  compareKeys,
  inRange,
  type Engine,
  type EngineEntry,
  type EngineKey,
  type EngineOp,
  type EngineProvider,
  type EngineRange,
  type UpdateDecision,
} from '../engine.ts';
import { InProcessOwnership } from '../ownership.ts';
import { StorageAbortedError, StorageClosedError, StorageQuotaError, type Durability } from '../types.ts';

type Tree = BTree<EngineKey, unknown>;

interface MemoryDatabase {
  name: string;
  stores: Map<string, Tree>;
  connections: Set<MemoryEngine>;
}

interface InFlightWrite {
  db: MemoryDatabase;
  engine: MemoryEngine;
  ops: EngineOp[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface CrashOptions {
  /** What happens to writes in flight at the crash: they all land, or none of them does. */
  inFlight: 'land' | 'drop';
}

export interface MemoryDiskOptions {
  /** Total bytes (JSON length of keys and values) the disk accepts; a write beyond it fails whole. */
  quotaBytes?: number;
}

export class MemoryDisk implements EngineProvider {
  private readonly dbs = new Map<string, MemoryDatabase>();
  private inFlight: InFlightWrite[] = [];
  private holding = false;
  readonly ownership = new InProcessOwnership();

  constructor(private readonly options: MemoryDiskOptions = {}) {}

  /** Changes the quota (undefined: none), as a user freeing space or granting more would. */
  setQuotaBytes(quotaBytes: number | undefined): void {
    this.options.quotaBytes = quotaBytes;
  }

  /** Bytes stored on the whole disk, counted as the quota counts them. */
  usedBytes(): number {
    let total = 0;
    for (const db of this.dbs.values()) {
      for (const t of db.stores.values()) {
        t.forEachPair((k, v) => {
          total += JSON.stringify(k).length + JSON.stringify(v).length;
        });
      }
    }
    return total;
  }

  async open(name: string, stores: readonly string[], durability: Durability): Promise<Engine> {
    return this.connect(name, stores, durability);
  }

  /** Synchronous open, for the registry. */
  connect(name: string, stores: readonly string[], durability: Durability): MemoryEngine {
    let db = this.dbs.get(name);
    const created = !db;
    if (!db) {
      db = { name, stores: new Map(), connections: new Set() };
      this.dbs.set(name, db);
    }
    for (const s of stores) if (!db.stores.has(s)) db.stores.set(s, new BTree<EngineKey, unknown>(undefined, compareKeys));
    const engine = new MemoryEngine(this, db, created, durability);
    db.connections.add(engine);
    return engine;
  }

  async deleteDatabase(name: string): Promise<void> {
    const db = this.dbs.get(name);
    if (!db) return;
    for (const c of [...db.connections]) c.close();
    this.dbs.delete(name);
  }

  exists(name: string): boolean {
    return this.dbs.has(name);
  }

  /** Keeps writes in flight (issued, not landed) until release() or a crash decides them. */
  hold(): void {
    this.holding = true;
  }

  /** Lands every held write, in the order issued. */
  release(): void {
    this.holding = false;
    const pending = this.inFlight;
    this.inFlight = [];
    for (const w of pending) this.land(w);
  }

  inFlightCount(name?: string): number {
    return this.inFlight.filter((w) => name === undefined || w.db.name === name).length;
  }

  /**
   * The processes using database `name` die: in-flight writes land or not (per `inFlight`), their
   * callers never hear back (the process that awaited them is gone), connections close, and the
   * ownership lock goes away with its holder.
   */
  crash(name: string, options: CrashOptions): void {
    const mine = this.inFlight.filter((w) => w.db.name === name);
    this.inFlight = this.inFlight.filter((w) => w.db.name !== name);
    if (options.inFlight === 'land') for (const w of mine) this.apply(w);
    const db = this.dbs.get(name);
    if (db) for (const c of [...db.connections]) c.markCrashed();
    this.ownership.drop(name);
  }

  /** Called by an engine: the write is in flight until it lands. */
  submit(w: InFlightWrite): void {
    this.inFlight.push(w);
    if (!this.holding) {
      queueMicrotask(() => {
        const i = this.inFlight.indexOf(w);
        if (i < 0 || this.holding) return;
        // Writes land in issue order: everything issued before this one lands first.
        const ready = this.inFlight.slice(0, i + 1);
        this.inFlight = this.inFlight.slice(i + 1);
        for (const x of ready) this.land(x);
      });
    }
  }

  private land(w: InFlightWrite): void {
    try {
      this.apply(w);
    } catch (err) {
      w.reject(err as Error);
      return;
    }
    w.resolve();
  }

  /** All ops of one write on copies of the stores, swapped in only if every op succeeded. */
  private apply(w: InFlightWrite): void {
    if (!this.dbs.has(w.db.name) || this.dbs.get(w.db.name) !== w.db) {
      throw new StorageAbortedError(w.db.name, 'the database was deleted');
    }
    const copies = new Map<string, Tree>();
    const tree = (store: string): Tree => {
      let t = copies.get(store);
      if (!t) {
        const base = w.db.stores.get(store);
        if (!base) throw new StorageAbortedError(w.db.name, `no object store ${store}`);
        t = base.clone();
        copies.set(store, t);
      }
      return t;
    };
    for (const op of w.ops) {
      const t = tree(op.store);
      if (op.op === 'put') t.set(op.key, op.value);
      else if (op.op === 'delete') t.delete(op.key);
      else if (op.op === 'deleteRange') t.deleteRange(op.lower, op.upper, false);
      else t.clear();
    }
    if (this.options.quotaBytes !== undefined) {
      let total = 0;
      for (const db of this.dbs.values()) {
        for (const [store, base] of db.stores) {
          const t = db === w.db ? (copies.get(store) ?? base) : base;
          t.forEachPair((k, v) => {
            total += JSON.stringify(k).length + JSON.stringify(v).length;
          });
        }
      }
      if (total > this.options.quotaBytes) throw new StorageQuotaError(w.db.name);
    }
    for (const [store, t] of copies) w.db.stores.set(store, t);
    w.engine.writeTransactions[w.engine.durability]++;
  }

  /** Synchronous read of committed data. */
  readStore(db: MemoryDatabase, store: string, range: EngineRange | undefined, limit: number | undefined): EngineEntry[] {
    const t = db.stores.get(store);
    if (!t) throw new StorageAbortedError(db.name, `no object store ${store}`);
    const out: EngineEntry[] = [];
    if (limit === 0) return out;
    for (const [k, v] of range?.lower !== undefined ? t.entries(range.lower) : t.entries()) {
      if (!inRange(k, range)) {
        if (range?.upper !== undefined && compareKeys(k, range.upper) >= 0) break;
        continue;
      }
      out.push({ key: structuredClone(k), value: structuredClone(v) });
      if (limit !== undefined && out.length >= limit) break;
    }
    return out;
  }
}

/** One connection to a database on the MemoryDisk. */
export class MemoryEngine implements Engine {
  readonly writeTransactions: Record<Durability, number> = { strict: 0, relaxed: 0 };
  private closed = false;

  constructor(
    private readonly disk: MemoryDisk,
    private readonly db: MemoryDatabase,
    readonly created: boolean,
    readonly durability: Durability,
  ) {}

  get name(): string {
    return this.db.name;
  }

  private check(): void {
    if (this.closed) throw new StorageClosedError(this.db.name);
  }

  write(ops: readonly EngineOp[]): Promise<void> {
    try {
      this.check();
      // Values are copied now, as IndexedDB clones them when a request is made.
      const copied = ops.map((op) => {
        compareKeys(opKey(op), opKey(op));
        if (!this.db.stores.has(op.store)) throw new StorageAbortedError(this.db.name, `no object store ${op.store}`);
        return op.op === 'put' ? { ...op, key: structuredClone(op.key), value: structuredClone(op.value) } : op;
      });
      return new Promise<void>((resolve, reject) => {
        this.disk.submit({ db: this.db, engine: this, ops: copied, resolve, reject });
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async read(store: string, range?: EngineRange, limit?: number): Promise<EngineEntry[]> {
    this.check();
    return this.disk.readStore(this.db, store, range, limit);
  }

  async get(store: string, key: EngineKey): Promise<unknown> {
    this.check();
    const t = this.db.stores.get(store);
    if (!t) throw new StorageAbortedError(this.db.name, `no object store ${store}`);
    const v = t.get(key);
    return v === undefined ? undefined : structuredClone(v);
  }

  async update(store: string, key: EngineKey, decide: (current: unknown) => UpdateDecision): Promise<boolean> {
    this.check();
    const t = this.db.stores.get(store);
    if (!t) throw new StorageAbortedError(this.db.name, `no object store ${store}`);
    const current = t.get(key);
    const d = decide(current === undefined ? undefined : structuredClone(current));
    if (!d) return false;
    if ('delete' in d) t.delete(key);
    else t.set(structuredClone(key), structuredClone(d.put));
    return true;
  }

  close(): void {
    this.closed = true;
    this.db.connections.delete(this);
  }

  markCrashed(): void {
    this.close();
  }
}

function opKey(op: EngineOp): EngineKey {
  if (op.op === 'put' || op.op === 'delete') return op.key;
  if (op.op === 'deleteRange') return op.lower;
  return 0;
}
