import { describe, expect, it } from 'vitest';
import { bucketize, opsDue, quantile } from './workloadStats.ts';

describe('workload stats', () => {
  it('computes nearest-rank quantiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(quantile([], 0.5)).toBeNaN();
  });
  it('buckets completed operations into throughput and latency per window, keeping empty windows', () => {
    const s = (doneAtMs: number, latencyMs: number, ok = true) => ({ doneAtMs, latencyMs, ok, kind: 'write' as const });
    const b = bucketize([s(100, 10), s(900, 30), s(1500, 5, false), s(2500, 7)], 0, 3000, 1000);
    expect(b.map((x) => x.ops)).toEqual([2, 0, 1]);
    expect(b[0]!.throughput).toBe(2);
    expect(b[0]!.p50Ms).toBe(10);
    expect(b[0]!.p99Ms).toBe(30);
    expect(b[1]!.errors).toBe(1);
    expect(() => bucketize([], 0, 10, 0)).toThrow(/bucketMs/);
  });
  it('issues operations at the rate in virtual time', () => {
    expect(opsDue(1000, 1000, 20)).toBe(0);
    expect(opsDue(1000, 2000, 20)).toBe(20);
    expect(opsDue(1000, 1049, 20)).toBe(0);
    expect(opsDue(1000, 1050, 20)).toBe(1);
  });
});
