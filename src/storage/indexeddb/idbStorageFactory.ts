/** Member storage in IndexedDB: one database per member, plus the shared registry database. */
import { REGISTRY_NAME, REGISTRY_STORES } from '../engine.ts';
import { EngineStorageFactory } from '../memberStorage.ts';
import { HeartbeatOwnership, WebLocksOwnership, type HeartbeatOptions, type LockManagerLike } from '../ownership.ts';
import { IdbProvider } from './idbEngine.ts';

export interface IndexedDbStorageOptions {
  /** Default: the global indexedDB. Tests pass a fresh fake-indexeddb IDBFactory for isolation. */
  indexedDB?: IDBFactory;
  /** Default: the global IDBKeyRange; must belong to the same implementation as `indexedDB`. */
  keyRange?: typeof IDBKeyRange;
  /**
   * The Web Locks API used for ownership. Default: `navigator.locks` when present. Null (or absent
   * Web Locks) selects the heartbeat fallback in the registry database.
   */
  locks?: LockManagerLike | null;
  heartbeat?: HeartbeatOptions;
  /** See IdbEngineOptions.onWriteTransaction. */
  onWriteTransaction?: (tx: IDBTransaction, databaseName: string) => void;
}

export function createIndexedDbStorageFactory(options: IndexedDbStorageOptions = {}): EngineStorageFactory {
  const indexedDB = options.indexedDB ?? globalThis.indexedDB;
  const keyRange = options.keyRange ?? globalThis.IDBKeyRange;
  if (!indexedDB || !keyRange) throw new Error('IndexedDB is not available here: pass indexedDB and keyRange explicitly');
  const provider = new IdbProvider({ indexedDB, keyRange, ...(options.onWriteTransaction ? { onWriteTransaction: options.onWriteTransaction } : {}) });
  const locks = options.locks === undefined ? (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks : options.locks;
  return new EngineStorageFactory({
    provider,
    setup: async () => {
      const registry = await provider.open(REGISTRY_NAME, REGISTRY_STORES, 'strict');
      return { registry, ownership: locks ? new WebLocksOwnership(locks) : new HeartbeatOwnership(registry, options.heartbeat) };
    },
  });
}
