import { describe, expect, it } from 'vitest';
import { KvStore } from '../mvcc/kvStore.ts';
import type { Compare, RangeRequest, RequestOp, TxnResponse } from './api.ts';
import {
  type ApplyResult,
  type KvApplyContext,
  applyCompaction,
  applyDeleteRange,
  applyHashKV,
  applyPut,
  applyRange,
  applyTxn,
  isTxnReadOnly,
} from './applyKv.ts';
import { ErrCompacted, ErrDuplicateKey, ErrFutureRev, ErrKeyNotFound, ErrLeaseNotFound } from './errors.ts';

function ctx(leases: string[] = []): KvApplyContext {
  return {
    kv: new KvStore(),
    leaseExists: (id) => leases.includes(id),
    header: () => ({ cluster_id: 'c1', member_id: 'm1', raft_term: 3 }),
  };
}

function ok<T>(r: ApplyResult<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.error.message}`);
  return r.resp;
}

function put(c: KvApplyContext, key: string, value: string, lease = '0'): number {
  return ok(applyPut(c, { key, value, lease })).header.revision;
}

/** r/a (version 3, mod 6), r/b (version 2, mod 7), r/c (version 1, mod 4); current revision 7. */
function rangeFixture(): KvApplyContext {
  const c = ctx();
  put(c, 'r/a', 'v'); // 2
  put(c, 'r/b', 'v'); // 3
  put(c, 'r/c', 'v'); // 4
  put(c, 'r/a', 'w'); // 5
  put(c, 'r/a', 'x'); // 6
  put(c, 'r/b', 'a'); // 7
  return c;
}

function keys(c: KvApplyContext, req: Partial<RangeRequest>) {
  const r = ok(applyRange(c, { key: 'r/', range_end: 'r0', ...req }));
  return { keys: r.kvs.map((kv) => kv.key), more: r.more, count: r.count, rev: r.header.revision };
}

describe('Range options', () => {
  it('limit cuts and sets more; count is the total', () => {
    const c = rangeFixture();
    expect(keys(c, { limit: 2 })).toEqual({ keys: ['r/a', 'r/b'], more: true, count: 3, rev: 7 });
    expect(keys(c, { limit: 3 })).toEqual({ keys: ['r/a', 'r/b', 'r/c'], more: false, count: 3, rev: 7 });
  });

  it('sort target KEY with order NONE is ascending by key; another target with NONE sorts ascending', () => {
    const c = rangeFixture();
    expect(keys(c, {}).keys).toEqual(['r/a', 'r/b', 'r/c']);
    expect(keys(c, { sort_target: 'VERSION' }).keys).toEqual(['r/c', 'r/b', 'r/a']);
    expect(keys(c, { sort_target: 'MOD', sort_order: 'DESCEND' }).keys).toEqual(['r/b', 'r/a', 'r/c']);
    expect(keys(c, { sort_target: 'CREATE', sort_order: 'DESCEND' }).keys).toEqual(['r/c', 'r/b', 'r/a']);
    const byValue = ok(applyRange(c, { key: 'r/', range_end: 'r0', sort_target: 'VALUE', sort_order: 'DESCEND' }));
    expect(byValue.kvs.map((kv) => kv.value)).toEqual(['x', 'v', 'a']);
  });

  it('with a sort order and a limit, etcd fetches all, sorts, then limits', () => {
    const c = rangeFixture();
    expect(keys(c, { sort_order: 'DESCEND', limit: 2 })).toEqual({ keys: ['r/c', 'r/b'], more: true, count: 3, rev: 7 });
    expect(keys(c, { sort_target: 'MOD', sort_order: 'ASCEND', limit: 1 })).toEqual({ keys: ['r/c'], more: true, count: 3, rev: 7 });
  });

  it('mod/create revision filters apply after counting; more reflects the filtered list', () => {
    const c = rangeFixture();
    expect(keys(c, { min_mod_revision: 6 })).toEqual({ keys: ['r/a', 'r/b'], more: false, count: 3, rev: 7 });
    expect(keys(c, { min_mod_revision: 6, limit: 1 })).toEqual({ keys: ['r/a'], more: true, count: 3, rev: 7 });
    expect(keys(c, { max_mod_revision: 6 }).keys).toEqual(['r/a', 'r/c']);
    expect(keys(c, { min_create_revision: 3 }).keys).toEqual(['r/b', 'r/c']);
    expect(keys(c, { max_create_revision: 3 }).keys).toEqual(['r/a', 'r/b']);
  });

  it('count_only returns no kvs and the unfiltered count; keys_only drops values', () => {
    const c = rangeFixture();
    expect(ok(applyRange(c, { key: 'r/', range_end: 'r0', count_only: true, limit: 1 }))).toMatchObject({ kvs: [], count: 3, more: false });
    expect(ok(applyRange(c, { key: 'r/', range_end: 'r0', count_only: true, min_mod_revision: 100 })).count).toBe(3);
    const ko = ok(applyRange(c, { key: 'r/a', keys_only: true })).kvs[0]!;
    expect(ko).toEqual({ key: 'r/a', value: '', create_revision: 2, mod_revision: 6, version: 3, lease: '0' });
  });

  it('reads at a revision; header revision stays current; range end "\\0" reads to the end', () => {
    const c = rangeFixture();
    const r = ok(applyRange(c, { key: 'r/a', revision: 5 }));
    expect(r.kvs[0]!.value).toBe('w');
    expect(r.header).toEqual({ cluster_id: 'c1', member_id: 'm1', revision: 7, raft_term: 3 });
    expect(keys(c, { range_end: '\0' }).keys).toEqual(['r/a', 'r/b', 'r/c']);
  });

  it('compacted and future revisions are etcd errors (OutOfRange); the compact revision itself is readable', () => {
    const c = rangeFixture();
    expect(applyRange(c, { key: 'r/a', revision: 8 })).toEqual({ ok: false, error: ErrFutureRev });
    ok(applyCompaction(c, { revision: 5 }));
    expect(applyRange(c, { key: 'r/a', revision: 4 })).toEqual({ ok: false, error: ErrCompacted });
    expect(ok(applyRange(c, { key: 'r/a', revision: 5 })).kvs[0]!.value).toBe('w');
    expect(ErrCompacted).toEqual({ code: 'OutOfRange', message: 'etcdserver: mvcc: required revision has been compacted' });
    expect(ErrFutureRev).toEqual({ code: 'OutOfRange', message: 'etcdserver: mvcc: required revision is a future revision' });
  });
});

describe('Put and DeleteRange', () => {
  it('put returns prev_kv when asked and checks the lease through the injected lessor', () => {
    const c = ctx(['a1']);
    put(c, 'k', 'v1');
    const r = ok(applyPut(c, { key: 'k', value: 'v2', prev_kv: true, lease: 'a1' }));
    expect(r.prev_kv).toEqual({ key: 'k', value: 'v1', create_revision: 2, mod_revision: 2, version: 1, lease: '0' });
    expect(r.header.revision).toBe(3);
    expect(applyPut(c, { key: 'k', value: 'v3', lease: 'b2' })).toEqual({ ok: false, error: ErrLeaseNotFound });
    expect(ErrLeaseNotFound).toEqual({ code: 'NotFound', message: 'etcdserver: requested lease not found' });
    expect(c.kv.rev()).toBe(3);
  });

  it('ignore_value keeps the value, ignore_lease keeps the lease; both need an existing key', () => {
    const c = ctx(['a1']);
    put(c, 'k', 'v1', 'a1');
    ok(applyPut(c, { key: 'k', ignore_value: true }));
    expect(c.kv.range('k', '').kvs[0]).toMatchObject({ value: 'v1', lease: '0', version: 2 });
    ok(applyPut(c, { key: 'k', value: 'v2', lease: 'a1' }));
    ok(applyPut(c, { key: 'k', value: 'v3', ignore_lease: true }));
    expect(c.kv.range('k', '').kvs[0]).toMatchObject({ value: 'v3', lease: 'a1' });
    const rev = c.kv.rev();
    expect(applyPut(c, { key: 'missing', ignore_value: true })).toEqual({ ok: false, error: ErrKeyNotFound });
    expect(ErrKeyNotFound).toEqual({ code: 'InvalidArgument', message: 'etcdserver: key not found' });
    expect(c.kv.rev()).toBe(rev);
  });

  it('delete returns deleted and prev_kvs; deleting nothing keeps the revision', () => {
    const c = ctx();
    put(c, 'a', '1');
    put(c, 'b', '2');
    expect(ok(applyDeleteRange(c, { key: 'zz' }))).toEqual({
      header: { cluster_id: 'c1', member_id: 'm1', revision: 3, raft_term: 3 },
      deleted: 0,
      prev_kvs: [],
    });
    const r = ok(applyDeleteRange(c, { key: 'a', range_end: 'c', prev_kv: true }));
    expect(r.deleted).toBe(2);
    expect(r.prev_kvs.map((kv) => kv.value)).toEqual(['1', '2']);
    expect(r.header.revision).toBe(4);
  });
});

describe('Txn', () => {
  const cmp = (key: string, target: Compare['target'], result: Compare['result'], operand: Partial<Compare> = {}): Compare => ({
    key,
    target,
    result,
    ...operand,
  });

  it('compares against a missing key: zero for VERSION/CREATE/MOD/LEASE, VALUE never matches', () => {
    const c = ctx();
    const succeeded = (compare: Compare) => ok(applyTxn(c, { compare: [compare] })).succeeded;
    expect(succeeded(cmp('m', 'VERSION', 'EQUAL', { version: 0 }))).toBe(true);
    expect(succeeded(cmp('m', 'CREATE', 'LESS', { create_revision: 1 }))).toBe(true);
    expect(succeeded(cmp('m', 'MOD', 'EQUAL'))).toBe(true);
    expect(succeeded(cmp('m', 'LEASE', 'EQUAL', { lease: '0' }))).toBe(true);
    expect(succeeded(cmp('m', 'VALUE', 'EQUAL', { value: '' }))).toBe(false);
    expect(succeeded(cmp('m', 'VALUE', 'NOT_EQUAL', { value: 'x' }))).toBe(false);
  });

  it('compares every result kind on every target of an existing key', () => {
    const c = ctx(['ff']);
    put(c, 'k', 'm', 'ff'); // create 2, mod 2, version 1
    put(c, 'k', 'n', 'ff'); // mod 3, version 2
    const succeeded = (compare: Compare) => ok(applyTxn(c, { compare: [compare] })).succeeded;
    expect(succeeded(cmp('k', 'VERSION', 'EQUAL', { version: 2 }))).toBe(true);
    expect(succeeded(cmp('k', 'VERSION', 'GREATER', { version: 2 }))).toBe(false);
    expect(succeeded(cmp('k', 'CREATE', 'EQUAL', { create_revision: 2 }))).toBe(true);
    expect(succeeded(cmp('k', 'MOD', 'GREATER', { mod_revision: 2 }))).toBe(true);
    expect(succeeded(cmp('k', 'MOD', 'LESS', { mod_revision: 3 }))).toBe(false);
    expect(succeeded(cmp('k', 'VALUE', 'LESS', { value: 'o' }))).toBe(true);
    expect(succeeded(cmp('k', 'VALUE', 'NOT_EQUAL', { value: 'n' }))).toBe(false);
    expect(succeeded(cmp('k', 'LEASE', 'EQUAL', { lease: 'ff' }))).toBe(true);
    expect(succeeded(cmp('k', 'LEASE', 'GREATER', { lease: 'fe' }))).toBe(true);
  });

  it('a compare over a range needs every key in it to satisfy it', () => {
    const c = ctx();
    put(c, 't/a', '1');
    put(c, 't/b', '1');
    const v1 = cmp('t/', 'VERSION', 'EQUAL', { range_end: 't0', version: 1 });
    expect(ok(applyTxn(c, { compare: [v1] })).succeeded).toBe(true);
    put(c, 't/b', '2');
    expect(ok(applyTxn(c, { compare: [v1] })).succeeded).toBe(false);
  });

  it('the whole txn is one revision; responses come in order; reads see earlier writes of the txn', () => {
    const c = ctx();
    put(c, 'x', '0'); // 2
    const r = ok(
      applyTxn(c, {
        compare: [cmp('x', 'VALUE', 'EQUAL', { value: '0' })],
        success: [
          { request_put: { key: 'a', value: '1' } },
          { request_range: { key: 'a' } },
          { request_put: { key: 'b', value: '2' } },
          { request_delete_range: { key: 'x', prev_kv: true } },
          { request_delete_range: { key: 'nothing' } },
        ],
      }),
    );
    expect(r.succeeded).toBe(true);
    expect(r.header).toEqual({ cluster_id: 'c1', member_id: 'm1', revision: 3, raft_term: 3 });
    expect(c.kv.rev()).toBe(3);
    expect(r.responses.map((x) => Object.keys(x)[0])).toEqual([
      'response_put',
      'response_range',
      'response_put',
      'response_delete_range',
      'response_delete_range',
    ]);
    const range = (r.responses[1] as { response_range: { kvs: unknown[]; header: unknown } }).response_range;
    expect(range.kvs).toEqual([{ key: 'a', value: '1', create_revision: 3, mod_revision: 3, version: 1, lease: '0' }]);
    // nested responses carry only the revision
    expect(range.header).toEqual({ cluster_id: '0', member_id: '0', revision: 3, raft_term: 0 });
    expect(c.kv.backendRef().getKey([3, 2])!.kv.key).toBe('x');
  });

  it('nested txns: every compare sees the state before the txn; the nested header is all zero', () => {
    const c = ctx();
    const r = ok(
      applyTxn(c, {
        success: [
          { request_put: { key: 't/a', value: '1' } },
          {
            request_txn: {
              compare: [cmp('t/a', 'VERSION', 'EQUAL', { version: 0 })],
              success: [{ request_put: { key: 't/b', value: 'yes' } }],
              failure: [{ request_put: { key: 't/b', value: 'no' } }],
            },
          },
        ],
      }),
    );
    const nested = (r.responses[1] as { response_txn: TxnResponse }).response_txn;
    expect(nested.succeeded).toBe(true);
    expect(nested.header.revision).toBe(0);
    expect((nested.responses[0] as { response_put: { header: { revision: number } } }).response_put.header.revision).toBe(2);
    expect(c.kv.range('t/b', '').kvs[0]!.value).toBe('yes');
  });

  it('deeply nested txns take the right branches and fill the right slots', () => {
    const c = ctx();
    put(c, 'k', 'v');
    const yes = cmp('k', 'VALUE', 'EQUAL', { value: 'v' });
    const no = cmp('k', 'VALUE', 'EQUAL', { value: 'nope' });
    const leaf = (name: string): RequestOp => ({ request_put: { key: name, value: name } });
    const r = ok(
      applyTxn(c, {
        compare: [yes],
        success: [
          { request_txn: { compare: [no], success: [leaf('1')], failure: [{ request_txn: { compare: [yes], success: [leaf('2')] } }, leaf('3')] } },
          { request_txn: { compare: [yes], success: [leaf('4')], failure: [leaf('5')] } },
        ],
      }),
    );
    expect(c.kv.range('0', '9').kvs.map((kv) => kv.key)).toEqual(['2', '3', '4']);
    const first = (r.responses[0] as { response_txn: TxnResponse }).response_txn;
    expect(first.succeeded).toBe(false);
    expect((first.responses[0] as { response_txn: TxnResponse }).response_txn.succeeded).toBe(true);
    expect((r.responses[1] as { response_txn: TxnResponse }).response_txn.succeeded).toBe(true);
  });

  it('checks the taken branch before writing: a missing lease or compacted read changes nothing', () => {
    const c = ctx();
    put(c, 'a', '1');
    put(c, 'a', '2');
    ok(applyCompaction(c, { revision: 3 }));
    const before = c.kv.rev();
    expect(applyTxn(c, { success: [{ request_put: { key: 'b', value: 'x' } }, { request_put: { key: 'c', value: 'x', lease: '9' } }] })).toEqual({
      ok: false,
      error: ErrLeaseNotFound,
    });
    expect(applyTxn(c, { success: [{ request_put: { key: 'b', value: 'x' } }, { request_range: { key: 'a', revision: 2 } }] })).toEqual({
      ok: false,
      error: ErrCompacted,
    });
    expect(applyTxn(c, { success: [{ request_range: { key: 'a', revision: 99 } }] })).toEqual({ ok: false, error: ErrFutureRev });
    expect(applyTxn(c, { success: [{ request_put: { key: 'new', ignore_value: true } }] })).toEqual({ ok: false, error: ErrKeyNotFound });
    // the untaken branch is not checked
    expect(ok(applyTxn(c, { failure: [{ request_put: { key: 'c', value: 'x', lease: '9' } }] })).succeeded).toBe(true);
    expect(c.kv.rev()).toBe(before);
    expect(applyTxn(c, { success: [{ request_put: { key: 'a', value: '1' } }, { request_put: { key: 'a', value: '2' } }] })).toEqual({
      ok: false,
      error: ErrDuplicateKey,
    });
  });

  it('a read-only txn answers at the current revision and writes nothing', () => {
    const c = ctx();
    put(c, 'a', '1');
    const req = { success: [{ request_range: { key: 'a' } }, { request_txn: { success: [{ request_range: { key: 'a' } }] } }] };
    expect(isTxnReadOnly(req)).toBe(true);
    expect(isTxnReadOnly({ failure: [{ request_txn: { success: [{ request_delete_range: { key: 'a' } }] } }] })).toBe(false);
    const r = ok(applyTxn(c, req));
    expect(r.header.revision).toBe(2);
    expect(c.kv.rev()).toBe(2);
  });
});

describe('Compaction and HashKV', () => {
  it('compaction answers with the current revision and etcd errors for old or future revisions', async () => {
    const c = ctx();
    put(c, 'a', '1');
    put(c, 'a', '2');
    const r = applyCompaction(c, { revision: 2, physical: true });
    expect(r.ok && r.resp.header.revision).toBe(3);
    await r.done;
    expect(applyCompaction(c, { revision: 2 })).toEqual({ ok: false, error: ErrCompacted });
    expect(applyCompaction(c, { revision: 9 })).toEqual({ ok: false, error: ErrFutureRev });
  });

  it('hashKV reports hash, current revision and compact revision', () => {
    const c = ctx();
    expect(ok(applyHashKV(c, {}))).toEqual({
      header: { cluster_id: 'c1', member_id: 'm1', revision: 1, raft_term: 3 },
      hash: 1084519789,
      compact_revision: -1,
    });
    expect(applyHashKV(c, { revision: 5 })).toEqual({ ok: false, error: ErrFutureRev });
  });
});
