/**
 * Log compaction and InstallSnapshot (Raft paper §7): a follower whose next entry was compacted
 * away is sent the leader's snapshot, restores it, and then replicates normally.
 */
import { describe, expect, it } from 'vitest';
import { Network, seededRandInt } from './testNetwork.ts';
import { MemoryStorage } from './memoryStorage.ts';
import { RawNode } from './rawNode.ts';
import type { Message } from './types.ts';
import { ErrSnapshotTemporarilyUnavailable } from './errors.ts';

const three = ['1', '2', '3'];

/** Leader 1 commits 10 entries while 3 is away, then snapshots at its applied index and compacts. */
function laggingFollowerBehindSnapshot(): Network {
  const nw = new Network(three, { record: true });
  nw.campaign('1');
  nw.isolate('3');
  for (let i = 0; i < 10; i++) nw.propose('1', `v${i}`);
  const leader = nw.member('1');
  const applied = leader.appliedIndex;
  expect(applied).toBe(11);
  leader.storage.createSnapshot(applied, leader.node.status().config, 'state@11');
  leader.storage.compact(applied);
  expect(leader.storage.firstIndex()).toBe(12);
  return nw;
}

describe('snapshots', () => {
  it('a follower whose next entry was compacted gets MsgSnap, restores it, then replicates normally', () => {
    const nw = laggingFollowerBehindSnapshot();
    nw.recover();
    nw.tick('1'); // heartbeat; 3 answers; its next entry (2) is gone: snapshot
    const snaps = nw.delivered.filter((m) => m.type === 'MsgSnap');
    expect(snaps.length).toBe(1);
    expect(snaps[0]!.snapshot!.metadata).toMatchObject({ index: 11, term: 1 });
    expect(snaps[0]!.snapshot!.data).toBe('state@11');
    const f = nw.member('3');
    expect(f.storage.snapshot().metadata.index).toBe(11);
    expect(f.appliedIndex).toBe(11);
    expect(f.node.raft.raftLog.committed).toBe(11);
    // Normal replication afterwards.
    nw.propose('1', 'after');
    expect(nw.appliedData('3')).toEqual(['after']);
    expect(nw.logTerms('3')).toEqual([1]);
    expect(f.storage.firstIndex()).toBe(12);
    const pr = nw.node('1').status().progress!['3']!;
    expect(pr.state).toBe('StateReplicate');
    expect(pr.match).toBe(12);
  });

  it('the leader stays in StateSnapshot (sending nothing else) until the snapshot is reported', () => {
    const nw = laggingFollowerBehindSnapshot();
    nw.recover();
    // The snapshot is still on its way: the transport has not reported anything yet.
    nw.reportSnapshots = false;
    nw.msgHook = (m) => (m.type === 'MsgSnap' ? undefined : m);
    const leader = nw.node('1');
    nw.tick('1');
    const pr = leader.status().progress!['3']!;
    expect(pr.state).toBe('StateSnapshot');
    expect(pr.pendingSnapshot).toBe(11);
    expect(pr.paused).toBe(true);
    const before = nw.delivered.length;
    nw.tick('1', 3);
    expect(nw.delivered.slice(before).filter((m) => m.to === '3' && m.type === 'MsgApp')).toEqual([]);
  });

  it('reportSnapshot(failure) returns the follower to probe, and the snapshot is sent again', () => {
    const nw = laggingFollowerBehindSnapshot();
    nw.recover();
    nw.msgHook = (m) => (m.type === 'MsgSnap' ? undefined : m); // lost: the network reports failure
    nw.tick('1');
    let pr = nw.node('1').status().progress!['3']!;
    expect(pr.state).toBe('StateProbe');
    expect(pr.pendingSnapshot).toBe(0);
    expect(pr.paused).toBe(true); // waits for the next heartbeat answer before probing
    nw.msgHook = undefined;
    nw.tick('1');
    pr = nw.node('1').status().progress!['3']!;
    expect(pr.state).toBe('StateReplicate');
    expect(pr.match).toBe(11);
    expect(nw.delivered.filter((m) => m.type === 'MsgSnap').length).toBe(1);
  });

  it('reportSnapshot(finish) moves progress to probe right after the snapshot index', () => {
    const nw = laggingFollowerBehindSnapshot();
    nw.recover();
    nw.reportSnapshots = false;
    nw.msgHook = (m) => (m.type === 'MsgSnap' ? undefined : m);
    nw.tick('1');
    const leader = nw.node('1');
    expect(leader.status().progress!['3']!.state).toBe('StateSnapshot');
    leader.reportSnapshot('3', 'finish');
    const pr = leader.status().progress!['3']!;
    expect(pr.state).toBe('StateProbe');
    expect(pr.next).toBe(12);
    expect(pr.paused).toBe(true);
  });

  it('while storage says the snapshot is temporarily unavailable, the leader waits and retries later', () => {
    const nw = new Network(three, { record: true });
    nw.campaign('1');
    nw.isolate('3');
    for (let i = 0; i < 5; i++) nw.propose('1', `v${i}`);
    const leader = nw.member('1');
    leader.storage.createSnapshot(6, leader.node.status().config, 'state@6');
    leader.storage.compact(6);
    let unavailable = true;
    const real = leader.storage.snapshot.bind(leader.storage);
    leader.storage.snapshot = () => {
      if (unavailable) throw ErrSnapshotTemporarilyUnavailable;
      return real();
    };
    nw.recover();
    nw.tick('1', 2);
    expect(nw.delivered.filter((m) => m.type === 'MsgSnap')).toEqual([]);
    expect(nw.node('1').status().progress!['3']!.state).toBe('StateProbe');
    unavailable = false;
    nw.tick('1', 2);
    expect(nw.delivered.filter((m) => m.type === 'MsgSnap').length).toBe(1);
    expect(nw.member('3').appliedIndex).toBe(6);
  });

  it('a member restarts from a snapshot plus the entries after it', () => {
    const nw = laggingFollowerBehindSnapshot();
    nw.recover();
    nw.tick('1');
    nw.propose('1', 'after');
    nw.crash('3');
    const m = nw.restart('3');
    const r = m.node.raft;
    expect(r.raftLog.firstIndex()).toBe(12);
    expect(r.raftLog.lastIndex()).toBe(12);
    expect(r.raftLog.committed).toBe(12);
    expect(r.raftLog.applied).toBe(12);
    expect(m.node.hasReady()).toBe(false);
  });

  it('a snapshot older than what the follower committed is ignored (it answers with its commit)', () => {
    const s = new MemoryStorage({ voters: three, learners: [] });
    s.append([
      { term: 1, index: 1, type: 'EntryNormal', data: '' },
      { term: 1, index: 2, type: 'EntryNormal', data: '' },
    ]);
    s.setHardState({ term: 1, vote: '0', commit: 2 });
    const n = new RawNode({ id: '2', electionTick: 10, heartbeatTick: 1, storage: s, randInt: seededRandInt(1) });
    const snap: Message = {
      type: 'MsgSnap', from: '1', to: '2', term: 1, logTerm: 0, index: 0, entries: [], commit: 0, reject: false,
      rejectHint: 0, context: '',
      snapshot: { data: 'x', metadata: { index: 1, term: 1, conf_state: { voters: three, learners: [] } } },
    };
    n.step(snap);
    const rd = n.ready();
    expect(rd.snapshot).toBeUndefined();
    expect(rd.messages.map((m) => [m.type, m.index])).toEqual([['MsgAppResp', 2]]);
  });

  it('restoring a snapshot replaces the configuration with the snapshot\u2019s', () => {
    const s = new MemoryStorage({ voters: three, learners: [] });
    const n = new RawNode({ id: '2', electionTick: 10, heartbeatTick: 1, storage: s, randInt: seededRandInt(1) });
    n.step({
      type: 'MsgSnap', from: '1', to: '2', term: 3, logTerm: 0, index: 0, entries: [], commit: 0, reject: false,
      rejectHint: 0, context: '',
      snapshot: { data: 'x', metadata: { index: 20, term: 3, conf_state: { voters: ['1', '2'], learners: ['5'] } } },
    });
    expect(n.status().config).toEqual({ voters: ['1', '2'], learners: ['5'] });
    const rd = n.ready();
    expect(rd.snapshot!.metadata.index).toBe(20);
    expect(rd.committedEntries).toEqual([]);
    expect(rd.messages.map((m) => [m.type, m.index])).toEqual([['MsgAppResp', 20]]);
    expect(rd.mustSync).toBe(true); // term changed
    s.applySnapshot(rd.snapshot!);
    n.advance(rd);
    expect(n.raft.raftLog.applied).toBe(20);
    expect(n.hasReady()).toBe(false);
  });
});
