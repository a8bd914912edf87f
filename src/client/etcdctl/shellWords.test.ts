import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quoteShellWords, shellWords } from './shellWords.ts';

describe('shellWords', () => {
  it('splits on whitespace and keeps quoted spaces', () => {
    expect(shellWords(`put  'a b'  "c d"\tx`)).toEqual({ ok: true, argv: ['put', 'a b', 'c d', 'x'] });
  });
  it('honours backslash escapes outside and inside double quotes, not inside single quotes', () => {
    expect(shellWords(`a\\ b "q\\"x" 'r\\n' "\\n"`)).toEqual({ ok: true, argv: ['a b', 'q"x', 'r\\n', '\\n'] });
  });
  it('joins adjacent quoted and bare parts into one word, and keeps empty quoted words', () => {
    expect(shellWords(`"fo"o '' ""`)).toEqual({ ok: true, argv: ['foo', '', ''] });
  });
  it('reports unterminated quotes instead of guessing', () => {
    expect(shellWords(`put "abc`)).toEqual({ ok: false, error: 'unterminated double quote' });
    expect(shellWords(`put 'abc`)).toEqual({ ok: false, error: 'unterminated single quote' });
  });
  it('round-trips any argv through quoteShellWords', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (argv) => {
        expect(shellWords(quoteShellWords(argv))).toEqual({ ok: true, argv });
      }),
    );
  });
});
