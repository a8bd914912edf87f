import { describe, expect, it } from 'vitest';
import { argify, parseCompare, TxnInputError } from './txnParse.ts';
import { parseTxnInput } from './kvCommands.ts';

const err = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof TxnInputError) return [e.message, e.exitCode];
    throw e;
  }
  return 'no error';
};

describe('txn compares', () => {
  it('parse every target with its short name', () => {
    expect(parseCompare('mod("k") > "5"')).toEqual({ key: 'k', result: 'GREATER', target: 'MOD', mod_revision: 5 });
    expect(parseCompare('m("k") < "5"')).toMatchObject({ result: 'LESS', target: 'MOD' });
    expect(parseCompare('ver("k") != "1"')).toMatchObject({ result: 'NOT_EQUAL', target: 'VERSION', version: 1 });
    expect(parseCompare('c("k") = "2"')).toMatchObject({ target: 'CREATE', create_revision: 2 });
    expect(parseCompare('val("k") = "a\\tb"')).toMatchObject({ target: 'VALUE', value: 'a\tb' });
  });
  it('reject malformed lines with etcdctl text and exit codes', () => {
    expect(err(() => parseCompare('bogus'))).toEqual(['malformed comparison: bogus', 3]);
    expect(err(() => parseCompare('mod(k) > "0"'))).toEqual(['malformed comparison: mod(k) > "0"; got mod("")  ""', 3]);
    expect(err(() => parseCompare('mod("k")>"0"'))).toEqual(['malformed comparison: mod("k")>"0"; got mod("k")  ""', 3]);
    expect(err(() => parseCompare('version("k") = "x"'))).toEqual(['invalid txn compare request: version("k") = "x"', 3]);
    expect(err(() => parseCompare('size("k") = "1"'))).toEqual(['malformed comparison: size("k") = "1" (unknown target size)', 3]);
    expect(err(() => parseCompare('mod("k") ? "1"'))).toEqual(['Unknown result op', 2]);
  });
});

describe('txn input', () => {
  it('reads compares, success and failure blocks separated by blank lines', () => {
    const t = parseTxnInput('mod("a") > "0"\n\nput a "x y"\nget a --prefix\n\ndel a\n\n');
    expect(t.compare).toHaveLength(1);
    expect(t.success).toEqual([{ request_put: { key: 'a', value: 'x y' } }, { request_range: { key: 'a', range_end: 'b' } }]);
    expect(t.failure).toEqual([{ request_delete_range: { key: 'a' } }]);
  });
  it('fails on a compare line cut off by EOF, and drops a request line cut off by EOF (as etcdctl)', () => {
    expect(err(() => parseTxnInput('mod("a") > "0"'))).toEqual(['EOF', 3]);
    expect(parseTxnInput('\nput a b').success).toEqual([]);
    expect(parseTxnInput('\nput a b\n').success).toEqual([{ request_put: { key: 'a', value: 'b' } }]);
  });
  it('rejects unknown requests', () => {
    expect(err(() => parseTxnInput('\n\nbadop foo\n\n'))).toEqual(['invalid txn request: badop foo', 3]);
    expect(err(() => parseTxnInput('\n\nget\n\n'))).toEqual(['invalid txn compare request: get', 3]);
  });
  it("splits request words as etcdctl's argify does", () => {
    expect(argify('put "a b" c')).toEqual(['put', 'a b', 'c']);
    expect(argify("put 'sq' x")).toEqual(['put', 's', 'x']);
  });
});
