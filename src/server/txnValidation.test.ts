import { describe, expect, it } from 'vitest';
import type { RequestOp, TxnRequest } from './api.ts';
import { checkDeleteRequest, checkPutRequest, checkRangeRequest, checkTxn } from './txnValidation.ts';
import {
  ErrDuplicateKey,
  ErrEmptyKey,
  ErrInvalidSortOption,
  ErrKeyNotFound,
  ErrLeaseProvided,
  ErrTooManyOps,
  ErrValueProvided,
} from './errors.ts';

const put = (key: string): RequestOp => ({ request_put: { key, value: 'v' } });
const del = (key: string, range_end?: string): RequestOp => ({ request_delete_range: { key, range_end } });
const get = (key: string): RequestOp => ({ request_range: { key } });
const txn = (success: RequestOp[], failure: RequestOp[] = []): RequestOp => ({ request_txn: { success, failure } });

describe('single request checks', () => {
  it('refuse an empty key with etcd text and code', () => {
    expect(checkRangeRequest({ key: '' })).toBe(ErrEmptyKey);
    expect(checkPutRequest({ key: '' })).toBe(ErrEmptyKey);
    expect(checkDeleteRequest({ key: '' })).toBe(ErrEmptyKey);
    expect(ErrEmptyKey).toEqual({ code: 'InvalidArgument', message: 'etcdserver: key is not provided' });
  });

  it('ignore_value / ignore_lease refuse a value / lease given alongside', () => {
    expect(checkPutRequest({ key: 'k', value: 'x', ignore_value: true })).toBe(ErrValueProvided);
    expect(checkPutRequest({ key: 'k', lease: '5', ignore_lease: true })).toBe(ErrLeaseProvided);
    expect(checkPutRequest({ key: 'k', ignore_value: true, ignore_lease: true })).toBeNull();
    expect(ErrValueProvided.message).toBe('etcdserver: value is provided');
    expect(ErrLeaseProvided.message).toBe('etcdserver: lease is provided');
  });

  it('refuses unknown sort options', () => {
    expect(checkRangeRequest({ key: 'k', sort_order: 'UP' as never })).toBe(ErrInvalidSortOption);
    expect(checkRangeRequest({ key: 'k', sort_target: 'SIZE' as never })).toBe(ErrInvalidSortOption);
    expect(checkRangeRequest({ key: 'k', sort_order: 'DESCEND', sort_target: 'VALUE' })).toBeNull();
  });
});

describe('txn checks', () => {
  it('allows at most max-txn-ops (128) in any branch or compare list', () => {
    const ops = (n: number) => Array.from({ length: n }, (_, i) => put(`k${i}`));
    expect(checkTxn({ success: ops(128) })).toBeNull();
    expect(checkTxn({ success: ops(129) })).toBe(ErrTooManyOps);
    expect(checkTxn({ failure: ops(129) })).toBe(ErrTooManyOps);
    const compares = Array.from({ length: 129 }, (_, i) => ({ key: `k${i}`, target: 'VERSION' as const, result: 'EQUAL' as const }));
    expect(checkTxn({ compare: compares })).toBe(ErrTooManyOps);
    expect(ErrTooManyOps).toEqual({ code: 'InvalidArgument', message: 'etcdserver: too many operations in txn request' });
  });

  it('a nested txn gets the budget its parent left', () => {
    const ops = (p: string, n: number) => Array.from({ length: n }, (_, i) => put(`${p}${i}`));
    // parent uses 100 of 128: a nested txn may have 28, not 29
    expect(checkTxn({ success: [...ops('a', 99), txn(ops('b', 28))] })).toBeNull();
    expect(checkTxn({ success: [...ops('a', 99), txn(ops('b', 29))] })).toBe(ErrTooManyOps);
    expect(checkTxn({ success: ops('a', 10) }, 5)).toBe(ErrTooManyOps);
  });

  it('refuses empty keys in compares and ops, and an op with no request', () => {
    expect(checkTxn({ compare: [{ key: '', target: 'VERSION', result: 'EQUAL' }] })).toBe(ErrEmptyKey);
    expect(checkTxn({ success: [get('')] })).toBe(ErrEmptyKey);
    expect(checkTxn({ failure: [txn([del('')])] })).toBe(ErrEmptyKey);
    expect(checkTxn({ success: [{} as RequestOp] })).toBe(ErrKeyNotFound);
  });

  // Each case below was checked against a real etcd 3.4.23.
  const dupCases: Array<[string, TxnRequest, boolean]> = [
    ['two puts of one key in a branch', { success: [put('a'), put('a')] }, true],
    ['a put and a delete of one key in a branch', { success: [put('a'), del('a')] }, true],
    ['a put inside a deleted range', { success: [del('a', 'c'), put('b')] }, true],
    ['a put just outside a deleted range', { success: [del('a', 'c'), put('c')] }, false],
    ['two deletes of one key', { success: [del('q'), del('q')] }, false],
    ['the same put in success and failure', { success: [put('a')], failure: [put('a')] }, false],
    ['a put and the same put in a nested txn', { success: [put('a'), txn([put('a')])] }, true],
    ['two nested txns putting one key', { success: [txn([put('c')], [put('c')]), txn([put('c')])] }, true],
    ['a nested txn putting one key in both branches', { success: [txn([put('c')], [put('c')])] }, false],
    ['a delete and a put of that key in a nested txn', { success: [del('a'), txn([put('a')])] }, true],
    ['a put and a delete of that key in a nested txn', { success: [put('a'), txn([del('a')])] }, true],
    ['a put and a delete to the end of the key space ("\\0", an empty interval in etcd 3.4)', { success: [put('t/a'), del('t/', '\0')] }, false],
  ];
  for (const [name, req, dup] of dupCases) {
    it(`${dup ? 'refuses' : 'allows'} ${name}`, () => {
      expect(checkTxn(req)).toBe(dup ? ErrDuplicateKey : null);
    });
  }
  it('duplicate key error text and code', () => {
    expect(ErrDuplicateKey).toEqual({ code: 'InvalidArgument', message: 'etcdserver: duplicate key given in txn request' });
  });
});
