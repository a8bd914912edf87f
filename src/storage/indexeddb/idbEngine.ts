/**
 * The Engine on IndexedDB through `idb`. One database per name, one object store per store name
 * (out-of-line keys). Writes follow idb's rule: every request of a write is issued synchronously
 * inside its transaction, nothing else is awaited while it is open, and `tx.done` is the only
 * commit signal; the write resolves after it. Reads use their own read-only transactions.
 */
import { unwrap, wrap, type IDBPDatabase } from 'idb';
import { compareKeys, type Engine, type EngineEntry, type EngineKey, type EngineOp, type EngineProvider, type EngineRange, type UpdateDecision } from '../engine.ts';
import { StorageAbortedError, StorageClosedError, StorageQuotaError, type Durability } from '../types.ts';

const SCHEMA_VERSION = 1;

export interface IdbEngineOptions {
  indexedDB: IDBFactory;
  /** The IDBKeyRange of the same implementation as `indexedDB`. */
  keyRange: typeof IDBKeyRange;
  /**
   * Called with each write transaction once all its requests are issued, before it commits. For
   * tests: aborting it here is a crash mid-transaction.
   */
  onWriteTransaction?: (tx: IDBTransaction, databaseName: string) => void;
}

export class IdbProvider implements EngineProvider {
  constructor(private readonly options: IdbEngineOptions) {}

  async open(name: string, stores: readonly string[], durability: Durability): Promise<Engine> {
    const request = this.options.indexedDB.open(name, SCHEMA_VERSION);
    let created = false;
    request.onupgradeneeded = (ev) => {
      created = ev.oldVersion === 0;
      const db = request.result;
      for (const s of stores) if (!db.objectStoreNames.contains(s)) db.createObjectStore(s);
    };
    let db: IDBPDatabase | undefined;
    try {
      db = await wrap(request);
    } catch (err) {
      throw mapError(err, name);
    }
    if (!db) throw new StorageAbortedError(name, 'the database did not open');
    return new IdbEngine(db, name, created, durability, this.options);
  }

  async deleteDatabase(name: string): Promise<void> {
    await wrap(this.options.indexedDB.deleteDatabase(name));
  }
}

export class IdbEngine implements Engine {
  readonly writeTransactions: Record<Durability, number> = { strict: 0, relaxed: 0 };
  private closed = false;

  constructor(
    private readonly db: IDBPDatabase,
    readonly name: string,
    readonly created: boolean,
    private readonly durability: Durability,
    private readonly options: IdbEngineOptions,
  ) {
    // Someone deletes or upgrades this database: step aside rather than block them.
    unwrap(db).onversionchange = () => this.close();
  }

  private check(): void {
    if (this.closed) throw new StorageClosedError(this.name);
  }

  private range(range: EngineRange | undefined): IDBKeyRange | undefined | null {
    const KR = this.options.keyRange;
    const lo = range?.lower as IDBValidKey | undefined;
    const hi = range?.upper as IDBValidKey | undefined;
    if (lo !== undefined && hi !== undefined) {
      if (compareKeys(lo as EngineKey, hi as EngineKey) >= 0) return null;
      return KR.bound(lo, hi, false, true);
    }
    if (lo !== undefined) return KR.lowerBound(lo);
    if (hi !== undefined) return KR.upperBound(hi, true);
    return undefined;
  }

  async write(ops: readonly EngineOp[]): Promise<void> {
    this.check();
    const stores = [...new Set(ops.map((o) => o.store))];
    if (stores.length === 0) return;
    let tx;
    try {
      tx = this.db.transaction(stores, 'readwrite', { durability: this.durability });
    } catch (err) {
      throw mapError(err, this.name);
    }
    const requests: Promise<unknown>[] = [];
    try {
      for (const op of ops) {
        const store = tx.objectStore(op.store);
        if (op.op === 'put') requests.push(store.put(op.value, op.key as IDBValidKey));
        else if (op.op === 'delete') requests.push(store.delete(op.key as IDBValidKey));
        else if (op.op === 'clear') requests.push(store.clear());
        else {
          const r = this.range({ lower: op.lower, upper: op.upper });
          if (r) requests.push(store.delete(r));
        }
      }
    } catch (err) {
      // A request that cannot even be made (bad key, uncloneable value, quota): nothing lands.
      try {
        tx.abort();
      } catch {
        // already finished
      }
      await Promise.allSettled([...requests, tx.done]);
      throw mapError(err, this.name);
    }
    const raw = unwrap(tx);
    this.options.onWriteTransaction?.(raw, this.name);
    try {
      await Promise.all([...requests, tx.done]);
    } catch (err) {
      await Promise.allSettled([...requests, tx.done]);
      throw mapError(raw.error ?? err, this.name);
    }
    const used = (raw as { durability?: string }).durability;
    this.writeTransactions[used === 'relaxed' ? 'relaxed' : 'strict']++;
  }

  async read(store: string, range?: EngineRange, limit?: number): Promise<EngineEntry[]> {
    this.check();
    const r = this.range(range);
    if (r === null || limit === 0) return [];
    try {
      const tx = this.db.transaction(store, 'readonly');
      const [keys, values] = await Promise.all([tx.store.getAllKeys(r, limit), tx.store.getAll(r, limit), tx.done]);
      return keys.map((key, i) => ({ key: key as EngineKey, value: values[i] }));
    } catch (err) {
      throw mapError(err, this.name);
    }
  }

  async get(store: string, key: EngineKey): Promise<unknown> {
    this.check();
    try {
      return await this.db.get(store, key as IDBValidKey);
    } catch (err) {
      throw mapError(err, this.name);
    }
  }

  async update(store: string, key: EngineKey, decide: (current: unknown) => UpdateDecision): Promise<boolean> {
    this.check();
    const tx = this.db.transaction(store, 'readwrite', { durability: this.durability });
    try {
      // Awaiting this transaction's own request is allowed: the transaction stays active.
      const current = await tx.store.get(key as IDBValidKey);
      const d = decide(current);
      if (!d) {
        await tx.done;
        return false;
      }
      const req = 'delete' in d ? tx.store.delete(key as IDBValidKey) : tx.store.put(d.put, key as IDBValidKey);
      await Promise.all([req, tx.done]);
      return true;
    } catch (err) {
      try {
        tx.abort();
      } catch {
        // already finished
      }
      await tx.done.catch(() => undefined);
      throw mapError(err, this.name);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** IndexedDB's errors as the storage errors callers can read. */
export function mapError(err: unknown, name: string): Error {
  const e = err as { name?: string; message?: string } | null;
  if (e instanceof StorageQuotaError || e instanceof StorageAbortedError || e instanceof StorageClosedError) return e;
  switch (e?.name) {
    case 'QuotaExceededError':
      return new StorageQuotaError(name);
    case 'AbortError':
      return new StorageAbortedError(name, e.message || 'aborted');
    case 'InvalidStateError':
      return new StorageClosedError(name);
    default:
      return err instanceof Error ? err : new StorageAbortedError(name, String(err));
  }
}
