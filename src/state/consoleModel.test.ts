import { describe, expect, it } from 'vitest';
import { browseHistory, complete, needsStdin, pushHistory } from './consoleModel.ts';

describe('console history', () => {
  it('walks back and forth and restores the draft at the end', () => {
    const h = ['put a 1', 'get a'];
    let r = browseHistory(h, { index: 2, draft: '' }, 'wat', -1);
    expect(r.line).toBe('get a');
    r = browseHistory(h, r.cursor, r.line, -1);
    expect(r.line).toBe('put a 1');
    r = browseHistory(h, r.cursor, r.line, -1);
    expect(r.line).toBe('put a 1');
    r = browseHistory(h, r.cursor, r.line, 1);
    r = browseHistory(h, r.cursor, r.line, 1);
    expect(r.line).toBe('wat');
  });
  it('skips blanks and immediate repeats', () => {
    expect(pushHistory(['a'], 'a')).toEqual(['a']);
    expect(pushHistory(['a'], '  ')).toEqual(['a']);
    expect(pushHistory(['a'], 'b')).toEqual(['a', 'b']);
  });
});

describe('tab completion', () => {
  it('completes a unique command and lists ambiguous ones', () => {
    expect(complete('wa').line).toBe('watch ');
    const r = complete('e');
    expect(r.candidates).toEqual(['elect', 'endpoint']);
    expect(complete('etcdctl pu').line).toBe('etcdctl put ');
  });
  it('completes subcommands and flags of the command being typed', () => {
    expect(complete('lease gr').line).toBe('lease grant ');
    expect(complete('get foo --pre').line).toBe('get foo --prefix ');
    expect(complete('member add n4 --lea').line).toBe('member add n4 --learner ');
    expect(complete('put foo --endp').line).toBe('put foo --endpoints ');
  });
  it('leaves keys and values alone', () => {
    expect(complete('put fo')).toEqual({ line: 'put fo', candidates: [] });
  });
  it('knows txn reads its body from stdin', () => {
    expect(needsStdin('txn')).toBe(true);
    expect(needsStdin('etcdctl txn -i')).toBe(true);
    expect(needsStdin('get txn')).toBe(false);
  });
});
