/**
 * Raft paper §5.3 (log replication) and §5.4 (safety: election restriction, committing entries
 * from previous terms — Figure 8).
 */
import { describe, expect, it } from 'vitest';
import { Network, storageWithLog } from './testNetwork.ts';
import { ErrProposalDropped } from './errors.ts';
import type { ConfState, Message, UnsafeRaftRules } from './types.ts';

const five = ['1', '2', '3', '4', '5'];

describe('§5.3 log replication', () => {
  it('a proposal to the leader is replicated, committed and applied in the same order everywhere', () => {
    for (const ids of [['1', '2', '3'], five]) {
      const nw = new Network(ids);
      nw.campaign('1');
      for (let i = 0; i < 10; i++) expect(nw.propose('1', `v${i}`)).toBeUndefined();
      const want = Array.from({ length: 10 }, (_, i) => `v${i}`);
      for (const id of ids) {
        expect(nw.appliedData(id)).toEqual(want);
        expect(nw.node(id).raft.raftLog.committed).toBe(11);
      }
    }
  });

  it('an entry commits once a majority stores it, not before', () => {
    const nw = new Network(five);
    nw.campaign('1');
    nw.isolate('3');
    nw.isolate('4');
    nw.isolate('5');
    // 1 and 2 of 5 store it: no majority.
    nw.propose('1', 'x');
    expect(nw.node('1').raft.raftLog.lastIndex()).toBe(2);
    expect(nw.node('1').raft.raftLog.committed).toBe(1);
    expect(nw.appliedData('1')).toEqual([]);
    // A third member receives it: committed.
    nw.recover();
    nw.isolate('4');
    nw.isolate('5');
    nw.tick('1'); // heartbeat; the lagging member answers and is sent the entry
    expect(nw.node('1').raft.raftLog.committed).toBe(2);
    expect(nw.appliedData('1')).toEqual(['x']);
    expect(nw.appliedData('3')).toEqual(['x']);
  });

  it('followers forward proposals to the leader', () => {
    const nw = new Network(['1', '2', '3']);
    nw.campaign('1');
    expect(nw.propose('2', 'from-2')).toBeUndefined();
    expect(nw.propose('3', 'from-3')).toBeUndefined();
    for (const id of ['1', '2', '3']) expect(nw.appliedData(id)).toEqual(['from-2', 'from-3']);
  });

  it('with disableProposalForwarding, or with no leader, a follower drops proposals', () => {
    const nw = new Network(['1', '2', '3'], { disableProposalForwarding: true });
    nw.campaign('1');
    expect(nw.propose('2', 'x')).toBe(ErrProposalDropped);
    expect(nw.propose('1', 'y')).toBeUndefined();
    expect(nw.appliedData('1')).toEqual(['y']);

    const leaderless = new Network(['1', '2', '3']);
    expect(leaderless.propose('2', 'x')).toBe(ErrProposalDropped);
    leaderless.isolate('1');
    leaderless.campaign('1');
    expect(leaderless.propose('1', 'x')).toBe(ErrProposalDropped); // a candidate drops too
  });

  it('a follower rejects an append whose previous entry it lacks (log matching), with a hint', () => {
    const cs: ConfState = { voters: ['1', '2'], learners: [] };
    const nw = new Network(['1', '2'], { record: true });
    nw.add('2', storageWithLog(cs, [1, 1]));
    nw.add('1', storageWithLog(cs, [1, 1, 2, 2, 3]));
    nw.send({
      type: 'MsgApp', from: '1', to: '2', term: 3, logTerm: 3, index: 5, entries: [], commit: 0,
      reject: false, rejectHint: 0, context: '',
    });
    const resp = nw.delivered.find((m) => m.type === 'MsgAppResp')!;
    expect(resp).toMatchObject({ from: '2', to: '1', reject: true, index: 5, rejectHint: 2, logTerm: 1 });
  });

  /**
   * Figure 7: a leader in term 8 with log terms [1,1,1,4,4,5,5,6,6,6] and six followers whose logs
   * are missing entries (a, b), have extra uncommitted entries (c, d), or both (e, f). The leader
   * repairs each: the follower ends with exactly the leader's log.
   */
  describe('Figure 7: a leader in term 8 brings every follower log in line with its own', () => {
    const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    const cases: Record<string, number[]> = {
      a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
      b: [1, 1, 1, 4],
      c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
      d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
      e: [1, 1, 1, 4, 4, 4, 4],
      f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    };
    for (const [name, followerLog] of Object.entries(cases)) {
      it(`(${name}) ${followerLog.join(',')}`, () => {
        const cs: ConfState = { voters: ['1', '2', '3'], learners: [] };
        const nw = new Network(['1', '2', '3'], { record: true });
        // 3 holds the leader's log and votes for it; 2 is the follower of the figure. Term 7 so
        // that campaigning enters term 8.
        nw.add('1', storageWithLog(cs, leaderLog, { term: 7 }));
        nw.add('2', storageWithLog(cs, followerLog, { term: 7 }));
        nw.add('3', storageWithLog(cs, leaderLog, { term: 7 }));
        nw.campaign('1');
        expect(nw.node('1').raft.state).toBe('StateLeader');
        expect(nw.node('1').raft.term).toBe(8);
        nw.propose('1', 'p');
        nw.tick('1', 2);
        const want = [...leaderLog, 8, 8];
        expect(nw.logTerms('1')).toEqual(want);
        expect(nw.logTerms('2')).toEqual(want);
        // Entries carry the leader's data too, not just terms.
        const l = nw.member('1').storage;
        const f = nw.member('2').storage;
        expect(f.entries(1, f.lastIndex() + 1, Infinity)).toEqual(l.entries(1, l.lastIndex() + 1, Infinity));
        expect(nw.node('2').raft.raftLog.committed).toBe(12);
        // Fast backtracking: each rejection skips a whole term, so at most two rejections.
        const rejections = nw.delivered.filter((m) => m.type === 'MsgAppResp' && m.from === '2' && m.reject);
        expect(rejections.length).toBeLessThanOrEqual(2);
      });
    }
  });

  it('fast backtracking needs one round trip per conflicting term, not per entry', () => {
    // The follower has 60 entries of a stale term past the common prefix.
    const cs: ConfState = { voters: ['1', '2', '3'], learners: [] };
    const nw = new Network(['1', '2', '3'], { record: true });
    nw.add('1', storageWithLog(cs, [1, 1, ...Array(10).fill(3)], { term: 3 }));
    nw.add('3', storageWithLog(cs, [1, 1, ...Array(10).fill(3)], { term: 3 }));
    nw.add('2', storageWithLog(cs, [1, 1, ...Array(60).fill(2)], { term: 3 }));
    nw.campaign('1');
    nw.tick('1', 2);
    expect(nw.logTerms('2')).toEqual(nw.logTerms('1'));
    const rejections = nw.delivered.filter((m) => m.type === 'MsgAppResp' && m.from === '2' && m.reject);
    expect(rejections.length).toBeGreaterThanOrEqual(1);
    expect(rejections.length).toBeLessThanOrEqual(2);
  });
});

describe('§5.4.1 election restriction', () => {
  it('a candidate whose log is missing committed entries is denied; an up-to-date one wins', () => {
    const nw = new Network(['1', '2', '3']);
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'a');
    nw.propose('1', 'b');
    expect(nw.appliedData('2')).toEqual(['a', 'b']);
    nw.crash('1');
    nw.recover();
    nw.campaign('3');
    expect(nw.node('3').raft.state).not.toBe('StateLeader');
    expect(nw.node('2').raft.state).toBe('StateFollower');
    nw.campaign('2');
    expect(nw.node('2').raft.state).toBe('StateLeader');
    nw.tick('2', 2);
    expect(nw.appliedData('3')).toEqual(['a', 'b']);
  });

  it('a higher last term wins over a longer log (up-to-date compares the last term first)', () => {
    const cs: ConfState = { voters: ['1', '2', '3'], learners: [] };
    const nw = new Network(['1', '2', '3']);
    nw.add('1', storageWithLog(cs, [1, 3], { term: 3 }));
    nw.add('2', storageWithLog(cs, [1, 2, 2, 2], { term: 3 }));
    nw.add('3', storageWithLog(cs, [1, 2, 2, 2], { term: 3 }));
    nw.campaign('1');
    expect(nw.node('1').raft.state).toBe('StateLeader');
    nw.tick('1', 2);
    expect(nw.logTerms('2')).toEqual([1, 3, 4]);
  });
});

/**
 * Figure 8. Terms and indexes follow the paper: S1 is leader in term 2 and stores index 2 on S1, S2
 * only (a); S5 wins term 3 and writes its own index 2 (b); S1 wins term 4 and copies its index 2 to
 * S3, so a majority stores it (c) — yet it must not count as committed, because S5 can still win
 * term 5 and replace it (d). Only once an entry of S1's own term is on a majority is index 2
 * committed (e).
 */
describe('§5.4.2 committing entries from previous terms (Figure 8)', () => {
  const cs: ConfState = { voters: five, learners: [] };

  /** Runs (a)-(c); S1 ends leader of term 4 with index 2 (term 2) on S1, S2, S3 and index 3 only on S1. */
  function upToC(unsafe?: UnsafeRaftRules): Network {
    const nw = new Network(five, { maxSizePerMsg: 1, ...(unsafe ? { unsafe } : {}) });
    for (const id of five) nw.add(id, storageWithLog(cs, [1], { term: 1, commit: 1 }), { applied: 1 });
    // (a) S1 leads term 2; its entry 2 reaches S2 only.
    nw.msgHook = (m) => (m.type === 'MsgApp' && m.from === '1' && m.to !== '2' ? undefined : m);
    nw.campaign('1');
    expect(nw.node('1').raft.term).toBe(2);
    expect(nw.logTerms('1')).toEqual([1, 2]);
    expect(nw.logTerms('2')).toEqual([1, 2]);
    expect(nw.logTerms('3')).toEqual([1]);
    // (b) S1 crashes; S5 leads term 3 with votes of S3, S4; its entry 2 reaches no one.
    nw.crash('1');
    nw.msgHook = (m) => (m.type === 'MsgApp' && m.from === '5' ? undefined : m);
    nw.campaign('5');
    expect(nw.node('5').raft.state).toBe('StateLeader');
    expect(nw.node('5').raft.term).toBe(3);
    expect(nw.logTerms('5')).toEqual([1, 3]);
    // (c) S5 crashes; S1 restarts and leads term 4; only entries up to index 2 reach S2 and S3.
    nw.crash('5');
    nw.restart('1');
    nw.msgHook = (m) => {
      if (m.type !== 'MsgApp' || m.from !== '1') return m;
      if (m.to !== '2' && m.to !== '3') return undefined;
      return { ...m, entries: m.entries.filter((e) => e.index <= 2) };
    };
    nw.campaign('1'); // term 3: S3 and S4 already voted for S5
    if (nw.node('1').raft.state !== 'StateLeader') nw.campaign('1');
    expect(nw.node('1').raft.state).toBe('StateLeader');
    expect(nw.node('1').raft.term).toBe(4);
    nw.tick('1', 3);
    expect(nw.logTerms('1')).toEqual([1, 2, 4]);
    expect(nw.logTerms('2')).toEqual([1, 2]);
    expect(nw.logTerms('3')).toEqual([1, 2]);
    return nw;
  }

  it('(c) an entry of an earlier term stored on a majority is not committed by counting replicas', () => {
    const nw = upToC();
    // S1 knows S2 and S3 hold index 2: with itself, a majority of five.
    expect(nw.node('1').status().progress!['2']!.match).toBe(2);
    expect(nw.node('1').status().progress!['3']!.match).toBe(2);
    expect(nw.node('1').raft.raftLog.committed).toBe(1);
  });

  it('(d) that is safe: S5 can still win term 5 and replace index 2 everywhere, and no member applied anything different', () => {
    const nw = upToC();
    nw.crash('1');
    nw.restart('5');
    nw.msgHook = undefined;
    for (let i = 0; i < 3 && nw.node('5').raft.state !== 'StateLeader'; i++) nw.campaign('5');
    expect(nw.node('5').raft.state).toBe('StateLeader');
    nw.propose('5', 'after');
    nw.restart('1');
    nw.tickAll(5);
    // State machine safety: every member applied the same entry at every index it applied.
    const byIndex = new Map<number, string>();
    for (const id of five) {
      for (const e of nw.member(id).applied) {
        const key = `${e.term}:${e.data}`;
        const seen = byIndex.get(e.index);
        if (seen === undefined) byIndex.set(e.index, key);
        else expect(key, `member ${id} index ${e.index}`).toBe(seen);
      }
    }
    for (const id of five) expect(nw.logTerms(id).slice(0, 2)).toEqual([1, 3]);
  });

  it('with the rule switched off (commitOldTermByCounting), (c) commits index 2 and (d) then replaces a committed entry', () => {
    const nw = upToC({ commitOldTermByCounting: true });
    // The unsafe leader counted S1, S2, S3 and committed its term-2 entry.
    expect(nw.node('1').raft.raftLog.committed).toBe(2);
    nw.process('1');
    const termApplied = (id: string, index: number) => nw.member(id).applied.find((e) => e.index === index)?.term;
    expect(termApplied('1', 2)).toBe(2);
    nw.crash('1');
    nw.restart('5');
    nw.msgHook = undefined;
    for (let i = 0; i < 3 && nw.node('5').raft.state !== 'StateLeader'; i++) nw.campaign('5');
    // S5's last term (3) beats the term-2 entry S2 and S3 hold, so it wins term 5 ...
    expect(nw.node('5').raft.state).toBe('StateLeader');
    nw.propose('5', 'after');
    nw.tickAll(5);
    // ... and its index 2 goes in where a committed one was: S5 applies its term-3 entry at
    // index 2, where S1 applied the term-2 one. State machine safety is broken.
    expect(termApplied('5', 2)).toBe(3);
    expect(termApplied('1', 2)).toBe(2);
  });

  it('(e) once an entry of the current term is on a majority, it and everything before it commit', () => {
    const nw = upToC();
    nw.msgHook = undefined;
    nw.tick('1', 2);
    expect(nw.node('1').raft.raftLog.committed).toBe(3);
    for (const id of ['1', '2', '3', '4']) expect(nw.logTerms(id)).toEqual([1, 2, 4]);
  });

  it('the leader counts only replicas of its own term when advancing commit (direct check)', () => {
    // Leader in term 4 with [1,2,4]; followers report holding index 2 only.
    const nw = new Network(['1', '2', '3']);
    const c3: ConfState = { voters: ['1', '2', '3'], learners: [] };
    nw.add('1', storageWithLog(c3, [1, 2], { term: 3 }));
    nw.add('2', storageWithLog(c3, [1, 2], { term: 3 }));
    nw.add('3', storageWithLog(c3, [1, 2], { term: 3 }));
    nw.ignore('MsgApp');
    nw.campaign('1');
    const leader = nw.node('1');
    expect(leader.raft.term).toBe(4);
    const ack = (from: string, index: number): Message => ({
      type: 'MsgAppResp', from, to: '1', term: 4, logTerm: 0, index, entries: [], commit: 0,
      reject: false, rejectHint: 0, context: '',
    });
    leader.step(ack('2', 2));
    leader.step(ack('3', 2));
    expect(leader.raft.raftLog.committed).toBe(0);
    leader.step(ack('2', 3));
    expect(leader.raft.raftLog.committed).toBe(3);
  });
});
