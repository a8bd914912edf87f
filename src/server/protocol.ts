/**
 * What crosses a member's boundary, as plain data: the inputs a host feeds it and the outputs it
 * hands back (raft messages to peers, answers and watch events to clients, forwarded lease
 * requests between members). The same shapes travel through the simulated network in-process
 * and through postMessage from a worker.
 */
import type { Message, NodeId } from '../raft/types.ts';
import type {
  AlarmRequest,
  CompactionRequest,
  DeleteRangeRequest,
  EtcdErrorBody,
  HashKVRequest,
  Id64,
  LeaseGrantRequest,
  LeaseKeepAliveRequest,
  LeaseRevokeRequest,
  LeaseTimeToLiveRequest,
  MemberAddRequest,
  MemberPromoteRequest,
  MemberRemoveRequest,
  MoveLeaderRequest,
  PutRequest,
  RangeRequest,
  TxnRequest,
  WatchRequest,
  WatchResponse,
} from './api.ts';

/** A unary client request; `op` names the etcd RPC. */
export type ClientRequest =
  | { op: 'range'; req: RangeRequest }
  | { op: 'put'; req: PutRequest }
  | { op: 'deleteRange'; req: DeleteRangeRequest }
  | { op: 'txn'; req: TxnRequest }
  | { op: 'compact'; req: CompactionRequest }
  | { op: 'hashKV'; req: HashKVRequest }
  | { op: 'leaseGrant'; req: LeaseGrantRequest }
  | { op: 'leaseRevoke'; req: LeaseRevokeRequest }
  | { op: 'leaseKeepAlive'; req: LeaseKeepAliveRequest }
  | { op: 'leaseTimeToLive'; req: LeaseTimeToLiveRequest }
  | { op: 'leaseLeases' }
  | { op: 'memberList' }
  | { op: 'memberAdd'; req: MemberAddRequest }
  | { op: 'memberRemove'; req: MemberRemoveRequest }
  | { op: 'memberPromote'; req: MemberPromoteRequest }
  | { op: 'status' }
  | { op: 'alarm'; req: AlarmRequest }
  | { op: 'defragment' }
  | { op: 'moveLeader'; req: MoveLeaderRequest }
  | { op: 'snapshot' };

export type ClientOp = ClientRequest['op'];

/** An answer: the response message, or etcd's error. */
export type ClientResult = { ok: true; resp: unknown } | { ok: false; error: EtcdErrorBody };

/** Requests a follower forwards to the leader (etcd does it over the peer HTTP API). */
export type PeerRequest =
  | { op: 'leaseKeepAlive'; req: LeaseKeepAliveRequest }
  | { op: 'leaseTimeToLive'; req: LeaseTimeToLiveRequest }
  /** Only the leader can tell whether a learner caught up. */
  | { op: 'memberPromote'; req: MemberPromoteRequest };

/** Everything a host hands a member. `from` is the sender's address (a member ID or a client name). */
export type MemberInput =
  | { kind: 'raft'; msg: Message }
  | { kind: 'request'; from: string; reqId: number; request: ClientRequest }
  | { kind: 'watch'; from: string; streamId: number; request: WatchRequest }
  /** The client's watch stream went away (client closed, or it failed over): drop its watchers. */
  | { kind: 'watchClose'; from: string; streamId: number }
  | { kind: 'peerRequest'; from: NodeId; fwdId: number; request: PeerRequest }
  | { kind: 'peerReply'; from: NodeId; fwdId: number; result: ClientResult };

/** Everything a member hands its host to deliver. */
export type MemberOutput =
  | { kind: 'raft'; to: NodeId; msg: Message }
  | { kind: 'reply'; to: string; reqId: number; result: ClientResult }
  | { kind: 'watch'; to: string; streamId: number; resp: WatchResponse }
  | { kind: 'peerRequest'; to: NodeId; fwdId: number; request: PeerRequest }
  | { kind: 'peerReply'; to: NodeId; fwdId: number; result: ClientResult };

/** The destination of an output: a member ID for raft/peer traffic, a client address otherwise. */
export function outputDestination(o: MemberOutput): string {
  return o.to;
}

export type { Id64 };
