/**
 * Raft paper §5.2, leader election: timeouts, votes, split votes, and the new leader's first entry.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Network, seededRandInt } from './testNetwork.ts';
import { MemoryStorage } from './memoryStorage.ts';
import { RawNode } from './rawNode.ts';
import type { Config, Message } from './types.ts';
import { newMessage } from './util.ts';

function config(id: string, storage: MemoryStorage, extra: Partial<Config> = {}): Config {
  return { id, electionTick: 10, heartbeatTick: 1, storage, randInt: seededRandInt(7), ...extra };
}

describe('§5.2 leader election', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a follower that hears no leader for its election timeout campaigns and wins a majority', () => {
    for (const size of [1, 3, 5]) {
      const ids = Array.from({ length: size }, (_, i) => String(i + 1));
      const nw = new Network(ids);
      const leader = nw.tickUntilLeader();
      const term = nw.node(leader).raft.term;
      expect(term).toBe(1);
      for (const id of ids) {
        expect(nw.node(id).raft.term).toBe(1);
        expect(nw.node(id).raft.lead).toBe(leader);
      }
    }
  });

  it('a majority of live members is enough; a minority cannot elect', () => {
    const nw = new Network(['1', '2', '3', '4', '5']);
    nw.crash('4');
    nw.crash('5');
    nw.campaign('1');
    expect(nw.node('1').raft.state).toBe('StateLeader');

    const nw2 = new Network(['1', '2', '3', '4', '5']);
    nw2.crash('3');
    nw2.crash('4');
    nw2.crash('5');
    nw2.campaign('1');
    expect(nw2.node('1').raft.state).toBe('StateCandidate');
    // It times out and tries again in a new term, still without a majority.
    nw2.tick('1', 20);
    expect(nw2.node('1').raft.state).toBe('StateCandidate');
    expect(nw2.node('1').raft.term).toBeGreaterThan(1);
    expect(nw2.leader()).toBeUndefined();
  });

  it('election timeouts are drawn from config.randInt in [T, 2T), never from Math.random', () => {
    const spy = vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random used');
    });
    const draws: number[] = [];
    let k = 0;
    const randInt = (n: number) => {
      expect(n).toBe(10);
      const v = k++ % n;
      draws.push(v);
      return v;
    };
    const node = new RawNode(config('1', new MemoryStorage({ voters: ['1', '2', '3'], learners: [] }), { randInt }));
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const t = node.raft.randomizedElectionTimeout;
      expect(t).toBe(10 + draws[draws.length - 1]!);
      expect(t).toBeGreaterThanOrEqual(10);
      expect(t).toBeLessThan(20);
      seen.add(t);
      // campaigning (a new term) draws a new timeout
      node.campaign();
      node.ready();
    }
    expect(seen.size).toBe(10);
    // The follower campaigns exactly when its randomized timeout elapses.
    const f = new RawNode(config('1', new MemoryStorage({ voters: ['1', '2', '3'], learners: [] }), { randInt: () => 3 }));
    for (let i = 0; i < 12; i++) f.tick();
    expect(f.raft.state).toBe('StateFollower');
    f.tick();
    expect(f.raft.state).toBe('StateCandidate');
    expect(spy).not.toHaveBeenCalled();
  });

  it('a split vote leaves no leader, and randomized timeouts resolve it in a later term', () => {
    const nw = new Network(['1', '2', '3', '4'], { seed: 3 });
    // 1 can only reach 2 and 3 can only reach 4 while both campaign at once: 2 votes each of 4.
    nw.cut('1', '4');
    nw.cut('1', '3');
    nw.cut('3', '2');
    nw.node('1').campaign();
    nw.node('3').campaign();
    nw.process('1');
    nw.process('3');
    nw.flush();
    expect(nw.node('1').raft.state).toBe('StateCandidate');
    expect(nw.node('3').raft.state).toBe('StateCandidate');
    expect(nw.node('1').raft.term).toBe(1);
    expect(nw.node('3').raft.term).toBe(1);
    expect(nw.node('2').raft.vote).toBe('1');
    expect(nw.node('4').raft.vote).toBe('3');
    expect(nw.leader()).toBeUndefined();

    nw.recover();
    const leader = nw.tickUntilLeader();
    const term = nw.node(leader).raft.term;
    expect(term).toBeGreaterThan(1);
    for (const id of ['1', '2', '3', '4']) {
      expect(nw.node(id).raft.lead).toBe(leader);
      expect(nw.node(id).raft.term).toBe(term);
    }
  });

  it('split votes resolve across many seeds (randomization breaks symmetry)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const nw = new Network(['1', '2', '3', '4', '5'], { seed });
      // Everyone times out within the same window: no one is given a head start.
      const leader = nw.tickUntilLeader(500);
      const term = nw.node(leader).raft.term;
      for (const id of ['1', '2', '3', '4', '5']) {
        expect(nw.node(id).raft.lead, `seed ${seed}`).toBe(leader);
        expect(nw.node(id).raft.term, `seed ${seed}`).toBe(term);
      }
    }
  });

  it('a member grants at most one vote per term, first come first served', () => {
    const s = new MemoryStorage({ voters: ['1', '2', '3'], learners: [] });
    const n = new RawNode(config('2', s));
    const vote = (from: string): Message =>
      newMessage({ type: 'MsgVote', from, to: '2', term: 1, index: 0, logTerm: 0 });
    n.step(vote('1'));
    n.step(vote('3'));
    n.step(vote('1')); // a repeated request from the same candidate is granted again
    const rd = n.ready();
    expect(rd.messages.map((m) => [m.to, m.type, m.reject])).toEqual([
      ['1', 'MsgVoteResp', false],
      ['3', 'MsgVoteResp', true],
      ['1', 'MsgVoteResp', false],
    ]);
    expect(rd.hardState).toEqual({ term: 1, vote: '1', commit: 0 });
    // The vote must be durable before the answer leaves.
    expect(rd.mustSync).toBe(true);
  });

  it('a new leader appends an empty entry of its term, which commits on every member', () => {
    const nw = new Network(['1', '2', '3']);
    nw.campaign('2');
    const r = nw.node('2').raft;
    expect(r.state).toBe('StateLeader');
    const last = r.raftLog.lastIndex();
    const ents = r.raftLog.slice(last, last + 1, Infinity);
    expect(ents[0]).toMatchObject({ term: r.term, index: 1, type: 'EntryNormal', data: '' });
    for (const id of ['1', '2', '3']) {
      expect(nw.member(id).applied.map((e) => [e.index, e.term, e.data])).toEqual([[1, 1, '']]);
    }
  });

  it('a candidate that hears from a leader of its own term becomes its follower', () => {
    for (const type of ['MsgApp', 'MsgHeartbeat'] as const) {
      const n = new RawNode(config('3', new MemoryStorage({ voters: ['1', '2', '3'], learners: [] })));
      n.campaign();
      expect(n.raft.state).toBe('StateCandidate');
      expect(n.raft.term).toBe(1);
      n.step(newMessage({ type, from: '1', to: '3', term: 1 }));
      expect(n.raft.state).toBe('StateFollower');
      expect(n.raft.lead).toBe('1');
      expect(n.raft.term).toBe(1);
    }
  });

  it('messages of an older term change nothing; with check-quorum an old leader is told the term', () => {
    for (const checkQuorum of [false, true]) {
      const s = new MemoryStorage({ voters: ['1', '2', '3'], learners: [] });
      s.setHardState({ term: 3, vote: '0', commit: 0 });
      const n = new RawNode(config('2', s, { checkQuorum }));
      n.step(newMessage({ type: 'MsgApp', from: '1', to: '2', term: 2, index: 0, logTerm: 0,
        entries: [{ term: 2, index: 1, type: 'EntryNormal', data: 'old' }] }));
      n.step(newMessage({ type: 'MsgVote', from: '3', to: '2', term: 2, index: 5, logTerm: 2 }));
      expect(n.raft.raftLog.lastIndex()).toBe(0);
      expect(n.raft.term).toBe(3);
      expect(n.raft.vote).toBe('0');
      const msgs = n.ready().messages.map((m) => [m.type, m.to, m.term]);
      expect(msgs).toEqual(checkQuorum ? [['MsgAppResp', '1', 3]] : []);
    }
  });

  it('a leader that sees a higher term steps down to follower', () => {
    const nw = new Network(['1', '2', '3']);
    nw.campaign('1');
    nw.send(newMessage({ type: 'MsgHeartbeat', from: '2', to: '1', term: 5 }));
    const r = nw.node('1').raft;
    expect(r.state).toBe('StateFollower');
    expect(r.term).toBe(5);
  });

  it('heartbeats keep a healthy leader in place: no elections while it is alive', () => {
    const nw = new Network(['1', '2', '3', '4', '5']);
    const leader = nw.tickUntilLeader();
    const term = nw.node(leader).raft.term;
    nw.tickAll(200);
    expect(nw.leader()).toBe(leader);
    for (const id of nw.members.keys()) expect(nw.node(id).raft.term).toBe(term);
  });

  it('when the leader dies, the rest elect a new one in a higher term', () => {
    const nw = new Network(['1', '2', '3', '4', '5']);
    const first = nw.tickUntilLeader();
    nw.crash(first);
    let second: string | undefined;
    for (let i = 0; i < 100 && !second; i++) {
      nw.tickAll();
      const l = nw.leader();
      if (l && l !== first) second = l;
    }
    expect(second).toBeDefined();
    expect(nw.node(second!).raft.term).toBeGreaterThan(nw.node(first).raft.term);
  });
});
