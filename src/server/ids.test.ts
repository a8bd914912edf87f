import { describe, expect, it } from 'vitest';
import { IdGenerator, computeClusterId, computeMemberId, sha1 } from './ids.ts';
import { Membership } from './membership.ts';
import { decodeRaftRequest, encodeRaftRequest, raftRequestKind } from './raftRequest.ts';
import { Wait } from './wait.ts';

const hex = (u: Uint8Array) => Array.from(u, (b) => b.toString(16).padStart(2, '0')).join('');

describe('ids as etcd derives them', () => {
  it('sha1 matches the published test vectors', () => {
    expect(hex(sha1(new TextEncoder().encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  it("a default single-member etcd's member and cluster IDs come out as etcd prints them", () => {
    // etcd started with no flags: peer URL http://localhost:2380, token etcd-cluster.
    const id = computeMemberId(['http://localhost:2380'], 'etcd-cluster');
    expect(id).toBe('8e9e05c52164694d');
    expect(computeClusterId([id])).toBe('cdf818194e3a8c32');
  });

  it('member ID does not depend on peer URL order; a runtime add with a time differs', () => {
    const a = computeMemberId(['http://b:2380', 'http://a:2380'], 't');
    expect(computeMemberId(['http://a:2380', 'http://b:2380'], 't')).toBe(a);
    expect(computeMemberId(['http://a:2380', 'http://b:2380'], 't', 1700000000)).not.toBe(a);
  });

  it('request ID generator carries the member prefix and never repeats', () => {
    const g = new IdGenerator('8e9e05c52164694d', 1234);
    const ids = new Set(Array.from({ length: 1000 }, () => g.next()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id.padStart(16, '0').slice(0, 4)).toBe('694d');
  });
});

describe('membership registry', () => {
  it('bootstrap, add, promote, remove and refusals', () => {
    const ms = Membership.bootstrap(
      [1, 2, 3].map((i) => ({ name: `m${i}`, peerURLs: [`http://m${i}:2380`], clientURLs: [`http://m${i}:2379`] })),
      'tok',
    );
    expect(ms.voters()).toHaveLength(3);
    const newId = computeMemberId(['http://m4:2380'], 'tok', 5);
    const m4 = { ID: newId, name: '', peerURLs: ['http://m4:2380'], clientURLs: [], isLearner: true };
    expect(ms.validateAdd(m4)).toBeNull();
    expect(ms.validateAdd({ ...m4, ID: '1' , peerURLs: ['http://m1:2380'] })).toBe('PeerURLExists');
    ms.add(m4);
    expect(ms.validateAdd(m4)).toBe('IDExists');
    expect(ms.learners()).toEqual([newId]);
    expect(ms.validatePromote(ms.voters()[0]!)).toBe('MemberNotLearner');
    ms.promote(newId);
    expect(ms.voters()).toContain(newId);
    ms.remove(newId);
    expect(ms.validateRemove(newId)).toBe('IDRemoved');
    expect(ms.validateAdd(m4)).toBe('IDRemoved');
    expect(Membership.restore(ms.snapshot()).snapshot()).toEqual(ms.snapshot());
  });
});

describe('raft request encoding and waiters', () => {
  it('round-trips and rejects entries with no or two requests', () => {
    const r = { header: { ID: 'abc' }, put: { key: 'k', value: 'v' } };
    const d = decodeRaftRequest(encodeRaftRequest(r));
    expect(d).toEqual(r);
    expect(raftRequestKind(d)).toBe('put');
    expect(() => decodeRaftRequest(JSON.stringify({ header: { ID: '1' } }))).toThrow(/exactly one/);
    expect(() => decodeRaftRequest(JSON.stringify({ header: { ID: '1' }, put: { key: 'a' }, range: { key: 'a' } }))).toThrow(/exactly one/);
  });

  it('a waiter is answered once; unknown IDs are ignored', () => {
    const w = new Wait<number>();
    w.register('1', 7);
    expect(() => w.register('1', 8)).toThrow(/duplicate/);
    expect(w.take('1')).toBe(7);
    expect(w.take('1')).toBeUndefined();
    expect(w.take('nope')).toBeUndefined();
  });
});
