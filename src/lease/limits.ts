/** The lessor's fixed limits and etcd 3.4's defaults for its tunables. */

/** Largest TTL a lease may be granted, in seconds (etcd's lease.MaxLeaseTTL). */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

/**
 * Most leases the primary revokes per second (etcd's leaseRevokeRate). The server polls for
 * expired leases every EXPIRY_POLL_INTERVAL_MS, taking at most half of this per poll.
 */
export const LEASE_REVOKE_RATE = 1000;

/** How often the primary looks for expired leases (etcd's lessor run loop period). */
export const EXPIRY_POLL_INTERVAL_MS = 500;

/**
 * After an expired lease is handed out for revocation it is offered again only after this long,
 * in case its revoke proposal was lost (etcd's defaultExpiredleaseRetryInterval).
 */
export const EXPIRED_LEASE_RETRY_INTERVAL_MS = 3000;

/** Period between checkpoints of one lease's remaining TTL (etcd's defaultLeaseCheckpointInterval). */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 5 * 60 * 1000;

/** Most checkpoints in one proposal (etcd's maxLeaseCheckpointBatchSize). */
export const MAX_CHECKPOINT_BATCH_SIZE = 1000;

/**
 * The minimum lease TTL etcd derives from the Raft timing: 1.5 election timeouts, rounded up to
 * whole seconds, so a lease cannot expire during a normal leader election. etcd computes
 * (3 * electionTicks / 2) with integer division before multiplying by the tick length; this
 * does the same, so odd tick counts round exactly as there (10 ticks x 100 ms -> 2 s).
 */
export function minLeaseTtlSeconds(electionTicks: number, tickMs: number): number {
  if (!Number.isSafeInteger(electionTicks) || electionTicks <= 0 || !Number.isFinite(tickMs) || tickMs <= 0) {
    throw new RangeError(`invalid raft timing: electionTicks=${electionTicks}, tickMs=${tickMs}`);
  }
  return Math.ceil((Math.floor((3 * electionTicks) / 2) * tickMs) / 1000);
}
