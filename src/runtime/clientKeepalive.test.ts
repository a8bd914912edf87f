/**
 * A client cut off from its member by the network (not by a crash): the keep-alive notices,
 * the connection breaks, requests on it end indeterminate, the client moves to its next
 * endpoint and its watches resume there from the revision after the last one delivered.
 */
import { describe, expect, it } from 'vitest';
import { IndeterminateError } from '../client/client.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import type { WatchResponse } from '../server/api.ts';
import { InProcessCluster } from './inProcessCluster.ts';
import { DEFAULT_KEEPALIVE_TIMEOUT_MS, DEFAULT_KEEPALIVE_TIME_MS } from './playgroundClient.ts';

/** A 3-member cluster with a leader; writes go through the leader, the cut hits a follower. */
async function cluster(seed: number): Promise<{ c: InProcessCluster; leader: string; f1: string; f2: string }> {
  const c = await InProcessCluster.create({ size: 3, seed, storageFactory: createMemoryStorageFactory(), trace: { capacity: 100_000 } });
  const leader = await c.waitForLeader();
  // Every follower has heard from the leader, so none refuses a proposal for want of one.
  await c.runFor(300);
  const [f1, f2] = c.memberNames().filter((m) => m !== leader) as [string, string];
  return { c, leader, f1, f2 };
}

/** Every event revision a watcher received, in order, and its responses. */
function recorder(): { revisions: number[]; responses: WatchResponse[]; onResponse: (r: WatchResponse) => void } {
  const revisions: number[] = [];
  const responses: WatchResponse[] = [];
  return {
    revisions,
    responses,
    onResponse: (r) => {
      responses.push(r);
      for (const ev of r.events) revisions.push(ev.kv.mod_revision);
    },
  };
}

function breaksOf(c: InProcessCluster, client: string): number[] {
  return c.world.trace
    .events()
    .filter((e) => e.kind === 'custom' && e.actor === client && e.detail.startsWith('connection lost: keepalive'))
    .map((e) => e.atMs);
}

/** Isolates m1 (from the other members and from every client named) and keeps writing through m2. */
async function isolatedMemberRun(seed: number): Promise<{ c: InProcessCluster; written: number[]; seen: number[]; cutAtMs: number; watcherStats: unknown; watcherMember: string | undefined; next: string }> {
  const { c, leader, f1, f2 } = await cluster(seed);
  const writer = c.client({ name: 'writer', endpoints: [leader] });
  const watcher = c.client({ name: 'watcher', endpoints: [f1, f2, leader] });
  const w = recorder();
  watcher.watch({ key: 'k', range_end: 'l' }, w.onResponse);
  const written: number[] = [];
  const put = async (i: number): Promise<void> => {
    written.push((await writer.put({ key: `k${i}`, value: String(i) })).header.revision);
  };
  for (let i = 0; i < 3; i++) await put(i);
  await c.runFor(200);
  const cutAtMs = c.nowMs;
  c.partition([[f1], [f2, leader, 'writer', 'watcher']]);
  // Written through the majority while the watcher's connection is silently cut off.
  for (let i = 3; i < 8; i++) await put(i);
  await c.runFor(DEFAULT_KEEPALIVE_TIME_MS + DEFAULT_KEEPALIVE_TIMEOUT_MS + 1000);
  // And after the break, on the new connection.
  for (let i = 8; i < 13; i++) await put(i);
  await c.runFor(500);
  return { c, written, seen: w.revisions, cutAtMs, watcherStats: { ...watcher.connectionStats }, watcherMember: watcher.currentMember(), next: f2 };
}

describe('client keep-alive and failover after a network cut', () => {
  it('a watch whose member is isolated resumes on the next endpoint with no gap and no repeat', async () => {
    const { c, written, seen, cutAtMs, watcherStats, watcherMember, next } = await isolatedMemberRun(31);
    expect(written).toHaveLength(13);
    // Exactly the acknowledged revisions, each once, in order: nothing lost, nothing repeated.
    expect(seen).toEqual(written);
    expect(watcherStats).toEqual({ keepaliveBreaks: 1, memberDownBreaks: 0, watchResumes: 1 });
    expect(watcherMember).toBe(next);
    // The keep-alive broke the connection: a ping after at most keepalive-time of silence, unanswered for keepalive-timeout.
    const breaks = breaksOf(c, 'watcher');
    expect(breaks).toHaveLength(1);
    expect(breaks[0]! - cutAtMs).toBeGreaterThanOrEqual(DEFAULT_KEEPALIVE_TIMEOUT_MS);
    expect(breaks[0]! - cutAtMs).toBeLessThanOrEqual(DEFAULT_KEEPALIVE_TIME_MS + DEFAULT_KEEPALIVE_TIMEOUT_MS);
    await c.close();
  });

  it('a put in flight at the cut ends indeterminate when the connection breaks; the next put succeeds through another endpoint', async () => {
    const { c, leader, f1, f2 } = await cluster(32);
    // A command timeout longer than the keep-alive's detection, so the break ends the put.
    const cl = c.client({ name: 'cl', endpoints: [f1, f2, leader], commandTimeoutMs: 20_000 });
    await cl.put({ key: 'a', value: '0' });
    const startMs = c.nowMs;
    const inFlight = cl.put({ key: 'a', value: '1' });
    c.cut('cl', f1);
    c.cut(f1, 'cl');
    const err = await inFlight.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndeterminateError);
    expect((err as Error).message).toBe('context deadline exceeded');
    expect(c.nowMs - startMs).toBeLessThan(20_000);
    expect(breaksOf(c, 'cl')).toHaveLength(1);
    const next = await cl.put({ key: 'a', value: '2' });
    expect(next.header.member_id).toBe(c.members().find((m) => m.name === f2)!.id);
    expect(cl.connectionStats.keepaliveBreaks).toBe(1);
    await c.close();
  });

  it('with the command timeout shorter than the detection, the put times out indeterminate first', async () => {
    const { c, f1, f2 } = await cluster(33);
    const cl = c.client({ name: 'cl', endpoints: [f1, f2], commandTimeoutMs: 1000 });
    c.cut('cl', f1);
    const err = await cl.put({ key: 'a', value: '1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndeterminateError);
    expect(cl.connectionStats.keepaliveBreaks).toBe(0);
    await c.close();
  });

  it('a client with a single endpoint that is cut times out its requests and keeps reconnecting; its watch resumes once healed', async () => {
    const { c, leader, f1 } = await cluster(34);
    const writer = c.client({ name: 'writer', endpoints: [leader] });
    const lone = c.client({ name: 'lone', endpoints: [f1], commandTimeoutMs: 2000 });
    const w = recorder();
    lone.watch({ key: 'k', range_end: 'l' }, w.onResponse);
    const written: number[] = [];
    for (let i = 0; i < 3; i++) written.push((await writer.put({ key: `k${i}`, value: 'x' })).header.revision);
    await c.runFor(200);
    expect(w.revisions).toEqual(written);
    c.cut('lone', f1);
    c.cut(f1, 'lone');
    // No hang: a request on the cut connection ends indeterminate at its deadline.
    const err = await lone.put({ key: 'z', value: '1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndeterminateError);
    for (let i = 3; i < 8; i++) written.push((await writer.put({ key: `k${i}`, value: 'y' })).header.revision);
    await c.runFor(3 * (DEFAULT_KEEPALIVE_TIME_MS + DEFAULT_KEEPALIVE_TIMEOUT_MS));
    // Nothing gets through while cut; the client keeps trying its only endpoint.
    expect(w.revisions).toEqual(written.slice(0, 3));
    expect(lone.connectionStats.keepaliveBreaks).toBeGreaterThanOrEqual(2);
    expect(lone.watchesEstablished()).toBe(false);
    c.uncut('lone', f1);
    c.uncut(f1, 'lone');
    await c.runUntil(() => lone.watchesEstablished(), 2 * (DEFAULT_KEEPALIVE_TIME_MS + DEFAULT_KEEPALIVE_TIMEOUT_MS));
    for (let i = 8; i < 10; i++) written.push((await writer.put({ key: `k${i}`, value: 'z' })).header.revision);
    await c.runFor(500);
    expect(w.revisions).toEqual(written);
    expect(w.responses.filter((r) => r.created)).toHaveLength(1);
    await c.close();
  });

  it('a resume from a compacted revision ends the watch with etcd\'s compaction response', async () => {
    const { c, leader, f1, f2 } = await cluster(35);
    const writer = c.client({ name: 'writer', endpoints: [leader] });
    const watcher = c.client({ name: 'watcher', endpoints: [f1, f2] });
    const w = recorder();
    watcher.watch({ key: 'k', range_end: 'l' }, w.onResponse);
    const first = (await writer.put({ key: 'k0', value: 'x' })).header.revision;
    await c.runFor(200);
    c.partition([[f1], [f2, leader, 'writer', 'watcher']]);
    let last = first;
    for (let i = 1; i < 5; i++) last = (await writer.put({ key: `k${i}`, value: 'y' })).header.revision;
    await writer.compact({ revision: last, physical: true });
    await c.runFor(DEFAULT_KEEPALIVE_TIME_MS + DEFAULT_KEEPALIVE_TIMEOUT_MS + 1000);
    expect(w.revisions).toEqual([first]);
    const end = w.responses[w.responses.length - 1]!;
    expect(end.canceled).toBe(true);
    expect(end.compact_revision).toBe(last);
    expect(watcher.connectionStats.watchResumes).toBe(1);
    await c.close();
  });

  it('a short cut that loses nothing leaves the connection alone (an idle watch is only pinged)', async () => {
    const { c, leader, f1 } = await cluster(36);
    const writer = c.client({ name: 'writer', endpoints: [leader] });
    const watcher = c.client({ name: 'watcher', endpoints: [f1, leader] });
    const w = recorder();
    watcher.watch({ key: 'k', range_end: 'l' }, w.onResponse);
    await writer.put({ key: 'k0', value: 'x' });
    await c.runFor(DEFAULT_KEEPALIVE_TIME_MS + 100);
    // Right after a ping was answered: a cut shorter than the next ping's due time.
    c.cut(f1, 'watcher');
    await c.runFor(300);
    c.uncut(f1, 'watcher');
    const r = await writer.put({ key: 'k1', value: 'y' });
    await c.runFor(DEFAULT_KEEPALIVE_TIME_MS + DEFAULT_KEEPALIVE_TIMEOUT_MS);
    expect(w.revisions[w.revisions.length - 1]).toBe(r.header.revision);
    expect(watcher.connectionStats.keepaliveBreaks).toBe(0);
    await c.close();
  });

  it('an event lost to a short cut is not skipped: the connection stalls, the keep-alive breaks it, and the watch resumes before that event', async () => {
    const { c, leader, f1 } = await cluster(37);
    const writer = c.client({ name: 'writer', endpoints: [leader] });
    const watcher = c.client({ name: 'watcher', endpoints: [f1, leader] });
    const w = recorder();
    watcher.watch({ key: 'k', range_end: 'l' }, w.onResponse);
    const written: number[] = [];
    written.push((await writer.put({ key: 'k0', value: 'x' })).header.revision);
    await c.runFor(200);
    // The event for k1 is dropped on its way to the watcher; the cut heals before any ping is due.
    c.cut(f1, 'watcher');
    written.push((await writer.put({ key: 'k1', value: 'y' })).header.revision);
    await c.runFor(100);
    c.uncut(f1, 'watcher');
    written.push((await writer.put({ key: 'k2', value: 'z' })).header.revision);
    await c.runFor(DEFAULT_KEEPALIVE_TIME_MS + DEFAULT_KEEPALIVE_TIMEOUT_MS + 500);
    // TCP would have retransmitted it; here the stalled connection hands nothing on until it breaks.
    expect(w.revisions).toEqual(written);
    expect(watcher.connectionStats).toEqual({ keepaliveBreaks: 1, memberDownBreaks: 0, watchResumes: 1 });
    await c.close();
  });

  it('same seed, same trace hash (breaks and resumes included); another seed another', async () => {
    const hashOf = async (seed: number): Promise<string> => {
      const { c } = await isolatedMemberRun(seed);
      const h = c.world.trace.hash;
      await c.close();
      return h;
    };
    const a = await hashOf(41);
    expect(await hashOf(41)).toBe(a);
    expect(await hashOf(42)).not.toBe(a);
  });
});
