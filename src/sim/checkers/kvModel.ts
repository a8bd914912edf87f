/**
 * etcd's KV semantics as a sequential model for the linearizability search: the state is the
 * live key space plus the current revision, and `step` says whether an operation with a given
 * response may take effect in a given state (and what the state becomes).
 *
 * States are persistent (a copy-on-write B-tree), so the search can keep every state it reaches
 * on its stack and in its memo cache without copying the key space; `hash` is maintained
 * incrementally and only speeds up equality (two states are equal iff revision and entries are).
 */
import { BTree } from './btree.ts';
import type {
  Bytes,
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  KeyValue,
  KvRequest,
  KvResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from './types.ts';

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface ModelState {
  readonly tree: BTree<Bytes, KeyValue>;
  /** The store's current revision (etcd starts at 1 with an empty key space). */
  readonly rev: number;
  /** XOR of the entries' hashes; equal states have equal hashes. */
  readonly hash: number;
}

function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ 0xff, 0x01000193);
}

function hashKv(kv: KeyValue): number {
  let h = hashString(0x811c9dc5, kv.key);
  h = hashString(h, kv.value);
  h = hashString(h, kv.lease);
  h = Math.imul(h ^ kv.create_revision, 0x01000193);
  h = Math.imul(h ^ kv.mod_revision, 0x01000193);
  h = Math.imul(h ^ kv.version, 0x01000193);
  return h | 0;
}

export function initialModelState(revision = 1, kvs: readonly KeyValue[] = []): ModelState {
  let tree = new BTree<Bytes, KeyValue>(undefined, compareKeys);
  let hash = 0;
  for (const kv of kvs) {
    tree = tree.with(kv.key, { ...kv }, true);
    hash ^= hashKv(kv);
  }
  return { tree, rev: revision, hash };
}

export function statesEqual(a: ModelState, b: ModelState): boolean {
  if (a.rev !== b.rev || a.hash !== b.hash || a.tree.size !== b.tree.size) return false;
  const ia = a.tree.entries();
  const ib = b.tree.entries();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done === y.done;
    if (!kvEqual(x.value[1], y.value[1])) return false;
  }
}

function kvEqual(a: KeyValue, b: KeyValue): boolean {
  return (
    a.key === b.key &&
    a.value === b.value &&
    a.create_revision === b.create_revision &&
    a.mod_revision === b.mod_revision &&
    a.version === b.version &&
    (a.lease || '0') === (b.lease || '0')
  );
}

/** Short printable form of a byte string for explanations. */
export function showBytes(b: Bytes): string {
  const printable = /^[\x20-\x7e]*$/.test(b);
  const s = printable ? b : [...b].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('');
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);
}

export function showKv(kv: KeyValue | undefined): string {
  if (!kv) return 'absent';
  return `${showBytes(kv.key)}=${showBytes(kv.value)} (create ${kv.create_revision}, mod ${kv.mod_revision}, version ${kv.version}${kv.lease && kv.lease !== '0' ? `, lease ${kv.lease}` : ''})`;
}

/** Calls `each` for the live keys in [key, rangeEnd) with etcd's range_end conventions. */
export function forEachInRange(tree: BTree<Bytes, KeyValue>, key: Bytes, rangeEnd: Bytes | undefined, each: (kv: KeyValue) => void): void {
  if (!rangeEnd) {
    const kv = tree.get(key);
    if (kv) each(kv);
    return;
  }
  if (rangeEnd === '\0') {
    for (const [, kv] of tree.entries(key)) each(kv);
    return;
  }
  if (rangeEnd <= key) return;
  tree.forRange(key, rangeEnd, false, (_k, kv) => each(kv));
}

/** The working copy a request is applied to: writes happen at `nextRev` (sub-revisions do not matter to the key space). */
interface Work {
  tree: BTree<Bytes, KeyValue>;
  hash: number;
  nextRev: number;
  wrote: boolean;
}

type Check = string | null;

function mismatch(what: string, expected: unknown, actual: unknown): string {
  return `${what}: expected ${String(expected)}, got ${String(actual)}`;
}

function compareOptionalKv(what: string, expected: KeyValue | undefined, actual: KeyValue | undefined): Check {
  if (!expected && !actual) return null;
  if (!expected || !actual || !kvEqual(expected, actual)) return mismatch(what, showKv(expected), showKv(actual));
  return null;
}

// ---- range ----

function sortValue(kv: KeyValue, target: string): number | string {
  switch (target) {
    case 'VERSION':
      return kv.version;
    case 'CREATE':
      return kv.create_revision;
    case 'MOD':
      return kv.mod_revision;
    case 'VALUE':
      return kv.value;
    default:
      return kv.key;
  }
}

function cmp(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * etcd 3.4's range: count is every live key in the range; min/max revision filters, sorting
 * (ascending by default for a target other than KEY) and then the limit apply to kvs only.
 */
function evalRange(work: Work, r: RangeRequest): { kvs: KeyValue[]; count: number; more: boolean } {
  let all: KeyValue[] = [];
  forEachInRange(work.tree, r.key, r.range_end, (kv) => all.push(kv));
  const count = all.length;
  if (r.count_only) return { kvs: [], count, more: false };
  if (r.min_mod_revision) all = all.filter((kv) => kv.mod_revision >= r.min_mod_revision!);
  if (r.max_mod_revision) all = all.filter((kv) => kv.mod_revision <= r.max_mod_revision!);
  if (r.min_create_revision) all = all.filter((kv) => kv.create_revision >= r.min_create_revision!);
  if (r.max_create_revision) all = all.filter((kv) => kv.create_revision <= r.max_create_revision!);
  const target = r.sort_target ?? 'KEY';
  let order = r.sort_order ?? 'NONE';
  if (target !== 'KEY' && order === 'NONE') order = 'ASCEND';
  if (order !== 'NONE') {
    const sign = order === 'DESCEND' ? -1 : 1;
    all = [...all].sort((a, b) => sign * cmp(sortValue(a, target), sortValue(b, target)) || cmp(a.key, b.key));
  }
  let more = false;
  const limit = r.limit ?? 0;
  if (limit > 0 && all.length > limit) {
    all = all.slice(0, limit);
    more = true;
  }
  if (r.keys_only) all = all.map((kv) => ({ ...kv, value: '' }));
  return { kvs: all, count, more };
}

function checkRange(work: Work, r: RangeRequest, actual: RangeResponse | undefined): Check {
  if (!actual) return null;
  if (r.revision && r.revision > 0) {
    // Historical reads are not modelled (the state keeps only the current key space); their
    // header still pins them to a revision, and checkHistory compares their content with the
    // committed log (rangeMismatch).
    return null;
  }
  return compareRange(work, r, actual);
}

/**
 * Null if `actual` is exactly what a range over `state`'s key space answers (header revision
 * aside), otherwise what differs. For reads at an older revision, given the state there.
 */
export function rangeMismatch(state: ModelState, r: RangeRequest, actual: RangeResponse): string | null {
  return compareRange({ tree: state.tree, hash: state.hash, nextRev: state.rev + 1, wrote: false }, r, actual);
}

function compareRange(work: Work, r: RangeRequest, actual: RangeResponse): Check {
  const exp = evalRange(work, r);
  if (actual.count !== exp.count) return mismatch(`range ${showBytes(r.key)} count`, exp.count, actual.count);
  if (actual.more !== exp.more) return mismatch(`range ${showBytes(r.key)} more`, exp.more, actual.more);
  if (actual.kvs.length !== exp.kvs.length) {
    return mismatch(`range ${showBytes(r.key)}${r.range_end ? `..${showBytes(r.range_end)}` : ''} returned`, `${exp.kvs.length} kvs [${exp.kvs.map(showKv).join('; ')}]`, `${actual.kvs.length} kvs [${actual.kvs.map(showKv).join('; ')}]`);
  }
  const tiesPossible = (r.sort_target ?? 'KEY') !== 'KEY';
  const act = tiesPossible ? [...actual.kvs].sort((a, b) => cmp(sortValue(a, r.sort_target!), sortValue(b, r.sort_target!)) || cmp(a.key, b.key)) : actual.kvs;
  const expKvs = tiesPossible ? [...exp.kvs].sort((a, b) => cmp(sortValue(a, r.sort_target!), sortValue(b, r.sort_target!)) || cmp(a.key, b.key)) : exp.kvs;
  for (let i = 0; i < expKvs.length; i++) {
    const c = compareOptionalKv(`range ${showBytes(r.key)} kv[${i}]`, expKvs[i], act[i]);
    if (c) return c;
  }
  return null;
}

// ---- writes ----

function setKv(work: Work, kv: KeyValue): void {
  const old = work.tree.get(kv.key);
  if (old) work.hash ^= hashKv(old);
  work.hash ^= hashKv(kv);
  work.tree = work.tree.with(kv.key, kv, true);
}

function deleteKey(work: Work, key: Bytes): void {
  const old = work.tree.get(key);
  if (!old) return;
  work.hash ^= hashKv(old);
  work.tree = work.tree.without(key);
}

/** Returns an error text when the put could not have produced `actual` (or is impossible). */
function applyPut(work: Work, p: PutRequest, actual: PutResponse | undefined): Check {
  const prev = work.tree.get(p.key);
  if ((p.ignore_value || p.ignore_lease) && !prev) {
    // etcd rejects this with "etcdserver: key not found": an ok response is impossible.
    return actual ? `put ${showBytes(p.key)} with ignore_value/ignore_lease succeeded, but the key does not exist` : 'no effect';
  }
  if (actual) {
    const exp = p.prev_kv ? prev : undefined;
    const c = compareOptionalKv(`put ${showBytes(p.key)} prev_kv`, exp, actual.prev_kv);
    if (c) return c;
  }
  setKv(work, {
    key: p.key,
    value: p.ignore_value ? prev!.value : (p.value ?? ''),
    lease: p.ignore_lease ? prev!.lease : (p.lease ?? '0'),
    create_revision: prev ? prev.create_revision : work.nextRev,
    mod_revision: work.nextRev,
    version: prev ? prev.version + 1 : 1,
  });
  work.wrote = true;
  return null;
}

function applyDelete(work: Work, d: DeleteRangeRequest, actual: DeleteRangeResponse | undefined): Check {
  const victims: KeyValue[] = [];
  forEachInRange(work.tree, d.key, d.range_end, (kv) => victims.push(kv));
  if (actual) {
    if (actual.deleted !== victims.length) {
      return mismatch(`delete ${showBytes(d.key)}${d.range_end ? `..${showBytes(d.range_end)}` : ''} deleted`, victims.length, actual.deleted);
    }
    const expPrev = d.prev_kv ? victims : [];
    if (actual.prev_kvs.length !== expPrev.length) return mismatch(`delete ${showBytes(d.key)} prev_kvs`, expPrev.length, actual.prev_kvs.length);
    for (let i = 0; i < expPrev.length; i++) {
      const c = compareOptionalKv(`delete ${showBytes(d.key)} prev_kvs[${i}]`, expPrev[i], actual.prev_kvs[i]);
      if (c) return c;
    }
  }
  for (const kv of victims) deleteKey(work, kv.key);
  if (victims.length > 0) work.wrote = true;
  return null;
}

function leaseNumber(id: string | undefined): bigint {
  return BigInt('0x' + (id || '0'));
}

function compareOne(c: Compare, kv: KeyValue | undefined): boolean {
  let r: number;
  switch (c.target) {
    case 'VALUE':
      if (!kv) return false;
      r = cmp(kv.value, c.value ?? '');
      break;
    case 'VERSION':
      r = cmp(kv?.version ?? 0, c.version ?? 0);
      break;
    case 'CREATE':
      r = cmp(kv?.create_revision ?? 0, c.create_revision ?? 0);
      break;
    case 'MOD':
      r = cmp(kv?.mod_revision ?? 0, c.mod_revision ?? 0);
      break;
    case 'LEASE': {
      const a = leaseNumber(kv?.lease);
      const b = leaseNumber(c.lease);
      r = a < b ? -1 : a > b ? 1 : 0;
      break;
    }
    default:
      return false;
  }
  switch (c.result) {
    case 'EQUAL':
      return r === 0;
    case 'NOT_EQUAL':
      return r !== 0;
    case 'GREATER':
      return r > 0;
    case 'LESS':
      return r < 0;
    default:
      return false;
  }
}

/** etcd's compare: every key in the range must satisfy it; no key at all reads as a zero KeyValue (a VALUE compare then fails). */
export function evalCompare(tree: BTree<Bytes, KeyValue>, c: Compare): boolean {
  const kvs: KeyValue[] = [];
  forEachInRange(tree, c.key, c.range_end, (kv) => kvs.push(kv));
  if (kvs.length === 0) return compareOne(c, undefined);
  return kvs.every((kv) => compareOne(c, kv));
}

function applyRequestOp(work: Work, op: RequestOp, actual: ResponseOp | undefined, path: string): Check {
  if ('request_range' in op) {
    if (actual && !('response_range' in actual)) return `${path}: expected a range response`;
    return checkRange(work, op.request_range, actual && 'response_range' in actual ? actual.response_range : undefined);
  }
  if ('request_put' in op) {
    if (actual && !('response_put' in actual)) return `${path}: expected a put response`;
    return applyPut(work, op.request_put, actual && 'response_put' in actual ? actual.response_put : undefined);
  }
  if ('request_delete_range' in op) {
    if (actual && !('response_delete_range' in actual)) return `${path}: expected a delete_range response`;
    return applyDelete(work, op.request_delete_range, actual && 'response_delete_range' in actual ? actual.response_delete_range : undefined);
  }
  if (actual && !('response_txn' in actual)) return `${path}: expected a txn response`;
  return applyTxn(work, op.request_txn, actual && 'response_txn' in actual ? actual.response_txn : undefined, path);
}

function applyTxn(work: Work, t: TxnRequest, actual: TxnResponse | undefined, path = 'txn'): Check {
  const succeeded = (t.compare ?? []).every((c) => evalCompare(work.tree, c));
  if (actual && actual.succeeded !== succeeded) {
    const firstFalse = (t.compare ?? []).find((c) => !evalCompare(work.tree, c));
    let why = '';
    if (firstFalse) {
      const kvs: KeyValue[] = [];
      forEachInRange(work.tree, firstFalse.key, firstFalse.range_end, (kv) => kvs.push(kv));
      why = ` (compare ${firstFalse.target} ${firstFalse.result} on ${showBytes(firstFalse.key)} is false: key is ${kvs.length ? kvs.map(showKv).join('; ') : 'absent'})`;
    }
    return mismatch(`${path} succeeded`, succeeded, actual.succeeded) + why;
  }
  const ops = (succeeded ? t.success : t.failure) ?? [];
  if (actual && actual.responses.length !== ops.length) return mismatch(`${path} responses`, ops.length, actual.responses.length);
  for (let i = 0; i < ops.length; i++) {
    const c = applyRequestOp(work, ops[i]!, actual?.responses[i], `${path}.${succeeded ? 'success' : 'failure'}[${i}]`);
    if (c && c !== 'no effect') return c;
  }
  return null;
}

export type StepResult = { ok: true; state: ModelState } | { ok: false; reason: string };

/** True for requests that can never change the key space (reads, and txns made only of reads). */
export function isReadOnly(op: KvRequest): boolean {
  if (op.type === 'range') return true;
  if (op.type !== 'txn') return false;
  const readOnlyOps = (ops: RequestOp[] | undefined): boolean =>
    (ops ?? []).every((o) => 'request_range' in o || ('request_txn' in o && readOnlyOps(o.request_txn.success) && readOnlyOps(o.request_txn.failure)));
  return readOnlyOps(op.request.success) && readOnlyOps(op.request.failure);
}

/**
 * Applies `op` to `state`. With a response (the operation returned ok) the response must be
 * exactly what etcd would answer in this state, header revision included: the new revision
 * for a request that wrote something, the current one otherwise. Without a response (an
 * indeterminate operation taking effect here) only the effect is computed.
 */
export function step(state: ModelState, op: KvRequest, response: KvResponse | undefined): StepResult {
  if (response) {
    // Cheapest test first: most candidates in a search are rejected by their revision alone.
    const rev = response.header.revision;
    if (op.type === 'range' || (op.type === 'txn' && isReadOnly(op))) {
      if (rev !== state.rev) return { ok: false, reason: `its header revision is ${rev} but the store is at revision ${state.rev}` };
    } else if (op.type === 'put') {
      if (rev !== state.rev + 1) return { ok: false, reason: `a put creates revision ${state.rev + 1} here, but it reported ${rev}` };
    } else if (rev !== state.rev && rev !== state.rev + 1) {
      return { ok: false, reason: `its header revision is ${rev} but the store is at revision ${state.rev}` };
    }
  }
  const work: Work = { tree: state.tree, hash: state.hash, nextRev: state.rev + 1, wrote: false };
  let check: Check;
  switch (op.type) {
    case 'range':
      check = checkRange(work, op.request, response as RangeResponse | undefined);
      break;
    case 'put':
      check = applyPut(work, op.request, response as PutResponse | undefined);
      break;
    case 'deleteRange':
      check = applyDelete(work, op.request, response as DeleteRangeResponse | undefined);
      break;
    case 'txn':
      check = applyTxn(work, op.request, response as TxnResponse | undefined);
      break;
  }
  if (check === 'no effect') return { ok: true, state };
  if (check) return { ok: false, reason: check };
  const newRev = work.wrote ? state.rev + 1 : state.rev;
  if (response && response.header.revision !== newRev) {
    return { ok: false, reason: `header revision: expected ${newRev} (${work.wrote ? 'it writes' : 'it changes nothing'}), got ${response.header.revision}` };
  }
  if (!work.wrote) return { ok: true, state };
  return { ok: true, state: { tree: work.tree, rev: newRev, hash: work.hash } };
}
