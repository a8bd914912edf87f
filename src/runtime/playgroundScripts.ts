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

/**
 * Every kind of action a scenario records, some of them made while the world is stepping (from a
 * client's answer, as a console command's follow-up would): faults, link and disk settings, a
 * dropped message, crashes, a wipe and replacement, a learner added, promoted and removed, a
 * campaign and a leader transfer, client requests of every family, watches with progress and
 * cancel, and clients opened and closed. Expects a playground that starts paused with 3 members;
 * returns the trace hash.
 */
export async function everyActionScript(pg: PlaygroundApi): Promise<string> {
  pg.pause();
  await pg.runFor(3000);
  const names = pg.members().map((m) => m.name);
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
  const c = pg.client();
  const w = c.watch({ key: 'w', range_end: 'x', prev_kv: true }, () => undefined);
  await pg.runFor(200);
  for (let i = 0; i < 3; i++) await settle(c.put({ key: `w${i}`, value: `v${i}` }), 200);
  // Changes made from a client's answer land while the world is stepping.
  await settle(
    c.put({ key: 'wx', value: 'x' }).then(() => {
      pg.setLink({ latencyMs: 8, jitterMs: 3 });
      pg.cut(names[0]!, names[1]!, { oneWay: true });
    }),
    300,
  );
  await pg.runFor(500);
  pg.restore(names[0]!, names[1]!);
  w.requestProgress();
  await pg.runFor(300);
  const lease = (await settle(c.leaseGrant({ TTL: 5, ID: '0' }), 300)) as { ID: string } | string;
  if (typeof lease === 'object') {
    await settle(c.put({ key: 'wl', value: 'leased', lease: lease.ID }), 200);
    await settle(c.leaseKeepAliveOnce(lease.ID), 200);
    await settle(c.leaseTimeToLive({ ID: lease.ID, keys: true }), 200);
  }
  await settle(
    c.txn({
      compare: [{ key: 'w0', result: 'EQUAL', target: 'VERSION', version: 1 }],
      success: [{ request_put: { key: 'w0', value: 'swapped' } }],
      failure: [{ request_range: { key: 'w0' } }],
    }),
    300,
  );
  await settle(c.deleteRange({ key: 'w1' }), 200);
  await settle(c.compact({ revision: 3 }), 200);
  await settle(c.range({ key: 'w', range_end: 'x', serializable: true }), 200);
  await settle(c.status(names[1]), 200);
  await settle(c.memberList(), 200);
  await void w.cancel();
  await pg.runFor(300);
  // A short-lived client closed from its own answer (as etcdctl closes after its last reply).
  const once = pg.client({ endpoints: [names[2]!] });
  await settle(
    once.put({ key: 'once', value: '1' }).then(() => once.close()),
    300,
  );
  // Something in flight, dropped.
  void c.put({ key: 'dropped', value: 'd' }).catch(() => undefined);
  await pg.runFor(1);
  const flight = pg.inFlight()[0];
  if (flight) pg.dropMessage(flight.id);
  await pg.runFor(6000);
  const first = pg.leader()?.name ?? names[0]!;
  pg.setDisk(first, { fsyncMs: 40 });
  await settle(c.put({ key: 'slow', value: 's' }), 500);
  pg.setDisk(first, { fsyncMs: null });
  // A clock that runs fast for a while (its ticks come twice as often), then in step again.
  pg.setClock(names.find((n) => n !== first)!, { rate: 2 });
  await pg.runFor(700);
  pg.setClock(names.find((n) => n !== first)!, { rate: null });
  await pg.crash(first);
  await pg.runFor(3000);
  await pg.restart(first);
  await pg.runFor(1000);
  const rest = names.filter((n) => n !== first);
  pg.partition([[first], rest]);
  await pg.runFor(2000);
  pg.heal();
  await pg.runFor(2000);
  // Membership changes need the clock to run while they wait for the cluster.
  const added = (await settle(pg.addMember({ learner: true }), 500)) as { name: string };
  await pg.runFor(2000);
  await settle(pg.promoteMember(added.name), 500);
  await pg.runFor(1000);
  const lead = pg.leader()?.name;
  const other = pg.members().find((m) => m.name !== lead && m.alive && !m.isLearner)?.name;
  if (other) await settle(pg.transferLeader(other), 2000);
  await pg.campaign(names[names.length - 1]!);
  await pg.runFor(2000);
  await settle(pg.removeMember(added.name), 500);
  await pg.runFor(1000);
  const victim = pg.members().find((m) => m.alive && m.role !== 'leader')!.name;
  await pg.wipe(victim);
  await pg.runFor(500);
  await settle(pg.replaceMember(victim), 500);
  await pg.runFor(3000);
  await settle(c.range({ key: 'w', range_end: 'x' }), 500);
  c.close();
  await pg.runFor(500);
  return pg.traceHash();
}
