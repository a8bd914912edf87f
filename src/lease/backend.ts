/**
 * Where the lessor persists its leases: etcd's "lease" bucket. One record per live lease, with
 * the fields of etcd's leasepb.Lease. Keys attached to a lease are NOT stored here: every key
 * records its own lease in the MVCC store, and `Lessor.recover` re-attaches them from there.
 *
 * The interface is synchronous on purpose: the lessor runs inside the apply step, and an
 * implementation over IndexedDB buffers these writes into the same batch as the MVCC writes of
 * the applied entries (etcd writes both through one backend batch transaction), so a revoke's
 * key deletions and its lease deletion land together or not at all.
 */
import type { LeaseId } from '../mvcc/types.ts';

export interface LeaseRecord {
  ID: LeaseId;
  /** Granted TTL in seconds (after the minimum-TTL raise). */
  TTL: number;
  /** Last checkpointed remaining TTL in seconds; 0 = none, the full TTL applies. */
  RemainingTTL: number;
}

export interface LeaseBackend {
  /** Inserts or replaces the record with this ID. */
  put(record: LeaseRecord): void;
  /** Removes the record with this ID; absent is not an error. */
  delete(id: LeaseId): void;
  /** Every stored record, in any order. */
  list(): LeaseRecord[];
}

/** A LeaseBackend in memory, for tests and for members that need no persistence. */
export class MemoryLeaseBackend implements LeaseBackend {
  private readonly records = new Map<LeaseId, LeaseRecord>();

  put(record: LeaseRecord): void {
    // Copy so later changes by the caller cannot alter what was "persisted".
    this.records.set(record.ID, { ...record });
  }

  delete(id: LeaseId): void {
    this.records.delete(id);
  }

  list(): LeaseRecord[] {
    return [...this.records.values()].map((r) => ({ ...r }));
  }
}
