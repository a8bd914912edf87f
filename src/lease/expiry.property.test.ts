/**
 * Expiry as the server drives it: poll, revoke what is handed out, repeat. Random grants,
 * keep-alives and time steps; fast-check prints the seed and path of a failing run, replay with
 * `fc.assert(..., { seed, path })`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Lessor } from './lessor.ts';
import { compareLeaseIds } from './leaseId.ts';

type Op =
  | { kind: 'grant'; id: string; ttl: number }
  | { kind: 'renew'; id: string }
  | { kind: 'advance'; ms: number };

const id = fc.integer({ min: 1, max: 8 }).map((n) => n.toString(16));
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('grant' as const), id, ttl: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant('renew' as const), id }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
);

describe('expiry under random grants, keep-alives and time', () => {
  it('hands out only expired leases, in expiry order, and never leaves one unrevoked; followers hand out none', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 120, size: 'max' }), (ops) => {
        let t = 0;
        const now = () => t;
        const leader = new Lessor({ now, minTtlSeconds: 2, revokeRate: 6 });
        const follower = new Lessor({ now, minTtlSeconds: 2 });
        leader.promote(0);
        for (const o of ops) {
          if (o.kind === 'grant') {
            if (leader.lookup(o.id)) continue;
            leader.grant(o.id, o.ttl);
            follower.grant(o.id, o.ttl);
          } else if (o.kind === 'renew') {
            const l = leader.lookup(o.id);
            if (l && l.expiryMs! > t) leader.renew(o.id);
          } else {
            t += o.ms;
            // The server's poll loop: revoke everything handed out, until nothing is left.
            for (;;) {
              const expiries = new Map(leader.leases().map((l) => [l.ID, l.expiryMs!]));
              const batch = leader.expiredLeases();
              if (batch.length === 0) break;
              expect(batch.length).toBeLessThanOrEqual(3);
              for (const e of batch) expect(expiries.get(e)!).toBeLessThanOrEqual(t);
              const sorted = [...batch].sort(
                (a, b) => expiries.get(a)! - expiries.get(b)! || compareLeaseIds(a, b),
              );
              expect(batch).toEqual(sorted);
              for (const e of batch) {
                leader.revoke(e);
                follower.revoke(e);
              }
            }
            expect(leader.leases().filter((l) => l.expiryMs! <= t)).toEqual([]);
            expect(follower.expiredLeases()).toEqual([]);
          }
        }
        expect(follower.leases().map((l) => l.ID)).toEqual(
          leader.leases().map((l) => l.ID).sort(compareLeaseIds),
        );
      }),
      { numRuns: 150 },
    );
  });
});
