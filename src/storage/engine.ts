/**
 * The one primitive both implementations provide: named object stores with IndexedDB-ordered keys
 * and an atomic multi-store write. The WAL, the snapshotter and the backend are written once on top
 * of it (walLog.ts, snapshotStore.ts, bucketBackend.ts), so memory and IndexedDB cannot drift apart
 * in behaviour; only durability, crashes and quotas differ, and those are the engines' business.
 */
import type { Durability } from './types.ts';

/** Keys as IndexedDB orders them: numbers < strings < arrays (element-wise). */
export type EngineKey = number | string | readonly EngineKey[];

export type EngineOp =
  | { op: 'put'; store: string; key: EngineKey; value: unknown }
  | { op: 'delete'; store: string; key: EngineKey }
  /** Deletes keys k with lower <= k < upper. */
  | { op: 'deleteRange'; store: string; lower: EngineKey; upper: EngineKey }
  | { op: 'clear'; store: string };

/** Half-open [lower, upper); a missing bound is unbounded. */
export interface EngineRange {
  lower?: EngineKey;
  upper?: EngineKey;
}

export interface EngineEntry {
  key: EngineKey;
  value: unknown;
}

/** What an atomic read-modify-write decides: write a value, delete the key, or leave it. */
export type UpdateDecision = { put: unknown } | { delete: true } | undefined;

export interface Engine {
  readonly name: string;
  /** True when opening created the database (no data existed under this name). */
  readonly created: boolean;
  /**
   * Applies all ops, in order, in ONE transaction over the stores they touch, and resolves only
   * once that transaction has committed. On failure nothing of it is visible and it rejects with
   * StorageQuotaError, StorageAbortedError or StorageClosedError.
   */
  write(ops: readonly EngineOp[]): Promise<void>;
  /** Committed entries of a store in key order. */
  read(store: string, range?: EngineRange, limit?: number): Promise<EngineEntry[]>;
  get(store: string, key: EngineKey): Promise<unknown>;
  /**
   * Reads one key and writes what `decide` returns, in one transaction (nobody else can write in
   * between). `decide` must be synchronous. Resolves true when something was written.
   */
  update(store: string, key: EngineKey, decide: (current: unknown) => UpdateDecision): Promise<boolean>;
  /** Counters of committed write transactions, by the durability they were committed with. */
  readonly writeTransactions: Record<Durability, number>;
  close(): void;
}

/** Opens and deletes named databases with a fixed set of stores. */
export interface EngineProvider {
  open(name: string, stores: readonly string[], durability: Durability): Promise<Engine>;
  deleteDatabase(name: string): Promise<void>;
}

/** IndexedDB's key order (numbers < strings < arrays), so the memory engine sorts identically. */
export function compareKeys(a: EngineKey, b: EngineKey): number {
  const ta = keyTypeRank(a);
  const tb = keyTypeRank(b);
  if (ta !== tb) return ta - tb;
  if (typeof a === 'number') return a < (b as number) ? -1 : a > (b as number) ? 1 : 0;
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  const aa = a as readonly EngineKey[];
  const bb = b as readonly EngineKey[];
  const n = Math.min(aa.length, bb.length);
  for (let i = 0; i < n; i++) {
    const c = compareKeys(aa[i]!, bb[i]!);
    if (c !== 0) return c;
  }
  return aa.length - bb.length;
}

function keyTypeRank(k: EngineKey): number {
  if (typeof k === 'number') {
    if (Number.isNaN(k)) throw new TypeError('storage key: NaN is not a valid key');
    return 0;
  }
  if (typeof k === 'string') return 1;
  if (Array.isArray(k)) return 2;
  throw new TypeError(`storage key: ${String(k)} is not a valid key`);
}

export function inRange(key: EngineKey, range: EngineRange | undefined): boolean {
  if (!range) return true;
  if (range.lower !== undefined && compareKeys(key, range.lower) < 0) return false;
  if (range.upper !== undefined && compareKeys(key, range.upper) >= 0) return false;
  return true;
}

/** The stores of one member's database: etcd's WAL and snap directories and bolt buckets. */
export const MEMBER_STORES = ['wal', 'snap', 'key', 'meta', 'lease', 'members', 'members_removed', 'alarm', 'stats'] as const;

/** The registry database: which members ever had data (wipe detection) and who owns them. */
export const REGISTRY_NAME = 'etcd-playground/registry';
export const REGISTRY_STORES = ['members', 'owners'] as const;
