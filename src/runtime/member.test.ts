/**
 * One etcd member's behaviours, exercised end to end through an in-process cluster: every
 * request travels as an envelope through the simulated network, as in the playground.
 */
import { describe, expect, it } from 'vitest';
import { EtcdError, IndeterminateError } from '../client/client.ts';
import type { WatchResponse } from '../server/api.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import { InProcessCluster, type InProcessClusterOptions } from './inProcessCluster.ts';

async function cluster(opts: Partial<InProcessClusterOptions> = {}): Promise<InProcessCluster> {
  const c = await InProcessCluster.create({ size: 3, seed: 11, storageFactory: createMemoryStorageFactory(), ...opts });
  await c.waitForLeader();
  return c;
}

function followers(c: InProcessCluster): string[] {
  const l = c.leader();
  return c.memberNames().filter((n) => n !== l);
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the request to fail');
}

describe('reads', () => {
  it('a linearizable read after a leader change sees every acknowledged write (ReadIndex)', async () => {
    const c = await cluster();
    const old = c.leader()!;
    const w = c.client({ name: 'writer', endpoints: [old] });
    await w.put({ key: 'x', value: '1' });
    // Cut the old leader off; the others elect a new one and take a write.
    c.partition([[old], c.memberNames().filter((n) => n !== old).concat(['writer2', 'reader'])]);
    await c.runUntil(() => {
      const l = c.leader();
      return l !== undefined && l !== old;
    }, 10_000).catch(() => undefined);
    const others = c.memberNames().filter((n) => n !== old);
    await c.runUntil(() => others.some((n) => c.member(n).raftStatus().softState.raft_state === 'StateLeader'), 10_000);
    const newLeader = others.find((n) => c.member(n).raftStatus().softState.raft_state === 'StateLeader')!;
    const follower = others.find((n) => n !== newLeader)!;
    const w2 = c.client({ name: 'writer2', endpoints: [newLeader] });
    await w2.put({ key: 'x', value: '2' });
    // A read served by the follower must reflect the write acknowledged by the new leader.
    const r = c.client({ name: 'reader', endpoints: [follower] });
    const got = await r.range({ key: 'x' });
    expect(got.kvs[0]!.value).toBe('2');
    expect(c.member(follower).raftStatus().softState.raft_state).toBe('StateFollower');
    await c.close();
  });

  it('serializable reads are served locally (stale allowed); linearizable ones on a cut-off member do not answer stale', async () => {
    const c = await cluster();
    const f = followers(c)[0]!;
    const w = c.client({ name: 'w', endpoints: [c.leader()!] });
    await w.put({ key: 'k', value: 'old' });
    await c.runFor(300);
    c.partition([[f, 'isolated'], c.memberNames().filter((n) => n !== f).concat(['w'])]);
    await w.put({ key: 'k', value: 'new' });
    const iso = c.client({ name: 'isolated', endpoints: [f], commandTimeoutMs: 20_000 });
    const stale = await iso.range({ key: 'k', serializable: true });
    expect(stale.kvs[0]!.value).toBe('old');
    const e = await rejection(iso.range({ key: 'k' }));
    expect(e).toBeInstanceOf(IndeterminateError);
    expect(e.message).toBe('etcdserver: request timed out');
    await c.close();
  });
});

describe('request timeout', () => {
  it('a put to a member cut off from the quorum fails as indeterminate with etcd timeout error', async () => {
    const c = await cluster();
    const l = c.leader()!;
    const rest = followers(c);
    c.partition([[l, 'lonely'], rest]);
    const cl = c.client({ name: 'lonely', endpoints: [l], commandTimeoutMs: 20_000 });
    const e = await rejection(cl.put({ key: 'a', value: 'b' }));
    expect(e).toBeInstanceOf(IndeterminateError);
    expect(e.message).toMatch(/^etcdserver: request timed out/);
    // With the default client deadline (5 s, shorter than the server's 7 s), the client gives up
    // first: same outcome, indeterminate. (Partitioned afresh: a leader cut off for an election
    // timeout steps down, and then raft drops proposals at once instead.)
    c.heal();
    const l2 = await c.waitForLeader();
    const quick = c.client({ name: 'quick', endpoints: [l2] });
    c.partition([[l2, 'quick'], c.memberNames().filter((n) => n !== l2)]);
    const e2 = await rejection(quick.put({ key: 'a', value: 'c' }));
    expect(e2).toBeInstanceOf(IndeterminateError);
    expect(e2.message).toBe('context deadline exceeded');
    await c.close();
  });
});

describe('leases', () => {
  it('expiry is decided by the leader; a new leader restarts the countdown (no early expiry after failover)', async () => {
    const c = await cluster();
    const l = c.leader()!;
    const cl = c.client({ name: 'lc' });
    const g = await cl.leaseGrant({ TTL: 5 });
    expect(g.TTL).toBe(5);
    await cl.put({ key: 'owned', value: 'v', lease: g.ID });
    await c.runFor(3000);
    const grantedAt = c.nowMs - 3000;
    await c.crash(l);
    const crashAt = c.nowMs;
    await c.runUntil(() => c.leader() !== undefined, 10_000);
    // 5 s after the grant the old leader would have expired it; the new leader must not, yet.
    await c.runUntil(() => c.nowMs >= grantedAt + 5500, 10_000);
    expect((await cl.range({ key: 'owned' })).kvs).toHaveLength(1);
    // The new leader's countdown: full TTL from its promotion (+ an election timeout); then revoke through raft.
    await c.runUntil(() => c.nowMs >= crashAt + 9000, 20_000);
    expect((await cl.range({ key: 'owned' })).kvs).toHaveLength(0);
    const ttl = await cl.leaseTimeToLive({ ID: g.ID });
    expect(ttl.TTL).toBe(-1);
    await c.close();
  });

  it('keep-alives sent to a follower are forwarded to the leader and extend the lease', async () => {
    const c = await cluster();
    const f = followers(c)[0]!;
    const cl = c.client({ name: 'kf', endpoints: [f] });
    const g = await cl.leaseGrant({ TTL: 3 });
    for (let i = 0; i < 5; i++) {
      await c.runFor(1500);
      const k = await cl.leaseKeepAliveOnce(g.ID);
      expect(k.TTL).toBe(3);
    }
    expect((await cl.leaseTimeToLive({ ID: g.ID })).TTL).toBeGreaterThan(0);
    expect((await cl.leaseLeases()).leases.map((x) => x.ID)).toEqual([g.ID]);
    await c.close();
  });

  it('the minimum TTL follows the election timeout, as in etcd', async () => {
    const c = await cluster();
    const cl = c.client();
    expect((await cl.leaseGrant({ TTL: 1 })).TTL).toBe(2);
    await c.close();
  });
});

describe('NOSPACE alarm', () => {
  it('puts, txns with puts and lease grants fail; reads and deletes work; compact + defrag + disarm recover', async () => {
    const c = await cluster({ settings: { quotaBackendBytes: 8 * 1024 } });
    const cl = c.client();
    let err: Error | undefined;
    for (let i = 0; i < 200 && !err; i++) {
      err = await cl.put({ key: `k${i % 5}`, value: 'x'.repeat(200) }).then(() => undefined, (e: Error) => e);
    }
    expect(err).toBeInstanceOf(EtcdError);
    expect(err!.message).toBe('etcdserver: mvcc: database space exceeded');
    expect((err as EtcdError).code).toBe('ResourceExhausted');
    await c.runFor(500);
    const alarms = await cl.alarm({ action: 'GET' });
    expect(alarms.alarms.map((a) => a.alarm)).toContain('NOSPACE');
    expect((await rejection(cl.txn({ success: [{ request_put: { key: 'k', value: 'v' } }] }))).message).toBe('etcdserver: mvcc: database space exceeded');
    expect((await rejection(cl.leaseGrant({ TTL: 60 }))).message).toBe('etcdserver: mvcc: database space exceeded');
    const r = await cl.range({ key: 'k', range_end: 'l' });
    expect(r.kvs.length).toBeGreaterThan(0);
    await cl.deleteRange({ key: 'k4' });
    const st = await cl.status();
    expect(st.errors.some((e) => e.includes('NOSPACE'))).toBe(true);
    // Recovery, as etcd's docs prescribe: compact, defragment every member, disarm.
    await cl.compact({ revision: r.header.revision + 1, physical: true });
    for (const m of c.memberNames()) await cl.defragment(m);
    for (const a of alarms.alarms) await cl.alarm({ action: 'DEACTIVATE', memberID: a.memberID, alarm: a.alarm });
    expect((await cl.alarm({ action: 'GET' })).alarms).toEqual([]);
    await cl.put({ key: 'after', value: 'ok' });
    expect((await cl.range({ key: 'after' })).kvs[0]!.value).toBe('ok');
    await c.close();
  });
});

describe('membership', () => {
  it('add a learner, learner restrictions, promote when in sync, remove', async () => {
    const c = await cluster();
    const cl = c.client({ name: 'admin' });
    await cl.put({ key: 'a', value: '1' });
    // etcd refuses reconfiguration until every voter has been connected for 5 s.
    expect((await rejection(cl.memberAdd({ peerURLs: ['http://m4:2380'], isLearner: true }))).message).toBe('etcdserver: unhealthy cluster');
    await c.runFor(5000);
    const added = await cl.memberAdd({ peerURLs: ['http://m4:2380'], isLearner: true });
    expect(added.member.isLearner).toBe(true);
    expect(added.members).toHaveLength(4);
    // Not started yet: it cannot be in sync.
    expect((await rejection(cl.memberPromote(added.member.ID))).message).toBe(
      'etcdserver: can only promote a learner member which is in sync with leader',
    );
    await c.launch('m4', added.member.ID, { join: true });
    await c.runUntil(() => c.member('m4').summary().appliedIndex >= c.member(c.leader()!).summary().appliedIndex, 20_000);
    const lc = c.client({ name: 'to-learner', endpoints: ['m4'] });
    const refused = await rejection(lc.put({ key: 'b', value: '2' }));
    expect(refused.message).toBe('etcdserver: rpc not supported for learner');
    expect((await rejection(lc.range({ key: 'a' }))).message).toBe('etcdserver: rpc not supported for learner');
    expect((await lc.range({ key: 'a', serializable: true })).kvs[0]!.value).toBe('1');
    expect((await lc.status()).isLearner).toBe(true);
    // A voter cannot be promoted; the caught-up learner can.
    const voter = added.members.find((m) => !m.isLearner)!;
    expect((await rejection(cl.memberPromote(voter.ID))).message).toBe('etcdserver: can only promote a learner member');
    // etcd's rule: in sync = the learner's match is at least 90% of the leader's. Wait for the
    // new member to publish its name first (one more entry), then for it to be fully caught up.
    await c.runUntil(() => c.member(c.leader()!).membershipView().get(added.member.ID)?.name === 'm4');
    await c.runUntil(() => {
      const p = c.member(c.leader()!).raftStatus().progress!;
      return p[added.member.ID]!.match === p[c.member(c.leader()!).id]!.match;
    });
    const promoted = await cl.memberPromote(added.member.ID);
    expect(promoted.members.find((m) => m.ID === added.member.ID)!.isLearner).toBe(false);
    await c.runFor(500);
    expect((await cl.memberList()).members.find((m) => m.ID === added.member.ID)!.name).toBe('m4');
    await lc.put({ key: 'b', value: '2' });
    // Remove it again; its ID can never come back.
    const after = await cl.memberRemove(added.member.ID);
    expect(after.members).toHaveLength(3);
    expect((await rejection(cl.memberRemove(added.member.ID))).message).toBe('etcdserver: member not found');
    await c.close();
  });

  it('move-leader hands leadership over; a follower refuses it', async () => {
    const c = await cluster();
    const l = c.leader()!;
    const target = followers(c)[0]!;
    const targetId = c.members().find((m) => m.name === target)!.id;
    const cl = c.client({ name: 'ml', endpoints: [l] });
    expect((await rejection(cl.moveLeader(targetId, target))).message).toBe('etcdserver: not leader');
    await cl.moveLeader(targetId, l);
    await c.runFor(300);
    expect(c.leader()).toBe(target);
    await c.close();
  });
});

describe('watch through the cluster', () => {
  it('in order, no gaps, no duplicates; a txn arrives in one response; resumes after the member crashes', async () => {
    const c = await cluster();
    const f = followers(c)[0]!;
    const watcher = c.client({ name: 'watcher', endpoints: [f, ...c.memberNames().filter((n) => n !== f)] });
    const got: WatchResponse[] = [];
    watcher.watch({ key: 'w/', range_end: 'w0', prev_kv: true }, (r) => got.push(r));
    const writers = [0, 1, 2].map((i) => c.client({ name: `wr${i}`, endpoints: [c.memberNames()[i]!] }));
    const ps: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) ps.push(writers[i % 3]!.put({ key: `w/${i % 4}`, value: String(i) }));
    await Promise.all(ps);
    const t = await writers[0]!.txn({ success: [{ request_put: { key: 'w/a', value: '1' } }, { request_put: { key: 'w/b', value: '1' } }] });
    await c.runFor(200);
    const txnResp = got.find((r) => r.events.some((e) => e.kv.mod_revision === t.header.revision))!;
    expect(txnResp.events.map((e) => e.kv.key)).toEqual(['w/a', 'w/b']);
    // Crash the watched member; the client resumes on another from the next revision.
    await c.crash(f);
    const live = writers.filter((_, k) => c.memberNames()[k] !== f);
    for (let i = 30; i < 40; i++) await live[i % live.length]!.put({ key: `w/${i % 4}`, value: String(i) });
    await c.runFor(500);
    const evs = got.flatMap((r) => r.events.map((e) => ({ rev: e.kv.mod_revision, key: e.kv.key })));
    const revs = evs.map((e) => e.rev);
    expect(revs).toEqual([...revs].sort((a, b) => a - b));
    expect(new Set(evs.map((e) => `${e.rev}/${e.key}`)).size).toBe(evs.length);
    const last = (await live[0]!.range({ key: 'w/', range_end: 'w0' })).header.revision;
    // Every write went to w/, so every revision from the first to the last shows up (the txn's twice).
    expect([...new Set(revs)]).toEqual(Array.from({ length: last - revs[0]! + 1 }, (_, i) => revs[0]! + i));
    expect(revs.filter((r) => r === t.header.revision)).toHaveLength(2);
    await c.close();
  });

  it('watch from a compacted revision: created, then canceled with the compact revision', async () => {
    const c = await cluster();
    const cl = c.client();
    for (let i = 0; i < 5; i++) await cl.put({ key: 'c', value: String(i) });
    await cl.compact({ revision: 4 });
    const got: WatchResponse[] = [];
    cl.watch({ key: 'c', start_revision: 2 }, (r) => got.push(r));
    await c.runFor(200);
    expect(got.map((r) => [r.created, r.canceled, r.compact_revision])).toEqual([
      [true, false, 0],
      [false, true, 4],
    ]);
    await c.close();
  });
});

describe('crash and restart', () => {
  it('a restarted member recovers from its storage (snapshot + WAL) and catches up; hashes agree', async () => {
    const c = await cluster({ settings: { snapshotCount: 20, snapshotCatchUpEntries: 5 } });
    const cl = c.client();
    for (let i = 0; i < 30; i++) await cl.put({ key: `r${i % 7}`, value: String(i) });
    const f = followers(c)[0]!;
    await c.runFor(200);
    const appliedBefore = c.member(f).summary().appliedIndex;
    const revBefore = c.member(f).summary().revision;
    await c.crash(f);
    for (let i = 30; i < 90; i++) await cl.put({ key: `r${i % 7}`, value: String(i) });
    await c.restart(f);
    // It starts from its stored backend (state at the consistent index), not from an old snapshot.
    expect(c.member(f).summary().appliedIndex).toBe(appliedBefore);
    expect(c.member(f).summary().revision).toBe(revBefore);
    const rev = (await cl.range({ key: 'r0' })).header.revision;
    await c.runUntil(() => c.member(f).summary().revision === rev, 20_000);
    const hashes = c.memberNames().map((n) => c.member(n).hashKV());
    expect(new Set(hashes).size).toBe(1);
    // And a whole-cluster restart.
    for (const n of c.memberNames()) await c.crash(n);
    for (const n of c.memberNames()) await c.restart(n);
    await c.waitForLeader();
    expect((await cl.range({ key: 'r0' })).kvs[0]!.value).toBe('84');
    await c.close();
  });
});

describe('snapshot save and restore', () => {
  it('a new cluster restored from a saved snapshot holds the same data, revision and hash', async () => {
    const a = await cluster();
    const ca = a.client();
    for (let i = 0; i < 12; i++) await ca.put({ key: `s${i % 5}`, value: String(i) });
    await ca.compact({ revision: 6 });
    const lease = await ca.leaseGrant({ TTL: 600 });
    await ca.put({ key: 'leased', value: 'y', lease: lease.ID });
    const saved = await ca.snapshot();
    const before = await ca.range({ key: 's', range_end: 't' });
    const hashBefore = a.member(a.memberNames()[0]!).hashKV();
    await a.close();

    const b = await cluster({ seed: 99, clusterToken: 'restored', restoreSnapshot: saved.blob });
    const cb = b.client();
    const after = await cb.range({ key: 's', range_end: 't' });
    expect(after.kvs).toEqual(before.kvs);
    expect(after.header.revision).toBe(before.header.revision);
    expect(after.header.cluster_id).not.toBe(before.header.cluster_id);
    expect(new Set(b.memberNames().map((n) => b.member(n).hashKV()))).toEqual(new Set([hashBefore]));
    expect((await cb.leaseTimeToLive({ ID: lease.ID, keys: true })).keys).toEqual(['leased']);
    expect((await rejection(cb.range({ key: 's0', revision: 3 }))).message).toBe('etcdserver: mvcc: required revision has been compacted');
    // The restored data survives a crash of every member right away.
    for (const n of b.memberNames()) await b.crash(n);
    for (const n of b.memberNames()) await b.restart(n);
    await b.waitForLeader();
    expect((await cb.range({ key: 's', range_end: 't' })).kvs).toEqual(before.kvs);
    await b.close();
  });
});

describe('watch requests', () => {
  it('client-chosen IDs, the duplicate-ID refusal, progress requests and progress notifications', async () => {
    const c = await cluster({ settings: { progressNotifyIntervalMs: 1000 } });
    const cl = c.client();
    await cl.put({ key: 'p', value: '1' });
    const got: WatchResponse[] = [];
    const h = cl.watch({ key: 'p', watch_id: 7, progress_notify: true }, (r) => got.push(r));
    await c.runFor(100);
    expect(got[0]!.created).toBe(true);
    expect(got[0]!.watch_id).toBe(7);
    h.requestProgress();
    await c.runFor(100);
    const progress = got.find((r) => r.watch_id === -1)!;
    expect(progress.events).toEqual([]);
    expect(progress.header.revision).toBe(2);
    await c.runFor(1200);
    expect(got.some((r) => r.watch_id === 7 && !r.created && r.events.length === 0)).toBe(true);
    // The same ID twice on one stream: etcd's member answers created + canceled with the reason.
    const m = c.member(c.memberNames()[0]!);
    const dup = (m as unknown as { watches: { onRequest(c: string, s: number, r: unknown, rev: number): void } }).watches;
    const outs: unknown[] = [];
    (m as unknown as { outputs: unknown[] }).outputs = outs;
    dup.onRequest('x', 1, { create_request: { key: 'a', watch_id: 3 } }, 2);
    dup.onRequest('x', 1, { create_request: { key: 'b', watch_id: 3 } }, 2);
    dup.onRequest('x', 1, { create_request: { key: 'b', range_end: 'a' } }, 2);
    const resps = outs.map((o) => (o as { resp: WatchResponse }).resp);
    expect(resps.map((r) => [r.watch_id, r.created, r.canceled, r.cancel_reason])).toEqual([
      [3, true, false, ''],
      [-1, true, true, 'mvcc: duplicate watch ID provided on the WatchStream'],
      [-1, true, true, 'mvcc: watcher range is empty'],
    ]);
    await c.close();
  });
});
