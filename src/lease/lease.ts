/**
 * One lease as the lessor holds it in memory.
 *
 * Invariants: `ttlSeconds` >= the lessor's minimum TTL; `remainingTtlSeconds` is 0 (no
 * checkpoint: the full TTL applies) or the last checkpointed remaining TTL; `expiryMs` is null
 * ("forever") on every lessor that is not the primary, because only the leader's lessor decides
 * expiry; `keys` are exactly the keys whose MVCC record names this lease.
 */
import type { Bytes } from '../mvcc/bytes.ts';
import type { LeaseId } from '../mvcc/types.ts';

export class Lease {
  readonly id: LeaseId;
  readonly ttlSeconds: number;
  remainingTtlSeconds = 0;
  expiryMs: number | null = null;
  readonly keys = new Set<Bytes>();

  constructor(id: LeaseId, ttlSeconds: number) {
    this.id = id;
    this.ttlSeconds = ttlSeconds;
  }

  /** The TTL the next refresh starts from: a checkpointed remainder wins over the granted TTL. */
  refreshTtlSeconds(): number {
    return this.remainingTtlSeconds > 0 ? this.remainingTtlSeconds : this.ttlSeconds;
  }

  /** Restarts the countdown at `nowMs`, `extendMs` later than the TTL alone would give. */
  refresh(nowMs: number, extendMs: number): void {
    this.expiryMs = nowMs + extendMs + this.refreshTtlSeconds() * 1000;
  }

  /** Never expires until the next refresh; what a non-primary lessor holds. */
  forever(): void {
    this.expiryMs = null;
  }

  /** Milliseconds left at `nowMs`; Infinity for a lease that never expires. */
  remainingMs(nowMs: number): number {
    return this.expiryMs === null ? Infinity : this.expiryMs - nowMs;
  }

  expired(nowMs: number): boolean {
    return this.remainingMs(nowMs) <= 0;
  }
}
