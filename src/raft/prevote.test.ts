/**
 * Pre-vote (Raft thesis §9.6) and check-quorum with the leader lease on votes (§6.2, §4.2.3).
 */
import { describe, expect, it } from 'vitest';
import { Network, seededRandInt } from './testNetwork.ts';
import { MemoryStorage } from './memoryStorage.ts';
import { RawNode } from './rawNode.ts';
import { CAMPAIGN_TRANSFER } from './raft.ts';
import { newMessage } from './util.ts';
import type { Config } from './types.ts';

const three = ['1', '2', '3'];

function node(id: string, extra: Partial<Config> = {}): RawNode {
  return new RawNode({
    id,
    electionTick: 10,
    heartbeatTick: 1,
    storage: new MemoryStorage({ voters: three, learners: [] }),
    randInt: seededRandInt(1),
    ...extra,
  });
}

describe('PreVote', () => {
  it('a partitioned member keeps its term while it cannot win, and rejoining does not disrupt the leader', () => {
    const nw = new Network(three, { preVote: true });
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'during-partition');
    nw.tick('3', 200); // many election timeouts alone
    expect(nw.node('3').raft.term).toBe(1);
    expect(nw.node('3').raft.state).toBe('StatePreCandidate');
    nw.recover();
    // Its election timer fires right as it rejoins: the pre-vote is refused (its log is behind).
    nw.campaign('3');
    expect(nw.leader()).toBe('1');
    for (const id of three) expect(nw.node(id).raft.term).toBe(1);
    nw.tickAll(30);
    expect(nw.leader()).toBe('1');
    expect(nw.node('1').raft.term).toBe(1);
    expect(nw.appliedData('3')).toEqual(['during-partition']);
  });

  it('without pre-vote the same partition inflates the term and deposes the leader (the problem pre-vote solves)', () => {
    const nw = new Network(three, { preVote: false });
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'during-partition');
    nw.tick('3', 200);
    expect(nw.node('3').raft.term).toBeGreaterThan(5);
    nw.recover();
    nw.campaign('3');
    expect(nw.node('1').raft.state).not.toBe('StateLeader');
    expect(nw.node('1').raft.term).toBeGreaterThan(5);
  });

  it('a pre-candidate asks for term+1 without entering it; winning the pre-vote starts the real election at term+1', () => {
    const nw = new Network(three, { preVote: true, record: true });
    nw.campaign('1');
    expect(nw.node('1').raft.term).toBe(1);
    const preVotes = nw.delivered.filter((m) => m.type === 'MsgPreVote');
    expect(preVotes.map((m) => [m.to, m.term])).toEqual([
      ['2', 1],
      ['3', 1],
    ]);
    // Voters did not move to the pre-vote's term; only the real vote moved them.
    const order = nw.delivered.map((m) => m.type);
    expect(order.indexOf('MsgPreVoteResp')).toBeLessThan(order.indexOf('MsgVote'));
    expect(nw.node('1').raft.state).toBe('StateLeader');
  });

  it('after the leader dies, pre-vote elects a successor without inflating terms', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const nw = new Network(['1', '2', '3', '4', '5'], { preVote: true, seed });
      const first = nw.tickUntilLeader();
      const term = nw.node(first).raft.term;
      nw.crash(first);
      let next: string | undefined;
      for (let i = 0; i < 200 && !next; i++) {
        nw.tickAll();
        const l = nw.leader();
        if (l && l !== first) next = l;
      }
      expect(next, `seed ${seed}`).toBeDefined();
      // Pre-vote rounds lost to a split do not bump terms, so a successor appears one or a few terms on.
      expect(nw.node(next!).raft.term, `seed ${seed}`).toBeGreaterThan(term);
      expect(nw.node(next!).raft.term, `seed ${seed}`).toBeLessThanOrEqual(term + 2);
    }
  });

  it('a granted pre-vote answer carrying a future term does not move the pre-candidate to that term', () => {
    const n = node('1', { preVote: true });
    n.campaign();
    expect(n.raft.state).toBe('StatePreCandidate');
    expect(n.raft.term).toBe(0);
    n.ready();
    n.step(newMessage({ type: 'MsgPreVoteResp', from: '2', to: '1', term: 1 }));
    // It won the pre-vote (2 of 3) and only now enters term 1 as a candidate.
    expect(n.raft.state).toBe('StateCandidate');
    expect(n.raft.term).toBe(1);
  });

  it('a voter answers a pre-vote for a future term without changing its term or vote', () => {
    const n = node('2', { preVote: true });
    n.step(newMessage({ type: 'MsgPreVote', from: '1', to: '2', term: 5, index: 0, logTerm: 0 }));
    const rd = n.ready();
    expect(rd.messages.map((m) => [m.type, m.term, m.reject])).toEqual([['MsgPreVoteResp', 5, false]]);
    expect(n.raft.term).toBe(0);
    expect(n.raft.vote).toBe('0');
  });

  it('a pre-vote from a member with a stale log is refused, so it never starts a real election', () => {
    const nw = new Network(three, { preVote: true, record: true });
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'x');
    nw.recover();
    nw.crash('1');
    nw.campaign('3');
    expect(nw.delivered.some((m) => m.type === 'MsgVote' && m.from === '3')).toBe(false);
    expect(nw.delivered.some((m) => m.type === 'MsgPreVoteResp' && m.from === '2' && m.reject)).toBe(true);
    expect(nw.node('3').raft.state).toBe('StatePreCandidate');
    expect(nw.node('3').raft.term).toBe(1);
  });
});

describe('CheckQuorum', () => {
  it('a partitioned leader steps down at the end of the first check-quorum round in which it heard no quorum', () => {
    const nw = new Network(three, { checkQuorum: true });
    nw.campaign('1');
    nw.tickAll(3);
    nw.isolate('1');
    let steppedDownAt = -1;
    for (let t = 1; t <= 25 && steppedDownAt < 0; t++) {
      nw.tick('1');
      if (nw.node('1').raft.state !== 'StateLeader') steppedDownAt = t;
    }
    expect(steppedDownAt).toBeGreaterThan(0);
    expect(steppedDownAt).toBeLessThanOrEqual(2 * 10); // within the current and at most one full round
    expect(nw.node('1').raft.state).toBe('StateFollower');
  });

  it('a leader that has heard from no one since it was elected steps down exactly one election timeout later', () => {
    const n = node('1', { checkQuorum: true });
    n.campaign();
    n.step(newMessage({ type: 'MsgVoteResp', from: '2', to: '1', term: 1 }));
    expect(n.raft.state).toBe('StateLeader');
    for (let i = 0; i < 9; i++) n.tick();
    expect(n.raft.state).toBe('StateLeader');
    n.tick();
    expect(n.raft.state).toBe('StateFollower');
    expect(n.raft.term).toBe(1);
  });

  it('a leader that hears a quorum stays leader indefinitely', () => {
    const nw = new Network(['1', '2', '3', '4', '5'], { checkQuorum: true });
    nw.campaign('1');
    nw.crash('4');
    nw.crash('5');
    nw.tickAll(100);
    expect(nw.node('1').raft.state).toBe('StateLeader');
  });

  it('without check-quorum a partitioned leader stays leader (what check-quorum prevents)', () => {
    const nw = new Network(three, { checkQuorum: false });
    nw.campaign('1');
    nw.isolate('1');
    nw.tick('1', 100);
    expect(nw.node('1').raft.state).toBe('StateLeader');
  });

  it('members that heard the leader within the election timeout ignore a disruptive vote (lease)', () => {
    const nw = new Network(three, { checkQuorum: true });
    nw.campaign('1');
    nw.isolate('3');
    nw.tick('3', 40); // no pre-vote: 3's term grows while alone
    const t3 = nw.node('3').raft.term;
    expect(t3).toBeGreaterThan(1);
    nw.recover();
    nw.ignore('MsgAppResp'); // keep stale-term answers out of this check
    nw.campaign('3');
    expect(nw.node('1').raft.state).toBe('StateLeader');
    expect(nw.node('1').raft.term).toBe(1);
    expect(nw.node('2').raft.term).toBe(1);
    expect(nw.node('2').raft.vote).toBe('1');
  });

  it('the lease check is skipped for a vote carrying the leader-transfer context', () => {
    const n = node('2', { checkQuorum: true });
    n.step(newMessage({ type: 'MsgHeartbeat', from: '1', to: '2', term: 1 }));
    n.ready();
    n.step(newMessage({ type: 'MsgVote', from: '3', to: '2', term: 2, index: 0, logTerm: 0 }));
    expect(n.raft.term).toBe(1);
    expect(n.ready().messages).toEqual([]);
    n.step(newMessage({ type: 'MsgVote', from: '3', to: '2', term: 2, context: CAMPAIGN_TRANSFER }));
    expect(n.raft.term).toBe(2);
    expect(n.raft.vote).toBe('3');
  });

  it('after the lease expires (no leader heard for an election timeout) votes are granted again', () => {
    const n = node('2', { checkQuorum: true, randInt: (k) => k - 1 });
    n.step(newMessage({ type: 'MsgHeartbeat', from: '1', to: '2', term: 1 }));
    // Fewer ticks than its randomized timeout would make it campaign, but a full election timeout.
    const r = n.raft;
    for (let i = 0; i < 10; i++) n.tick();
    expect(r.electionElapsed).toBeGreaterThanOrEqual(10);
    expect(r.state).toBe('StateFollower');
    n.step(newMessage({ type: 'MsgVote', from: '3', to: '2', term: 2 }));
    expect(r.term).toBe(2);
    expect(r.vote).toBe('3');
  });

  it('a deposed leader returning from a partition learns the new term from a follower and steps down', () => {
    {
      // With pre-vote (or check-quorum) followers answer a stale-term append, so the old leader learns.
      const nw = new Network(three, { preVote: true });
      nw.campaign('1');
      nw.isolate('1');
      nw.campaign('2'); // 2 and 3 move on to term 2
      expect(nw.node('2').raft.state).toBe('StateLeader');
      const newTerm = nw.node('2').raft.term;
      nw.recover();
      nw.node('2').raft.trk.progress.get('1')!.probeSent = true; // keep the new leader quiet toward 1
      nw.ignore('MsgHeartbeat');
      // 1 still thinks it leads term 1 and sends appends; 3 answers with term 2.
      nw.propose('1', 'stale');
      expect(nw.node('1').raft.state).toBe('StateFollower');
      expect(nw.node('1').raft.term).toBe(newTerm);
      nw.recover();
      nw.tick('2', 2);
      expect(nw.appliedData('1')).not.toContain('stale');
    }
  });

  it('with pre-vote and check-quorum a stuck candidate rejoins without deposing the leader', () => {
    const nw = new Network(three, { checkQuorum: true, preVote: true });
    nw.campaign('1');
    nw.isolate('3');
    nw.tick('3', 100);
    nw.recover();
    nw.tickAll(30);
    expect(nw.leader()).toBe('1');
    for (const id of three) expect(nw.node(id).raft.term).toBe(1);
  });
});
