/**
 * The etcd v3 API as plain data: etcd's request and response messages (etcdserverpb, mvccpb),
 * with etcd's field names, so that what a user learns here reads the same against a real etcd.
 *
 * Representation rules (invariants every layer keeps):
 * - keys and values are `Bytes` (one byte per code unit; see mvcc/bytes.ts);
 * - 64-bit identifiers (cluster, member, lease) are `Id64`: lowercase hex without leading zeros,
 *   '0' meaning "none", so they never lose precision and print as etcd prints them;
 * - revisions, versions, counts, TTLs and raft indexes are JS numbers (exact below 2^53);
 * - optional request fields default to etcd's zero values; responses carry every field, except
 *   the nullable messages `prev_kv` / `kv` and `member`, which are absent when etcd sends null;
 * - everything is structured-cloneable and JSON-serializable (no classes, no bigint).
 */
import type { Bytes } from '../mvcc/bytes.ts';

export type { Bytes } from '../mvcc/bytes.ts';
export {
  bytesFromUtf8,
  utf8FromBytes,
  bytesToBase64,
  bytesFromBase64,
  bytesToHex,
  prefixRangeEnd,
  compareBytes,
  isBytes,
} from '../mvcc/bytes.ts';

/** Lowercase hex, no leading zeros; '0' = none. */
export type Id64 = string;

export function id64FromBigInt(v: bigint): Id64 {
  return BigInt.asUintN(64, v).toString(16);
}
export function id64ToBigInt(id: Id64): bigint {
  return BigInt('0x' + id);
}
export function id64FromDecimal(dec: string): Id64 {
  return id64FromBigInt(BigInt(dec));
}
export function id64ToDecimal(id: Id64): string {
  return id64ToBigInt(id).toString(10);
}

export interface ResponseHeader {
  cluster_id: Id64;
  member_id: Id64;
  revision: number;
  raft_term: number;
}

export type { KeyValue, EventType, Event, LeaseId } from '../mvcc/types.ts';
import type { KeyValue, Event } from '../mvcc/types.ts';

// ---- KV ----

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  key: Bytes;
  /** '' = single key; '\0' = every key >= key; otherwise the half-open range [key, range_end). */
  range_end?: Bytes;
  limit?: number;
  revision?: number;
  sort_order?: SortOrder;
  sort_target?: SortTarget;
  serializable?: boolean;
  keys_only?: boolean;
  count_only?: boolean;
  min_mod_revision?: number;
  max_mod_revision?: number;
  min_create_revision?: number;
  max_create_revision?: number;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

export interface PutRequest {
  key: Bytes;
  value?: Bytes;
  lease?: Id64;
  prev_kv?: boolean;
  ignore_value?: boolean;
  ignore_lease?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prev_kv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: Bytes;
  range_end?: Bytes;
  prev_kv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prev_kvs: KeyValue[];
}

export type RequestOp =
  | { request_range: RangeRequest }
  | { request_put: PutRequest }
  | { request_delete_range: DeleteRangeRequest }
  | { request_txn: TxnRequest };

export type ResponseOp =
  | { response_range: RangeResponse }
  | { response_put: PutResponse }
  | { response_delete_range: DeleteRangeResponse }
  | { response_txn: TxnResponse };

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

/** Exactly the field named by `target` carries the operand (as etcd's oneof target_union). */
export interface Compare {
  result: CompareResult;
  target: CompareTarget;
  key: Bytes;
  range_end?: Bytes;
  version?: number;
  create_revision?: number;
  mod_revision?: number;
  value?: Bytes;
  lease?: Id64;
}

export interface TxnRequest {
  compare?: Compare[];
  success?: RequestOp[];
  failure?: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
  physical?: boolean;
}

export interface CompactionResponse {
  header: ResponseHeader;
}

export interface HashKVRequest {
  revision?: number;
}

export interface HashKVResponse {
  header: ResponseHeader;
  hash: number;
  compact_revision: number;
}

// ---- Watch ----

export type WatchFilterType = 'NOPUT' | 'NODELETE';

export interface WatchCreateRequest {
  key: Bytes;
  range_end?: Bytes;
  start_revision?: number;
  progress_notify?: boolean;
  filters?: WatchFilterType[];
  prev_kv?: boolean;
  /** 0 = let the server choose. */
  watch_id?: number;
  fragment?: boolean;
}

export type WatchRequest =
  | { create_request: WatchCreateRequest }
  | { cancel_request: { watch_id: number } }
  | { progress_request: Record<string, never> };

export interface WatchResponse {
  header: ResponseHeader;
  watch_id: number;
  created: boolean;
  canceled: boolean;
  compact_revision: number;
  cancel_reason: string;
  fragment: boolean;
  events: Event[];
}

// ---- Lease ----

export interface LeaseGrantRequest {
  TTL: number;
  /** '0' = let the server choose. */
  ID?: Id64;
}

export interface LeaseGrantResponse {
  header: ResponseHeader;
  ID: Id64;
  TTL: number;
  error: string;
}

export interface LeaseRevokeRequest {
  ID: Id64;
}

export interface LeaseRevokeResponse {
  header: ResponseHeader;
}

export interface LeaseKeepAliveRequest {
  ID: Id64;
}

export interface LeaseKeepAliveResponse {
  header: ResponseHeader;
  ID: Id64;
  /** 0 when the lease is not found or expired (etcd answers so instead of an error). */
  TTL: number;
}

export interface LeaseTimeToLiveRequest {
  ID: Id64;
  keys?: boolean;
}

export interface LeaseTimeToLiveResponse {
  header: ResponseHeader;
  ID: Id64;
  /** -1 for an expired or unknown lease. */
  TTL: number;
  grantedTTL: number;
  keys: Bytes[];
}

export interface LeaseLeasesResponse {
  header: ResponseHeader;
  leases: { ID: Id64 }[];
}

// ---- Cluster ----

export interface Member {
  ID: Id64;
  /** Empty for a member added but not yet started (etcd shows it unstarted). */
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface MemberAddRequest {
  peerURLs: string[];
  isLearner?: boolean;
}

export interface MemberAddResponse {
  header: ResponseHeader;
  member: Member;
  members: Member[];
}

export interface MemberRemoveRequest {
  ID: Id64;
}

export interface MemberListResponse {
  header: ResponseHeader;
  members: Member[];
}

export interface MemberPromoteRequest {
  ID: Id64;
}

// ---- Maintenance ----

export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';

export interface AlarmMember {
  memberID: Id64;
  alarm: AlarmType;
}

export interface AlarmRequest {
  action: 'GET' | 'ACTIVATE' | 'DEACTIVATE';
  memberID?: Id64;
  alarm?: AlarmType;
}

export interface AlarmResponse {
  header: ResponseHeader;
  alarms: AlarmMember[];
}

export interface StatusResponse {
  header: ResponseHeader;
  version: string;
  dbSize: number;
  leader: Id64;
  raftIndex: number;
  raftTerm: number;
  raftAppliedIndex: number;
  errors: string[];
  dbSizeInUse: number;
  isLearner: boolean;
}

export interface DefragmentResponse {
  header: ResponseHeader;
}

export interface MoveLeaderRequest {
  targetID: Id64;
}

export interface MoveLeaderResponse {
  header: ResponseHeader;
}

/** A whole backend image, as `etcdctl snapshot save` writes it (the playground's own format). */
export interface SnapshotResponse {
  header: ResponseHeader;
  blob: Bytes;
}

// ---- Errors ----

/** gRPC status codes by name, as etcd's rpctypes assigns them. */
export type GrpcCode =
  | 'OK'
  | 'Canceled'
  | 'Unknown'
  | 'InvalidArgument'
  | 'DeadlineExceeded'
  | 'NotFound'
  | 'AlreadyExists'
  | 'PermissionDenied'
  | 'ResourceExhausted'
  | 'FailedPrecondition'
  | 'Aborted'
  | 'OutOfRange'
  | 'Unimplemented'
  | 'Internal'
  | 'Unavailable'
  | 'DataLoss'
  | 'Unauthenticated';

export const grpcCodeNumber: Record<GrpcCode, number> = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
};

/**
 * An error as etcd returns it over gRPC: `message` is etcd's exact text (e.g.
 * "etcdserver: mvcc: required revision has been compacted"). Plain data so it crosses workers.
 */
export interface EtcdErrorBody {
  code: GrpcCode;
  message: string;
}
