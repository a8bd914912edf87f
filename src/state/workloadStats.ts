/**
 * Throughput and latency of the client workload, in virtual time: completed operations grouped
 * in fixed buckets so the charts can draw ops/s and latency percentiles per bucket.
 */

export interface OpSample {
  /** Virtual time the answer arrived. */
  doneAtMs: number;
  latencyMs: number;
  kind: 'read' | 'write';
  ok: boolean;
}

export interface StatsBucket {
  startMs: number;
  ops: number;
  errors: number;
  /** Operations per virtual second. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
}

/** The q-quantile (0..1) of sorted values by nearest rank; NaN for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.max(0, Math.min(sorted.length - 1, rank))]!;
}

/** Buckets the samples in [fromMs, toMs) into windows of `bucketMs`; empty windows are kept (zero ops). */
export function bucketize(samples: readonly OpSample[], fromMs: number, toMs: number, bucketMs: number): StatsBucket[] {
  if (!(bucketMs > 0)) throw new Error(`bucketize: bucketMs must be > 0, got ${bucketMs}`);
  const first = Math.floor(fromMs / bucketMs) * bucketMs;
  const count = Math.max(0, Math.ceil((toMs - first) / bucketMs));
  const lat: number[][] = Array.from({ length: count }, () => []);
  const errors = new Array<number>(count).fill(0);
  for (const s of samples) {
    if (s.doneAtMs < fromMs || s.doneAtMs >= toMs) continue;
    const i = Math.floor((s.doneAtMs - first) / bucketMs);
    if (i < 0 || i >= count) continue;
    if (s.ok) lat[i]!.push(s.latencyMs);
    else errors[i]!++;
  }
  return lat.map((l, i) => {
    l.sort((a, b) => a - b);
    return {
      startMs: first + i * bucketMs,
      ops: l.length,
      errors: errors[i]!,
      throughput: (l.length * 1000) / bucketMs,
      p50Ms: quantile(l, 0.5),
      p99Ms: quantile(l, 0.99),
    };
  });
}

/** How many operations should have been issued by `nowMs` at `ratePerSec` since `startMs`. */
export function opsDue(startMs: number, nowMs: number, ratePerSec: number): number {
  if (!(ratePerSec > 0) || nowMs <= startMs) return 0;
  return Math.floor(((nowMs - startMs) * ratePerSec) / 1000);
}
