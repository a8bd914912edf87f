import { describe, expect, it } from 'vitest';
import { RaftCluster, describeRaftMessage, fingerprintRaftMessage } from './raftCluster.ts';

/** Proposes `count` values to the current leader, one every 10 ms from now. */
function proposeMany(c: RaftCluster, count: number, prefix = 'v'): void {
  const w = c.world;
  for (let i = 0; i < count; i++) {
    w.at(w.nowMs + 10 * (i + 1), '', () => {
      const l = c.leader();
      if (l) w.command(w.nowMs, l.id, { kind: 'propose', data: `${prefix}${i}` });
    });
  }
}

function digests(c: RaftCluster): Set<string> {
  return new Set(c.running().map((m) => `${m.applied}:${m.digest}`));
}

describe('RaftCluster', () => {
  it('elects one leader, commits proposals and every member applies the same sequence', () => {
    const c = new RaftCluster({ seed: 1, members: 3 });
    c.world.runUntil(3_000);
    const leader = c.leader();
    expect(leader).toBeDefined();
    proposeMany(c, 50);
    c.world.runUntil(6_000);
    expect([...c.firstAppliedAtMs.keys()].filter((d) => d.startsWith('v'))).toHaveLength(50);
    expect(digests(c).size).toBe(1);
    expect(c.checker!.checks).toBeGreaterThan(100);
  });

  it('a crashed member recovers from its storage alone and catches up', () => {
    const c = new RaftCluster({ seed: 2, members: 3, snapshotEvery: 8, keepEntries: 2 });
    c.world.runUntil(3_000);
    proposeMany(c, 30, 'a');
    c.world.runUntil(4_000);
    const follower = c.members().find((m) => m.role === 'follower')!;
    const appliedBefore = follower.applied;
    c.world.crash(follower.id);
    expect(c.world.isUp(follower.id)).toBe(false);
    proposeMany(c, 30, 'b');
    c.world.runUntil(5_000);
    c.world.restart(follower.id);
    // Right after restart: state machine rebuilt from the stored snapshot, nothing newer.
    expect(follower.incarnation).toBe(1);
    expect(follower.applied).toBe(follower.storage.snapshot().metadata.index);
    expect(follower.applied).toBeLessThanOrEqual(appliedBefore);
    c.world.runUntil(8_000);
    expect(digests(c).size).toBe(1);
    expect(follower.applied).toBe(c.leader()!.applied);
  });

  it('a member added after compaction is caught up by snapshot; a removed leader stops', () => {
    const c = new RaftCluster({ seed: 3, members: 3, snapshotEvery: 8, keepEntries: 2 });
    c.world.runUntil(3_000);
    proposeMany(c, 40);
    c.world.runUntil(4_000);
    const leader = c.leader()!;
    const newId = c.newMemberId();
    c.world.command(c.world.nowMs, leader.id, { kind: 'confChange', cc: { type: 'ConfChangeAddNode', node_id: newId, context: '' } });
    c.world.runUntil(6_000);
    const added = c.member(newId);
    expect(c.snapshotsRestored).toBeGreaterThan(0);
    expect(added.confState.voters).toContain(newId);
    expect(added.applied).toBe(leader.applied);
    expect(digests(c).size).toBe(1);

    c.world.command(c.world.nowMs, leader.id, { kind: 'confChange', cc: { type: 'ConfChangeRemoveNode', node_id: leader.id, context: '' } });
    c.world.runUntil(10_000);
    expect(leader.removed).toBe(true);
    expect(c.world.hasActor(leader.id)).toBe(false);
    const next = c.leader();
    expect(next).toBeDefined();
    expect(next!.id).not.toBe(leader.id);
    expect(next!.confState.voters).not.toContain(leader.id);
  });

  it('transfers leadership on request', () => {
    const c = new RaftCluster({ seed: 4, members: 5 });
    c.world.runUntil(3_000);
    const from = c.leader()!;
    const to = c.members().find((m) => m.id !== from.id)!;
    c.world.command(c.world.nowMs, from.id, { kind: 'transferLeader', to: to.id });
    c.world.runUntil(4_000);
    expect(c.leader()?.id).toBe(to.id);
  });

  it('describes and fingerprints messages canonically; rejects a bad size', () => {
    const m = {
      type: 'MsgApp' as const, to: '2', from: '1', term: 3, logTerm: 2, index: 7, entries: [], commit: 6,
      reject: false, rejectHint: 0, context: '',
    };
    expect(describeRaftMessage(m)).toBe('MsgApp t3 i7 lt2 c6 n0');
    expect(fingerprintRaftMessage(m)).toBe(fingerprintRaftMessage({ ...m }));
    expect(fingerprintRaftMessage({ ...m, commit: 7 })).not.toBe(fingerprintRaftMessage(m));
    expect(() => new RaftCluster({ seed: 1, members: 0 })).toThrow(/members/);
  });
});
