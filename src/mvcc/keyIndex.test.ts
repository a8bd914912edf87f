import { describe, expect, it } from 'vitest';
import { type AvailableRevisions, KeyIndex } from './keyIndex.ts';
import { RevisionNotFoundError } from './errors.ts';
import { revision } from './revision.ts';

/** Generations as lists of "main.sub" strings, oldest first. */
function gens(ki: KeyIndex): string[][] {
  return ki.generations.map((g) => g.revs.map((r) => `${r.main}.${r.sub}`));
}

/** etcd's documented example: put(1), put(2), tombstone(3), put(4), tombstone(5) on "foo". */
function documentedExample(): KeyIndex {
  const ki = new KeyIndex('foo');
  ki.put(1, 0);
  ki.put(2, 0);
  ki.tombstone(3, 0);
  ki.put(4, 0);
  ki.tombstone(5, 0);
  return ki;
}

function availableList(a: AvailableRevisions): string[] {
  return [...a.keys()].sort();
}

describe('KeyIndex generations', () => {
  it('builds one generation per life, closed by its tombstone, plus an open empty one', () => {
    const ki = documentedExample();
    expect(gens(ki)).toEqual([['1.0', '2.0', '3.0'], ['4.0', '5.0'], []]);
    expect(ki.modified).toEqual(revision(5, 0));
    expect(ki.generations[0]!.ver).toBe(3);
    expect(ki.generations[1]!.created).toEqual(revision(4, 0));
  });

  it('get finds the version visible at a revision, with create revision and version', () => {
    const ki = new KeyIndex('k');
    ki.put(2, 0);
    ki.put(4, 0);
    ki.tombstone(6, 0);
    ki.put(9, 0);
    ki.tombstone(11, 0);
    expect(ki.get(2)).toEqual({ modified: revision(2, 0), created: revision(2, 0), ver: 1 });
    expect(ki.get(5)).toEqual({ modified: revision(4, 0), created: revision(2, 0), ver: 2 });
    expect(ki.get(10)).toEqual({ modified: revision(9, 0), created: revision(9, 0), ver: 1 });
    for (const at of [1, 6, 7, 8, 11, 12]) expect(() => ki.get(at)).toThrow(RevisionNotFoundError);
  });

  it('rejects a put that is not after the last change, and a tombstone of a deleted key', () => {
    const ki = new KeyIndex('k');
    ki.put(3, 1);
    expect(() => ki.put(3, 1)).toThrow(/not after/);
    expect(() => ki.put(2, 9)).toThrow(/not after/);
    ki.tombstone(4, 0);
    expect(() => ki.tombstone(5, 0)).toThrow(RevisionNotFoundError);
  });

  it('since returns changes at or after a revision, the last one per main revision', () => {
    const ki = new KeyIndex('k');
    ki.put(1, 0);
    ki.put(2, 0);
    ki.put(2, 1);
    ki.tombstone(3, 0);
    ki.put(5, 0);
    expect(ki.since(0).map((r) => `${r.main}.${r.sub}`)).toEqual(['1.0', '2.1', '3.0', '5.0']);
    expect(ki.since(3).map((r) => `${r.main}.${r.sub}`)).toEqual(['3.0', '5.0']);
    expect(ki.since(4).map((r) => `${r.main}.${r.sub}`)).toEqual(['5.0']);
    expect(ki.since(6)).toEqual([]);
  });
});

describe('KeyIndex compaction (etcd documented example)', () => {
  const cases: Array<{ at: number; gens: string[][]; available: string[]; empty: boolean }> = [
    { at: 1, gens: [['1.0', '2.0', '3.0'], ['4.0', '5.0'], []], available: ['1.0'], empty: false },
    { at: 2, gens: [['2.0', '3.0'], ['4.0', '5.0'], []], available: ['2.0'], empty: false },
    { at: 3, gens: [['4.0', '5.0'], []], available: [], empty: false },
    { at: 4, gens: [['4.0', '5.0'], []], available: ['4.0'], empty: false },
    { at: 5, gens: [[]], available: [], empty: true },
    { at: 6, gens: [[]], available: [], empty: true },
  ];
  for (const c of cases) {
    it(`compact(${c.at}) keeps ${JSON.stringify(c.gens)}`, () => {
      const ki = documentedExample();
      const available: AvailableRevisions = new Map();
      ki.compact(c.at, available);
      expect(gens(ki)).toEqual(c.gens);
      expect(availableList(available)).toEqual(c.available);
      expect(ki.isEmpty()).toBe(c.empty);
    });

    it(`keep(${c.at}) reports what compact(${c.at}) keeps and changes nothing`, () => {
      const ki = documentedExample();
      const kept: AvailableRevisions = new Map();
      ki.keep(c.at, kept);
      expect(gens(ki)).toEqual([['1.0', '2.0', '3.0'], ['4.0', '5.0'], []]);
      expect(availableList(kept)).toEqual(c.available);
    });
  }

  it('compacting step by step gives the same result as compacting at once', () => {
    const stepwise = documentedExample();
    for (const at of [1, 2, 3, 4]) stepwise.compact(at, new Map());
    const once = documentedExample();
    once.compact(4, new Map());
    expect(gens(stepwise)).toEqual(gens(once));
  });

  it('reads at or after the compaction revision are unchanged by it', () => {
    for (const at of [1, 2, 3, 4]) {
      const ki = documentedExample();
      const before = [at, at + 1, 6].map((r) => ki.find(r));
      ki.compact(at, new Map());
      expect([at, at + 1, 6].map((r) => ki.find(r))).toEqual(before);
    }
  });

  it('restore seeds a generation from the newest stored version', () => {
    const ki = new KeyIndex('k');
    ki.restore(revision(3, 0), revision(7, 2), 4);
    expect(ki.get(7)).toEqual({ modified: revision(7, 2), created: revision(3, 0), ver: 4 });
    ki.put(8, 0);
    expect(ki.get(8).ver).toBe(5);
  });
});
