/**
 * Seeded pseudo-random numbers: sfc32 (small fast chaotic, 32-bit state words), seeded through
 * splitmix32 so that nearby seeds give unrelated streams.
 *
 * Invariant: a Prng's output depends only on its seed and on how many values were drawn from it.
 * `fork(label)` depends only on the seed and the label, never on draws already made, so giving every
 * member, the network and the workload their own fork keeps each stream stable when another
 * consumer is added or draws more.
 */

/** Hashes a string to 32 bits (FNV-1a); used to turn labels and text seeds into numbers. */
export function hashString32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export type Seed = number | string;

function seedToNumber(seed: Seed): number {
  if (typeof seed === 'string') return hashString32(seed);
  if (!Number.isFinite(seed)) throw new Error(`prng: seed must be a finite number or a string, got ${seed}`);
  // Fold the high bits in so seeds above 2^32 still matter.
  return (hashString32(String(Math.floor(seed / 0x100000000)), seed >>> 0) ^ (seed >>> 0)) >>> 0;
}

export class Prng {
  /** The 32-bit key this stream was made from; forks derive from it. */
  readonly key: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: Seed) {
    this.key = seedToNumber(seed);
    const st = { s: this.key };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = 1;
    // sfc32 needs a few rounds before its output is well mixed.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next raw 32-bit unsigned value. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). n must be a positive integer not above 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
      throw new Error(`prng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Multiply-shift keeps the bias below 2^-32 * n, negligible for simulation sizes, with no loop.
    return Math.floor(this.float() * n);
  }

  /** An integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    if (hi < lo) throw new Error(`prng.range: empty range [${lo}, ${hi}]`);
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. Draws exactly one value whatever p is, so streams stay aligned. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('prng.pick: no items');
    return items[this.int(items.length)]!;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }

  /** An independent stream named by `label`; the same (seed, label) always gives the same stream. */
  fork(label: string): Prng {
    return new Prng(hashString32(label, this.key ^ 0x5bd1e995));
  }
}
