/**
 * RawNode's contract with the application: what a Ready holds, when it must be synced, what
 * advance() acknowledges, errors, and restart from storage.
 */
import { describe, expect, it } from 'vitest';
import { RawNode } from './rawNode.ts';
import { MemoryStorage } from './memoryStorage.ts';
import { seededRandInt } from './testNetwork.ts';
import { ErrProposalDropped, ErrStepLocalMsg, ErrStepPeerNotFound, RaftError } from './errors.ts';
import { newMessage } from './util.ts';
import type { Config, Ready } from './types.ts';

function mk(id: string, storage: MemoryStorage, extra: Partial<Config> = {}): RawNode {
  return new RawNode({ id, electionTick: 10, heartbeatTick: 1, storage, randInt: seededRandInt(3), ...extra });
}

/** What the application does with a Ready: persist, (send), apply, advance. */
function handle(n: RawNode, s: MemoryStorage, rd: Ready): void {
  if (rd.snapshot) s.applySnapshot(rd.snapshot);
  s.append(rd.entries);
  if (rd.hardState) s.setHardState(rd.hardState);
  n.advance(rd);
}

describe('RawNode', () => {
  it('a single member elects itself; its Readys carry the state changes, entries and commits', () => {
    const s = new MemoryStorage({ voters: ['1'], learners: [] });
    const n = mk('1', s);
    expect(n.hasReady()).toBe(false);
    n.campaign();
    expect(n.hasReady()).toBe(true);
    const rd = n.ready();
    expect(rd.softState).toEqual({ lead: '1', raft_state: 'StateLeader' });
    expect(rd.hardState).toEqual({ term: 1, vote: '1', commit: 1 });
    expect(rd.entries).toEqual([{ term: 1, index: 1, type: 'EntryNormal', data: '' }]);
    // A lone voter commits at once; the entry must still be persisted before it is applied.
    expect(rd.committedEntries).toEqual(rd.entries);
    expect(rd.messages).toEqual([]);
    expect(rd.mustSync).toBe(true);
    handle(n, s, rd);
    expect(n.hasReady()).toBe(false);

    n.propose('hello');
    const rd2 = n.ready();
    expect(rd2.softState).toBeUndefined();
    expect(rd2.entries.map((e) => [e.index, e.term, e.data])).toEqual([[2, 1, 'hello']]);
    expect(rd2.hardState).toEqual({ term: 1, vote: '1', commit: 2 });
    expect(rd2.mustSync).toBe(true);
    handle(n, s, rd2);
    expect(n.status().applied).toBe(2);
  });

  it('messages and read states are handed out once; entries stay until advance', () => {
    const s = new MemoryStorage({ voters: ['1', '2', '3'], learners: [] });
    const n = mk('1', s);
    n.campaign();
    const rd = n.ready();
    expect(rd.messages.map((m) => [m.type, m.to])).toEqual([
      ['MsgVote', '2'],
      ['MsgVote', '3'],
    ]);
    expect(rd.mustSync).toBe(true); // term and vote changed: durable before the votes go out
    const again = n.ready();
    expect(again.messages).toEqual([]);
    expect(again.hardState).toEqual(rd.hardState); // not yet acknowledged by advance
    handle(n, s, rd);
    expect(n.hasReady()).toBe(false);
  });

  it('a commit-only change does not require a sync', () => {
    const s = new MemoryStorage({ voters: ['1', '2'], learners: [] });
    const n = mk('2', s);
    n.step(newMessage({ type: 'MsgApp', from: '1', to: '2', term: 1, index: 0, logTerm: 0, commit: 0,
      entries: [{ term: 1, index: 1, type: 'EntryNormal', data: 'a' }] }));
    const rd1 = n.ready();
    expect(rd1.mustSync).toBe(true);
    handle(n, s, rd1);
    n.step(newMessage({ type: 'MsgHeartbeat', from: '1', to: '2', term: 1, commit: 1 }));
    const rd2 = n.ready();
    expect(rd2.hardState).toEqual({ term: 1, vote: '0', commit: 1 });
    expect(rd2.committedEntries.map((e) => e.data)).toEqual(['a']);
    expect(rd2.entries).toEqual([]);
    expect(rd2.mustSync).toBe(false);
  });

  it('restarts from storage with its term, vote, commit and applied index, without a repeated HardState', () => {
    const s = new MemoryStorage({ voters: ['1'], learners: [] });
    const n = mk('1', s);
    n.campaign();
    handle(n, s, n.ready());
    n.propose('a');
    n.propose('b');
    handle(n, s, n.ready());
    const r = mk('1', s, { applied: 2 });
    expect(r.status().hardState).toEqual({ term: 1, vote: '1', commit: 3 });
    expect(r.raft.state).toBe('StateFollower');
    const rd = r.ready();
    expect(rd.hardState).toBeUndefined();
    expect(rd.committedEntries.map((e) => e.data)).toEqual(['b']); // only what was not applied
  });

  it('step rejects local message types and responses from unknown members', () => {
    const n = mk('1', new MemoryStorage({ voters: ['1', '2'], learners: [] }));
    for (const type of ['MsgHup', 'MsgBeat', 'MsgUnreachable', 'MsgSnapStatus', 'MsgCheckQuorum'] as const) {
      expect(() => n.step(newMessage({ type, from: '2', to: '1' }))).toThrow(ErrStepLocalMsg);
    }
    expect(() => n.step(newMessage({ type: 'MsgAppResp', from: '9', to: '1', term: 1 }))).toThrow(ErrStepPeerNotFound);
    expect(n.raft.term).toBe(0);
    // Non-responses from unknown members are stepped (a new member's first message, say).
    n.step(newMessage({ type: 'MsgHeartbeat', from: '9', to: '1', term: 1 }));
    expect(n.raft.term).toBe(1);
  });

  it('propose without a leader throws ErrProposalDropped, a RaftError with etcd\u2019s message', () => {
    const n = mk('1', new MemoryStorage({ voters: ['1', '2'], learners: [] }));
    expect(() => n.propose('x')).toThrow(ErrProposalDropped);
    try {
      n.propose('x');
    } catch (e) {
      expect(e).toBeInstanceOf(RaftError);
      expect((e as Error).message).toBe('raft proposal dropped');
    }
    expect(n.hasReady()).toBe(false);
  });

  it('rejects bad configuration with a clear error', () => {
    const s = new MemoryStorage({ voters: ['1'], learners: [] });
    expect(() => mk('0', s)).toThrow(/id/);
    expect(() => mk('1', s, { electionTick: 1, heartbeatTick: 1 })).toThrow(/election tick/);
    expect(() => mk('1', s, { heartbeatTick: 0 })).toThrow(/heartbeat/);
    expect(() => mk('1', s, { maxInflightMsgs: 0 })).toThrow(/inflight/);
    expect(() => mk('1', s, { randInt: undefined as never })).toThrow(/randInt/);
  });

  it('status() reports progress only on the leader', () => {
    const s = new MemoryStorage({ voters: ['1', '2', '3'], learners: [] });
    const n = mk('1', s);
    expect(n.status().progress).toBeUndefined();
    n.campaign();
    n.step(newMessage({ type: 'MsgVoteResp', from: '2', to: '1', term: 1 }));
    const st = n.status();
    expect(st.softState.raft_state).toBe('StateLeader');
    expect(Object.keys(st.progress!)).toEqual(['1', '2', '3']);
    expect(st.progress!['1']).toMatchObject({ match: 1, state: 'StateReplicate' });
    expect(st.config).toEqual({ voters: ['1', '2', '3'], learners: [] });
    expect(st.randomizedElectionTimeout).toBeGreaterThanOrEqual(10);
  });

  it('bootstrap rejects no peers and bad IDs without changing anything', () => {
    const s = new MemoryStorage();
    const n = mk('1', s);
    expect(() => n.bootstrap([])).toThrow(/at least one peer/);
    expect(() => n.bootstrap(['1', 'NOPE'])).toThrow(/node_id/);
    expect(n.hasReady()).toBe(false);
    n.bootstrap([{ id: '1', context: 'attrs' }]);
    const rd = n.ready();
    expect(rd.hardState).toEqual({ term: 1, vote: '0', commit: 1 });
    expect(rd.committedEntries.length).toBe(1);
  });
});
