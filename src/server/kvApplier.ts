/**
 * The KV part of etcd's applier (applierV3backend) and the request checks of its gRPC layer:
 * Range with every option, Put, DeleteRange, Txn with compares and nested txns, Compaction and
 * HashKV, answering with etcd 3.4's responses and exact errors.
 *
 * Header rules (as etcd fills them): a top-level response's header is the member's full header
 * with the revision the operation produced or read; a response nested in a txn carries only
 * `revision` (a nested txn's header is all zero), because etcd fills in cluster, member and term
 * only at the top.
 */
import type { KvStore, TxnRead, TxnWrite } from '../mvcc/kvStore.ts';
import { CompactedError, FutureRevError } from '../mvcc/errors.ts';
import type { KeyValue } from '../mvcc/types.ts';
import type { Lessor } from '../lease/lessor.ts';
import type {
  Compare,
  CompactionRequest,
  DeleteRangeRequest,
  DeleteRangeResponse,
  EtcdErrorBody,
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
import type { ClientResult } from './protocol.ts';

const err = (code: EtcdErrorBody['code'], message: string): EtcdErrorBody => Object.freeze({ code, message });

export const KvErrors = {
  emptyKey: err('InvalidArgument', 'etcdserver: key is not provided'),
  keyNotFound: err('InvalidArgument', 'etcdserver: key not found'),
  valueProvided: err('InvalidArgument', 'etcdserver: value is provided'),
  leaseProvided: err('InvalidArgument', 'etcdserver: lease is provided'),
  tooManyOps: err('InvalidArgument', 'etcdserver: too many operations in txn request'),
  duplicateKey: err('InvalidArgument', 'etcdserver: duplicate key given in txn request'),
  compacted: err('OutOfRange', 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: err('OutOfRange', 'etcdserver: mvcc: required revision is a future revision'),
  leaseNotFound: err('NotFound', 'etcdserver: requested lease not found'),
} as const;

/** etcd's default --max-txn-ops. */
export const MAX_TXN_OPS = 128;

class ApplyError extends Error {
  constructor(readonly body: EtcdErrorBody) {
    super(body.message);
  }
}

function mvccError(e: unknown): EtcdErrorBody {
  if (e instanceof CompactedError) return KvErrors.compacted;
  if (e instanceof FutureRevError) return KvErrors.futureRev;
  if (e instanceof ApplyError) return e.body;
  throw e;
}

const zeroHeader = (revision: number): ResponseHeader => ({ cluster_id: '0', member_id: '0', revision, raft_term: 0 });

/** A range end as the store reads it: '' / undefined = single key, '\0' = open, else [key, end). */
function storeEnd(end: string | undefined): string | undefined {
  return end === undefined || end === '' ? undefined : end;
}

function cmpNum(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpLease(a: string, b: string): number {
  const x = BigInt.asIntN(64, BigInt('0x' + a));
  const y = BigInt.asIntN(64, BigInt('0x' + b));
  return x < y ? -1 : x > y ? 1 : 0;
}

type Reader = Pick<TxnRead, 'range' | 'rev' | 'firstRev'>;

export class KvApplier {
  constructor(
    private readonly kv: () => KvStore,
    private readonly lessor: () => Lessor,
  ) {}

  // ---- request checks (the gRPC layer, before anything is proposed) ----

  validateRange(r: RangeRequest): EtcdErrorBody | null {
    if (!r.key) return KvErrors.emptyKey;
    return null;
  }

  validatePut(r: PutRequest): EtcdErrorBody | null {
    if (!r.key) return KvErrors.emptyKey;
    if (r.ignore_value && (r.value ?? '') !== '') return KvErrors.valueProvided;
    if (r.ignore_lease && (r.lease ?? '0') !== '0') return KvErrors.leaseProvided;
    return null;
  }

  validateDeleteRange(r: DeleteRangeRequest): EtcdErrorBody | null {
    if (!r.key) return KvErrors.emptyKey;
    return null;
  }

  validateTxn(r: TxnRequest): EtcdErrorBody | null {
    const bad = this.checkTxn(r);
    if (bad) return bad;
    try {
      checkIntervals(r.success ?? []);
      checkIntervals(r.failure ?? []);
    } catch (e) {
      if (e instanceof ApplyError) return e.body;
      throw e;
    }
    return null;
  }

  private checkTxn(r: TxnRequest): EtcdErrorBody | null {
    const cmps = r.compare ?? [];
    const s = r.success ?? [];
    const f = r.failure ?? [];
    if (cmps.length > MAX_TXN_OPS || s.length > MAX_TXN_OPS || f.length > MAX_TXN_OPS) return KvErrors.tooManyOps;
    for (const c of cmps) if (!c.key) return KvErrors.emptyKey;
    for (const op of [...s, ...f]) {
      let bad: EtcdErrorBody | null = null;
      if ('request_range' in op) bad = this.validateRange(op.request_range);
      else if ('request_put' in op) bad = this.validatePut(op.request_put);
      else if ('request_delete_range' in op) bad = this.validateDeleteRange(op.request_delete_range);
      else if ('request_txn' in op) bad = this.checkTxn(op.request_txn);
      if (bad) return bad;
    }
    return null;
  }

  // ---- reads ----

  range(r: RangeRequest, header: ResponseHeader): ClientResult {
    try {
      const resp = this.rangeIn(this.kv().read(), r);
      resp.header = { ...header, revision: resp.header.revision };
      return { ok: true, resp };
    } catch (e) {
      return { ok: false, error: mvccError(e) };
    }
  }

  private rangeIn(view: Reader, r: RangeRequest): RangeResponse {
    const sortTarget = r.sort_target ?? 'KEY';
    let sortOrder = r.sort_order ?? 'NONE';
    const minMod = r.min_mod_revision ?? 0;
    const maxMod = r.max_mod_revision ?? 0;
    const minCreate = r.min_create_revision ?? 0;
    const maxCreate = r.max_create_revision ?? 0;
    const reqLimit = r.limit ?? 0;
    let limit = reqLimit;
    // Sorting or filtering needs every match first; the limit applies afterwards.
    if (sortOrder !== 'NONE' || minMod !== 0 || maxMod !== 0 || minCreate !== 0 || maxCreate !== 0) limit = 0;
    if (limit > 0) limit++;
    const rr = view.range(r.key, storeEnd(r.range_end), { limit, rev: r.revision ?? 0, count: r.count_only ?? false });
    let kvs = rr.kvs;
    if (maxMod !== 0) kvs = kvs.filter((kv) => kv.mod_revision <= maxMod);
    if (minMod !== 0) kvs = kvs.filter((kv) => kv.mod_revision >= minMod);
    if (maxCreate !== 0) kvs = kvs.filter((kv) => kv.create_revision <= maxCreate);
    if (minCreate !== 0) kvs = kvs.filter((kv) => kv.create_revision >= minCreate);
    if (sortTarget !== 'KEY' && sortOrder === 'NONE') sortOrder = 'ASCEND';
    if (sortTarget === 'KEY' && sortOrder === 'ASCEND') sortOrder = 'NONE';
    if (sortOrder !== 'NONE') {
      const key = (kv: KeyValue): number | string => {
        switch (sortTarget) {
          case 'KEY':
            return kv.key;
          case 'VERSION':
            return kv.version;
          case 'CREATE':
            return kv.create_revision;
          case 'MOD':
            return kv.mod_revision;
          case 'VALUE':
            return kv.value;
        }
      };
      const dir = sortOrder === 'DESCEND' ? -1 : 1;
      kvs = [...kvs].sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
    }
    let more = false;
    if (reqLimit > 0 && kvs.length > reqLimit) {
      kvs = kvs.slice(0, reqLimit);
      more = true;
    }
    if (r.keys_only) kvs = kvs.map((kv) => ({ ...kv, value: '' }));
    return { header: zeroHeader(rr.rev), kvs, more, count: rr.count };
  }

  hashKV(revision: number, header: ResponseHeader): ClientResult {
    try {
      const h = this.kv().hashKV(revision);
      return { ok: true, resp: { header: { ...header, revision: h.rev }, hash: h.hash, compact_revision: h.compactRev } };
    } catch (e) {
      return { ok: false, error: mvccError(e) };
    }
  }

  // ---- writes (apply) ----

  put(p: PutRequest, header: () => ResponseHeader): ClientResult {
    let tw: TxnWrite | null = null;
    try {
      const kv = this.kv();
      // Checked before the write opens, so a refused put changes nothing.
      this.checkPut(kv.read(), p);
      tw = kv.write();
      const resp = this.putIn(tw, p);
      tw.end();
      tw = null;
      resp.header = { ...header(), revision: resp.header.revision };
      return { ok: true, resp };
    } catch (e) {
      tw?.end();
      return { ok: false, error: mvccError(e) };
    }
  }

  deleteRange(d: DeleteRangeRequest, header: () => ResponseHeader): ClientResult {
    const tw = this.kv().write();
    let resp: DeleteRangeResponse;
    try {
      resp = this.deleteIn(tw, d);
    } finally {
      tw.end();
    }
    resp.header = { ...header(), revision: resp.header.revision };
    return { ok: true, resp };
  }

  txn(t: TxnRequest, header: () => ResponseHeader): ClientResult {
    const kv = this.kv();
    const read = kv.read();
    let path: boolean[];
    try {
      path = this.comparePath(read, t);
      this.checkRequests(read, t, path);
    } catch (e) {
      return { ok: false, error: mvccError(e) };
    }
    if (isReadOnly(t)) return this.readOnlyTxnWith(read, t, path, header());
    const tw = kv.write();
    let resp: TxnResponse;
    let rev: number;
    try {
      resp = this.newTxnResp(t, path);
      this.applyTxn(tw, t, path, resp);
      rev = tw.rev() + (tw.changes().length > 0 ? 1 : 0);
    } finally {
      tw.end();
    }
    resp.header = { ...header(), revision: rev };
    return { ok: true, resp };
  }

  /** A txn with only ranges (served without raft, after ReadIndex or serializably). */
  readOnlyTxn(t: TxnRequest, header: ResponseHeader): ClientResult {
    const read = this.kv().read();
    try {
      const path = this.comparePath(read, t);
      this.checkRequests(read, t, path);
      return this.readOnlyTxnWith(read, t, path, header);
    } catch (e) {
      return { ok: false, error: mvccError(e) };
    }
  }

  private readOnlyTxnWith(read: TxnRead, t: TxnRequest, path: boolean[], header: ResponseHeader): ClientResult {
    const resp = this.newTxnResp(t, path);
    this.applyTxn(read as unknown as TxnWrite, t, path, resp);
    resp.header = { ...header, revision: read.rev() };
    return { ok: true, resp };
  }

  compact(c: CompactionRequest, header: () => ResponseHeader): ClientResult {
    try {
      this.kv().compact(c.revision);
      return { ok: true, resp: { header: header() } };
    } catch (e) {
      return { ok: false, error: mvccError(e) };
    }
  }

  // ---- internals ----

  /** etcd's order: an unknown lease is reported before a missing key for ignore_value/ignore_lease. */
  private checkPut(view: Reader, p: PutRequest): void {
    const lease = p.lease ?? '0';
    if (!p.ignore_lease && lease !== '0' && this.lessor().lookup(lease) === undefined) throw new ApplyError(KvErrors.leaseNotFound);
    if (p.ignore_value || p.ignore_lease) {
      const rr = view.range(p.key, undefined, {});
      if (rr.kvs.length === 0) throw new ApplyError(KvErrors.keyNotFound);
    }
  }

  private putIn(tw: TxnWrite, p: PutRequest): PutResponse {
    let prev: KeyValue | undefined;
    if (p.ignore_value || p.ignore_lease || p.prev_kv) prev = tw.range(p.key, undefined, {}).kvs[0];
    // The key can be missing here only if this txn deleted it before the put; etcd 3.4 panics
    // in that case. The playground keeps serving: it writes the value and lease given instead.
    const value = p.ignore_value && prev ? prev.value : (p.value ?? '');
    const lease = p.ignore_lease && prev ? prev.lease : (p.lease ?? '0');
    const rev = tw.put(p.key, value, lease);
    const resp: PutResponse = { header: zeroHeader(rev) };
    if (p.prev_kv && prev) resp.prev_kv = prev;
    return resp;
  }

  private deleteIn(tw: TxnWrite, d: DeleteRangeRequest): DeleteRangeResponse {
    const end = storeEnd(d.range_end);
    const prev_kvs = d.prev_kv ? tw.range(d.key, end, {}).kvs : [];
    const { deleted, rev } = tw.deleteRange(d.key, end);
    return { header: zeroHeader(rev), deleted, prev_kvs };
  }

  /** The branch taken at every txn level, depth first (etcd's compareToPath). */
  private comparePath(view: Reader, t: TxnRequest): boolean[] {
    const path: boolean[] = [];
    const walk = (tx: TxnRequest): void => {
      const ok = (tx.compare ?? []).every((c) => this.applyCompare(view, c));
      path.push(ok);
      for (const op of (ok ? tx.success : tx.failure) ?? []) if ('request_txn' in op) walk(op.request_txn);
    };
    walk(t);
    return path;
  }

  private applyCompare(view: Reader, c: Compare): boolean {
    const rr = view.range(c.key, storeEnd(c.range_end), {});
    if (rr.kvs.length === 0) {
      if (c.target === 'VALUE') return false;
      return compareKv(c, { key: c.key, create_revision: 0, mod_revision: 0, version: 0, value: '', lease: '0' });
    }
    return rr.kvs.every((kv) => compareKv(c, kv));
  }

  /** Checks ranges' revisions and puts' preconditions along the taken path, before any write. */
  private checkRequests(view: Reader, t: TxnRequest, path: boolean[]): void {
    let i = 0;
    const walk = (tx: TxnRequest): void => {
      const ok = path[i++]!;
      for (const op of (ok ? tx.success : tx.failure) ?? []) {
        if ('request_range' in op) {
          const rev = op.request_range.revision ?? 0;
          if (rev === 0) continue;
          if (rev > view.rev()) throw new FutureRevError();
          if (rev < view.firstRev()) throw new CompactedError();
        } else if ('request_put' in op) this.checkPut(view, op.request_put);
        else if ('request_txn' in op) walk(op.request_txn);
      }
    };
    walk(t);
  }

  private newTxnResp(_t: TxnRequest, path: boolean[]): TxnResponse {
    return { header: zeroHeader(0), succeeded: path[0]!, responses: [] };
  }

  /** Applies the taken branch; returns how many nested txns it consumed from `path`. */
  private applyTxn(tw: TxnWrite, t: TxnRequest, path: boolean[], resp: TxnResponse): number {
    const reqs: RequestOp[] = (path[0] ? t.success : t.failure) ?? [];
    let rest = path.slice(1);
    let consumed = 0;
    for (const op of reqs) {
      let r: ResponseOp;
      if ('request_range' in op) r = { response_range: this.rangeIn(tw, op.request_range) };
      else if ('request_put' in op) r = { response_put: this.putIn(tw, op.request_put) };
      else if ('request_delete_range' in op) r = { response_delete_range: this.deleteIn(tw, op.request_delete_range) };
      else {
        const nested: TxnResponse = { header: zeroHeader(0), succeeded: rest[0]!, responses: [] };
        const n = this.applyTxn(tw, op.request_txn, rest, nested);
        consumed += n + 1;
        rest = rest.slice(n + 1);
        r = { response_txn: nested };
      }
      resp.responses.push(r);
    }
    return consumed;
  }
}

function compareKv(c: Compare, kv: KeyValue): boolean {
  let result: number;
  switch (c.target) {
    case 'VALUE': {
      const v = c.value ?? '';
      result = kv.value < v ? -1 : kv.value > v ? 1 : 0;
      break;
    }
    case 'CREATE':
      result = cmpNum(kv.create_revision, c.create_revision ?? 0);
      break;
    case 'MOD':
      result = cmpNum(kv.mod_revision, c.mod_revision ?? 0);
      break;
    case 'VERSION':
      result = cmpNum(kv.version, c.version ?? 0);
      break;
    case 'LEASE':
      result = cmpLease(kv.lease, c.lease ?? '0');
      break;
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
  }
}

export function isReadOnly(t: TxnRequest): boolean {
  return [...(t.success ?? []), ...(t.failure ?? [])].every(
    (op) => 'request_range' in op || ('request_txn' in op && isReadOnly(op.request_txn)),
  );
}

/** Half-open string interval; etcd's affine intervals compare keys as byte strings. */
interface Interval {
  lo: string;
  /** Exclusive; null = a single point at lo. */
  hi: string | null;
}

function intersectsPoint(dels: Interval[], k: string): boolean {
  return dels.some((d) => (d.hi === null ? d.lo === k : d.lo <= k && k < d.hi));
}

/**
 * etcd's checkIntervals: within one branch, a key may be put once and not also fall in a
 * delete range; puts in a nested txn's success and failure branches may repeat each other (only
 * one runs) but not the enclosing level's.
 */
function checkIntervals(reqs: RequestOp[]): { puts: Set<string>; dels: Interval[] } {
  const dels: Interval[] = [];
  for (const op of reqs) {
    if (!('request_delete_range' in op)) continue;
    const d = op.request_delete_range;
    dels.push(d.range_end ? { lo: d.key, hi: d.range_end } : { lo: d.key, hi: null });
  }
  const puts = new Set<string>();
  for (const op of reqs) {
    if (!('request_txn' in op)) continue;
    const then = checkIntervals(op.request_txn.success ?? []);
    const els = checkIntervals(op.request_txn.failure ?? []);
    for (const k of then.puts) {
      if (puts.has(k) || intersectsPoint(dels, k)) throw new ApplyError(KvErrors.duplicateKey);
      puts.add(k);
    }
    for (const k of els.puts) {
      if (puts.has(k) && !then.puts.has(k)) throw new ApplyError(KvErrors.duplicateKey);
      if (intersectsPoint(dels, k)) throw new ApplyError(KvErrors.duplicateKey);
      puts.add(k);
    }
    dels.push(...then.dels, ...els.dels);
  }
  for (const op of reqs) {
    if (!('request_put' in op)) continue;
    const k = op.request_put.key;
    if (puts.has(k) || intersectsPoint(dels, k)) throw new ApplyError(KvErrors.duplicateKey);
    puts.add(k);
  }
  return { puts, dels };
}
