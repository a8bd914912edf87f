import { describe, expect, it } from 'vitest';
import { EventQueue } from './eventQueue.ts';
import { Prng } from './prng.ts';

interface Item {
  atMs: number;
  seq: number;
  name: string;
}

describe('EventQueue', () => {
  it('pops by time, and by push order among equal times', () => {
    const q = new EventQueue<Item>();
    for (const [t, n] of [[5, 'a'], [1, 'b'], [5, 'c'], [3, 'd'], [1, 'e']] as const) q.push({ atMs: t, seq: 0, name: n });
    const out: string[] = [];
    while (q.size > 0) out.push(q.pop()!.name);
    expect(out).toEqual(['b', 'e', 'd', 'a', 'c']);
    expect(q.pop()).toBeUndefined();
    expect(q.peekTimeMs()).toBe(Infinity);
  });

  it('matches a sorted reference on random input', () => {
    const rng = new Prng(11);
    const q = new EventQueue<Item>();
    const ref: Item[] = [];
    for (let i = 0; i < 2000; i++) {
      if (rng.chance(0.6) || q.size === 0) {
        const it = q.push({ atMs: rng.int(50), seq: 0, name: String(i) });
        ref.push(it);
      } else {
        ref.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
        expect(q.pop()).toBe(ref.shift());
      }
    }
  });

  it('popAllAt takes exactly the items due at that instant', () => {
    const q = new EventQueue<Item>();
    q.push({ atMs: 2, seq: 0, name: 'x' });
    q.push({ atMs: 1, seq: 0, name: 'y' });
    q.push({ atMs: 2, seq: 0, name: 'z' });
    expect(q.popAllAt(2).map((i) => i.name)).toEqual([]);
    expect(q.popAllAt(1).map((i) => i.name)).toEqual(['y']);
    expect(q.popAllAt(2).map((i) => i.name)).toEqual(['x', 'z']);
    expect(() => q.push({ atMs: NaN, seq: 0, name: 'bad' })).toThrow();
    expect(q.size).toBe(0);
  });
});
