import { describe, expect, it } from 'vitest';
import { LogShape, termAtIn } from './logShape.ts';
import type { Entry } from '../raft/index.ts';

const es = (from: number, terms: number[]): Entry[] => terms.map((term, i) => ({ index: from + i, term, type: 'EntryNormal', data: '' }));
const terms = (s: LogShape) => {
  const w = s.wire();
  const out: number[] = [];
  for (let i = w.firstIndex; i <= w.lastIndex; i++) out.push(termAtIn(w, i));
  return out;
};

describe('the shape of a durable log', () => {
  it('keeps runs of one term; an append that conflicts replaces the tail', () => {
    const s = new LogShape();
    s.append(es(1, [1, 1, 2, 2, 2]));
    expect(s.wire().runs).toEqual([[1, 1], [3, 2]]);
    s.append(es(4, [3, 3]));
    expect(terms(s)).toEqual([1, 1, 2, 3, 3]);
    s.append(es(2, [4]));
    expect(terms(s)).toEqual([1, 4]);
    expect(s.wire().lastIndex).toBe(2);
  });

  it('a snapshot drops the compacted prefix and gives the term before the first index', () => {
    const s = new LogShape();
    s.append(es(1, [1, 1, 2, 2, 3]));
    s.compact(3, 2);
    const w = s.wire();
    expect(w.firstIndex).toBe(4);
    expect(termAtIn(w, 3)).toBe(2);
    expect(terms(s)).toEqual([2, 3]);
    s.compact(9, 5);
    expect(s.wire()).toEqual({ firstIndex: 10, lastIndex: 9, snapshotTerm: 5, runs: [] });
    s.append(es(10, [5]));
    expect(terms(s)).toEqual([5]);
  });
});
