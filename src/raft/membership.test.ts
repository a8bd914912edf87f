/**
 * Membership changes, one server at a time (Raft thesis §4.1), and learners (non-voting members).
 */
import { describe, expect, it } from 'vitest';
import { Network, seededRandInt, storageWithLog } from './testNetwork.ts';
import { RawNode } from './rawNode.ts';
import { MemoryStorage } from './memoryStorage.ts';
import { decodeConfChange, encodeConfChange } from './confChange.ts';
import type { ConfChange } from './types.ts';

const cc = (type: ConfChange['type'], node_id: string, context = ''): ConfChange => ({ type, node_id, context });

describe('membership', () => {
  it('bootstrap writes one committed ConfChangeAddNode per peer at indexes 1..n', () => {
    const nw = new Network(['1', '2', '3'], { bootstrap: true });
    for (const id of ['1', '2', '3']) {
      const m = nw.member(id);
      expect(m.applied.map((e) => [e.index, e.term, e.type])).toEqual([
        [1, 1, 'EntryConfChange'],
        [2, 1, 'EntryConfChange'],
        [3, 1, 'EntryConfChange'],
      ]);
      expect(decodeConfChange(m.applied[1]!.data)).toEqual(cc('ConfChangeAddNode', '2'));
      expect(m.storage.initialState().hardState).toEqual({ term: 1, vote: '0', commit: 3 });
      expect(m.node.status().config).toEqual({ voters: ['1', '2', '3'], learners: [] });
    }
    nw.campaign('1');
    expect(nw.node('1').raft.term).toBe(2);
    expect(() => nw.node('1').bootstrap(['1'])).toThrow(/nonempty/);
  });

  it('adds a voter: the new member catches up from the log and then counts toward the quorum', () => {
    const nw = new Network(['1', '2', '3'], { bootstrap: true });
    nw.campaign('1');
    nw.propose('1', 'before');
    nw.add('4', new MemoryStorage()); // knows nothing yet: learns everything from the leader
    nw.act('1', (n) => n.proposeConfChange(cc('ConfChangeAddNode', '4', 'member-4-attrs')));
    expect(nw.node('1').status().config.voters).toEqual(['1', '2', '3', '4']);
    nw.tick('1', 2);
    expect(nw.node('4').status().config.voters).toEqual(['1', '2', '3', '4']);
    expect(nw.appliedData('4')).toEqual(['before']);
    // With four voters the quorum is three: the leader plus one other no longer suffices.
    nw.crash('3');
    nw.crash('4');
    nw.propose('1', 'needs-3-of-4');
    expect(nw.appliedData('1')).toEqual(['before']);
    nw.restart('4');
    nw.tick('1', 2);
    expect(nw.appliedData('1')).toEqual(['before', 'needs-3-of-4']);
  });

  it('removes a voter: the quorum shrinks, and the removed member gets no more messages', () => {
    const nw = new Network(['1', '2', '3'], { record: true });
    nw.campaign('1');
    nw.act('1', (n) => n.proposeConfChange(cc('ConfChangeRemoveNode', '3')));
    expect(nw.node('1').status().config.voters).toEqual(['1', '2']);
    const before = nw.delivered.length;
    nw.crash('2');
    nw.propose('1', 'x');
    expect(nw.appliedData('1')).toEqual([]); // 1 of 2
    nw.restart('2');
    nw.tick('1', 2);
    expect(nw.appliedData('1')).toEqual(['x']);
    expect(nw.delivered.slice(before).some((m) => m.to === '3')).toBe(false);
    expect(nw.node('1').status().progress!['3']).toBeUndefined();
  });

  it('a leader that removes itself steps down, and the others elect a new leader', () => {
    const nw = new Network(['1', '2', '3']);
    nw.campaign('1');
    nw.act('1', (n) => n.proposeConfChange(cc('ConfChangeRemoveNode', '1')));
    expect(nw.node('1').raft.state).toBe('StateFollower');
    nw.crash('1');
    const leader = nw.tickUntilLeader();
    expect(['2', '3']).toContain(leader);
    expect(nw.node(leader).status().config.voters).toEqual(['2', '3']);
  });

  it('only one conf change may be pending: a second one is replaced by an empty normal entry', () => {
    const nw = new Network(['1', '2', '3']);
    nw.campaign('1');
    nw.ignore('MsgApp'); // nothing commits while both are proposed
    nw.act('1', (n) => n.proposeConfChange(cc('ConfChangeAddLearnerNode', '4')));
    nw.act('1', (n) => n.proposeConfChange(cc('ConfChangeAddLearnerNode', '5')));
    const log = nw.node('1').raft.raftLog;
    const ents = log.slice(2, log.lastIndex() + 1, Infinity);
    expect(ents.map((e) => [e.index, e.type, e.data])).toEqual([
      [2, 'EntryConfChange', encodeConfChange(cc('ConfChangeAddLearnerNode', '4'))],
      [3, 'EntryNormal', ''],
    ]);
    nw.recover();
    nw.tick('1', 2);
    expect(nw.node('1').status().config.learners).toEqual(['4']);
    // Once applied, the next change is accepted.
    nw.act('1', (n) => n.proposeConfChange(cc('ConfChangeAddLearnerNode', '5')));
    expect(nw.node('1').status().config.learners).toEqual(['4', '5']);
  });

  it('a new leader does not accept a conf change until it has applied the log it was elected with', () => {
    const cs = { voters: ['1', '2', '3'], learners: [] };
    const nw = new Network(['1', '2', '3']);
    for (const id of ['1', '2', '3']) nw.add(id, storageWithLog(cs, [1, 1, 1], { term: 1 }));
    nw.ignore('MsgApp');
    nw.campaign('1');
    // Its log up to index 3 might hold a conf change nobody applied yet.
    expect(nw.node('1').raft.pendingConfIndex).toBe(3);
    nw.act('1', (n) => n.proposeConfChange(cc('ConfChangeAddLearnerNode', '4')));
    const log = nw.node('1').raft.raftLog;
    expect(log.slice(5, 6, Infinity)[0]).toMatchObject({ index: 5, type: 'EntryNormal', data: '' });
    nw.recover();
    nw.tick('1', 2);
    expect(nw.member('1').appliedIndex).toBe(5);
    nw.act('1', (n) => n.proposeConfChange(cc('ConfChangeAddLearnerNode', '4')));
    expect(nw.node('1').status().config.learners).toEqual(['4']);
  });

  it('a member does not campaign while a committed conf change is still unapplied', () => {
    const s = new MemoryStorage({ voters: ['1', '2', '3'], learners: [] });
    s.append([{ term: 1, index: 1, type: 'EntryConfChange', data: encodeConfChange(cc('ConfChangeAddNode', '4')) }]);
    s.setHardState({ term: 1, vote: '0', commit: 1 });
    const n = new RawNode({ id: '1', electionTick: 10, heartbeatTick: 1, storage: s, randInt: seededRandInt(1) });
    n.campaign();
    expect(n.raft.state).toBe('StateFollower');
    const rd = n.ready();
    expect(rd.committedEntries.length).toBe(1);
    n.applyConfChange(decodeConfChange(rd.committedEntries[0]!.data));
    n.advance(rd);
    n.campaign();
    expect(n.raft.state).toBe('StateCandidate');
  });

  describe('learners', () => {
    it('receive the log but never vote, never campaign and never count toward the quorum', () => {
      const nw = new Network(['1', '2', '3', '4'], { learners: ['4'], record: true });
      nw.campaign('1');
      expect(nw.delivered.some((m) => m.type === 'MsgVote' && m.to === '4')).toBe(false);
      nw.propose('1', 'x');
      expect(nw.appliedData('4')).toEqual(['x']);
      // A learner left alone never starts an election.
      nw.isolate('4');
      nw.tick('4', 100);
      expect(nw.node('4').raft.state).toBe('StateFollower');
      expect(nw.node('4').raft.term).toBe(1);
      nw.recover();
      // Leader + learner is not a quorum of three voters.
      nw.crash('2');
      nw.crash('3');
      nw.propose('1', 'y');
      expect(nw.node('4').raft.raftLog.lastIndex()).toBe(3);
      expect(nw.appliedData('1')).toEqual(['x']);
    });

    it('a learner that is asked to vote does not answer with a grant that counts', () => {
      const nw = new Network(['1', '2', '3'], { learners: ['3'] });
      nw.crash('2');
      nw.campaign('1'); // needs 2 of {1, 2}; learner 3's answer must not count
      expect(nw.node('1').raft.state).toBe('StateCandidate');
    });

    it('is promoted to voter by ConfChangeAddNode, keeping its progress, and may then lead', () => {
      const nw = new Network(['1', '2', '3', '4'], { learners: ['4'] });
      nw.campaign('1');
      nw.propose('1', 'x');
      const matchBefore = nw.node('1').status().progress!['4']!.match;
      nw.act('1', (n) => n.proposeConfChange(cc('ConfChangeAddNode', '4')));
      const pr = nw.node('1').status().progress!['4']!;
      expect(pr.isLearner).toBe(false);
      expect(pr.match).toBeGreaterThanOrEqual(matchBefore);
      nw.tick('1', 2);
      expect(nw.node('4').status().config).toEqual({ voters: ['1', '2', '3', '4'], learners: [] });
      expect(nw.node('4').raft.isLearner).toBe(false);
      nw.act('1', (n) => n.transferLeader('4'));
      expect(nw.node('4').raft.state).toBe('StateLeader');
    });

    it('a learner added by conf change catches up without affecting the quorum', () => {
      const nw = new Network(['1', '2', '3'], { bootstrap: true });
      nw.campaign('1');
      nw.add('4', new MemoryStorage());
      nw.act('1', (n) => n.proposeConfChange(cc('ConfChangeAddLearnerNode', '4')));
      nw.propose('1', 'x');
      nw.tick('1', 2);
      expect(nw.appliedData('4')).toEqual(['x']);
      expect(nw.node('4').status().config).toEqual({ voters: ['1', '2', '3'], learners: ['4'] });
      expect(nw.node('4').raft.isLearner).toBe(true);
    });
  });

  it('removing (or demoting) the last voter is refused and changes nothing', () => {
    const nw = new Network(['1', '2'], { learners: ['2'] });
    const n = nw.node('1');
    expect(() => n.applyConfChange(cc('ConfChangeRemoveNode', '1'))).toThrow(/removed all voters/);
    expect(() => n.applyConfChange(cc('ConfChangeAddLearnerNode', '1'))).toThrow(/removed all voters/);
    expect(n.status().config).toEqual({ voters: ['1'], learners: ['2'] });
  });

  it('conf changes are validated before anything changes', () => {
    const nw = new Network(['1', '2', '3']);
    nw.campaign('1');
    const last = nw.node('1').raft.raftLog.lastIndex();
    expect(() => nw.node('1').proposeConfChange(cc('ConfChangeAddNode', 'XYZ'))).toThrow(/node_id/);
    expect(() => nw.node('1').proposeConfChange({ type: 'Bogus', node_id: '4', context: '' } as never)).toThrow(
      /unknown type/,
    );
    expect(() => decodeConfChange('not json')).toThrow(/not valid JSON/);
    expect(nw.node('1').raft.raftLog.lastIndex()).toBe(last);
  });
});
