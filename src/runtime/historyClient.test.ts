/**
 * The recording client against the in-process cluster: answers are recorded with their virtual
 * call and return times, errors as failed (certainly not applied) or indeterminate, watch streams
 * with every response and a resume naming the stream it continues.
 */
import { describe, expect, it } from 'vitest';
import { HistoryRecorder, checkHistory } from '../sim/checkers/index.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import { InProcessCluster } from './inProcessCluster.ts';
import { HistoryClient } from './historyClient.ts';

async function cluster(): Promise<InProcessCluster> {
  const c = await InProcessCluster.create({ size: 3, seed: 21, storageFactory: createMemoryStorageFactory() });
  await c.waitForLeader();
  return c;
}

describe('HistoryClient', () => {
  it('records answers with virtual call and return times, and rejected requests as failed', async () => {
    const c = await cluster();
    const rec = new HistoryRecorder();
    const cl = new HistoryClient('c1', c.client({ name: 'c1' }), rec, c);
    const before = c.nowMs;
    await cl.put({ key: 'a', value: '1' });
    await cl.range({ key: 'a' });
    // etcd refuses a txn that writes one key twice before it reaches raft.
    const refused = await cl.txn({ success: [{ request_put: { key: 'x', value: '1' } }, { request_put: { key: 'x', value: '2' } }] }).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    const h = rec.history();
    expect(h.operations.map((o) => o.outcome.status)).toEqual(['ok', 'ok', 'failed']);
    expect(h.operations[0]!.callMs).toBeGreaterThanOrEqual(before);
    for (const o of h.operations) expect(o.returnMs!).toBeGreaterThan(o.callMs);
    expect(h.operations[0]!.returnMs!).toBeLessThanOrEqual(h.operations[1]!.callMs);
    const failed = h.operations[2]!.outcome;
    expect(failed.status === 'failed' ? failed.error.message : '').toBe('etcdserver: duplicate key given in txn request');
    expect(checkHistory(h).ok).toBe(true);
    await c.close();
  });

  it('a write whose member crashes with it in flight is indeterminate (it may have been applied)', async () => {
    const c = await cluster();
    const rec = new HistoryRecorder();
    const leader = c.leader()!;
    const cl = new HistoryClient('c1', c.client({ name: 'c1', endpoints: [leader] }), rec, c);
    c.setAutoRun(false);
    const put = cl.put({ key: 'a', value: '1' }).catch((e: Error) => e);
    await c.runFor(1); // the request is on its way or being handled
    await c.crash(leader);
    expect(await put).toBeInstanceOf(Error);
    const op = rec.history().operations[0]!;
    expect(op.outcome.status).toBe('indeterminate');
    expect(op.returnMs).toBeNull();
    expect(op.gaveUpMs).toBeGreaterThanOrEqual(op.callMs);
    await c.close();
  });

  it('records a watch stream and a resumed one that names it', async () => {
    const c = await cluster();
    const rec = new HistoryRecorder();
    const writer = new HistoryClient('w', c.client({ name: 'w' }), rec, c);
    const m = c.memberNames();
    const first = new HistoryClient('watch', c.client({ name: 'watch-1', endpoints: [m[0]!] }), rec, c).watch({ key: 'a', start_revision: 1 });
    await writer.put({ key: 'a', value: '1' });
    await c.runFor(200);
    expect(first.lastRevision).toBe(2);
    first.close();
    const second = new HistoryClient('watch', c.client({ name: 'watch-2', endpoints: [m[1]!] }), rec, c).watch({ key: 'a', start_revision: first.lastRevision + 1 }, { resumes: first.watcherId });
    await writer.put({ key: 'a', value: '2' });
    await c.runFor(200);
    expect(second.lastRevision).toBe(3);
    const h = rec.history();
    expect(h.watches.map((w) => [w.watcherId, w.resumes ?? null, w.closedMs !== null])).toEqual([
      [first.watcherId, null, true],
      [second.watcherId, first.watcherId, false],
    ]);
    expect(h.watches[0]!.responses[0]!.response.created).toBe(true);
    const check = checkHistory(h, { completeThrough: 3 });
    expect(check.watches?.violations).toEqual([]);
    expect(check.ok).toBe(true);
    await c.close();
  });
});
