/** Helpers the Playwright-driven benchmarks share: ports, waiting for a server, percentiles. */
export { freePort } from '../src/client/testing/realEtcd.ts';
export { quantile } from '../src/state/workloadStats.ts';

/** Polls `url` until it answers 2xx, or throws after `ms` of wall time (benchmarks may read clocks). */
export async function waitForHttp(url: string, ms: number, label: string): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${label}: ${url} did not come up`);
}
