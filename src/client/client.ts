/**
 * What any etcd client offers, whatever is behind it: the playground's members (through the
 * simulated network) or a real etcd (through its JSON gateway, used by compatibility tests).
 * etcdctl is written against this interface only, so the same command line runs against both.
 *
 * Every method rejects with an `EtcdError` for an error etcd reports, and with an
 * `IndeterminateError` when the request may or may not have taken effect (timeout, member crash).
 * Methods taking `endpoint` address one member (as etcdctl's per-endpoint commands do); without
 * it, the client's current endpoint answers.
 */
import type {
  AlarmRequest,
  AlarmResponse,
  CompactionRequest,
  CompactionResponse,
  DefragmentResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  EtcdErrorBody,
  GrpcCode,
  HashKVResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  Id64,
  MemberAddRequest,
  MemberAddResponse,
  MemberListResponse,
  MoveLeaderResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  SnapshotResponse,
  StatusResponse,
  TxnRequest,
  TxnResponse,
  WatchCreateRequest,
  WatchResponse,
} from '../server/api.ts';

export class EtcdError extends Error implements EtcdErrorBody {
  readonly code: GrpcCode;
  constructor(body: EtcdErrorBody) {
    super(body.message);
    this.name = 'EtcdError';
    this.code = body.code;
  }
}

/** The request may or may not have been applied; a history must treat it as either. */
export class IndeterminateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndeterminateError';
  }
}

export interface WatchHandle {
  /** Resolves once the server has confirmed the cancel (or the stream is gone). */
  cancel(): Promise<void>;
  /** Asks for a progress notification on this watch stream. */
  requestProgress(): void;
}

export interface EtcdClient {
  /** Endpoint names or URLs in failover order. */
  readonly endpoints: readonly string[];

  range(req: RangeRequest): Promise<RangeResponse>;
  put(req: PutRequest): Promise<PutResponse>;
  deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse>;
  txn(req: TxnRequest): Promise<TxnResponse>;
  compact(req: CompactionRequest): Promise<CompactionResponse>;

  /** onResponse receives the created response, then events, progress notifications and cancels. */
  watch(req: WatchCreateRequest, onResponse: (resp: WatchResponse) => void): WatchHandle;

  leaseGrant(req: LeaseGrantRequest): Promise<LeaseGrantResponse>;
  leaseRevoke(id: Id64): Promise<LeaseRevokeResponse>;
  leaseKeepAliveOnce(id: Id64): Promise<LeaseKeepAliveResponse>;
  leaseTimeToLive(req: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse>;
  leaseLeases(): Promise<LeaseLeasesResponse>;

  memberList(): Promise<MemberListResponse>;
  memberAdd(req: MemberAddRequest): Promise<MemberAddResponse>;
  memberRemove(id: Id64): Promise<MemberListResponse>;
  memberPromote(id: Id64): Promise<MemberListResponse>;

  status(endpoint?: string): Promise<StatusResponse>;
  hashKV(revision: number, endpoint?: string): Promise<HashKVResponse>;
  alarm(req: AlarmRequest, endpoint?: string): Promise<AlarmResponse>;
  defragment(endpoint?: string): Promise<DefragmentResponse>;
  moveLeader(targetID: Id64, endpoint?: string): Promise<MoveLeaderResponse>;
  snapshot(endpoint?: string): Promise<SnapshotResponse>;

  close(): void;
}
