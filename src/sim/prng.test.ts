import { describe, expect, it } from 'vitest';
import { Prng, hashString32 } from './prng.ts';

const draw = (p: Prng, n: number) => Array.from({ length: n }, () => p.nextUint32());

describe('Prng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    expect(draw(new Prng(42), 20)).toEqual(draw(new Prng(42), 20));
    expect(draw(new Prng(42), 20)).not.toEqual(draw(new Prng(43), 20));
    expect(draw(new Prng('a'), 5)).toEqual(draw(new Prng('a'), 5));
    expect(draw(new Prng(1), 5)).not.toEqual(draw(new Prng(1 + 2 ** 32), 5));
  });

  it('float is in [0, 1) and int(n) in [0, n), covering the whole range', () => {
    const p = new Prng(7);
    const seen = new Set<number>();
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const f = p.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      sum += f;
      const k = p.int(10);
      expect(Number.isInteger(k) && k >= 0 && k < 10).toBe(true);
      seen.add(k);
    }
    expect(seen.size).toBe(10);
    // Mean of 10k uniforms is 0.5 within a few standard deviations (sd ~ 0.003).
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.02);
  });

  it('rejects bad bounds and bad seeds', () => {
    const p = new Prng(1);
    expect(() => p.int(0)).toThrow(/n must be/);
    expect(() => p.int(2.5)).toThrow(/n must be/);
    expect(() => p.range(5, 4)).toThrow(/empty range/);
    expect(() => new Prng(NaN)).toThrow(/seed/);
    expect(() => p.pick([])).toThrow(/no items/);
  });

  it('fork depends on the seed and label only, not on draws made before', () => {
    const a = new Prng(99);
    const b = new Prng(99);
    draw(b, 1000);
    expect(draw(a.fork('member-1'), 10)).toEqual(draw(b.fork('member-1'), 10));
    expect(draw(a.fork('member-1'), 10)).not.toEqual(draw(a.fork('member-2'), 10));
    // Forking a new stream does not disturb the parent.
    const c = new Prng(5);
    const d = new Prng(5);
    c.fork('x');
    expect(draw(c, 5)).toEqual(draw(d, 5));
  });

  it('shuffle returns a permutation and pick returns a member', () => {
    const p = new Prng(3);
    const items = [1, 2, 3, 4, 5, 6];
    const s = p.shuffle(items);
    expect([...s].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6]);
    expect(items).toContain(p.pick(items));
  });

  it('hashString32 is FNV-1a (known vectors)', () => {
    expect(hashString32('')).toBe(0x811c9dc5);
    expect(hashString32('a')).toBe(0xe40c292c);
    expect(hashString32('foobar')).toBe(0xbf9cf968);
  });
});
