/**
 * A member's slow disk (setDisk): its WAL writes take longer in virtual time, during which it
 * handles nothing — etcd's classic trouble of a leader that syncs too slowly to send its
 * heartbeats in time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Playground } from './playground.ts';
import { settle, until } from './playgroundTesting.ts';

const open: Playground[] = [];
afterEach(async () => {
  for (const pg of open.splice(0)) await pg.close();
});

async function started(seed: number): Promise<Playground> {
  const pg = Playground.inProcess({ paused: true, settings: { seed } });
  open.push(pg);
  await pg.ready();
  await until(pg, () => pg.leader() !== undefined);
  await pg.runFor(500);
  return pg;
}

describe('setDisk: one member with a slow disk', () => {
  it('a leader whose WAL write outlasts the election timeout loses its leadership; the cluster goes on', async () => {
    const pg = await started(21);
    const old = pg.leader()!;
    pg.setDisk(old.name, { fsyncMs: 3000 });
    expect(pg.members().find((m) => m.name === old.name)!.walFsyncMs).toBe(3000);
    const others = pg.members().filter((m) => m.name !== old.name).map((m) => m.name);
    // A write makes the leader sync for 3 s, longer than the followers wait for a heartbeat.
    const write = pg.client({ endpoints: [old.name] }).put({ key: 'slow', value: '1' });
    write.catch(() => undefined);
    // While its write syncs, members() says until when.
    await until(pg, () => pg.members().find((m) => m.name === old.name)!.syncingUntilMs !== undefined, 1000, 1);
    const syncing = pg.members().find((m) => m.name === old.name)!.syncingUntilMs!;
    expect(syncing).toBeGreaterThan(pg.now());
    expect(syncing - pg.now()).toBeLessThanOrEqual(3000);
    await until(pg, () => {
      const l = pg.leader();
      return l !== undefined && l.name !== old.name && l.term > old.term;
    }, 10_000);
    const next = pg.leader()!;
    expect(others).toContain(next.name);
    expect(pg.trace().some((e) => e.kind === 'fault' && e.actor === old.name && /disk: fsync 3000 ms/.test(e.detail))).toBe(true);
    // The new leader serves; the old one, back from its sync, follows (its disk still slow).
    const r = await settle(pg, pg.client({ endpoints: others }).put({ key: 'after', value: '2' }));
    expect(r.header.revision).toBeGreaterThan(1);
    await until(pg, () => pg.members().find((m) => m.name === old.name)!.role === 'follower', 20_000);
    // Back to the cluster's disk: it catches up.
    pg.setDisk(old.name, { fsyncMs: null });
    expect(pg.members().find((m) => m.name === old.name)!.walFsyncMs).toBe(pg.settings().walFsyncMs);
    await until(pg, () => pg.members().find((m) => m.name === old.name)!.appliedIndex >= pg.leader()!.commitIndex, 20_000);
  });

  it('a follower with a slowish disk slows nothing down while the other follower keeps up; no election', async () => {
    const pg = await started(22);
    const leader = pg.leader()!;
    const slow = pg.members().find((m) => m.name !== leader.name)!.name;
    pg.setDisk(slow, { fsyncMs: 200 });
    const c = pg.client({ endpoints: [leader.name] });
    const t0 = pg.now();
    for (let i = 0; i < 5; i++) await settle(pg, c.put({ key: `k${i}`, value: String(i) }));
    // The quorum is the leader and the fast follower: each put takes a few ms, not 200.
    expect((pg.now() - t0) / 5).toBeLessThan(100);
    expect(pg.leader()!.name).toBe(leader.name);
    expect(pg.leader()!.term).toBe(leader.term);
  });

  it('refuses bad input and changes nothing', async () => {
    const pg = await started(23);
    expect(() => pg.setDisk('m9', { fsyncMs: 5 })).toThrow(/m9/);
    expect(() => pg.setDisk('m1', { fsyncMs: -1 })).toThrow(/fsyncMs/);
    expect(() => pg.setDisk('m1', { fsyncMs: 1.5 })).toThrow(/fsyncMs/);
    expect(pg.members().every((m) => m.walFsyncMs === pg.settings().walFsyncMs)).toBe(true);
  });
});
