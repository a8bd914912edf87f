/**
 * Linearizable reads without log writes (Raft thesis §6.4): ReadIndex confirmed by a heartbeat
 * quorum (ReadOnlySafe) or by the leader lease (ReadOnlyLeaseBased), forwarded from followers.
 */
import { describe, expect, it } from 'vitest';
import { Network, storageWithLog } from './testNetwork.ts';

const three = ['1', '2', '3'];

describe('ReadIndex', () => {
  it('ReadOnlySafe: the leader answers with its commit index after a heartbeat quorum echoes the context', () => {
    const nw = new Network(three, { record: true });
    nw.campaign('1');
    nw.propose('1', 'a');
    const before = nw.delivered.length;
    nw.act('1', (n) => n.readIndex('req-1'));
    expect(nw.member('1').readStates).toEqual([{ index: 2, request_ctx: 'req-1' }]);
    const round = nw.delivered.slice(before);
    expect(round.filter((m) => m.type === 'MsgHeartbeat' && m.context === 'req-1').length).toBe(2);
    expect(round.filter((m) => m.type === 'MsgHeartbeatResp' && m.context === 'req-1').length).toBe(2);
  });

  it('ReadOnlySafe: no answer while the leader cannot reach a quorum; answered once it can', () => {
    const nw = new Network(three);
    nw.campaign('1');
    nw.isolate('1');
    nw.act('1', (n) => n.readIndex('r'));
    expect(nw.member('1').readStates).toEqual([]);
    nw.recover();
    nw.tick('1'); // the next heartbeat carries the latest pending context
    expect(nw.member('1').readStates).toEqual([{ index: 1, request_ctx: 'r' }]);
  });

  it('one quorum ack also confirms every earlier pending request, answered in order', () => {
    const nw = new Network(three);
    nw.campaign('1');
    nw.isolate('1');
    nw.act('1', (n) => n.readIndex('r1'));
    nw.propose('1', 'x'); // not committed: 1 is alone
    nw.act('1', (n) => n.readIndex('r2'));
    nw.recover();
    nw.ignore('MsgApp');
    nw.tick('1');
    expect(nw.member('1').readStates.map((r) => r.request_ctx)).toEqual(['r1', 'r2']);
  });

  it('a follower forwards the request to the leader and receives the read state', () => {
    const nw = new Network(three, { record: true });
    nw.campaign('1');
    nw.propose('1', 'a');
    nw.act('3', (n) => n.readIndex('from-3'));
    expect(nw.member('3').readStates).toEqual([{ index: 2, request_ctx: 'from-3' }]);
    expect(nw.member('1').readStates).toEqual([]);
    const resp = nw.delivered.find((m) => m.type === 'MsgReadIndexResp')!;
    expect(resp).toMatchObject({ from: '1', to: '3', index: 2 });
  });

  it('a follower without a leader drops the request', () => {
    const nw = new Network(three);
    nw.act('2', (n) => n.readIndex('lost'));
    expect(nw.member('2').readStates).toEqual([]);
  });

  it('ReadOnlyLeaseBased: once a quorum answered a stamped heartbeat, the leader answers at once, without a heartbeat round', () => {
    const nw = new Network(three, { readOnlyOption: 'ReadOnlyLeaseBased', checkQuorum: true, record: true });
    nw.campaign('1');
    nw.tick('1'); // a heartbeat stamped with the leader's tick, answered by both followers
    const before = nw.delivered.length;
    nw.act('1', (n) => n.readIndex('fast'));
    expect(nw.member('1').readStates).toEqual([{ index: 1, request_ctx: 'fast' }]);
    expect(nw.delivered.length).toBe(before);
    nw.act('2', (n) => n.readIndex('fast-2'));
    expect(nw.member('2').readStates).toEqual([{ index: 1, request_ctx: 'fast-2' }]);
  });

  it('ReadOnlyLeaseBased: with no lease yet, or once it ran out, the leader confirms with a heartbeat round as ReadIndex does', () => {
    const nw = new Network(three, { readOnlyOption: 'ReadOnlyLeaseBased', checkQuorum: true, record: true });
    nw.campaign('1');
    // Just elected: nobody has answered a stamped heartbeat, so there is no lease.
    let before = nw.delivered.length;
    nw.act('1', (n) => n.readIndex('first'));
    expect(nw.member('1').readStates).toEqual([{ index: 1, request_ctx: 'first' }]);
    expect(nw.delivered.slice(before).filter((m) => m.type === 'MsgHeartbeat' && m.context === 'first').length).toBe(2);
    // Cut off: the last answers age. With electionTick 10 the lease lasts 8 of the leader's ticks.
    nw.tick('1');
    nw.isolate('1');
    nw.tick('1', 8);
    nw.act('1', (n) => n.readIndex('still'));
    expect(nw.member('1').readStates.map((r) => r.request_ctx)).toContain('still');
    nw.tick('1');
    before = nw.member('1').readStates.length;
    nw.act('1', (n) => n.readIndex('expired'));
    expect(nw.member('1').readStates.length).toBe(before); // waits for a quorum it cannot reach
    nw.recover();
    nw.tick('1');
    expect(nw.member('1').readStates.map((r) => r.request_ctx)).toContain('expired');
  });

  it('lease-based reads require check-quorum', () => {
    expect(() => new Network(three, { readOnlyOption: 'ReadOnlyLeaseBased' })).toThrow(/CheckQuorum/);
  });

  it('a new leader defers reads until an entry of its own term commits', () => {
    // Entries 1..3 of term 1 were never known committed by the new leader.
    const cs = { voters: three, learners: [] };
    const nw = new Network(three);
    for (const id of three) nw.add(id, storageWithLog(cs, [1, 1, 1], { term: 1 }));
    nw.ignore('MsgApp');
    nw.campaign('1');
    expect(nw.node('1').raft.state).toBe('StateLeader');
    expect(nw.node('1').raft.raftLog.committed).toBe(0);
    nw.tick('1'); // a heartbeat tells the followers who leads (appends are still lost)
    expect(nw.node('2').raft.lead).toBe('1');
    nw.act('1', (n) => n.readIndex('early'));
    nw.act('2', (n) => n.readIndex('early-2'));
    expect(nw.member('1').readStates).toEqual([]);
    expect(nw.member('2').readStates).toEqual([]);
    // Its empty entry (index 4, term 2) commits: the deferred reads are answered with index 4.
    nw.recover();
    nw.tick('1');
    expect(nw.node('1').raft.raftLog.committed).toBe(4);
    expect(nw.member('1').readStates).toEqual([{ index: 4, request_ctx: 'early' }]);
    expect(nw.member('2').readStates).toEqual([{ index: 4, request_ctx: 'early-2' }]);
  });

  it('a single-member cluster answers immediately', () => {
    const nw = new Network(['1']);
    nw.campaign('1');
    nw.act('1', (n) => n.readIndex('solo'));
    expect(nw.member('1').readStates).toEqual([{ index: 1, request_ctx: 'solo' }]);
  });
});
