/**
 * MemoryStorage and the log built on it (stable part + unstable tail).
 */
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from './memoryStorage.ts';
import { RaftLog } from './raftLog.ts';
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable } from './errors.ts';
import type { Entry } from './types.ts';

const ent = (index: number, term: number, data = ''): Entry => ({ index, term, type: 'EntryNormal', data });
const cs = { voters: ['1'], learners: [] };

/** Storage whose entries 3..5 have terms 3, 4, 5 and whose first index is 4 (3 is the placeholder). */
function s345(): MemoryStorage {
  const s = new MemoryStorage(cs);
  s.append([ent(1, 1), ent(2, 2), ent(3, 3), ent(4, 4), ent(5, 5)]);
  s.compact(3);
  return s;
}

describe('MemoryStorage', () => {
  it('term and index bounds', () => {
    const s = s345();
    expect(s.firstIndex()).toBe(4);
    expect(s.lastIndex()).toBe(5);
    expect(() => s.term(2)).toThrow(ErrCompacted);
    expect(s.term(3)).toBe(3);
    expect(s.term(5)).toBe(5);
    expect(() => s.term(6)).toThrow(ErrUnavailable);
  });

  it('entries(lo, hi, maxSize) returns at least one entry and respects the size limit', () => {
    const s = s345();
    expect(() => s.entries(3, 5, Infinity)).toThrow(ErrCompacted);
    expect(s.entries(4, 6, Infinity).map((e) => e.index)).toEqual([4, 5]);
    expect(s.entries(4, 6, 0).map((e) => e.index)).toEqual([4]);
    expect(s.entries(4, 6, 32).map((e) => e.index)).toEqual([4, 5]); // 16 bytes each
    expect(s.entries(4, 6, 31).map((e) => e.index)).toEqual([4]);
    expect(() => s.entries(4, 7, Infinity)).toThrow(/out of bound/);
  });

  it('append replaces a conflicting tail, ignores compacted entries, and refuses a gap', () => {
    const s = s345();
    s.append([ent(3, 3), ent(4, 6), ent(5, 6), ent(6, 6)]);
    expect([4, 5, 6].map((i) => s.term(i))).toEqual([6, 6, 6]);
    s.append([ent(5, 7)]);
    expect(s.lastIndex()).toBe(5);
    expect(s.term(5)).toBe(7);
    s.append([ent(1, 1), ent(2, 2)]); // entirely compacted: no-op
    expect(s.lastIndex()).toBe(5);
    expect(() => s.append([ent(8, 8)])).toThrow(/missing log entry/);
    expect(s.lastIndex()).toBe(5);
  });

  it('compact keeps the entry at the index as the placeholder', () => {
    const s = s345();
    expect(() => s.compact(3)).toThrow(ErrCompacted);
    expect(() => s.compact(9)).toThrow(/out of bound/);
    s.compact(4);
    expect(s.firstIndex()).toBe(5);
    expect(s.term(4)).toBe(4);
  });

  it('createSnapshot records index, term and configuration; older ones are refused', () => {
    const s = s345();
    const snap = s.createSnapshot(4, { voters: ['1', '2'], learners: [] }, 'data');
    expect(snap.metadata).toEqual({ index: 4, term: 4, conf_state: { voters: ['1', '2'], learners: [] } });
    expect(s.snapshot()).toBe(snap);
    expect(() => s.createSnapshot(4, undefined, 'x')).toThrow(ErrSnapOutOfDate);
    expect(() => s.createSnapshot(9, undefined, 'x')).toThrow(/out of bound/);
  });

  it('applySnapshot replaces the log; an older snapshot is refused', () => {
    const s = s345();
    s.applySnapshot({ data: 'd', metadata: { index: 10, term: 7, conf_state: cs } });
    expect(s.firstIndex()).toBe(11);
    expect(s.lastIndex()).toBe(10);
    expect(s.term(10)).toBe(7);
    expect(() => s.applySnapshot({ data: '', metadata: { index: 9, term: 7, conf_state: cs } })).toThrow(
      ErrSnapOutOfDate,
    );
    expect(s.initialState().confState).toEqual(cs);
  });
});

describe('RaftLog', () => {
  function log(terms: number[]): RaftLog {
    const s = new MemoryStorage(cs);
    s.append(terms.map((t, i) => ent(i + 1, t)));
    return new RaftLog(s);
  }

  it('findConflict names the first index that is missing or differs in term', () => {
    const l = log([1, 2, 3]);
    expect(l.findConflict([])).toBe(0);
    expect(l.findConflict([ent(1, 1), ent(2, 2), ent(3, 3)])).toBe(0);
    expect(l.findConflict([ent(2, 2), ent(3, 3), ent(4, 4)])).toBe(4);
    expect(l.findConflict([ent(2, 2), ent(3, 4)])).toBe(3);
    expect(l.findConflict([ent(1, 4)])).toBe(1);
  });

  it('maybeAppend: refuses a mismatched previous entry, truncates a conflicting tail, never a committed one', () => {
    const l = log([1, 2, 3]);
    expect(l.maybeAppend(3, 2, 3, [ent(4, 4)])).toBeUndefined();
    expect(l.maybeAppend(1, 1, 2, [ent(2, 4)])).toBe(2);
    expect(l.lastIndex()).toBe(2);
    expect(l.term(2)).toBe(4);
    expect(l.committed).toBe(2);
    // Commit never passes the last new entry the leader vouched for.
    expect(l.maybeAppend(2, 4, 10, [])).toBe(2);
    expect(l.committed).toBe(2);
    expect(() => l.maybeAppend(0, 0, 2, [ent(1, 9)])).toThrow(/conflicts with committed/);
  });

  it('findConflictByTerm skips back to the last index whose term is at most the given term', () => {
    const l = log([1, 1, 1, 4, 4, 5, 5, 6, 6, 6]);
    expect(l.findConflictByTerm(10, 3)).toEqual({ index: 3, term: 1 });
    expect(l.findConflictByTerm(10, 5)).toEqual({ index: 7, term: 5 });
    expect(l.findConflictByTerm(10, 6)).toEqual({ index: 10, term: 6 });
    expect(l.findConflictByTerm(10, 0)).toEqual({ index: 0, term: 0 });
  });

  it('unstable entries overlay storage until stableTo; a stale stableTo is ignored', () => {
    const l = log([1, 1]);
    l.append([ent(3, 2), ent(4, 2)]);
    expect(l.unstableEntries().map((e) => e.index)).toEqual([3, 4]);
    expect(l.lastIndex()).toBe(4);
    l.append([ent(4, 3)]); // replaces the unstable tail
    expect(l.term(4)).toBe(3);
    l.stableTo(4, 2); // acknowledges a version of entry 4 that was replaced
    expect(l.unstableEntries().map((e) => e.index)).toEqual([3, 4]);
    l.stableTo(4, 3);
    expect(l.unstableEntries()).toEqual([]);
  });

  it('isUpToDate compares last term, then last index (§5.4.1)', () => {
    const l = log([1, 2, 2]);
    expect(l.isUpToDate(3, 2)).toBe(true);
    expect(l.isUpToDate(2, 2)).toBe(false);
    expect(l.isUpToDate(1, 3)).toBe(true);
    expect(l.isUpToDate(9, 1)).toBe(false);
  });

  it('maybeCommit only commits an index whose entry has the given (current) term', () => {
    const l = log([1, 2, 2, 3]);
    expect(l.maybeCommit(3, 3)).toBe(false);
    expect(l.committed).toBe(0);
    expect(l.maybeCommit(4, 3)).toBe(true);
    expect(l.committed).toBe(4);
  });
});
