/**
 * Leadership transfer (Raft thesis §3.10): the leader brings the target up to date, then sends
 * MsgTimeoutNow so it campaigns at once, bypassing the lease check; proposals are refused meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { Network } from './testNetwork.ts';
import { ErrProposalDropped } from './errors.ts';
import { MemoryStorage } from './memoryStorage.ts';

const three = ['1', '2', '3'];

describe('leader transfer', () => {
  for (const opts of [{}, { checkQuorum: true }, { checkQuorum: true, preVote: true }]) {
    it(`hands leadership to an up-to-date follower (${JSON.stringify(opts)})`, () => {
      const nw = new Network(three, { ...opts, record: true });
      nw.campaign('1');
      nw.propose('1', 'a');
      nw.act('1', (n) => n.transferLeader('2'));
      expect(nw.node('2').raft.state).toBe('StateLeader');
      expect(nw.node('2').raft.term).toBe(2);
      expect(nw.node('1').raft.state).toBe('StateFollower');
      expect(nw.node('1').raft.lead).toBe('2');
      // The target campaigned directly (no pre-vote) with the transfer context.
      const votes = nw.delivered.filter((m) => m.type === 'MsgVote' && m.from === '2');
      expect(votes.length).toBe(2);
      expect(votes.every((m) => m.context === 'CampaignTransfer')).toBe(true);
      expect(nw.delivered.some((m) => m.type === 'MsgPreVote' && m.from === '2')).toBe(false);
      nw.propose('2', 'b');
      for (const id of three) expect(nw.appliedData(id)).toEqual(['a', 'b']);
    });
  }

  it('a follower forwards a transfer request to the leader', () => {
    const nw = new Network(three);
    nw.campaign('1');
    nw.act('3', (n) => n.transferLeader('3'));
    expect(nw.node('3').raft.state).toBe('StateLeader');
  });

  it('to a lagging target: the leader first catches it up, refusing proposals meanwhile', () => {
    const nw = new Network(three, { record: true });
    nw.campaign('1');
    nw.isolate('3');
    for (let i = 0; i < 5; i++) nw.propose('1', `v${i}`);
    nw.act('1', (n) => n.transferLeader('3'));
    expect(nw.node('1').raft.leadTransferee).toBe('3');
    expect(nw.node('1').raft.state).toBe('StateLeader');
    expect(nw.delivered.some((m) => m.type === 'MsgTimeoutNow')).toBe(false);
    expect(nw.propose('1', 'refused')).toBe(ErrProposalDropped);
    nw.recover();
    nw.tick('1'); // heartbeat -> 3 answers -> catch-up appends -> MsgTimeoutNow
    expect(nw.node('3').raft.state).toBe('StateLeader');
    expect(nw.appliedData('3')).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    // MsgTimeoutNow went out only after the target acknowledged the leader's whole log.
    const timeoutNowAt = nw.delivered.findIndex((m) => m.type === 'MsgTimeoutNow');
    expect(timeoutNowAt).toBeGreaterThan(0);
    const acks = nw.delivered.slice(0, timeoutNowAt).filter((m) => m.type === 'MsgAppResp' && m.from === '3' && !m.reject);
    expect(acks.length).toBeGreaterThan(0);
    expect(acks[acks.length - 1]!.index).toBe(6); // empty entry 1 + v0..v4
  });

  it('is aborted when it does not finish within an election timeout; proposals are then accepted', () => {
    const nw = new Network(three);
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'x');
    nw.act('1', (n) => n.transferLeader('3'));
    expect(nw.node('1').raft.leadTransferee).toBe('3');
    nw.tick('1', 9);
    expect(nw.node('1').raft.leadTransferee).toBe('3');
    nw.tick('1', 1);
    expect(nw.node('1').raft.leadTransferee).toBe('0');
    expect(nw.node('1').raft.state).toBe('StateLeader');
    expect(nw.propose('1', 'y')).toBeUndefined();
    expect(nw.appliedData('2')).toEqual(['x', 'y']);
  });

  it('a transfer to self, to an unknown member, or to a learner is ignored', () => {
    const nw = new Network(['1', '2', '3', '4'], { learners: ['4'] });
    nw.campaign('1');
    for (const target of ['1', '9', '4']) {
      nw.act('1', (n) => n.transferLeader(target));
      expect(nw.node('1').raft.state).toBe('StateLeader');
      expect(nw.node('1').raft.leadTransferee).toBe('0');
    }
  });

  it('a second request for another target replaces the first; a repeat for the same target is ignored', () => {
    const nw = new Network(three);
    nw.campaign('1');
    nw.isolate('2');
    nw.isolate('3');
    nw.propose('1', 'x');
    nw.act('1', (n) => n.transferLeader('2'));
    const elapsedAfterFirst = nw.node('1').raft.electionElapsed;
    nw.tick('1', 3);
    nw.act('1', (n) => n.transferLeader('2'));
    expect(nw.node('1').raft.electionElapsed).toBe(elapsedAfterFirst + 3); // timer not restarted
    nw.act('1', (n) => n.transferLeader('3'));
    expect(nw.node('1').raft.leadTransferee).toBe('3');
    expect(nw.node('1').raft.electionElapsed).toBe(0);
  });

  it('to a target that needs a snapshot first: it is sent the snapshot, catches up, then takes over', () => {
    const nw = new Network(three, { record: true });
    nw.campaign('1');
    nw.isolate('3');
    for (let i = 0; i < 5; i++) nw.propose('1', `v${i}`);
    const leader = nw.member('1');
    leader.storage.createSnapshot(leader.appliedIndex, leader.node.status().config, 'image');
    leader.storage.compact(leader.appliedIndex);
    nw.recover();
    nw.act('1', (n) => n.transferLeader('3'));
    nw.tick('1');
    expect(nw.delivered.some((m) => m.type === 'MsgSnap' && m.to === '3')).toBe(true);
    expect(nw.node('3').raft.state).toBe('StateLeader');
    expect(nw.member('3').storage.snapshot().data).toBe('image');
  });

  it('is aborted when the target is removed from the configuration', () => {
    const nw = new Network(three);
    nw.campaign('1');
    nw.isolate('3');
    nw.propose('1', 'x');
    nw.act('1', (n) => n.transferLeader('3'));
    expect(nw.node('1').raft.leadTransferee).toBe('3');
    nw.node('1').applyConfChange({ type: 'ConfChangeRemoveNode', node_id: '3', context: '' });
    expect(nw.node('1').raft.leadTransferee).toBe('0');
  });

  it('a member outside the configuration does not campaign on MsgTimeoutNow', () => {
    const nw = new Network(['1', '2', '3']);
    nw.campaign('1');
    const outsider = nw.add('4', new MemoryStorage());
    nw.act('4', (n) =>
      n.step({
        type: 'MsgTimeoutNow', from: '1', to: '4', term: 1, logTerm: 0, index: 0, entries: [], commit: 0,
        reject: false, rejectHint: 0, context: '',
      }),
    );
    expect(outsider.node.raft.state).toBe('StateFollower');
    expect(nw.node('1').raft.state).toBe('StateLeader');
  });

  it('a candidate ignores MsgTimeoutNow', () => {
    const nw = new Network(three);
    nw.isolate('2');
    nw.campaign('2');
    expect(nw.node('2').raft.state).toBe('StateCandidate');
    const term = nw.node('2').raft.term;
    nw.act('2', (n) =>
      n.step({
        type: 'MsgTimeoutNow', from: '1', to: '2', term, logTerm: 0, index: 0, entries: [], commit: 0,
        reject: false, rejectHint: 0, context: '',
      }),
    );
    expect(nw.node('2').raft.term).toBe(term);
  });
});
