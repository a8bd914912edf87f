/**
 * etcd's apply layer for KV (applierV3backend in etcd 3.4) over the MVCC store, speaking the
 * API types: Range with every option, Put, DeleteRange, Txn, Compaction and HashKV.
 *
 * Every function checks its request first (txnValidation.ts; etcd does it before proposing),
 * so bad input is answered with etcd's error and changes nothing. Errors from the store are
 * turned into etcd's gRPC errors by class.
 *
 * Headers: a top-level response carries `revision` plus the member's cluster id, member id and
 * term from `ctx.header` when given; a response nested in a txn carries only `revision`, and a
 * nested txn's header is all zero — as etcd fills in the rest only at the top.
 */
import type { KvStore, RangeResult, TxnRead, TxnWrite } from '../mvcc/kvStore.ts';
import { CompactedError, FutureRevError } from '../mvcc/errors.ts';
import type { KeyValue } from '../mvcc/types.ts';
import type {
  Compare,
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  EtcdErrorBody,
  HashKVRequest,
  HashKVResponse,
  Id64,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseHeader,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from './api.ts';
import { EtcdError, ErrCompacted, ErrFutureRev, ErrKeyNotFound, ErrLeaseNotFound } from './errors.ts';
import {
  DEFAULT_MAX_TXN_OPS,
  checkDeleteRequest,
  checkPutRequest,
  checkRangeRequest,
  checkTxn,
} from './txnValidation.ts';

export type ApplyResult<T> = { ok: true; resp: T } | { ok: false; error: EtcdErrorBody };

export interface KvApplyContext {
  kv: KvStore;
  /** The lessor's answer to "does this lease exist?" (etcd asks its lessor the same). */
  leaseExists(id: Id64): boolean;
  /** etcd's --max-txn-ops (default 128). */
  maxTxnOps?: number;
  /** The member's identity for top-level headers; revision is filled in here. */
  header?: () => Omit<ResponseHeader, 'revision'>;
}

/** The read side shared by read txns and write txns. */
type View = Pick<TxnRead, 'range' | 'rev' | 'firstRev'>;

export function applyRange(ctx: KvApplyContext, req: RangeRequest): ApplyResult<RangeResponse> {
  const bad = checkRangeRequest(req);
  if (bad) return { ok: false, error: bad };
  return run(() => {
    const resp = rangeIn(ctx.kv.read(), req);
    resp.header = topHeader(ctx, resp.header.revision);
    return resp;
  });
}

export function applyPut(ctx: KvApplyContext, req: PutRequest): ApplyResult<PutResponse> {
  const bad = checkPutRequest(req);
  if (bad) return { ok: false, error: bad };
  const lease = req.lease ?? '0';
  if (lease !== '0' && !ctx.leaseExists(lease)) return { ok: false, error: ErrLeaseNotFound };
  return run(() => {
    const tw = ctx.kv.write();
    try {
      const resp = putIn(tw, req);
      resp.header = topHeader(ctx, resp.header.revision);
      return resp;
    } finally {
      tw.end();
    }
  });
}

export function applyDeleteRange(ctx: KvApplyContext, req: DeleteRangeRequest): ApplyResult<DeleteRangeResponse> {
  const bad = checkDeleteRequest(req);
  if (bad) return { ok: false, error: bad };
  return run(() => {
    const tw = ctx.kv.write();
    try {
      const resp = deleteIn(tw, req);
      resp.header = topHeader(ctx, resp.header.revision);
      return resp;
    } finally {
      tw.end();
    }
  });
}

/**
 * A txn: every compare (of this txn and, along the chosen branches, of nested ones) is
 * evaluated against the store as it was before the txn; the requests of the chosen branches
 * are checked against that same state (leases exist, ignore_* keys exist, range revisions are
 * readable) BEFORE anything is written; then all writes happen in one write txn, i.e. one
 * revision, and the responses come back in request order.
 */
export function applyTxn(ctx: KvApplyContext, req: TxnRequest): ApplyResult<TxnResponse> {
  const bad = checkTxn(req, ctx.maxTxnOps ?? DEFAULT_MAX_TXN_OPS);
  if (bad) return { ok: false, error: bad };
  return run(() => {
    const write = !isTxnReadOnly(req);
    const read = ctx.kv.read();
    const path = compareToPath(read, req);
    if (write) checkRequests(read, req, path, (op) => checkPut(ctx, read, op));
    checkRequests(read, req, path, (op) => checkRange(read, op));
    const resp = newTxnResp(req, path);
    if (!write) {
      applyTxnOps(read, req, path, resp);
      resp.header = topHeader(ctx, read.rev());
      return resp;
    }
    const tw = ctx.kv.write();
    try {
      applyTxnOps(tw, req, path, resp);
      resp.header = topHeader(ctx, tw.changes().length > 0 ? tw.rev() + 1 : tw.rev());
    } finally {
      tw.end();
    }
    return resp;
  });
}

/**
 * Compaction. `done` resolves when the old revisions are gone from the backend (the server
 * waits for it when the request asks for `physical`).
 */
export function applyCompaction(
  ctx: KvApplyContext,
  req: CompactionRequest,
): ApplyResult<CompactionResponse> & { done?: Promise<void> } {
  try {
    const { done } = ctx.kv.compact(req.revision);
    return { ok: true, resp: { header: topHeader(ctx, ctx.kv.rev()) }, done };
  } catch (e) {
    return { ok: false, error: toEtcdError(e) };
  }
}

export function applyHashKV(ctx: KvApplyContext, req: HashKVRequest): ApplyResult<HashKVResponse> {
  return run(() => {
    const h = ctx.kv.hashKV(req.revision ?? 0);
    return { header: topHeader(ctx, h.rev), hash: h.hash, compact_revision: h.compactRev };
  });
}

/** True when no branch, at any depth, writes (etcd then runs the txn on a read view). */
export function isTxnReadOnly(req: TxnRequest): boolean {
  for (const op of [...(req.success ?? []), ...(req.failure ?? [])]) {
    if ('request_put' in op || 'request_delete_range' in op) return false;
    if ('request_txn' in op && op.request_txn && !isTxnReadOnly(op.request_txn)) return false;
  }
  return true;
}

// ---- the operations, inside a view or write txn ----

function rangeIn(view: View, r: RangeRequest): RangeResponse {
  const order = r.sort_order ?? 'NONE';
  const target = r.sort_target ?? 'KEY';
  const minMod = r.min_mod_revision ?? 0;
  const maxMod = r.max_mod_revision ?? 0;
  const minCreate = r.min_create_revision ?? 0;
  const maxCreate = r.max_create_revision ?? 0;
  const requested = r.limit ?? 0;
  // Sorting or filtering needs every match first; otherwise fetch one extra to learn `more`.
  let limit = requested;
  if (order !== 'NONE' || minMod !== 0 || maxMod !== 0 || minCreate !== 0 || maxCreate !== 0) limit = 0;
  if (limit > 0) limit++;
  const rr: RangeResult = view.range(r.key, r.range_end ?? '', {
    limit,
    rev: r.revision ?? 0,
    count: r.count_only ?? false,
  });
  let kvs = rr.kvs;
  // `count` stays what the store counted: the filters below do not change it (as in etcd).
  if (maxMod !== 0) kvs = kvs.filter((kv) => kv.mod_revision <= maxMod);
  if (minMod !== 0) kvs = kvs.filter((kv) => kv.mod_revision >= minMod);
  if (maxCreate !== 0) kvs = kvs.filter((kv) => kv.create_revision <= maxCreate);
  if (minCreate !== 0) kvs = kvs.filter((kv) => kv.create_revision >= minCreate);
  // The store returns keys ascending; any other target with order NONE means ascending too.
  const effectiveOrder = target !== 'KEY' && order === 'NONE' ? 'ASCEND' : order;
  if (effectiveOrder !== 'NONE') {
    const cmp = sortComparator(target);
    const sign = effectiveOrder === 'DESCEND' ? -1 : 1;
    kvs = [...kvs].sort((a, b) => sign * cmp(a, b)); // stable: ties keep key order
  }
  let more = false;
  if (requested > 0 && kvs.length > requested) {
    kvs = kvs.slice(0, requested);
    more = true;
  }
  if (r.keys_only) kvs = kvs.map((kv) => ({ ...kv, value: '' }));
  return { header: nestedHeader(rr.rev), kvs, more, count: rr.count };
}

function sortComparator(target: string): (a: KeyValue, b: KeyValue) => number {
  const byNum = (f: (kv: KeyValue) => number) => (a: KeyValue, b: KeyValue) => f(a) - f(b);
  const byStr = (f: (kv: KeyValue) => string) => (a: KeyValue, b: KeyValue) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0);
  switch (target) {
    case 'VERSION':
      return byNum((kv) => kv.version);
    case 'CREATE':
      return byNum((kv) => kv.create_revision);
    case 'MOD':
      return byNum((kv) => kv.mod_revision);
    case 'VALUE':
      return byStr((kv) => kv.value);
    default:
      return byStr((kv) => kv.key);
  }
}

function putIn(tw: TxnWrite, p: PutRequest): PutResponse {
  let value = p.value ?? '';
  let lease = p.lease ?? '0';
  let prev: KeyValue | undefined;
  if (p.ignore_value || p.ignore_lease || p.prev_kv) prev = tw.range(p.key, '').kvs[0];
  if ((p.ignore_value || p.ignore_lease) && prev === undefined) throw new EtcdError(ErrKeyNotFound);
  if (p.ignore_value) value = prev!.value;
  if (p.ignore_lease) lease = prev!.lease;
  const rev = tw.put(p.key, value, lease);
  const resp: PutResponse = { header: nestedHeader(rev) };
  if (p.prev_kv && prev !== undefined) resp.prev_kv = prev;
  return resp;
}

function deleteIn(tw: TxnWrite, d: DeleteRangeRequest): DeleteRangeResponse {
  const end = d.range_end ?? '';
  const prevKvs = d.prev_kv ? tw.range(d.key, end).kvs : [];
  const { deleted, rev } = tw.deleteRange(d.key, end);
  return { header: nestedHeader(rev), deleted, prev_kvs: prevKvs };
}

// ---- txn machinery ----

/**
 * The branch taken by this txn and, depth first in request order, by every nested txn inside
 * the taken branches: etcd decides them all up front, against the state before the txn.
 */
function compareToPath(view: View, t: TxnRequest): boolean[] {
  const taken = (t.compare ?? []).every((c) => applyCompare(view, c));
  const path = [taken];
  for (const op of (taken ? t.success : t.failure) ?? []) {
    if ('request_txn' in op && op.request_txn) path.push(...compareToPath(view, op.request_txn));
  }
  return path;
}

/**
 * A compare over a key or a range: every existing key in it must satisfy the compare. With no
 * key at all, VERSION/CREATE/MOD/LEASE compare against zero, while a VALUE compare fails
 * (a missing value cannot be told from an empty one, so etcd refuses to say it matches).
 */
function applyCompare(view: View, c: Compare): boolean {
  let kvs: KeyValue[];
  try {
    kvs = view.range(c.key, c.range_end ?? '').kvs;
  } catch {
    return false;
  }
  if (kvs.length === 0) {
    if (c.target === 'VALUE') return false;
    return compareKV(c, { key: c.key, value: '', create_revision: 0, mod_revision: 0, version: 0, lease: '0' });
  }
  return kvs.every((kv) => compareKV(c, kv));
}

function compareKV(c: Compare, kv: KeyValue): boolean {
  let result: number;
  switch (c.target) {
    case 'VALUE': {
      const v = c.value ?? '';
      result = kv.value < v ? -1 : kv.value > v ? 1 : 0;
      break;
    }
    case 'CREATE':
      result = Math.sign(kv.create_revision - (c.create_revision ?? 0));
      break;
    case 'MOD':
      result = Math.sign(kv.mod_revision - (c.mod_revision ?? 0));
      break;
    case 'VERSION':
      result = Math.sign(kv.version - (c.version ?? 0));
      break;
    case 'LEASE': {
      // etcd compares lease IDs as int64
      const a = BigInt.asIntN(64, BigInt('0x' + kv.lease));
      const b = BigInt.asIntN(64, BigInt('0x' + (c.lease ?? '0')));
      result = a < b ? -1 : a > b ? 1 : 0;
      break;
    }
    default:
      result = 0;
  }
  switch (c.result) {
    case 'EQUAL':
      return result === 0;
    case 'NOT_EQUAL':
      return result !== 0;
    case 'GREATER':
      return result > 0;
    case 'LESS':
      return result < 0;
    default:
      return true;
  }
}

/** Runs `f` on every non-txn op of the taken branches, recursing into nested txns along `path`. Returns how many nested txns it walked. */
function checkRequests(view: View, t: TxnRequest, path: boolean[], f: (op: RequestOp) => void): number {
  let txns = 0;
  let rest = path.slice(1);
  for (const op of (path[0] ? t.success : t.failure) ?? []) {
    if ('request_txn' in op && op.request_txn) {
      const n = checkRequests(view, op.request_txn, rest, f);
      txns += n + 1;
      rest = rest.slice(n + 1);
      continue;
    }
    f(op);
  }
  return txns;
}

function checkPut(ctx: KvApplyContext, view: View, op: RequestOp): void {
  if (!('request_put' in op) || !op.request_put) return;
  const p = op.request_put;
  if ((p.ignore_value || p.ignore_lease) && view.range(p.key, '').kvs.length === 0) throw new EtcdError(ErrKeyNotFound);
  const lease = p.lease ?? '0';
  if (lease !== '0' && !ctx.leaseExists(lease)) throw new EtcdError(ErrLeaseNotFound);
}

function checkRange(view: View, op: RequestOp): void {
  if (!('request_range' in op) || !op.request_range) return;
  const rev = op.request_range.revision ?? 0;
  if (rev === 0) return;
  if (rev > view.rev()) throw new EtcdError(ErrFutureRev);
  if (rev < view.firstRev()) throw new EtcdError(ErrCompacted);
}

/** The response skeleton: taken flag and one slot per op of the taken branch, nested txns pre-built. */
function newTxnResp(t: TxnRequest, path: boolean[]): TxnResponse {
  const resp: TxnResponse = { header: zeroHeader(), succeeded: path[0]!, responses: [] };
  let rest = path.slice(1);
  for (const op of (path[0] ? t.success : t.failure) ?? []) {
    if ('request_txn' in op && op.request_txn) {
      const nested = newTxnResp(op.request_txn, rest);
      rest = rest.slice(countTxns(op.request_txn, rest) + 1);
      resp.responses.push({ response_txn: nested });
    } else {
      resp.responses.push(undefined as unknown as ResponseOp); // filled by applyTxnOps
    }
  }
  return resp;
}

/** How many nested txns (at any depth) lie along `path` inside the branch `path[0]` selects. */
function countTxns(t: TxnRequest, path: boolean[]): number {
  let n = 0;
  let rest = path.slice(1);
  for (const op of (path[0] ? t.success : t.failure) ?? []) {
    if ('request_txn' in op && op.request_txn) {
      const inner = countTxns(op.request_txn, rest);
      n += inner + 1;
      rest = rest.slice(inner + 1);
    }
  }
  return n;
}

/** Applies the taken branch in order; returns how many nested txns it walked. */
function applyTxnOps(view: View & Partial<TxnWrite>, t: TxnRequest, path: boolean[], resp: TxnResponse): number {
  let txns = 0;
  let rest = path.slice(1);
  const ops = (path[0] ? t.success : t.failure) ?? [];
  ops.forEach((op, i) => {
    if ('request_range' in op) resp.responses[i] = { response_range: rangeIn(view, op.request_range) };
    else if ('request_put' in op) resp.responses[i] = { response_put: putIn(view as TxnWrite, op.request_put) };
    else if ('request_delete_range' in op)
      resp.responses[i] = { response_delete_range: deleteIn(view as TxnWrite, op.request_delete_range) };
    else if ('request_txn' in op) {
      const nested = (resp.responses[i] as { response_txn: TxnResponse }).response_txn;
      const n = applyTxnOps(view, op.request_txn, rest, nested);
      txns += n + 1;
      rest = rest.slice(n + 1);
    }
  });
  return txns;
}

// ---- headers and errors ----

function zeroHeader(): ResponseHeader {
  return { cluster_id: '0', member_id: '0', revision: 0, raft_term: 0 };
}

function nestedHeader(revision: number): ResponseHeader {
  return { cluster_id: '0', member_id: '0', revision, raft_term: 0 };
}

function topHeader(ctx: KvApplyContext, revision: number): ResponseHeader {
  const base = ctx.header?.() ?? { cluster_id: '0', member_id: '0', raft_term: 0 };
  return { cluster_id: base.cluster_id, member_id: base.member_id, raft_term: base.raft_term, revision };
}

/** Maps the store's typed errors and apply errors to etcd's; anything else is a bug and is rethrown. */
export function toEtcdError(e: unknown): EtcdErrorBody {
  if (e instanceof CompactedError) return ErrCompacted;
  if (e instanceof FutureRevError) return ErrFutureRev;
  if (e instanceof EtcdError) return e.body;
  throw e;
}

function run<T>(f: () => T): ApplyResult<T> {
  try {
    return { ok: true, resp: f() };
  } catch (e) {
    return { ok: false, error: toEtcdError(e) };
  }
}
