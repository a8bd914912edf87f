/**
 * The bridge from the pure layers to a durable backend: the MVCC store's `Backend` and the
 * lessor's `LeaseBackend` (both synchronous, with buffered writes) over this folder's asynchronous
 * `Backend`. Reads are served from a view held in memory, loaded once at start (as etcd rebuilds
 * its index from the key bucket); writes go into the view at once and into a pending unit, and
 * `commit()` sends the whole unit — key bucket, meta and lease writes together — as ONE backend
 * transaction, as etcd's batch transaction does. So a revoke's key deletions and its lease
 * deletion land together or not at all.
 */
import type { Backend as MvccBackend, BackendImage, KeyBucketValue, MetaKey } from '../mvcc/backend.ts';
import type { RevisionKey } from '../mvcc/revision.ts';
import type { LeaseBackend, LeaseRecord } from '../lease/backend.ts';
import type { LeaseId } from '../mvcc/types.ts';
import { BTree } from './sortedTree.ts';
import type { Backend } from './types.ts';

type Op =
  | { kind: 'put'; rev: RevisionKey; value: KeyBucketValue }
  | { kind: 'delete'; rev: RevisionKey }
  | { kind: 'meta'; key: MetaKey; value: number }
  | { kind: 'putLease'; lease: LeaseRecord }
  | { kind: 'deleteLease'; id: LeaseId };

const META_KEYS: readonly MetaKey[] = ['consistent_index', 'scheduledCompactRev', 'finishedCompactRev'];

function compareKeys(a: RevisionKey, b: RevisionKey): number {
  return a[0] - b[0] || a[1] - b[1];
}

export class DurableStateBackend implements MvccBackend {
  private readonly keys = new BTree<RevisionKey, KeyBucketValue>(undefined, compareKeys);
  private readonly meta = new Map<MetaKey, number>();
  private readonly leaseMap = new Map<LeaseId, LeaseRecord>();
  private pending: Op[] = [];
  /** Units committed so far. */
  commits = 0;

  /** The lessor's view of the same units: its writes commit with the MVCC writes. */
  readonly leases: LeaseBackend = {
    put: (record) => {
      const copy = { ID: record.ID, TTL: record.TTL, RemainingTTL: record.RemainingTTL };
      this.leaseMap.set(record.ID, copy);
      this.pending.push({ kind: 'putLease', lease: copy });
    },
    delete: (id) => {
      this.leaseMap.delete(id);
      this.pending.push({ kind: 'deleteLease', id });
    },
    list: () => [...this.leaseMap.values()].map((l) => ({ ...l })),
  };

  private constructor(private readonly backend: Backend) {}

  /** Loads the committed state of `backend` (key bucket, meta, leases) as the read view. */
  static async load(backend: Backend): Promise<DurableStateBackend> {
    const d = new DurableStateBackend(backend);
    for (const { rev, value } of await backend.readRevisions()) d.keys.set([rev[0], rev[1]], value);
    const meta = await backend.allMeta();
    for (const k of META_KEYS) if (typeof meta[k] === 'number') d.meta.set(k, meta[k]);
    for (const l of await backend.listLeases()) d.leaseMap.set(l.ID, l);
    return d;
  }

  getKey(rev: RevisionKey): KeyBucketValue | undefined {
    return this.keys.get(rev);
  }

  rangeKeys(from: RevisionKey, to: RevisionKey, limit = 0): Array<[RevisionKey, KeyBucketValue]> {
    const out: Array<[RevisionKey, KeyBucketValue]> = [];
    for (const [k, v] of this.keys.entries(from)) {
      if (compareKeys(k, to) >= 0) break;
      out.push([k, v]);
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  }

  getMeta(key: MetaKey): number | undefined {
    return this.meta.get(key);
  }

  putKey(rev: RevisionKey, value: KeyBucketValue): void {
    const k: RevisionKey = [rev[0], rev[1]];
    this.keys.set(k, value);
    this.pending.push({ kind: 'put', rev: k, value });
  }

  deleteKey(rev: RevisionKey): void {
    this.keys.delete(rev);
    this.pending.push({ kind: 'delete', rev: [rev[0], rev[1]] });
  }

  putMeta(key: MetaKey, value: number): void {
    this.meta.set(key, value);
    this.pending.push({ kind: 'meta', key, value });
  }

  /** Every write made before this call, as one transaction; resolves once it has committed. */
  async commit(): Promise<void> {
    const unit = this.pending;
    this.pending = [];
    if (unit.length === 0) return;
    const batch = this.backend.batch();
    for (const op of unit) {
      if (op.kind === 'put') batch.putRevision(op.rev, op.value);
      else if (op.kind === 'delete') batch.deleteRevision(op.rev);
      else if (op.kind === 'meta') batch.putMeta(op.key, op.value);
      else if (op.kind === 'putLease') batch.putLease(op.lease);
      else batch.deleteLease(op.id);
    }
    await batch.commit();
    this.commits++;
  }

  pendingWrites(): number {
    return this.pending.length;
  }

  image(): BackendImage {
    return { keys: [...this.keys.entries()].map(([k, v]) => [[k[0], k[1]], v]), meta: Object.fromEntries(this.meta) };
  }
}
