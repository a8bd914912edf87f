/**
 * Each safety switch opens the failure it is named for, and the checkers catch it: the raft
 * switches within a stated number of simulation seeds (named in the output), the same seeds
 * clean with the switch off; the member switches on a playground built from cluster settings,
 * the way the page builds it (so the settings really reach raft and the member).
 *
 * SWITCH_SEEDS=N widens the raft searches (default 100 seeds for switch 1, 40 for switch 2).
 */
import { describe, expect, it } from 'vitest';
import { runRaftSimulation, SimulationFailure, type RaftSimOptions } from './raftSimulation.ts';
import { InvariantViolation } from '../sim/raftInvariants.ts';
import { Playground } from './playground.ts';
import { outcome as settle } from './playgroundTesting.ts';
import { checkLinearizability } from '../sim/checkers/linearizability.ts';
import { importHistory } from '../sim/checkers/exportHistory.ts';
import type { ClusterSettings } from './playgroundApi.ts';

const wider = process.env.SWITCH_SEEDS !== undefined ? Number(process.env.SWITCH_SEEDS) : undefined;

/** Runs seeds 1..count; returns the seeds whose run broke a Raft invariant, with what broke. */
function violations(count: number, options: Omit<RaftSimOptions, 'seed'>): { seed: number; what: string }[] {
  const found: { seed: number; what: string }[] = [];
  for (let seed = 1; seed <= count; seed++) {
    try {
      runRaftSimulation({ seed, ...options });
    } catch (e) {
      // Only a safety violation counts; anything else (a liveness bound, a crash of the harness) fails the test.
      if (!(e instanceof SimulationFailure) || !(e.failure instanceof InvariantViolation)) throw e;
      found.push({ seed, what: e.failure.message });
    }
  }
  return found;
}

describe('raft safety switches, over simulation seeds', () => {
  // Figure 8 needs an old-term entry on a majority before any entry of the new term: entries sent
  // one per message, and leaders crashing right after they commit or win (a targeted nemesis).
  const figure8: Omit<RaftSimOptions, 'seed'> = { members: 3, maxSizePerMsg: 1, crashAfterCommitRate: 0.5, crashAfterAckRate: 0.3, chaosMs: 30_000 };

  it('1. commitOldTerm: counting replicas of an old-term entry lets a committed entry be replaced, within 100 seeds; the same seeds are clean with the rule on', () => {
    const count = wider ?? 100;
    const on = violations(count, { ...figure8, unsafe: { commitOldTermByCounting: true } });
    console.log(`switch 1 (commitOldTerm), seeds 1..${count}: ${on.length} broke an invariant: ${on.map((v) => `seed ${v.seed} (${v.what})`).join('; ')}`);
    expect(on.length).toBeGreaterThan(0);
    // What breaks is a committed entry: a later leader lacks it, or holds another in its place.
    expect(on.every((v) => /leader completeness|committed entry changed|applied sequences diverge/.test(v.what))).toBe(true);
    const off = violations(count, figure8);
    expect(off, 'the same seeds with the rule kept').toEqual([]);
  });

  it('2. voteWithoutLogCheck: a candidate missing committed entries wins and the checker sees them lost, within 40 seeds; the same seeds are clean with the rule on', () => {
    const count = wider ?? 40;
    const on = violations(count, { unsafe: { voteWithoutLogCheck: true } });
    console.log(`switch 2 (voteWithoutLogCheck), seeds 1..${count}: ${on.length} broke an invariant: ${on.map((v) => `seed ${v.seed} (${v.what})`).join('; ')}`);
    expect(on.length).toBeGreaterThan(0);
    expect(on.every((v) => /leader completeness|committed entry changed|applied sequences diverge|log matching/.test(v.what))).toBe(true);
    expect(violations(count, {}), 'the same seeds with the rule kept').toEqual([]);
  });
});

async function playground(settings: Partial<ClusterSettings>): Promise<Playground> {
  const pg = Playground.inProcess({ settings: { members: 3, seed: 5, ...settings }, paused: true });
  await pg.ready();
  await pg.runFor(3000);
  return pg;
}


describe('member safety switches, through the cluster settings', () => {
  /** x=1, cut a follower off, x=2 through the majority, then a linearizable read of x on the follower. */
  async function staleRead(unsafe: ClusterSettings['unsafe']) {
    const pg = await playground({ unsafe, requestTimeoutMs: 3000 });
    const leader = pg.leader()!.name;
    const follower = pg.members().find((m) => m.name !== leader)!.name;
    const majority = pg.members().map((m) => m.name).filter((n) => n !== follower);
    const writer = pg.client({ endpoints: [leader] });
    await settle(pg, writer.put({ key: 'x', value: '1' }));
    await pg.runFor(500);
    await pg.partition([[follower], majority]);
    await settle(pg, writer.put({ key: 'x', value: '2' }));
    await pg.runFor(10);
    const read = await settle(pg, pg.client({ endpoints: [follower] }).range({ key: 'x' }));
    const history = importHistory(JSON.parse(JSON.stringify(pg.clientHistory())));
    await pg.close();
    return { read, lin: checkLinearizability(history.operations) };
  }

  it('3. skipReadIndex: a cut-off member answers a linearizable read with the old value and the linearizability checker rejects the history; with the rule on the read does not return', async () => {
    const on = await staleRead(['skipReadIndex']);
    expect(on.read instanceof Error ? on.read.message : on.read.kvs.map((kv) => kv.value)).toEqual(['1']);
    expect(on.lin.result).toBe('illegal');
    const off = await staleRead([]);
    expect(off.read).toBeInstanceOf(Error);
    expect(off.lin.result).toBe('ok');
  });

  it('4. leaseReads: a follower whose clock runs fast votes in a new leader while the old one still trusts its lease, and the old leader serves a stale read; with clocks in step, or with ReadIndex, the read does not return', async () => {
    const run = async (unsafe: ClusterSettings['unsafe'], rate: number | null) => {
      const pg = await playground({ unsafe, requestTimeoutMs: 3000 });
      const old = pg.leader()!;
      const [fast, slow] = pg.members().map((m) => m.name).filter((n) => n !== old.name) as [string, string];
      await pg.setClock(fast, { rate });
      await settle(pg, pg.client({ endpoints: [old.name] }).put({ key: 'x', value: '1' }));
      // The old leader keeps its quorum through the fast follower alone, then loses that too.
      await pg.cut(old.name, slow);
      await pg.runFor(2000);
      await pg.cut(old.name, fast);
      const cutAtMs = pg.now();
      let next = pg.leader();
      while ((!next || next.name === old.name) && pg.now() - cutAtMs < 5000) {
        await pg.runFor(10);
        next = pg.leader();
      }
      const electedAfterMs = pg.now() - cutAtMs;
      await settle(pg, pg.client({ endpoints: [next!.name] }).put({ key: 'x', value: '2' }));
      const read = await settle(pg, pg.client({ endpoints: [old.name] }).range({ key: 'x' }));
      const history = importHistory(JSON.parse(JSON.stringify(pg.clientHistory())));
      await pg.close();
      return { electedAfterMs, read, lin: checkLinearizability(history.operations) };
    };
    const drifting = await run(['leaseReads'], 4);
    // Elected well inside the old leader's lease (8 of its 100 ms ticks).
    expect(drifting.electedAfterMs).toBeLessThan(800);
    expect(drifting.read instanceof Error ? drifting.read.message : drifting.read.kvs.map((kv) => kv.value)).toEqual(['1']);
    expect(drifting.lin.result).toBe('illegal');
    const inStep = await run(['leaseReads'], null);
    expect(inStep.electedAfterMs).toBeGreaterThanOrEqual(900);
    expect(inStep.read).toBeInstanceOf(Error);
    expect(inStep.lin.result).toBe('ok');
    const readIndex = await run([], 4);
    expect(readIndex.read).toBeInstanceOf(Error);
    expect(readIndex.lin.result).toBe('ok');
  });

  it('4. leaseReads needs check-quorum: turning check-quorum off with it is refused by name', () => {
    expect(() => Playground.inProcess({ settings: { unsafe: ['leaseReads'], preVote: false, checkQuorum: false } })).toThrow(/leaseReads \(switch 4\) needs checkQuorum on/);
  });

  it('5. ackBeforeDurable: a put is answered before any disk has it, every member loses power, and after the restart the write is gone; with the rule on it survives', async () => {
    const run = async (unsafe: ClusterSettings['unsafe']) => {
      // A slow disk (300 ms per fsync) makes the window wide enough to crash in.
      const pg = await playground({ unsafe, walFsyncMs: 300, requestTimeoutMs: 3000 });
      const names = pg.members().map((m) => m.name);
      const put = await settle(pg, pg.client({ endpoints: [pg.leader()!.name] }).put({ key: 'x', value: '1' }));
      const answeredAtMs = pg.now();
      // The power goes out everywhere at once, straight after the answer.
      for (const n of names) await pg.crash(n);
      for (const n of names) await pg.restart(n);
      await pg.runFor(3000);
      const read = await settle(pg, pg.client({ endpoints: [pg.leader()!.name] }).range({ key: 'x' }));
      const history = importHistory(JSON.parse(JSON.stringify(pg.clientHistory())));
      await pg.close();
      return { put, answeredAtMs, read, lin: checkLinearizability(history.operations) };
    };
    const on = await run(['ackBeforeDurable']);
    expect(on.put).not.toBeInstanceOf(Error);
    expect(on.read instanceof Error ? on.read.message : on.read.kvs.map((kv) => kv.value)).toEqual([]);
    expect(on.lin.result).toBe('illegal');
    const off = await run([]);
    expect(off.put).not.toBeInstanceOf(Error);
    // The answer waited for the disks (two fsyncs at least: the leader's and a follower's, in parallel, then the apply).
    expect(off.answeredAtMs).toBeGreaterThan(on.answeredAtMs);
    expect(off.read instanceof Error ? off.read.message : off.read.kvs.map((kv) => kv.value)).toEqual(['1']);
    expect(off.lin.result).toBe('ok');
  });

  it('6. no pre-vote and no check-quorum: a cut-off leader keeps leading, and a member that rejoins forces an election; with both on neither happens', async () => {
    const run = async (on: boolean) => {
      const pg = await playground(on ? { preVote: false, checkQuorum: false } : {});
      const leader = pg.leader()!;
      const others = pg.members().map((m) => m.name).filter((n) => n !== leader.name);
      // The leader alone on one side for 3 s (15 election timeouts' worth of check-quorum rounds).
      await pg.partition([[leader.name], others]);
      await pg.runFor(3000);
      const cutOffLeaderRole = pg.members().find((m) => m.name === leader.name)!.role;
      await pg.heal();
      await pg.runFor(2000);
      // Then a follower cut off for 3 s, and healed.
      const settled = pg.leader()!;
      const follower = pg.members().find((m) => m.name !== settled.name)!.name;
      await pg.partition([[follower], pg.members().map((m) => m.name).filter((n) => n !== follower)]);
      await pg.runFor(3000);
      await pg.heal();
      await pg.runFor(2000);
      const after = pg.leader()!;
      await pg.close();
      return { cutOffLeaderRole, termBefore: settled.term, termAfter: after.term, leaderBefore: settled.name, leaderAfter: after.name };
    };
    const on = await run(true);
    expect(on.cutOffLeaderRole).toBe('leader');
    // The rejoining member's raised term deposed the leader: a new term (an election).
    expect(on.termAfter).toBeGreaterThan(on.termBefore);
    const off = await run(false);
    expect(off.cutOffLeaderRole).not.toBe('leader');
    expect(off.termAfter).toBe(off.termBefore);
    expect(off.leaderAfter).toBe(off.leaderBefore);
  });

  it('an unknown switch in the settings is refused by name and nothing starts', async () => {
    expect(() => Playground.inProcess({ settings: { unsafe: ['noWal' as never] } })).toThrow(/unknown safety switch "noWal"/);
  });
});
