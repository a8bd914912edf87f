import type { KeyValue } from './types.ts';
import type { RevisionKey } from './revision.ts';

/**
 * A value of the key bucket. Invariant: a tombstone's kv carries only the key and its
 * mod_revision (the delete's revision); everything else is zero, as etcd stores deletions.
 */
export interface KeyBucketValue {
  kv: KeyValue;
  tombstone: boolean;
}

/** The meta bucket's keys (etcd's names). */
export type MetaKey = 'consistent_index' | 'scheduledCompactRev' | 'finishedCompactRev';

/** A whole backend as plain data (snapshots, inspectors, crash copies). Entries in revision order. */
export interface BackendImage {
  keys: Array<[RevisionKey, KeyBucketValue]>;
  meta: Partial<Record<MetaKey, number>>;
}

/**
 * What the MVCC store writes through: etcd's bbolt backend reduced to the two buckets mvcc uses.
 *
 * Contract:
 * - Reads see every write made so far, committed or not (etcd's read buffer gives the same).
 * - Writes are buffered; `commit()` takes every write made before the call as ONE unit that
 *   lands entirely or not at all, and resolves when that unit is durable. Writes made after the
 *   call belong to the next unit. The host commits on an interval or when `pendingWrites()`
 *   passes a limit (etcd's batch interval and batch limit); the store itself only forces a
 *   commit around compaction, as etcd does.
 * - After a crash, only committed units survive; the consistent index stored in the meta bucket
 *   tells the server which raft entries to apply again.
 * - Nothing here mutates a value after it was written; callers must not either.
 */
export interface Backend {
  getKey(rev: RevisionKey): KeyBucketValue | undefined;
  /** Entries with from <= revision < to, in revision order; at most `limit` (0 = all). */
  rangeKeys(from: RevisionKey, to: RevisionKey, limit?: number): Array<[RevisionKey, KeyBucketValue]>;
  getMeta(key: MetaKey): number | undefined;
  putKey(rev: RevisionKey, value: KeyBucketValue): void;
  deleteKey(rev: RevisionKey): void;
  putMeta(key: MetaKey, value: number): void;
  commit(): Promise<void>;
  pendingWrites(): number;
  /** Everything as seen by reads (committed and pending), as plain data. */
  image(): BackendImage;
}
