/**
 * The lessor's failures. `message` is the exact text a real etcd 3.4 client sees for the failure
 * (etcd's gRPC status description), so the server can pass it through unchanged; `code` is for
 * callers that branch on the kind of failure, and `grpcCode` is the status code etcd answers with.
 */
export type LeaseErrorCode =
  | 'LeaseNotFound'
  | 'LeaseExists'
  | 'LeaseTTLTooLarge'
  | 'NotPrimary'
  | 'LeaseExpired'
  | 'InvalidArgument';

export type GrpcCode = 'NotFound' | 'FailedPrecondition' | 'OutOfRange' | 'Unavailable' | 'InvalidArgument';

export class LeaseError extends Error {
  readonly code: LeaseErrorCode;
  readonly grpcCode: GrpcCode;

  constructor(code: LeaseErrorCode, message: string, grpcCode: GrpcCode) {
    super(message);
    this.name = 'LeaseError';
    this.code = code;
    this.grpcCode = grpcCode;
  }
}

/** etcd rpctypes.ErrGRPCLeaseNotFound. */
export const ERR_LEASE_NOT_FOUND = 'etcdserver: requested lease not found';
/** etcd rpctypes.ErrGRPCLeaseExist. */
export const ERR_LEASE_EXISTS = 'etcdserver: lease already exists';
/** etcd rpctypes.ErrGRPCLeaseTTLTooLarge. */
export const ERR_LEASE_TTL_TOO_LARGE = 'etcdserver: too large lease TTL';
/** etcd lease.ErrNotPrimary; never reaches a client: the server forwards the request to the leader. */
export const ERR_NOT_PRIMARY = 'not a primary lessor';
/**
 * A keep-alive for a lease whose expiry has passed but whose revoke has not been applied yet.
 * etcd blocks such a renew until the revoke lands (then answers "not found") or the lessor is
 * demoted (then the client retries on the new leader); a pure lessor cannot block, so it says so
 * and leaves the waiting to the server. Not a client-visible text.
 */
export const ERR_LEASE_EXPIRED = 'lease expired, revoke pending';

export const leaseNotFound = (): LeaseError => new LeaseError('LeaseNotFound', ERR_LEASE_NOT_FOUND, 'NotFound');
export const leaseExists = (): LeaseError => new LeaseError('LeaseExists', ERR_LEASE_EXISTS, 'FailedPrecondition');
export const leaseTtlTooLarge = (): LeaseError =>
  new LeaseError('LeaseTTLTooLarge', ERR_LEASE_TTL_TOO_LARGE, 'OutOfRange');
export const notPrimary = (): LeaseError => new LeaseError('NotPrimary', ERR_NOT_PRIMARY, 'Unavailable');
export const leaseExpired = (): LeaseError => new LeaseError('LeaseExpired', ERR_LEASE_EXPIRED, 'Unavailable');
export const invalidArgument = (what: string): LeaseError =>
  new LeaseError('InvalidArgument', what, 'InvalidArgument');
