import { describe, expect, it } from 'vitest';
import { initialModelState, step, type ModelState } from './kvModel.ts';
import type { KeyValue, KvRequest, KvResponse } from './types.ts';

const kv = (key: string, value: string, create: number, mod: number, version: number): KeyValue => ({ key, value, create_revision: create, mod_revision: mod, version, lease: '0' });

function apply(state: ModelState, op: KvRequest, response?: KvResponse): ModelState {
  const r = step(state, op, response);
  if (!r.ok) throw new Error(r.reason);
  return r.state;
}

describe('etcd KV model', () => {
  const s0 = initialModelState();
  const s1 = apply(s0, { type: 'put', request: { key: 'a', value: '1' } }, { header: { revision: 2 } });
  const s2 = apply(s1, { type: 'put', request: { key: 'b', value: '2' } }, { header: { revision: 3 } });

  it('a put creates the next revision; any other reported revision is rejected', () => {
    expect(s1.rev).toBe(2);
    const r = step(s1, { type: 'put', request: { key: 'a', value: 'x' } }, { header: { revision: 2 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/creates revision 3 here, but it reported 2/);
  });

  it('a read must report the current revision and the exact kvs', () => {
    const range: KvRequest = { type: 'range', request: { key: 'a', range_end: '\0' } };
    const good = { header: { revision: 3 }, kvs: [kv('a', '1', 2, 2, 1), kv('b', '2', 3, 3, 1)], more: false, count: 2 };
    expect(step(s2, range, good).ok).toBe(true);
    expect(step(s2, range, { ...good, header: { revision: 2 } }).ok).toBe(false);
    expect(step(s2, range, { ...good, kvs: [kv('a', '1', 2, 2, 2), good.kvs[1]!] }).ok).toBe(false);
  });

  it('limit, count and more follow etcd: count is every key in range', () => {
    const r = step(s2, { type: 'range', request: { key: 'a', range_end: '\0', limit: 1 } }, { header: { revision: 3 }, kvs: [kv('a', '1', 2, 2, 1)], more: true, count: 2 });
    expect(r.ok).toBe(true);
    const desc = step(s2, { type: 'range', request: { key: 'a', range_end: '\0', sort_order: 'DESCEND', limit: 1 } }, { header: { revision: 3 }, kvs: [kv('b', '2', 3, 3, 1)], more: true, count: 2 });
    expect(desc.ok).toBe(true);
  });

  it('a delete that removes nothing keeps the revision; one that removes bumps it', () => {
    expect(step(s2, { type: 'deleteRange', request: { key: 'zz' } }, { header: { revision: 3 }, deleted: 0, prev_kvs: [] }).ok).toBe(true);
    expect(step(s2, { type: 'deleteRange', request: { key: 'zz' } }, { header: { revision: 4 }, deleted: 0, prev_kvs: [] }).ok).toBe(false);
    const r = step(s2, { type: 'deleteRange', request: { key: 'a', range_end: 'c', prev_kv: true } }, { header: { revision: 4 }, deleted: 2, prev_kvs: [kv('a', '1', 2, 2, 1), kv('b', '2', 3, 3, 1)] });
    expect(r.ok && r.state.tree.size).toBe(0);
  });

  it('txn compares: a missing key has version 0, and any VALUE compare on it is false', () => {
    const txn = (target: 'VERSION' | 'VALUE', succeeded: boolean, revision: number): [KvRequest, KvResponse] => [
      { type: 'txn', request: { compare: [{ key: 'new', target, result: 'EQUAL', version: 0, value: '' }], success: [{ request_put: { key: 'new', value: 'v' } }], failure: [] } },
      { header: { revision }, succeeded, responses: succeeded ? [{ response_put: { header: { revision } } }] : [] },
    ];
    expect(step(s2, ...txn('VERSION', true, 4)).ok).toBe(true);
    expect(step(s2, ...txn('VERSION', false, 3)).ok).toBe(false);
    expect(step(s2, ...txn('VALUE', false, 3)).ok).toBe(true);
    expect(step(s2, ...txn('VALUE', true, 4)).ok).toBe(false);
  });

  it('put with ignore_value keeps the value and bumps version; on a missing key it cannot succeed', () => {
    const r = step(s2, { type: 'put', request: { key: 'a', ignore_value: true, prev_kv: true } }, { header: { revision: 4 }, prev_kv: kv('a', '1', 2, 2, 1) });
    expect(r.ok && r.state.tree.get('a')).toEqual(kv('a', '1', 2, 4, 2));
    expect(step(s2, { type: 'put', request: { key: 'zz', ignore_value: true } }, { header: { revision: 4 } }).ok).toBe(false);
  });

  it('states are persistent: stepping never changes an earlier state', () => {
    apply(s2, { type: 'put', request: { key: 'a', value: 'changed' } });
    expect(s2.tree.get('a')!.value).toBe('1');
    expect(s2.rev).toBe(3);
  });
});
