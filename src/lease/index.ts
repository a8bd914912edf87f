/** The lease layer's public surface: the lessor, its persistence hook, IDs, errors and limits. */
export {
  Lessor,
  type LessorOptions,
  type LeaseDeleteTxn,
  type RangeDeleter,
  type LeaseCheckpoint,
  type LeaseView,
  type LeaseTimeToLive,
  type KeyLease,
} from './lessor.ts';
export { MemoryLeaseBackend, type LeaseBackend, type LeaseRecord } from './backend.ts';
export { leaseIdGenerator, type LeaseIdGenerator } from './leaseIdGenerator.ts';
export { NO_LEASE, isLeaseId, assertLeaseId, compareLeaseIds } from './leaseId.ts';
export {
  LeaseError,
  type LeaseErrorCode,
  type GrpcCode,
  ERR_LEASE_NOT_FOUND,
  ERR_LEASE_EXISTS,
  ERR_LEASE_TTL_TOO_LARGE,
  ERR_NOT_PRIMARY,
  ERR_LEASE_EXPIRED,
} from './errors.ts';
export {
  MAX_LEASE_TTL_SECONDS,
  LEASE_REVOKE_RATE,
  EXPIRY_POLL_INTERVAL_MS,
  EXPIRED_LEASE_RETRY_INTERVAL_MS,
  DEFAULT_CHECKPOINT_INTERVAL_MS,
  MAX_CHECKPOINT_BATCH_SIZE,
  minLeaseTtlSeconds,
} from './limits.ts';
