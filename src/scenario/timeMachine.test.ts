import { describe, expect, it } from 'vitest';
import { Playground } from '../runtime/playground.ts';
import { makeScenario, parseScenario, serializeScenario } from './scenarioFormat.ts';
import { PastViewError, TimeMachine } from './timeMachine.ts';

/** A short run: a leader, some writes, the leader crashed, more writes. Returns the crash time. */
async function run(pg: Playground): Promise<{ crashAtMs: number; oldLeader: string }> {
  pg.pause();
  await pg.runFor(3000);
  const c = pg.client();
  for (let i = 0; i < 3; i++) {
    const p = c.put({ key: `k${i}`, value: `v${i}` });
    await pg.runFor(300);
    await p;
  }
  const oldLeader = pg.leader()!.name;
  const crashAtMs = pg.now();
  await pg.crash(oldLeader);
  await pg.runFor(3000);
  const p = c.put({ key: 'after', value: 'crash' });
  await pg.runFor(500);
  await p.catch(() => undefined);
  await pg.runFor(500);
  return { crashAtMs, oldLeader };
}

async function livePlayground(seed: number): Promise<Playground> {
  const pg = Playground.inProcess({ settings: { members: 3, seed }, paused: true });
  await pg.ready();
  return pg;
}

const summary = (pg: { members(): { name: string; role: string; alive: boolean; term: number; commitIndex: number }[] }) => pg.members().map((m) => `${m.name}:${m.role}:${m.alive}:${m.term}:${m.commitIndex}`);

describe('the time machine', () => {
  it('shows the replayed past: before the crash the old leader is alive and leads; the present comes back after', async () => {
    const live = await livePlayground(21);
    const { crashAtMs, oldLeader } = await run(live);
    const tm = new TimeMachine(live);
    const endMs = live.now();
    const liveSummary = summary(live);
    await tm.seek(crashAtMs - 100);
    const v = tm.viewing();
    expect(v).toMatchObject({ mode: 'past', targetMs: crashAtMs - 100, shownMs: crashAtMs - 100, endMs });
    expect(tm.members().find((m) => m.name === oldLeader)).toMatchObject({ alive: true, role: 'leader' });
    expect(tm.now()).toBe(crashAtMs - 100);
    // The past cluster's keys are the keys then: k0..k2, not "after".
    const details = await tm.memberDetails(oldLeader);
    expect(details.mvcc.keys.map((k) => k.key)).toEqual(['k0', 'k1', 'k2']);
    // The same as replaying the run on its own to that time.
    const check = await livePlayground(21);
    await check.replay(live.recordedActions().filter((a) => a.atMs <= crashAtMs - 100), { untilMs: crashAtMs - 100 });
    expect(summary(tm)).toEqual(summary(check));
    expect(tm.traceHash()).toBe(check.traceHash());
    await check.close();

    tm.present();
    expect(tm.viewing()).toEqual({ mode: 'live' });
    expect(summary(tm)).toEqual(liveSummary);
    expect(tm.now()).toBe(endMs);
    await tm.close();
  });

  it('refuses changes while the past is shown, and the live run is untouched', async () => {
    const live = await livePlayground(22);
    await run(live);
    const tm = new TimeMachine(live);
    const before = live.recordedActions().length;
    const hash = live.traceHash();
    await tm.seek(2000);
    await expect(tm.crash('m1')).rejects.toBeInstanceOf(PastViewError);
    expect(() => tm.heal()).toThrow(/viewing the past \(2\.0 s\).*Continue from here/);
    expect(() => tm.client()).toThrow(PastViewError);
    await expect(tm.etcdctl('put a b')).rejects.toThrow(/viewing the past/);
    await expect(tm.runFor(100)).rejects.toThrow(/viewing the past/);
    expect(live.recordedActions().length).toBe(before);
    expect(live.traceHash()).toBe(hash);
    await tm.close();
  });

  it('a forward seek goes on from the shown past and lands where a fresh replay lands; a backward one starts again', async () => {
    const live = await livePlayground(23);
    const { crashAtMs } = await run(live);
    const tm = new TimeMachine(live);
    const actions = live.recordedActions();
    const hashAt = async (ms: number): Promise<string> => {
      const p = await livePlayground(23);
      await p.replay(actions.filter((a) => a.atMs <= ms), { untilMs: ms });
      const h = p.traceHash();
      await p.close();
      return h;
    };
    await tm.seek(1500);
    expect(tm.traceHash()).toBe(await hashAt(1500));
    await tm.seek(crashAtMs + 1000);
    expect(tm.traceHash()).toBe(await hashAt(crashAtMs + 1000));
    await tm.seek(1000);
    expect(tm.now()).toBe(1000);
    expect(tm.traceHash()).toBe(await hashAt(1000));
    await tm.close();
  });

  it('continue from here forks: the live run restarts from the past, a new branch diverges, and the old branch comes back whole', async () => {
    const live = await livePlayground(24);
    const { crashAtMs, oldLeader } = await run(live);
    const tm = new TimeMachine(live);
    const firstHash = live.traceHash();
    const firstEnd = live.now();
    const forkAt = crashAtMs - 50;
    await tm.seek(forkAt);
    const id = await tm.fork();
    expect(tm.viewing()).toEqual({ mode: 'live' });
    expect(live.now()).toBe(forkAt);
    expect(live.members().find((m) => m.name === oldLeader)).toMatchObject({ alive: true, role: 'leader' });
    // Something else happens on the new branch.
    const c = tm.client();
    const p = c.put({ key: 'branch', value: 'two' });
    await tm.runFor(1000);
    await p;
    expect(tm.traceHash()).not.toBe(firstHash);
    const branches = tm.branches();
    expect(branches.map((b) => [b.id, b.current])).toEqual([
      [1, false],
      [id, true],
    ]);
    expect(branches[0]).toMatchObject({ endMs: firstEnd, traceHash: firstHash });
    expect(branches[1]).toMatchObject({ parent: 1, forkedAtMs: forkAt });
    const secondHash = tm.traceHash();
    const secondEnd = tm.now();
    await tm.switchBranch(1);
    expect(tm.now()).toBe(firstEnd);
    expect(tm.traceHash()).toBe(firstHash);
    expect(live.members().find((m) => m.name === oldLeader)!.alive).toBe(false);
    await tm.switchBranch(id);
    expect(tm.now()).toBe(secondEnd);
    expect(tm.traceHash()).toBe(secondHash);
    await tm.close();
  });

  it('loads a scenario file into a fresh cluster and reaches the author\'s trace hash, or stops part way', async () => {
    const author = await livePlayground(25);
    await run(author);
    const text = serializeScenario(makeScenario(await author.capture()));
    const authorHash = author.traceHash();
    await author.close();
    const live = await livePlayground(99);
    const tm = new TimeMachine(live);
    const s = parseScenario(text);
    const r = await tm.load(s);
    expect(r).toEqual({ traceHash: authorHash, expectedHash: authorHash, matches: true, partial: false });
    expect(tm.settings().seed).toBe(25);
    const part = await tm.load(s, { atMs: 2500 });
    expect(part.partial).toBe(true);
    expect(tm.now()).toBe(2500);
    await tm.close();
  });
});
