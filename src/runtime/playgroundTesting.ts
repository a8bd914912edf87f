/**
 * Helpers for tests that drive a paused in-process Playground by its virtual clock: nothing here
 * reads a wall clock, so a test's outcome depends only on its seed and script.
 */
import type { Playground } from './playground.ts';

/** Runs the clock in `stepMs` slices until `pred` holds; throws after `maxMs` of virtual time. */
export async function until(pg: Playground, pred: () => boolean, maxMs = 20_000, stepMs = 100): Promise<void> {
  const limit = pg.now() + maxMs;
  while (!pred()) {
    if (pg.now() > limit) throw new Error('condition not reached');
    await pg.runFor(stepMs);
  }
}

/** Runs the clock in `stepMs` slices until the operation has an outcome, and returns it. */
export async function settle<T>(pg: Playground, p: Promise<T>, stepMs = 50): Promise<T> {
  let done = false;
  const tagged = p.finally(() => (done = true));
  tagged.catch(() => undefined);
  while (!done) await pg.runFor(stepMs);
  return tagged;
}

/** As settle, but a failure is returned rather than thrown: for tests that assert on the error. */
export function outcome<T>(pg: Playground, p: Promise<T>, stepMs = 50): Promise<T | Error> {
  return settle(pg, p.then((v) => v, (e: unknown) => (e instanceof Error ? e : new Error(String(e)))), stepMs);
}
