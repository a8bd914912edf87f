/**
 * What a raft entry carries: etcd's InternalRaftRequest, as JSON. Exactly one request field is
 * set; `header.ID` is the proposing member's request ID, which its waiter is keyed by, so the
 * member that received the client's request answers once it applies the entry. Other members
 * apply the same entry and find no waiter.
 */
import type {
  AlarmRequest,
  CompactionRequest,
  DeleteRangeRequest,
  Id64,
  PutRequest,
  RangeRequest,
  TxnRequest,
} from './api.ts';

export interface LeaseCheckpoint {
  ID: Id64;
  remaining_TTL: number;
}

export interface InternalRaftRequest {
  header: { ID: Id64 };
  range?: RangeRequest;
  put?: PutRequest;
  deleteRange?: DeleteRangeRequest;
  txn?: TxnRequest;
  compaction?: CompactionRequest;
  leaseGrant?: { TTL: number; ID: Id64 };
  leaseRevoke?: { ID: Id64 };
  leaseCheckpoint?: { checkpoints: LeaseCheckpoint[] };
  alarm?: AlarmRequest;
  /** A started member publishes its name and client URLs (etcd's ClusterMemberAttrSet). */
  memberAttrSet?: { ID: Id64; name: string; clientURLs: string[] };
}

export type RaftRequestKind = Exclude<keyof InternalRaftRequest, 'header'>;

const kinds: readonly RaftRequestKind[] = [
  'range', 'put', 'deleteRange', 'txn', 'compaction', 'leaseGrant', 'leaseRevoke', 'leaseCheckpoint', 'alarm', 'memberAttrSet',
];

export function encodeRaftRequest(r: InternalRaftRequest): string {
  return JSON.stringify(r);
}

/** Throws on data that is not exactly one known request: such an entry would be a bug upstream. */
export function decodeRaftRequest(data: string): InternalRaftRequest {
  const r = JSON.parse(data) as InternalRaftRequest;
  if (typeof r !== 'object' || r === null || typeof r.header?.ID !== 'string') {
    throw new Error(`raft entry is not an InternalRaftRequest: ${data.slice(0, 80)}`);
  }
  const set = kinds.filter((k) => r[k] !== undefined);
  if (set.length !== 1) throw new Error(`raft entry must carry exactly one request, has ${set.join(',') || 'none'}`);
  return r;
}

export function raftRequestKind(r: InternalRaftRequest): RaftRequestKind {
  return kinds.find((k) => r[k] !== undefined)!;
}
