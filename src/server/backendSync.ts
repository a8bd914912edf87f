/**
 * Writes the state machine through to the member's stored backend (etcd's bolt buckets: key,
 * meta, lease, members, members_removed, alarm), one batch per applied Ready, with the
 * consistent index in the same batch. So after a crash the stored backend is exactly the state
 * at its consistent index, and a restart starts from it and replays only the entries after it.
 *
 * The MVCC store and the lessor keep working on their in-memory backends (reads stay
 * synchronous); these wrappers copy every write into the open batch as it happens.
 */
import type { Backend as KvBackend, BackendImage, KeyBucketValue, MetaKey } from '../mvcc/backend.ts';
import type { RevisionKey } from '../mvcc/revision.ts';
import type { LeaseBackend, LeaseRecord } from '../lease/backend.ts';
import type { Backend as StoredBackend, BackendBatch } from '../storage/types.ts';
import type { AlarmMember, Id64 } from './api.ts';
import type { MembershipState } from './membership.ts';

/** Hands out the batch of the Ready being applied, opening it on first use. */
export type BatchSink = () => BackendBatch;

export class PersistingKvBackend implements KvBackend {
  constructor(
    readonly inner: KvBackend,
    private readonly sink: BatchSink,
  ) {}
  getKey(rev: RevisionKey): KeyBucketValue | undefined {
    return this.inner.getKey(rev);
  }
  rangeKeys(from: RevisionKey, to: RevisionKey, limit?: number): Array<[RevisionKey, KeyBucketValue]> {
    return this.inner.rangeKeys(from, to, limit);
  }
  getMeta(key: MetaKey): number | undefined {
    return this.inner.getMeta(key);
  }
  putKey(rev: RevisionKey, value: KeyBucketValue): void {
    this.inner.putKey(rev, value);
    this.sink().putRevision([rev[0], rev[1]], value);
  }
  deleteKey(rev: RevisionKey): void {
    this.inner.deleteKey(rev);
    this.sink().deleteRevision([rev[0], rev[1]]);
  }
  putMeta(key: MetaKey, value: number): void {
    this.inner.putMeta(key, value);
    this.sink().putMeta(key, value);
  }
  commit(): Promise<void> {
    return this.inner.commit();
  }
  pendingWrites(): number {
    return this.inner.pendingWrites();
  }
  image(): BackendImage {
    return this.inner.image();
  }
}

export class PersistingLeaseBackend implements LeaseBackend {
  constructor(
    readonly inner: LeaseBackend,
    private readonly sink: BatchSink,
  ) {}
  put(record: LeaseRecord): void {
    this.inner.put(record);
    this.sink().putLease({ ID: record.ID, TTL: record.TTL, RemainingTTL: record.RemainingTTL });
  }
  delete(id: Id64): void {
    this.inner.delete(id);
    this.sink().deleteLease(id);
  }
  list(): LeaseRecord[] {
    return this.inner.list();
  }
}

/** Replaces membership and alarms in the batch (they are small; rewriting them whole is simplest). */
export function writeMembership(batch: BackendBatch, before: MembershipState, after: MembershipState): void {
  const keep = new Set(after.members.map((m) => m.ID));
  for (const m of before.members) if (!keep.has(m.ID)) batch.deleteMember(m.ID);
  for (const m of after.members) batch.putMember({ ID: m.ID, name: m.name, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs], isLearner: m.isLearner });
  for (const id of after.removed) batch.putRemovedMember(id);
  batch.putMeta('cluster_id', after.clusterId);
}

export function writeAlarms(batch: BackendBatch, before: AlarmMember[], after: AlarmMember[]): void {
  for (const a of before) if (a.alarm !== 'NONE') batch.deleteAlarm({ memberID: a.memberID, alarm: a.alarm });
  for (const a of after) if (a.alarm !== 'NONE') batch.putAlarm({ memberID: a.memberID, alarm: a.alarm });
}

export interface StoredState {
  consistentIndex: number;
  consistentTerm: number;
  kv: BackendImage;
  leases: LeaseRecord[];
  membership: MembershipState;
  alarms: AlarmMember[];
}

const KV_META: readonly MetaKey[] = ['consistent_index', 'scheduledCompactRev', 'finishedCompactRev'];

/** Reads the stored backend back; undefined when it holds no applied state yet. */
export async function loadStoredState(b: StoredBackend): Promise<StoredState | undefined> {
  const meta = await b.allMeta();
  const ci = meta['consistent_index'];
  if (typeof ci !== 'number' || ci <= 0) return undefined;
  const kvMeta: Partial<Record<MetaKey, number>> = {};
  for (const k of KV_META) if (typeof meta[k] === 'number') kvMeta[k] = meta[k] as number;
  const keys = (await b.readRevisions()).map((r) => [[r.rev[0], r.rev[1]], r.value] as [RevisionKey, KeyBucketValue]);
  return {
    consistentIndex: ci,
    consistentTerm: typeof meta['consistent_term'] === 'number' ? (meta['consistent_term'] as number) : 0,
    kv: { keys, meta: kvMeta },
    leases: await b.listLeases(),
    membership: {
      clusterId: typeof meta['cluster_id'] === 'string' ? (meta['cluster_id'] as string) : '0',
      members: (await b.listMembers()).map((m) => ({ ...m })),
      removed: await b.listRemovedMembers(),
    },
    alarms: (await b.listAlarms()).map((a) => ({ memberID: a.memberID, alarm: a.alarm })),
  };
}
