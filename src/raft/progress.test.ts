/**
 * The leader's per-follower flow control: probe / replicate / snapshot states, the inflight
 * window, and the per-message size limit.
 */
import { describe, expect, it } from 'vitest';
import { Inflights } from './inflights.ts';
import { Progress } from './progress.ts';
import { ProgressTracker } from './tracker.ts';
import { Network } from './testNetwork.ts';

describe('Inflights', () => {
  it('holds up to size indexes, frees by ack, and wraps around its ring', () => {
    const inf = new Inflights(4);
    for (const i of [1, 2, 3, 4]) inf.add(i);
    expect(inf.full()).toBe(true);
    expect(() => inf.add(5)).toThrow(/full/);
    inf.freeLE(2);
    expect(inf.toArray()).toEqual([3, 4]);
    inf.add(5);
    inf.add(6); // wraps
    expect(inf.toArray()).toEqual([3, 4, 5, 6]);
    inf.freeLE(1); // stale ack: nothing freed
    expect(inf.countNow()).toBe(4);
    inf.freeFirstOne();
    expect(inf.toArray()).toEqual([4, 5, 6]);
    inf.freeLE(100);
    expect(inf.countNow()).toBe(0);
    inf.add(7);
    expect(inf.toArray()).toEqual([7]);
  });
});

describe('Progress', () => {
  it('probe: one message at a time; a rejection moves next back by the hint, a stale one is ignored', () => {
    const pr = new Progress(11, 8, false);
    expect(pr.state).toBe('StateProbe');
    pr.probeSent = true;
    expect(pr.isPaused()).toBe(true);
    expect(pr.maybeDecrTo(5, 3)).toBe(false); // not the latest probe (next-1 = 10)
    expect(pr.maybeDecrTo(10, 4)).toBe(true);
    expect(pr.next).toBe(5);
    expect(pr.isPaused()).toBe(false);
    expect(pr.maybeDecrTo(4, 0)).toBe(true);
    expect(pr.next).toBe(1); // never below 1
  });

  it('replicate: next runs ahead optimistically; a rejection falls back to match+1', () => {
    const pr = new Progress(6, 2, false);
    pr.maybeUpdate(5);
    pr.becomeReplicate();
    expect(pr.next).toBe(6);
    pr.optimisticUpdate(8);
    pr.inflights.add(8);
    pr.optimisticUpdate(9);
    pr.inflights.add(9);
    expect(pr.isPaused()).toBe(true); // window of 2 is full
    expect(pr.maybeDecrTo(4, 4)).toBe(false); // at or below match: stale
    expect(pr.maybeDecrTo(8, 6)).toBe(true);
    expect(pr.next).toBe(6);
  });

  it('snapshot: paused until reported; probe resumes after the snapshot index', () => {
    const pr = new Progress(3, 4, false);
    pr.becomeSnapshot(20);
    expect(pr.isPaused()).toBe(true);
    expect(pr.pendingSnapshot).toBe(20);
    pr.becomeProbe();
    expect(pr.state).toBe('StateProbe');
    expect(pr.next).toBe(21);
  });

  it('maybeUpdate advances match only forward', () => {
    const pr = new Progress(1, 4, false);
    expect(pr.maybeUpdate(5)).toBe(true);
    expect(pr.maybeUpdate(3)).toBe(false);
    expect(pr.match).toBe(5);
    expect(pr.next).toBe(6);
  });
});

describe('ProgressTracker quorum', () => {
  function tracker(matches: Record<string, number>, learners: Record<string, number> = {}): ProgressTracker {
    const t = new ProgressTracker(4);
    for (const [id, m] of Object.entries(matches)) {
      t.voters.add(id);
      const pr = new Progress(m + 1, 4, false);
      pr.match = m;
      t.progress.set(id, pr);
    }
    for (const [id, m] of Object.entries(learners)) {
      t.learners.add(id);
      const pr = new Progress(m + 1, 4, true);
      pr.match = m;
      t.progress.set(id, pr);
    }
    t.configChanged();
    return t;
  }

  it('committed() is the highest index a majority of voters hold; learners do not count', () => {
    expect(tracker({ 1: 7 }).committed()).toBe(7);
    expect(tracker({ 1: 5, 2: 3, 3: 9 }).committed()).toBe(5);
    expect(tracker({ 1: 5, 2: 3, 3: 9, 4: 1 }).committed()).toBe(3);
    expect(tracker({ 1: 2, 2: 8, 3: 8, 4: 1, 5: 6 }).committed()).toBe(6);
    expect(tracker({ 1: 9, 2: 0, 3: 0 }, { 4: 9, 5: 9 }).committed()).toBe(0);
  });

  it('votes: won with a majority, lost when a majority refused, pending otherwise', () => {
    const t = tracker({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }, { 6: 0 });
    t.recordVote('1', true);
    t.recordVote('6', true); // a learner's vote is not counted
    t.recordVote('2', true);
    expect(t.tallyVotes().result).toBe('VotePending');
    t.recordVote('3', false);
    t.recordVote('4', false);
    expect(t.tallyVotes()).toEqual({ granted: 2, rejected: 2, result: 'VotePending' });
    t.recordVote('5', false);
    expect(t.tallyVotes().result).toBe('VoteLost');
    t.recordVote('5', true); // only the first answer counts
    expect(t.tallyVotes().result).toBe('VoteLost');
  });
});

describe('progress in a running cluster', () => {
  it('a new leader probes each follower, then replicates once it answers', () => {
    const nw = new Network(['1', '2', '3']);
    nw.ignore('MsgAppResp'); // look before any append is acknowledged
    nw.campaign('1');
    expect(nw.node('1').raft.state).toBe('StateLeader');
    for (const id of ['2', '3']) expect(nw.node('1').status().progress![id]!.state).toBe('StateProbe');
    expect(nw.node('1').status().progress!['2']!.paused).toBe(true); // one probe out
    nw.recover();
    nw.tick('1');
    for (const id of ['2', '3']) expect(nw.node('1').status().progress![id]!.state).toBe('StateReplicate');
  });

  it('reportUnreachable moves a replicating follower back to probe', () => {
    const nw = new Network(['1', '2', '3']);
    nw.campaign('1');
    expect(nw.node('1').status().progress!['2']!.state).toBe('StateReplicate');
    nw.act('1', (n) => n.reportUnreachable('2'));
    expect(nw.node('1').status().progress!['2']!.state).toBe('StateProbe');
  });

  it('the inflight window bounds unacknowledged MsgApps to one follower; a heartbeat answer frees a slot', () => {
    const nw = new Network(['1', '2', '3'], { maxInflightMsgs: 3, record: true });
    nw.campaign('1');
    // 2 receives appends but its acks are lost.
    nw.msgHook = (m) => (m.type === 'MsgAppResp' && m.from === '2' ? undefined : m);
    const before = nw.delivered.length;
    for (let i = 0; i < 10; i++) nw.propose('1', `v${i}`);
    const appsTo2 = nw.delivered.slice(before).filter((m) => m.type === 'MsgApp' && m.to === '2' && m.entries.length > 0);
    expect(appsTo2.length).toBe(3);
    const pr = nw.node('1').status().progress!['2']!;
    expect(pr.inflight).toBe(3);
    expect(pr.paused).toBe(true);
    // 3 keeps up, so everything commits without 2.
    expect(nw.appliedData('3').length).toBe(10);
    // A heartbeat answer frees one slot: exactly one more MsgApp goes out.
    const mark = nw.delivered.length;
    nw.tick('1');
    const more = nw.delivered.slice(mark).filter((m) => m.type === 'MsgApp' && m.to === '2' && m.entries.length > 0);
    expect(more.length).toBe(1);
    // Once acks flow again, 2 catches up.
    nw.msgHook = undefined;
    nw.tick('1', 3);
    expect(nw.appliedData('2').length).toBe(10);
  });

  it('maxSizePerMsg splits a long catch-up into several MsgApps', () => {
    const nw = new Network(['1', '2', '3'], { maxSizePerMsg: 100, record: true });
    nw.campaign('1');
    nw.isolate('3');
    for (let i = 0; i < 20; i++) nw.propose('1', 'x'.repeat(30)); // ~46 bytes each with overhead
    nw.recover();
    const before = nw.delivered.length;
    nw.tick('1', 2);
    const apps = nw.delivered.slice(before).filter((m) => m.type === 'MsgApp' && m.to === '3' && m.entries.length > 0);
    expect(apps.length).toBeGreaterThanOrEqual(10);
    for (const m of apps) expect(m.entries.length).toBeLessThanOrEqual(2);
    expect(nw.appliedData('3').length).toBe(20);
  });
});
