/**
 * Lease IDs chosen by the server when a client asks for ID 0, derived as etcd derives them: the
 * member's request-ID generator (etcd's idutil.Generator) with the sign bit cleared, so the ID
 * is a positive int64.
 *
 * Layout of a generated 64-bit value:
 *   bits 63..48  the member ID's LOW 16 bits (etcd takes uint16(memberID)), so members differ;
 *   bits 47..8   the low 40 bits of the creation time in unix milliseconds, so a restarted
 *                member does not reuse IDs handed out before the restart;
 *   bits  7..0   a counter; it carries into the time bits, so the 48-bit suffix just counts up.
 * The real etcd prints e.g. member bdae9bbc11dd390d -> lease 390da1ff4a996b07.
 *
 * Invariants of one generator: never returns '0', never returns the same ID twice (the 48-bit
 * suffix would have to wrap: 2^48 calls), and every ID is below 2^63.
 */
import type { LeaseId } from '../mvcc/types.ts';
import { assertLeaseId } from './leaseId.ts';
import { invalidArgument } from './errors.ts';

const SUFFIX_BITS = 48n;
const COUNTER_BITS = 8n;
const TIME_BITS = 40n;
const SUFFIX_MASK = (1n << SUFFIX_BITS) - 1n;
const POSITIVE_MASK = (1n << 63n) - 1n;

export interface LeaseIdGenerator {
  /** The next ID; each call returns a new one. */
  next(): LeaseId;
}

/**
 * @param memberId the member's ID (lowercase hex); only its low 16 bits are used, as in etcd.
 * @param nowMs the member's start time in (virtual) unix milliseconds; injected, never read.
 */
export function leaseIdGenerator(memberId: LeaseId, nowMs: number): LeaseIdGenerator {
  assertLeaseId(memberId);
  if (!Number.isSafeInteger(nowMs) || nowMs < 0) {
    throw invalidArgument(`invalid generator time ${nowMs}: expected a non-negative integer of milliseconds`);
  }
  const prefix = (BigInt('0x' + memberId) & 0xffffn) << SUFFIX_BITS;
  let suffix = (BigInt(nowMs) & ((1n << TIME_BITS) - 1n)) << COUNTER_BITS;
  const first = suffix;
  return {
    next(): LeaseId {
      for (;;) {
        suffix = (suffix + 1n) & SUFFIX_MASK;
        if (suffix === first) throw new Error('lease ID generator exhausted: 2^48 IDs handed out');
        const id = (prefix | suffix) & POSITIVE_MASK;
        // etcd retries while the masked value is 0 (member low bits 0 or 0x8000 with suffix 0).
        if (id !== 0n) return id.toString(16);
      }
    },
  };
}
