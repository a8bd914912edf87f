/**
 * Lease IDs: 64-bit numbers carried as lowercase hex without leading zeros ('0' = no lease), the
 * `LeaseId` representation of mvcc/types.ts.
 */
import type { LeaseId } from '../mvcc/types.ts';
import { invalidArgument } from './errors.ts';

/** The ID that means "no lease" (etcd's lease.NoLease). */
export const NO_LEASE: LeaseId = '0';

const LEASE_ID_RE = /^(?:0|[1-9a-f][0-9a-f]{0,15})$/;

export function isLeaseId(s: unknown): s is LeaseId {
  return typeof s === 'string' && LEASE_ID_RE.test(s);
}

/** Throws a clear error for anything that is not a canonical lease ID, so bad input changes nothing. */
export function assertLeaseId(s: unknown): asserts s is LeaseId {
  if (!isLeaseId(s)) {
    throw invalidArgument(`invalid lease ID ${JSON.stringify(s)}: expected lowercase hex without leading zeros`);
  }
}

/**
 * Numeric order of two canonical IDs. Without leading zeros a shorter hex string is a smaller
 * number, so length first, then text, orders them without BigInt.
 */
export function compareLeaseIds(a: LeaseId, b: LeaseId): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
