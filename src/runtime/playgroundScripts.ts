/**
 * Scripts that drive a playground through its public API only, with explicit virtual times, so
 * the same script gives the same trace on every host. Each is self-contained (no imports, no
 * outer variables): the end-to-end tests send its source into the page as it is.
 */
import type { PlaygroundApi } from './playgroundApi.ts';

/**
 * Elections, writes, a leader crash and restart, a partition and its healing, a lossy and slow
 * link, a leader transfer. Expects a playground that starts paused; returns the trace hash.
 */
export async function determinismScript(pg: PlaygroundApi): Promise<string> {
  pg.pause();
  await pg.runFor(3000);
  const names = pg.members().map((m) => m.name);
  const c = pg.client();
  // Runs the clock at least `ms`, then on in 100 ms steps until the operation has an outcome
  // (its client deadline guarantees one), so the script never waits on a stopped clock.
  const settle = async <T>(p: Promise<T>, ms: number): Promise<T | string> => {
    let done = false;
    const tagged = p.then(
      (v) => v,
      (e: Error) => `${e.name}: ${e.message}`,
    );
    void tagged.then(() => (done = true));
    await pg.runFor(ms);
    while (!done) await pg.runFor(100);
    return tagged;
  };
  for (let i = 0; i < 5; i++) await settle(c.put({ key: `k${i}`, value: `v${i}` }), 300);
  const first = pg.leader()?.name ?? names[0]!;
  await pg.crash(first);
  await pg.runFor(3000);
  await settle(c.put({ key: 'after-crash', value: 'x' }), 1000);
  await pg.restart(first);
  await pg.runFor(1000);
  // The restarted member alone: its election timeouts (drawn from its own seeded stream, which
  // must continue where it was before the crash) show in the trace.
  const rest = names.filter((n) => n !== first);
  pg.partition([[first], rest]);
  await settle(pg.client({ endpoints: [first] }).put({ key: 'minority', value: 'm' }), 6000);
  pg.heal();
  await pg.runFor(2000);
  pg.setLink({ lossRate: 0.1, latencyMs: 20, jitterMs: 10 });
  for (let i = 0; i < 5; i++) await settle(c.put({ key: `lossy${i}`, value: String(i) }), 500);
  pg.setLink({ lossRate: 0, latencyMs: 5, jitterMs: 0 });
  const lead = pg.leader()?.name;
  const other = names.find((n) => n !== lead);
  if (lead && other) await settle(pg.transferLeader(other), 2000);
  await pg.campaign(names[names.length - 1]!);
  await pg.runFor(2000);
  await settle(c.range({ key: 'k', range_end: 'l' }), 500);
  return pg.traceHash();
}
