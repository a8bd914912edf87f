/**
 * Deterministic operation sequences for comparing the playground with a real etcd: the same seed
 * and the same observed answers give the same operations. The generator reads only what both
 * sides must agree on (current and compacted revision, which leases exist), so as long as the two
 * agree, both receive identical requests.
 *
 * Keys come from a small space so that operations collide (versions grow, ranges overlap, txn
 * compares hit existing keys), and result sets stay small enough that sort ties cannot depend on
 * the sort algorithm.
 */
import { Prng } from '../../sim/prng.ts';
import type {
  Compare,
  CompareResult,
  CompareTarget,
  DeleteRangeRequest,
  Id64,
  PutRequest,
  RangeRequest,
  RequestOp,
  SortOrder,
  SortTarget,
  TxnRequest,
  WatchCreateRequest,
} from '../../server/api.ts';

export type CompatOp =
  | { kind: 'put'; req: PutRequest }
  | { kind: 'range'; req: RangeRequest }
  | { kind: 'deleteRange'; req: DeleteRangeRequest }
  | { kind: 'txn'; req: TxnRequest }
  | { kind: 'compact'; req: { revision: number; physical?: boolean } }
  | { kind: 'leaseGrant'; req: { TTL: number; ID?: Id64 } }
  | { kind: 'leaseRevoke'; id: Id64 }
  | { kind: 'leaseTimeToLive'; req: { ID: Id64; keys?: boolean } }
  | { kind: 'leaseKeepAlive'; id: Id64 }
  | { kind: 'leaseLeases' }
  | { kind: 'watch'; req: WatchCreateRequest };

/** What the generator knows of the store (taken from the answers both sides agreed on). */
export interface GenState {
  revision: number;
  compactRevision: number;
  /** Live leases, by the real etcd's IDs, in grant order. */
  leases: Id64[];
}

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'p/1', 'p/2', 'p/3', 'p/4', 'q'];
const SORT_TARGETS: SortTarget[] = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'];
const SORT_ORDERS: SortOrder[] = ['NONE', 'ASCEND', 'DESCEND'];
const CMP_RESULTS: CompareResult[] = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'];
const CMP_TARGETS: CompareTarget[] = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'];

export class OpGenerator {
  private readonly rng: Prng;
  private n = 0;
  /** Client-chosen lease IDs handed out so far (so a repeat tests "lease already exists"). */
  private chosenIds: Id64[] = [];

  constructor(seed: number) {
    this.rng = new Prng(seed).fork('compat-ops');
  }

  private key(): string {
    return this.rng.pick(KEYS);
  }

  private value(): string {
    // Short values from a small set so VALUE compares and sorts see equal and unequal values.
    return this.rng.pick(['x', 'y', 'z', 'xx', '', 'v' + this.rng.int(50)]);
  }

  private keyRange(): { key: string; range_end?: string } {
    const r = this.rng.int(6);
    if (r < 2) return { key: this.key() };
    if (r === 2) return { key: 'p/', range_end: 'p0' };
    if (r === 3) return { key: 'a', range_end: '\0' };
    if (r === 4) {
      const a = this.key();
      const b = this.key();
      return a < b ? { key: a, range_end: b } : { key: b, range_end: a === b ? a + '\0' : a };
    }
    return { key: this.rng.pick(['c', 'p/2']), range_end: '\0' };
  }

  private revisionNear(s: GenState): number {
    const r = this.rng.int(10);
    if (r === 0) return s.revision + 1 + this.rng.int(3); // future
    if (r === 1 && s.compactRevision > 1) return Math.max(1, s.compactRevision - 1 - this.rng.int(3)); // compacted
    const lo = Math.max(1, s.compactRevision);
    return lo + this.rng.int(Math.max(1, s.revision - lo + 1));
  }

  range(s: GenState): RangeRequest {
    const req: RangeRequest = { ...this.keyRange() };
    const rng = this.rng;
    if (rng.chance(0.3)) req.limit = 1 + rng.int(4);
    if (rng.chance(0.2)) req.revision = this.revisionNear(s);
    if (rng.chance(0.4)) {
      req.sort_target = rng.pick(SORT_TARGETS);
      req.sort_order = rng.pick(SORT_ORDERS);
    }
    if (rng.chance(0.1)) req.keys_only = true;
    if (rng.chance(0.1)) req.count_only = true;
    if (rng.chance(0.2)) req.serializable = true;
    if (rng.chance(0.1)) req.min_mod_revision = 1 + rng.int(Math.max(1, s.revision));
    if (rng.chance(0.1)) req.max_mod_revision = 1 + rng.int(Math.max(1, s.revision));
    if (rng.chance(0.1)) req.min_create_revision = 1 + rng.int(Math.max(1, s.revision));
    if (rng.chance(0.1)) req.max_create_revision = 1 + rng.int(Math.max(1, s.revision));
    if (rng.chance(0.01)) req.key = '';
    return req;
  }

  put(s: GenState): PutRequest {
    const rng = this.rng;
    const req: PutRequest = { key: this.key(), value: this.value() };
    if (rng.chance(0.3)) req.prev_kv = true;
    if (s.leases.length > 0 && rng.chance(0.2)) req.lease = rng.pick(s.leases);
    if (rng.chance(0.03)) req.lease = 'abcdef';
    if (rng.chance(0.05)) {
      req.ignore_value = true;
      if (rng.chance(0.8)) delete req.value;
    }
    if (rng.chance(0.05)) {
      req.ignore_lease = true;
      if (rng.chance(0.8)) delete req.lease;
    }
    return req;
  }

  deleteRange(): DeleteRangeRequest {
    const req: DeleteRangeRequest = { ...this.keyRange() };
    if (this.rng.chance(0.5)) req.prev_kv = true;
    return req;
  }

  private compare(s: GenState): Compare {
    const rng = this.rng;
    const target = rng.pick(CMP_TARGETS);
    const c: Compare = { result: rng.pick(CMP_RESULTS), target, key: this.key() };
    if (rng.chance(0.1)) c.range_end = rng.chance(0.5) ? 'p0' : '\0';
    switch (target) {
      case 'VERSION':
        c.version = rng.int(4);
        break;
      case 'CREATE':
        c.create_revision = rng.int(Math.max(1, s.revision + 1));
        break;
      case 'MOD':
        c.mod_revision = rng.int(Math.max(1, s.revision + 1));
        break;
      case 'VALUE':
        c.value = this.value();
        break;
      case 'LEASE':
        c.lease = s.leases.length > 0 && rng.chance(0.5) ? rng.pick(s.leases) : '0';
        break;
    }
    return c;
  }

  private requestOp(s: GenState, depth: number): RequestOp {
    const r = this.rng.int(depth < 1 ? 10 : 9);
    if (r < 3) {
      const req = this.range(s);
      delete req.serializable;
      return { request_range: req };
    }
    if (r < 6) {
      // No ignore_value/ignore_lease inside txns: after a delete in the same txn, etcd 3.4 panics on them.
      const put = this.put(s);
      delete put.ignore_value;
      delete put.ignore_lease;
      if (put.value === undefined) put.value = 'w';
      return { request_put: put };
    }
    if (r < 9) return { request_delete_range: this.deleteRange() };
    return { request_txn: this.txn(s, depth + 1) };
  }

  txn(s: GenState, depth = 0): TxnRequest {
    const rng = this.rng;
    const ops = (): RequestOp[] => Array.from({ length: rng.int(4) }, () => this.requestOp(s, depth));
    const req: TxnRequest = { compare: Array.from({ length: rng.int(3) }, () => this.compare(s)), success: ops(), failure: ops() };
    return req;
  }

  watch(s: GenState): WatchCreateRequest {
    const rng = this.rng;
    const req: WatchCreateRequest = { ...this.keyRange() };
    const lo = Math.max(1, s.compactRevision - 2);
    req.start_revision = lo + rng.int(Math.max(1, s.revision - lo + 1));
    if (rng.chance(0.4)) req.prev_kv = true;
    if (rng.chance(0.2)) req.filters = [rng.pick(['NOPUT', 'NODELETE'] as const)];
    return req;
  }

  next(s: GenState): CompatOp {
    this.n++;
    const rng = this.rng;
    const r = rng.int(100);
    if (r < 28) return { kind: 'put', req: this.put(s) };
    if (r < 50) return { kind: 'range', req: this.range(s) };
    if (r < 60) return { kind: 'deleteRange', req: this.deleteRange() };
    if (r < 78) return { kind: 'txn', req: this.txn(s) };
    if (r < 80) {
      const lo = Math.max(1, s.compactRevision);
      const rev = rng.chance(0.15) ? s.revision + 1 + rng.int(2) : rng.chance(0.1) ? Math.max(1, s.compactRevision) : lo + rng.int(Math.max(1, s.revision - lo));
      return { kind: 'compact', req: rng.chance(0.5) ? { revision: rev, physical: true } : { revision: rev } };
    }
    if (r < 85) {
      // Long TTLs: expiry must not race the run (real etcd expires in wall time, the playground in virtual time).
      const req: { TTL: number; ID?: Id64 } = { TTL: 600 + rng.int(3000) };
      if (rng.chance(0.05)) req.TTL = 1; // raised to the minimum TTL; revoked right after by the runner
      if (rng.chance(0.05)) req.TTL = 9_000_000_001; // too large
      if (rng.chance(0.3)) {
        const id = rng.chance(0.15) && this.chosenIds.length > 0 ? rng.pick(this.chosenIds) : (0x1000 + this.n).toString(16);
        this.chosenIds.push(id);
        req.ID = id;
      }
      return { kind: 'leaseGrant', req };
    }
    if (r < 88) return { kind: 'leaseRevoke', id: s.leases.length > 0 && rng.chance(0.8) ? rng.pick(s.leases) : 'dead' };
    if (r < 92) {
      return { kind: 'leaseTimeToLive', req: { ID: s.leases.length > 0 && rng.chance(0.8) ? rng.pick(s.leases) : 'beef', keys: rng.chance(0.5) } };
    }
    if (r < 94) return { kind: 'leaseKeepAlive', id: s.leases.length > 0 && rng.chance(0.8) ? rng.pick(s.leases) : 'beef' };
    if (r < 96) return { kind: 'leaseLeases' };
    return { kind: 'watch', req: this.watch(s) };
  }
}
