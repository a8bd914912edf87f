import { describe, expect, it } from 'vitest';
import { Playground } from './playground.ts';
import { outcome as settle } from './playgroundTesting.ts';
import { HistoryLane } from './historyLane.ts';
import type { ClusterSettings } from './playgroundApi.ts';
import type { HistoryOperation } from '../sim/checkers/types.ts';


/** x=1; the leader is cut off; x=2 through the majority; a linearizable read of x through the old leader. */
async function readThroughOldLeader(unsafe: ClusterSettings['unsafe']) {
  const pg = Playground.inProcess({ settings: { members: 3, seed: 5, unsafe, requestTimeoutMs: 3000 }, paused: true });
  await pg.ready();
  await pg.runFor(3000);
  const old = pg.leader()!.name;
  const others = pg.members().map((m) => m.name).filter((n) => n !== old);
  await settle(pg, pg.client({ endpoints: [old] }).put({ key: 'x', value: '1' }));
  await pg.runFor(300);
  await pg.partition([[old], others]);
  // The majority elects a leader of its own.
  for (let i = 0; i < 100 && !pg.members().some((m) => others.includes(m.name) && m.role === 'leader'); i++) await pg.runFor(50);
  const majority = pg.client({ endpoints: others });
  await settle(pg, majority.put({ key: 'x', value: '2' }));
  await pg.runFor(10);
  await settle(pg, pg.client({ endpoints: [old] }).range({ key: 'x' }));
  const lane = pg.historyLane();
  // A limited view is the newest operations of the whole one, in the same order, with the same verdict.
  const newest = pg.historyLane(0, { limit: 2 });
  expect(newest.operations).toEqual(lane.operations.slice(-2));
  expect(newest.check).toEqual(lane.check);
  await pg.close();
  return lane;
}

describe('the history lane', () => {
  it('skipReadIndex: the stale read through a cut-off old leader makes the history illegal, and the lane names it in words', async () => {
    const lane = await readThroughOldLeader(['skipReadIndex']);
    const read = lane.operations.find((o) => o.label.startsWith('get "x"'))!;
    expect(read.status).toBe('ok');
    expect(read.label).toBe('get "x" → "1"');
    expect(lane.check.result).toBe('illegal');
    expect(lane.check.involved).toContain(read.id);
    expect(lane.check.text.length).toBeGreaterThan(20);
    expect(lane.check.words).toMatch(/^The read at [\d.]+ s \(client-\d\) returned "x"="1" after the write "x"="2" had completed at [\d.]+ s \(client-\d\): a stale read\.$/);
    console.log(`history lane: ${lane.check.words}\n  checker: ${lane.check.text}`);
  });

  it('with ReadIndex kept the same moves leave a linearizable history: the read never answers', async () => {
    const lane = await readThroughOldLeader([]);
    const read = lane.operations.find((o) => o.label.startsWith('get "x"'))!;
    expect(read.status).toBe('indeterminate');
    expect(lane.check.result).toBe('ok');
    expect(lane.check.checked).toBe(lane.operations.length);
    // Intervals per client: every operation names its client, call before return.
    for (const o of lane.operations) {
      expect(o.client).not.toBe('');
      if (o.returnMs !== null) expect(o.returnMs).toBeGreaterThanOrEqual(o.callMs);
    }
  });

  it('says unknown, with the reason, when a key is attached to a lease (the checker does not model expiry)', async () => {
    const pg = Playground.inProcess({ settings: { members: 3, seed: 2 }, paused: true });
    await pg.ready();
    await pg.runFor(3000);
    const c = pg.client();
    const g = await settle(pg, c.leaseGrant({ TTL: 5 }));
    if (g instanceof Error) throw g;
    await settle(pg, c.put({ key: 'l', value: 'v', lease: g.ID }));
    const lane = pg.historyLane();
    expect(lane.check.result).toBe('unknown');
    expect(lane.check.text).toMatch(/lease/);
    await pg.close();
  });

  it('checks again only when an operation settled and the pause between checks has passed; a violation stays', () => {
    let wall = 0;
    const ops: HistoryOperation[] = [];
    let calls = 0;
    const lane = new HistoryLane({ operations: () => (calls++, ops), wallMs: () => wall, everyMs: 400 });
    expect(lane.check().result).toBe('none');
    const put = (id: number, v: string, rev: number, at: number): HistoryOperation => ({
      id, clientId: 'c', callMs: at, returnMs: at + 1, op: { type: 'put', request: { key: 'k', value: v } },
      outcome: { status: 'ok', response: { header: { revision: rev } } as never },
    });
    ops.push(put(0, 'a', 2, 10));
    wall = 100;
    // Not due yet (the first check was at 0).
    expect(lane.check().result).toBe('none');
    wall = 500;
    expect(lane.check().result).toBe('ok');
    // A read of a value nobody wrote: illegal, and it stays so.
    ops.push({ id: 1, clientId: 'd', callMs: 20, returnMs: 21, op: { type: 'range', request: { key: 'k' } }, outcome: { status: 'ok', response: { header: { revision: 2 }, kvs: [{ key: 'k', value: 'zzz', create_revision: 2, mod_revision: 2, version: 1, lease: '0' }], count: 1, more: false } as never } });
    wall = 1000;
    const bad = lane.check();
    expect(bad.result).toBe('illegal');
    expect(bad.involved).toContain(1);
    wall = 5000;
    expect(lane.check()).toBe(bad);
    expect(calls).toBeGreaterThan(0);
  });
});
