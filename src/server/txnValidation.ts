/**
 * etcd's request checks done before a request is proposed (v3rpc key.go): a request that fails
 * them never reaches raft, so it changes nothing and costs no revision. Each check returns the
 * error etcd would answer, or null.
 */
import type { DeleteRangeRequest, EtcdErrorBody, PutRequest, RangeRequest, RequestOp, TxnRequest } from './api.ts';
import {
  ErrDuplicateKey,
  ErrEmptyKey,
  ErrInvalidSortOption,
  ErrKeyNotFound,
  ErrLeaseProvided,
  ErrTooManyOps,
  ErrValueProvided,
} from './errors.ts';

/** etcd's default --max-txn-ops. */
export const DEFAULT_MAX_TXN_OPS = 128;

const sortOrders = new Set(['NONE', 'ASCEND', 'DESCEND']);
const sortTargets = new Set(['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE']);

export function checkRangeRequest(r: RangeRequest): EtcdErrorBody | null {
  if (!r.key) return ErrEmptyKey;
  if (r.sort_order !== undefined && !sortOrders.has(r.sort_order)) return ErrInvalidSortOption;
  if (r.sort_target !== undefined && !sortTargets.has(r.sort_target)) return ErrInvalidSortOption;
  return null;
}

export function checkPutRequest(r: PutRequest): EtcdErrorBody | null {
  if (!r.key) return ErrEmptyKey;
  if (r.ignore_value && (r.value ?? '').length !== 0) return ErrValueProvided;
  if (r.ignore_lease && (r.lease ?? '0') !== '0') return ErrLeaseProvided;
  return null;
}

export function checkDeleteRequest(r: DeleteRangeRequest): EtcdErrorBody | null {
  if (!r.key) return ErrEmptyKey;
  return null;
}

/**
 * The whole txn check as etcd's Txn handler runs it: sizes and keys (recursively, a nested txn
 * getting the ops budget its parent left), then overlapping writes in each branch.
 */
export function checkTxn(r: TxnRequest, maxTxnOps = DEFAULT_MAX_TXN_OPS): EtcdErrorBody | null {
  return checkTxnRequest(r, maxTxnOps) ?? checkIntervals(r.success ?? []).error ?? checkIntervals(r.failure ?? []).error;
}

/**
 * Sizes and keys: no branch (nor the compare list) longer than `maxTxnOps`; every compare and
 * op has a key; an op with no request is etcd's "key not found".
 */
export function checkTxnRequest(r: TxnRequest, maxTxnOps: number): EtcdErrorBody | null {
  const compare = r.compare ?? [];
  const success = r.success ?? [];
  const failure = r.failure ?? [];
  const opc = Math.max(compare.length, success.length, failure.length);
  if (opc > maxTxnOps) return ErrTooManyOps;
  for (const c of compare) if (!c.key) return ErrEmptyKey;
  for (const op of [...success, ...failure]) {
    const err = checkRequestOp(op, maxTxnOps - opc);
    if (err) return err;
  }
  return null;
}

function checkRequestOp(op: RequestOp, maxTxnOps: number): EtcdErrorBody | null {
  if (op && 'request_range' in op && op.request_range) return checkRangeRequest(op.request_range);
  if (op && 'request_put' in op && op.request_put) return checkPutRequest(op.request_put);
  if (op && 'request_delete_range' in op && op.request_delete_range) return checkDeleteRequest(op.request_delete_range);
  if (op && 'request_txn' in op && op.request_txn) return checkTxnRequest(op.request_txn, maxTxnOps);
  return ErrKeyNotFound;
}

/** A deleted interval [begin, end); a single-key delete is [key, key + "\0"). */
interface Interval {
  begin: string;
  end: string;
}

/**
 * True when `key` falls in the interval. Faithful to etcd 3.4's interval arithmetic: a delete
 * whose range_end is "\0" ("to the end of the key space") is the interval [key, "\0"), which
 * is empty, so it conflicts with no put.
 */
function hits(iv: Interval, key: string): boolean {
  return iv.begin <= key && key < iv.end;
}

/**
 * Overlapping writes in one branch: two puts of one key, or a put of a key a delete in the same
 * branch covers, are refused ("duplicate key"), counting the puts and deletes of nested txns'
 * branches as part of the branch that holds them. The success and failure branches of one
 * nested txn exclude each other, so the same put in both is allowed; two deletes may overlap.
 */
export function checkIntervals(reqs: RequestOp[]): { puts: Set<string>; dels: Interval[]; error: EtcdErrorBody | null } {
  const dels: Interval[] = [];
  for (const op of reqs) {
    if (!('request_delete_range' in op) || !op.request_delete_range) continue;
    const d = op.request_delete_range;
    const end = d.range_end ?? '';
    dels.push(end.length !== 0 ? { begin: d.key, end } : { begin: d.key, end: d.key + '\0' });
  }
  const puts = new Set<string>();
  const fail = { puts, dels, error: ErrDuplicateKey };
  for (const op of reqs) {
    if (!('request_txn' in op) || !op.request_txn) continue;
    const then = checkIntervals(op.request_txn.success ?? []);
    if (then.error) return then;
    const otherwise = checkIntervals(op.request_txn.failure ?? []);
    if (otherwise.error) return otherwise;
    for (const k of then.puts) {
      if (puts.has(k) || dels.some((iv) => hits(iv, k))) return fail;
      puts.add(k);
    }
    for (const k of otherwise.puts) {
      if (puts.has(k) && !then.puts.has(k)) return fail;
      if (dels.some((iv) => hits(iv, k))) return fail;
      puts.add(k);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const op of reqs) {
    if (!('request_put' in op) || !op.request_put) continue;
    const k = op.request_put.key;
    if (puts.has(k) || dels.some((iv) => hits(iv, k))) return fail;
    puts.add(k);
  }
  return { puts, dels, error: null };
}
