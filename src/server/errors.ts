/**
 * etcd's gRPC errors (etcdserver/api/v3rpc/rpctypes in etcd 3.4) as plain data: exact message
 * text and gRPC code. Clients and etcdctl print these texts, so they must match to the byte.
 * Add entries here rather than spelling a message inline anywhere else.
 */
import type { EtcdErrorBody, GrpcCode } from './api.ts';

function e(code: GrpcCode, message: string): EtcdErrorBody {
  return Object.freeze({ code, message });
}

// ---- KV ----
export const ErrEmptyKey = e('InvalidArgument', 'etcdserver: key is not provided');
export const ErrKeyNotFound = e('InvalidArgument', 'etcdserver: key not found');
export const ErrValueProvided = e('InvalidArgument', 'etcdserver: value is provided');
export const ErrLeaseProvided = e('InvalidArgument', 'etcdserver: lease is provided');
export const ErrTooManyOps = e('InvalidArgument', 'etcdserver: too many operations in txn request');
export const ErrDuplicateKey = e('InvalidArgument', 'etcdserver: duplicate key given in txn request');
export const ErrCompacted = e('OutOfRange', 'etcdserver: mvcc: required revision has been compacted');
export const ErrFutureRev = e('OutOfRange', 'etcdserver: mvcc: required revision is a future revision');
export const ErrNoSpace = e('ResourceExhausted', 'etcdserver: mvcc: database space exceeded');
/**
 * etcd 3.4 does not check sort enums (gRPC passes unknown numbers through); the playground's
 * requests are strings, so an unknown one is refused with the text etcd 3.5 uses for it.
 */
export const ErrInvalidSortOption = e('InvalidArgument', 'etcdserver: invalid sort option');

// ---- Lease ----
export const ErrLeaseNotFound = e('NotFound', 'etcdserver: requested lease not found');
export const ErrLeaseExist = e('FailedPrecondition', 'etcdserver: lease already exists');
export const ErrLeaseTTLTooLarge = e('OutOfRange', 'etcdserver: too large lease TTL');

// ---- Watch ----
export const ErrWatchCanceled = e('Canceled', 'etcdserver: watch canceled');

// ---- Cluster ----
export const ErrMemberExist = e('FailedPrecondition', 'etcdserver: member ID already exist');
export const ErrPeerURLExist = e('FailedPrecondition', 'etcdserver: Peer URLs already exists');
export const ErrMemberNotEnoughStarted = e(
  'FailedPrecondition',
  'etcdserver: re-configuration failed due to not enough started members',
);
export const ErrMemberBadURLs = e('InvalidArgument', 'etcdserver: given member URLs are invalid');
export const ErrMemberNotFound = e('NotFound', 'etcdserver: member not found');
export const ErrMemberNotLearner = e('FailedPrecondition', 'etcdserver: can only promote a learner member');
export const ErrLearnerNotReady = e(
  'FailedPrecondition',
  'etcdserver: can only promote a learner member which is in sync with leader',
);
export const ErrTooManyLearners = e('FailedPrecondition', 'etcdserver: too many learner members in cluster');

// ---- Requests and server state ----
export const ErrRequestTooLarge = e('InvalidArgument', 'etcdserver: request is too large');
export const ErrTooManyRequests = e('ResourceExhausted', 'etcdserver: too many requests');
export const ErrNoLeader = e('Unavailable', 'etcdserver: no leader');
export const ErrNotLeader = e('FailedPrecondition', 'etcdserver: not leader');
export const ErrLeaderChanged = e('Unavailable', 'etcdserver: leader changed');
export const ErrNotCapable = e('Unavailable', 'etcdserver: not capable');
export const ErrStopped = e('Unavailable', 'etcdserver: server stopped');
export const ErrTimeout = e('Unavailable', 'etcdserver: request timed out');
export const ErrTimeoutDueToLeaderFail = e(
  'Unavailable',
  'etcdserver: request timed out, possibly due to previous leader failure',
);
export const ErrTimeoutDueToConnectionLost = e(
  'Unavailable',
  'etcdserver: request timed out, possibly due to connection lost',
);
export const ErrTimeoutWaitAppliedIndex = e(
  'Unavailable',
  'etcdserver: request timed out, waiting for the applied index took too long',
);
export const ErrUnhealthy = e('Unavailable', 'etcdserver: unhealthy cluster');
export const ErrCorrupt = e('DataLoss', 'etcdserver: corrupt cluster');
export const ErrNotSupportedForLearner = e('Unavailable', 'etcdserver: rpc not supported for learner');
export const ErrBadLeaderTransferee = e('FailedPrecondition', 'etcdserver: bad leader transferee');

/** An etcd error thrown inside the apply layer and turned back into its body at the boundary. */
export class EtcdError extends Error {
  constructor(readonly body: EtcdErrorBody) {
    super(body.message);
    this.name = 'EtcdError';
  }
}
