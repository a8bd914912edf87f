import { describe, expect, it } from 'vitest';
import { TreeIndex, rangeContains } from './treeIndex.ts';
import { RevisionNotFoundError } from './errors.ts';
import { revision } from './revision.ts';

function sample(): TreeIndex {
  const ti = new TreeIndex();
  ti.put('a', revision(2, 0));
  ti.put('b', revision(2, 1));
  ti.put('c', revision(3, 0));
  ti.put('a', revision(4, 0));
  ti.tombstone('b', revision(5, 0));
  ti.put('d', revision(6, 0));
  return ti;
}

describe('TreeIndex', () => {
  it('range returns live keys in key order with their visible revision', () => {
    const ti = sample();
    expect(ti.range('a', '\0', 6)).toEqual({
      keys: ['a', 'c', 'd'],
      revs: [revision(4, 0), revision(3, 0), revision(6, 0)],
    });
    expect(ti.range('a', '\0', 3)).toEqual({
      keys: ['a', 'b', 'c'],
      revs: [revision(2, 0), revision(2, 1), revision(3, 0)],
    });
    expect(ti.range('b', 'd', 6).keys).toEqual(['c']);
    expect(ti.range('b', '', 4).keys).toEqual(['b']);
    expect(ti.range('b', '', 5).keys).toEqual([]);
    expect(ti.range('d', 'a', 6).keys).toEqual([]);
  });

  it('revisions honours the limit but counts every match', () => {
    const ti = sample();
    expect(ti.revisions('a', '\0', 6, 2)).toEqual({ revs: [revision(4, 0), revision(3, 0)], total: 3 });
    expect(ti.countRevisions('a', '\0', 3)).toBe(3);
    expect(ti.countRevisions('zz', '', 6)).toBe(0);
  });

  it('get and tombstone of a missing key say not found', () => {
    const ti = sample();
    expect(() => ti.get('zz', 6)).toThrow(RevisionNotFoundError);
    expect(() => ti.tombstone('zz', revision(7, 0))).toThrow(RevisionNotFoundError);
    expect(() => ti.tombstone('b', revision(7, 0))).toThrow(RevisionNotFoundError);
    expect(ti.get('a', 3)).toEqual({ modified: revision(2, 0), created: revision(2, 0), ver: 1 });
  });

  it('rangeSince lists changes in revision order across keys', () => {
    const ti = sample();
    expect(ti.rangeSince('a', '\0', 3).map((r) => `${r.main}.${r.sub}`)).toEqual(['3.0', '4.0', '5.0', '6.0']);
  });

  it('compact drops keys whose history is gone and reports the kept revisions', () => {
    const ti = sample();
    const available = ti.compact(5);
    expect([...available.keys()].sort()).toEqual(['3.0', '4.0']);
    expect(ti.size).toBe(3); // b's history ended with its tombstone at 5
    expect(ti.keyIndex('b')).toBeUndefined();
    expect(ti.range('a', '\0', 5).keys).toEqual(['a', 'c']);
  });

  it('keep reports the same set as compact without changing the index', () => {
    const ti = sample();
    const kept = ti.keep(5);
    expect(ti.size).toBe(4);
    expect([...kept.keys()].sort()).toEqual([...sample().compact(5).keys()].sort());
  });

  it('reads a range end as etcd does', () => {
    expect(rangeContains('a', '', 'a')).toBe(true);
    expect(rangeContains('a', '', 'ab')).toBe(false);
    expect(rangeContains('a', '\0', '\xff\xff')).toBe(true);
    expect(rangeContains('a', 'c', 'c')).toBe(false);
    expect(rangeContains('b', 'c', 'a')).toBe(false);
  });
});
