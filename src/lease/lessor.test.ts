import { describe, expect, it } from 'vitest';
import { Lessor, type LessorOptions, type LeaseDeleteTxn } from './lessor.ts';
import { MemoryLeaseBackend, type LeaseBackend } from './backend.ts';
import {
  ERR_LEASE_EXISTS,
  ERR_LEASE_NOT_FOUND,
  ERR_LEASE_TTL_TOO_LARGE,
  ERR_NOT_PRIMARY,
  LeaseError,
} from './errors.ts';
import { MAX_LEASE_TTL_SECONDS, minLeaseTtlSeconds } from './limits.ts';

/** A virtual clock the test moves by hand. */
function clock(startMs = 0) {
  const c = { t: startMs, now: () => c.t, advance: (ms: number) => (c.t += ms) };
  return c;
}

/** A range deleter that records each transaction's deletions and when it ended. */
function recordingDeleter(onDelete?: (key: string) => void) {
  const txns: { deletes: [string, string | undefined][]; ended: boolean }[] = [];
  const open = (): LeaseDeleteTxn => {
    const txn = { deletes: [] as [string, string | undefined][], ended: false };
    txns.push(txn);
    return {
      deleteRange(key, end) {
        if (txn.ended) throw new Error('delete after end');
        txn.deletes.push([key, end]);
        onDelete?.(key);
      },
      end() {
        txn.ended = true;
      },
    };
  };
  return { txns, open };
}

function setup(opts: Partial<LessorOptions> = {}) {
  const c = clock();
  const backend = opts.backend ?? new MemoryLeaseBackend();
  const deleter = recordingDeleter();
  const lessor = new Lessor({ now: c.now, backend, rangeDeleter: deleter.open, minTtlSeconds: 2, ...opts });
  return { c, backend, deleter, lessor };
}

function errorOf(f: () => unknown): LeaseError {
  try {
    f();
  } catch (e) {
    if (e instanceof LeaseError) return e;
    throw e;
  }
  throw new Error('expected a LeaseError');
}

describe('minLeaseTtlSeconds', () => {
  it('is 1.5 election timeouts rounded up to seconds, with etcd integer tick arithmetic', () => {
    expect(minLeaseTtlSeconds(10, 100)).toBe(2); // 15 ticks x 100 ms = 1.5 s -> 2
    expect(minLeaseTtlSeconds(5, 1000)).toBe(7); // floor(7.5) = 7 ticks x 1 s = 7 s
    expect(minLeaseTtlSeconds(20, 100)).toBe(3);
    expect(() => minLeaseTtlSeconds(0, 100)).toThrow(RangeError);
  });
});

describe('grant', () => {
  it('raises a TTL below the minimum and reports the raised TTL', () => {
    const { lessor } = setup({ minTtlSeconds: 5 });
    expect(lessor.grant('1', 1).TTL).toBe(5);
    expect(lessor.grant('2', -3).TTL).toBe(5);
    expect(lessor.grant('3', 60).TTL).toBe(60);
    expect(lessor.timeToLive('1').grantedTTL).toBe(5);
  });

  it('rejects a TTL above the maximum with etcd text and creates nothing', () => {
    const { lessor, backend } = setup();
    const err = errorOf(() => lessor.grant('1', MAX_LEASE_TTL_SECONDS + 1));
    expect(err.message).toBe('etcdserver: too large lease TTL');
    expect(err.message).toBe(ERR_LEASE_TTL_TOO_LARGE);
    expect(err.grpcCode).toBe('OutOfRange');
    expect(lessor.leases()).toEqual([]);
    expect(backend.list()).toEqual([]);
    expect(lessor.grant('1', MAX_LEASE_TTL_SECONDS).TTL).toBe(MAX_LEASE_TTL_SECONDS);
  });

  it('rejects an existing ID and keeps the existing lease unchanged', () => {
    const { lessor } = setup();
    lessor.grant('a', 10);
    const err = errorOf(() => lessor.grant('a', 30));
    expect(err.message).toBe('etcdserver: lease already exists');
    expect(err.message).toBe(ERR_LEASE_EXISTS);
    expect(lessor.lookup('a')!.TTL).toBe(10);
  });

  it('treats ID 0 as not found and rejects malformed IDs or TTLs', () => {
    const { lessor } = setup();
    expect(errorOf(() => lessor.grant('0', 10)).message).toBe(ERR_LEASE_NOT_FOUND);
    expect(errorOf(() => lessor.grant('0A', 10)).code).toBe('InvalidArgument');
    expect(errorOf(() => lessor.grant('01', 10)).code).toBe('InvalidArgument');
    expect(errorOf(() => lessor.grant('1', 1.5)).code).toBe('InvalidArgument');
    expect(lessor.leases()).toEqual([]);
  });

  it('persists the granted lease', () => {
    const { lessor, backend } = setup();
    lessor.grant('7', 1);
    expect(backend.list()).toEqual([{ ID: '7', TTL: 2, RemainingTTL: 0 }]);
  });

  it('starts the countdown on the primary only', () => {
    const { lessor, c } = setup();
    c.advance(1000);
    lessor.grant('1', 10);
    expect(lessor.lookup('1')!.expiryMs).toBeNull();
    lessor.promote(0);
    lessor.grant('2', 10);
    expect(lessor.lookup('2')!.expiryMs).toBe(11_000);
  });
});

describe('revoke', () => {
  it('deletes every attached key in one deleter transaction, in byte order, then forgets the lease', () => {
    const { lessor, deleter, backend } = setup();
    lessor.grant('1', 10);
    lessor.grant('2', 10);
    lessor.attach('1', ['zeta', 'alpha', 'mid']);
    lessor.attach('2', ['other']);
    lessor.revoke('1');
    expect(deleter.txns).toHaveLength(1);
    expect(deleter.txns[0]!.deletes).toEqual([
      ['alpha', undefined],
      ['mid', undefined],
      ['zeta', undefined],
    ]);
    expect(deleter.txns[0]!.ended).toBe(true);
    expect(lessor.lookup('1')).toBeUndefined();
    expect(lessor.getLease('alpha')).toBe('0');
    expect(lessor.getLease('other')).toBe('2');
    expect(backend.list().map((r) => r.ID)).toEqual(['2']);
  });

  it('deletes the backend record before the transaction ends, so both land in one batch', () => {
    const backend = new MemoryLeaseBackend();
    let recordsAtEnd: string[] | undefined;
    const lessor = new Lessor({
      now: () => 0,
      backend,
      rangeDeleter: () => ({
        deleteRange() {},
        end() {
          recordsAtEnd = backend.list().map((r) => r.ID);
        },
      }),
    });
    lessor.grant('1', 10);
    lessor.revoke('1');
    expect(recordsAtEnd).toEqual([]);
  });

  it('copes with the store detaching keys while they are deleted, as MVCC deletes do', () => {
    let lessor!: Lessor;
    const deleter = recordingDeleter((key) => lessor.detach(lessor.getLease(key), [key]));
    lessor = new Lessor({ now: () => 0, rangeDeleter: deleter.open });
    lessor.grant('1', 10);
    lessor.attach('1', ['b', 'a', 'c']);
    lessor.revoke('1');
    expect(deleter.txns[0]!.deletes.map(([k]) => k)).toEqual(['a', 'b', 'c']);
    expect(lessor.leases()).toEqual([]);
  });

  it('fails for an unknown lease with etcd text and opens no transaction', () => {
    const { lessor, deleter } = setup();
    const err = errorOf(() => lessor.revoke('abc'));
    expect(err.message).toBe('etcdserver: requested lease not found');
    expect(err.grpcCode).toBe('NotFound');
    expect(deleter.txns).toHaveLength(0);
  });

  it('stops the lease from being offered for expiry', () => {
    const { lessor, c } = setup();
    lessor.promote(0);
    lessor.grant('1', 5);
    lessor.revoke('1');
    c.advance(10_000);
    expect(lessor.expiredLeases()).toEqual([]);
  });
});

describe('attach / detach / getLease', () => {
  it('tracks which lease each key belongs to', () => {
    const { lessor } = setup();
    lessor.grant('1', 10);
    lessor.grant('2', 10);
    lessor.attach('1', ['k1', 'k2']);
    expect(lessor.getLease('k1')).toBe('1');
    lessor.attach('2', ['k1']); // a put moving k1 to another lease
    expect(lessor.getLease('k1')).toBe('2');
    expect(lessor.lookup('1')!.keys).toEqual(['k2']);
    lessor.detach('1', ['k2', 'not-attached']);
    expect(lessor.getLease('k2')).toBe('0');
    expect(lessor.lookup('1')!.keys).toEqual([]);
    expect(lessor.lookup('2')!.keys).toEqual(['k1']);
  });

  it('fails for an unknown lease and attaches nothing', () => {
    const { lessor } = setup();
    expect(errorOf(() => lessor.attach('9', ['k'])).message).toBe(ERR_LEASE_NOT_FOUND);
    expect(errorOf(() => lessor.detach('9', ['k'])).message).toBe(ERR_LEASE_NOT_FOUND);
    expect(lessor.getLease('k')).toBe('0');
  });
});

describe('renew', () => {
  it('restarts the countdown with the full TTL on the primary and returns the TTL', () => {
    const { lessor, c } = setup();
    lessor.promote(0);
    lessor.grant('1', 10);
    c.advance(8000);
    expect(lessor.renew('1')).toBe(10);
    c.advance(9999);
    expect(lessor.expiredLeases()).toEqual([]);
    c.advance(1);
    expect(lessor.expiredLeases()).toEqual(['1']);
  });

  it('is refused on a non-primary so the server forwards it to the leader', () => {
    const { lessor } = setup();
    lessor.grant('1', 10);
    const err = errorOf(() => lessor.renew('1'));
    expect(err.code).toBe('NotPrimary');
    expect(err.message).toBe(ERR_NOT_PRIMARY);
  });

  it('fails for an unknown lease', () => {
    const { lessor } = setup();
    lessor.promote(0);
    expect(errorOf(() => lessor.renew('1')).message).toBe(ERR_LEASE_NOT_FOUND);
  });

  it('does not revive a lease whose expiry has passed', () => {
    const { lessor, c } = setup();
    lessor.promote(0);
    lessor.grant('1', 3);
    c.advance(3000);
    expect(errorOf(() => lessor.renew('1')).code).toBe('LeaseExpired');
    expect(lessor.timeToLive('1').TTL).toBe(-1);
  });
});

describe('timeToLive', () => {
  it('answers -1 and granted 0 for an unknown lease', () => {
    const { lessor } = setup();
    expect(lessor.timeToLive('42', { keys: true })).toEqual({ ID: '42', TTL: -1, grantedTTL: 0, keys: [] });
  });

  it('reports whole seconds left (truncated), the granted TTL and, when asked, the keys', () => {
    const { lessor, c } = setup();
    lessor.promote(0);
    lessor.grant('1', 10);
    lessor.attach('1', ['b', 'a']);
    c.advance(3500);
    expect(lessor.timeToLive('1', { keys: true })).toEqual({ ID: '1', TTL: 6, grantedTTL: 10, keys: ['a', 'b'] });
    expect(lessor.timeToLive('1').keys).toEqual([]);
    c.advance(6000);
    expect(lessor.timeToLive('1').TTL).toBe(0);
  });

  it('answers -1 once the expiry has passed, before the revoke is applied', () => {
    const { lessor, c } = setup();
    lessor.promote(0);
    lessor.grant('1', 10);
    c.advance(10_000);
    expect(lessor.timeToLive('1')).toMatchObject({ TTL: -1, grantedTTL: 10 });
  });
});

describe('leases', () => {
  it('lists soonest expiry first, ties by numeric ID', () => {
    const { lessor } = setup();
    lessor.promote(0);
    lessor.grant('a', 30);
    lessor.grant('10', 5);
    lessor.grant('9', 5);
    lessor.grant('1', 20);
    expect(lessor.leases().map((l) => l.ID)).toEqual(['9', '10', '1', 'a']);
  });

  it('lists by ID on a follower, where nothing expires', () => {
    const { lessor } = setup();
    for (const id of ['ff', '2', '1a', '3']) lessor.grant(id, 10);
    expect(lessor.leases().map((l) => l.ID)).toEqual(['2', '3', '1a', 'ff']);
  });
});

describe('expiry', () => {
  it('offers expired leases soonest first, ties by ID, each once per retry interval', () => {
    const { lessor, c } = setup({ expiredLeaseRetryIntervalMs: 3000 });
    lessor.promote(0);
    lessor.grant('c', 5);
    lessor.grant('b', 5);
    lessor.grant('a', 3);
    lessor.grant('d', 60);
    c.advance(2999);
    expect(lessor.expiredLeases()).toEqual([]);
    c.advance(1);
    expect(lessor.expiredLeases()).toEqual(['a']);
    c.advance(2000);
    expect(lessor.expiredLeases()).toEqual(['b', 'c']);
    expect(lessor.expiredLeases()).toEqual([]); // handed out: not again at once
    c.advance(1000); // 3 s after 'a' was handed out, its revoke has not landed
    expect(lessor.expiredLeases()).toEqual(['a']);
    lessor.revoke('b');
    c.advance(2000);
    expect(lessor.expiredLeases()).toEqual(['c']);
  });

  it('hands out at most half the revoke rate per poll', () => {
    const { lessor, c } = setup({ revokeRate: 4 });
    lessor.promote(0);
    for (const id of ['1', '2', '3', '4', '5']) lessor.grant(id, 2);
    c.advance(2000);
    expect(lessor.expiredLeases()).toEqual(['1', '2']);
    expect(lessor.expiredLeases()).toEqual(['3', '4']);
    expect(lessor.expiredLeases()).toEqual(['5']);
  });

  it('is never decided by a follower', () => {
    const { lessor, c } = setup();
    lessor.grant('1', 2);
    c.advance(1_000_000);
    expect(lessor.expiredLeases()).toEqual([]);
    expect(lessor.lookup('1')!.expiryMs).toBeNull();
  });
});

describe('promote / demote', () => {
  it('gives every lease its full TTL again from the promote time', () => {
    const { lessor, c } = setup();
    lessor.promote(0);
    lessor.grant('1', 10);
    c.advance(7000);
    expect(lessor.timeToLive('1').TTL).toBe(3);
    lessor.demote(); // leader change: another member leads for a while
    c.advance(500);
    lessor.promote(0);
    expect(lessor.timeToLive('1').TTL).toBe(10);
    c.advance(9999);
    expect(lessor.expiredLeases()).toEqual([]);
    c.advance(1);
    expect(lessor.expiredLeases()).toEqual(['1']);
  });

  it('restarts every countdown even on a lessor that is already primary, as etcd always refreshes', () => {
    const { lessor, c } = setup();
    lessor.promote(0);
    lessor.grant('1', 10);
    c.advance(4000);
    lessor.promote(0);
    expect(lessor.lookup('1')!.expiryMs).toBe(14_000);
  });

  it('adds the extension to every lease', () => {
    const { lessor, c } = setup();
    lessor.grant('1', 10);
    c.advance(7000);
    lessor.promote(1500);
    expect(lessor.lookup('1')!.expiryMs).toBe(7000 + 10_000 + 1500);
  });

  it('stops expiry on demote', () => {
    const { lessor, c } = setup();
    lessor.promote(0);
    lessor.grant('1', 2);
    lessor.demote();
    c.advance(10_000);
    expect(lessor.isPrimary()).toBe(false);
    expect(lessor.expiredLeases()).toEqual([]);
    expect(lessor.lookup('1')!.expiryMs).toBeNull();
    expect(errorOf(() => lessor.renew('1')).code).toBe('NotPrimary');
  });

  it('spreads a pile-up so at most 3/4 of the revoke rate expire in a second', () => {
    const { lessor } = setup({ revokeRate: 8 }); // 6 per second at most
    const ids = Array.from({ length: 12 }, (_, i) => (i + 1).toString(16));
    for (const id of ids) lessor.grant(id, 10);
    lessor.promote(0);
    const expiries = lessor.leases().map((l) => l.expiryMs!);
    expect(expiries.filter((e) => e === 10_000)).toHaveLength(6);
    expect(Math.min(...expiries)).toBe(10_000);
    for (const start of expiries) {
      expect(expiries.filter((e) => e >= start && e < start + 1000).length).toBeLessThanOrEqual(6);
    }
  });

  it('leaves a small table untouched by the pile-up rule', () => {
    const { lessor } = setup({ revokeRate: 100 });
    for (const id of ['1', '2', '3']) lessor.grant(id, 10);
    lessor.promote(0);
    expect(lessor.leases().map((l) => l.expiryMs)).toEqual([10_000, 10_000, 10_000]);
  });
});

describe('checkpoints', () => {
  function pair(checkpointing = true) {
    const c = clock();
    const common = { now: c.now, minTtlSeconds: 2, checkpointing, checkpointIntervalMs: 1000 };
    const leaderBackend = new MemoryLeaseBackend();
    const followerBackend = new MemoryLeaseBackend();
    const leader = new Lessor({ ...common, backend: leaderBackend });
    const follower = new Lessor({ ...common, backend: followerBackend });
    leader.promote(0);
    return { c, leader, follower, followerBackend };
  }

  it('checkpoints the remaining TTL so the next leader does not restore the full TTL', () => {
    const { c, leader, follower, followerBackend } = pair();
    leader.grant('1', 10);
    follower.grant('1', 10);
    c.advance(1000);
    const cps = leader.dueCheckpoints();
    expect(cps).toEqual([{ ID: '1', Remaining_TTL: 9 }]);
    for (const cp of cps) {
      leader.checkpoint(cp.ID, cp.Remaining_TTL);
      follower.checkpoint(cp.ID, cp.Remaining_TTL);
    }
    expect(followerBackend.list()).toEqual([{ ID: '1', TTL: 10, RemainingTTL: 9 }]);
    c.advance(500);
    leader.demote();
    follower.promote(0);
    expect(follower.lookup('1')!.expiryMs).toBe(1500 + 9000);
  });

  it('clears the checkpoint after a renew, before any scheduled checkpoint', () => {
    const { c, leader } = pair();
    leader.grant('1', 10);
    leader.grant('2', 10);
    c.advance(1000);
    for (const cp of leader.dueCheckpoints()) leader.checkpoint(cp.ID, cp.Remaining_TTL);
    expect(leader.lookup('2')!.remainingTTL).toBe(9);
    c.advance(1000);
    leader.renew('2');
    expect(leader.lookup('2')!.remainingTTL).toBe(0);
    expect(leader.dueCheckpoints()).toEqual([
      { ID: '2', Remaining_TTL: 0 },
      { ID: '1', Remaining_TTL: 8 },
    ]);
  });

  it('checkpoints nothing when off or on a follower', () => {
    const off = pair(false);
    off.leader.grant('1', 10);
    off.c.advance(5000);
    expect(off.leader.dueCheckpoints()).toEqual([]);

    const on = pair();
    on.leader.grant('2', 10);
    on.follower.grant('2', 10);
    on.c.advance(1000);
    expect(on.follower.dueCheckpoints()).toEqual([]);
    expect(on.leader.dueCheckpoints().map((cp) => cp.ID)).toEqual(['2']);
  });

  it('ignores a checkpoint for an unknown lease and rejects a malformed one', () => {
    const { leader } = pair();
    leader.checkpoint('5', 3);
    expect(leader.lookup('5')).toBeUndefined();
    leader.grant('5', 10);
    expect(errorOf(() => leader.checkpoint('5', -1)).code).toBe('InvalidArgument');
    expect(leader.lookup('5')!.remainingTTL).toBe(0);
  });
});

describe('recover', () => {
  function persisted(): LeaseBackend {
    const backend = new MemoryLeaseBackend();
    const first = new Lessor({ now: () => 0, backend, minTtlSeconds: 2 });
    first.grant('1', 10);
    first.grant('2', 30);
    first.checkpoint('2', 12);
    return backend;
  }

  it('rebuilds leases from the backend and re-attaches keys from the store listing', () => {
    const backend = persisted();
    const deleter = recordingDeleter();
    const lessor = new Lessor({ now: () => 0, backend, rangeDeleter: deleter.open, minTtlSeconds: 2 });
    const missing = lessor.recover([
      { key: 'a', lease: '1' },
      { key: 'b', lease: '2' },
      { key: 'c', lease: '0' },
      { key: 'd', lease: '99' },
    ]);
    expect(missing).toEqual([{ key: 'd', lease: '99' }]);
    expect(lessor.leases().map((l) => [l.ID, l.TTL, l.remainingTTL, l.keys])).toEqual([
      ['1', 10, 0, ['a']],
      ['2', 30, 12, ['b']],
    ]);
    expect(lessor.getLease('c')).toBe('0');
    lessor.revoke('1');
    expect(deleter.txns[0]!.deletes).toEqual([['a', undefined]]);
  });

  it('starts recovered leases from the checkpointed remainder on promote', () => {
    const c = clock(50_000);
    const lessor = new Lessor({ now: c.now, backend: persisted(), minTtlSeconds: 2 });
    lessor.promote(0);
    expect(lessor.lookup('2')!.expiryMs).toBe(50_000 + 12_000);
  });

  it('raises a stored TTL below the current minimum', () => {
    const backend = new MemoryLeaseBackend();
    backend.put({ ID: '3', TTL: 1, RemainingTTL: 0 });
    const lessor = new Lessor({ now: () => 0, backend, minTtlSeconds: 4 });
    expect(lessor.lookup('3')!.TTL).toBe(4);
  });

  it('replaces the whole table, as a snapshot restore does', () => {
    const backend = new MemoryLeaseBackend();
    const lessor = new Lessor({ now: () => 0, backend });
    lessor.grant('1', 10);
    lessor.attach('1', ['x']);
    backend.delete('1');
    backend.put({ ID: '2', TTL: 20, RemainingTTL: 0 });
    lessor.recover([{ key: 'y', lease: '2' }]);
    expect(lessor.lookup('1')).toBeUndefined();
    expect(lessor.getLease('x')).toBe('0');
    expect(lessor.getLease('y')).toBe('2');
  });

  it('keeps a primary expiring recovered leases', () => {
    const c = clock();
    const backend = new MemoryLeaseBackend();
    const lessor = new Lessor({ now: c.now, backend });
    lessor.promote(0);
    backend.put({ ID: '2', TTL: 5, RemainingTTL: 0 });
    c.advance(1000);
    lessor.recover([]);
    c.advance(5000);
    expect(lessor.expiredLeases()).toEqual(['2']);
  });
});
