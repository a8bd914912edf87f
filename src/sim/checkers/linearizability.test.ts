import { describe, expect, it } from 'vitest';
import { checkLinearizability } from './linearizability.ts';
import { HistoryBuilder, kv } from './testHistories.ts';

function explanationOf(r: ReturnType<typeof checkLinearizability>) {
  if (r.result !== 'illegal') throw new Error(`expected a violation, got ${r.result}`);
  return r.explanation;
}

describe('linearizability: violations are caught', () => {
  it('a stale serializable read (old value after a later write completed) is not linearizable', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    const w2 = h.put('c1', 20, 30, 'a', '2', 3);
    // A follower that has not applied revision 3 answers a serializable read from its own state.
    const stale = h.get('c2', 40, 50, 'a', 2, [kv('a', '1', 2, 2, 1)], { serializable: true });
    const ex = explanationOf(checkLinearizability(h.ops));
    expect(ex.kind).toBe('revision-order');
    expect(ex.operations.map((o) => o.id)).toEqual([w2, stale]);
    expect(ex.text).toContain(`#${stale}`);
    expect(ex.text).toContain(`#${w2}`);
  });

  it('serializable reads can be left out on purpose (ignoreSerializableReads)', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    h.put('c1', 20, 30, 'a', '2', 3);
    h.get('c2', 40, 50, 'a', 2, [kv('a', '1', 2, 2, 1)], { serializable: true });
    expect(checkLinearizability(h.ops, { ignoreSerializableReads: true }).result).toBe('ok');
    h.get('c2', 40, 50, 'a', 2, [kv('a', '1', 2, 2, 1)]);
    expect(checkLinearizability(h.ops, { ignoreSerializableReads: true }).result).toBe('illegal');
  });

  it('the search alone (without the cheap checks) also rejects the stale read', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    const w2 = h.put('c1', 20, 30, 'a', '2', 3);
    const stale = h.get('c2', 40, 50, 'a', 2, [kv('a', '1', 2, 2, 1)], { serializable: true });
    const ex = explanationOf(checkLinearizability(h.ops, { quickChecks: false }));
    expect(ex.kind).toBe('search');
    expect(ex.operations.map((o) => o.id)).toEqual(expect.arrayContaining([w2, stale]));
    expect(ex.text).toContain(`then #${stale} (which answered with revision 2) can no longer take effect`);
  });

  it('a member answering linearizable reads without ReadIndex (old value after a completed write) is caught', () => {
    const h = new HistoryBuilder();
    const w = h.put('c1', 0, 10, 'x', 'new', 2);
    // Not serializable: etcd must confirm leadership first; this member did not and missed the write.
    const r = h.get('c2', 15, 25, 'x', 1, []);
    for (const quickChecks of [true, false]) {
      const ex = explanationOf(checkLinearizability(h.ops, { quickChecks }));
      expect(ex.operations.map((o) => o.id)).toEqual(expect.arrayContaining([w, r]));
      expect(ex.text).toMatch(/revision/);
    }
  });

  it('the same read overlapping the write is fine (it may have taken effect first)', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'x', 'new', 2);
    h.get('c2', 5, 25, 'x', 1, []);
    expect(checkLinearizability(h.ops).result).toBe('ok');
  });

  it('a hand-written non-linearizable history is rejected with an explanation naming the operations', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'k', 'A', 2);
    const wB = h.put('c2', 20, 30, 'k', 'B', 3);
    // Reads the right revision but a value nobody wrote at it.
    const bad = h.get('c3', 40, 50, 'k', 3, [kv('k', 'A', 2, 2, 1)]);
    const ex = explanationOf(checkLinearizability(h.ops));
    expect(ex.blockingOperationId).toBe(bad);
    const badReason = ex.candidates.find((c) => c.operationId === bad)!.reason;
    expect(badReason).toContain('"B"');
    expect(badReason).toContain('"A"');
    expect(ex.text).toContain(`#${bad}`);
    expect(ex.text).toContain(`#${wB}`);
    expect(ex.linearizedCount).toBe(2);
  });

  it('a txn compare-and-set history with two concurrent winners is rejected', () => {
    const h = new HistoryBuilder();
    h.put('c0', 0, 5, 'lock', 'free', 2);
    // Both saw mod_revision 2 and both report success: the second could only succeed if the
    // first had not changed the key.
    const t1 = h.cas('c1', 10, 30, 'lock', 2, 'c1', 3, true);
    const t2 = h.cas('c2', 12, 32, 'lock', 2, 'c2', 4, true);
    const ex = explanationOf(checkLinearizability(h.ops));
    expect(ex.operations.map((o) => o.id)).toEqual(expect.arrayContaining([t1, t2]));
    expect(ex.text).toMatch(/succeeded: expected false, got true/);
  });

  it('the same CAS race with one winner and one loser is linearizable', () => {
    const h = new HistoryBuilder();
    h.put('c0', 0, 5, 'lock', 'free', 2);
    h.cas('c1', 10, 30, 'lock', 2, 'c1', 3, true);
    h.cas('c2', 12, 32, 'lock', 2, 'c2', 3, false, [kv('lock', 'c1', 2, 3, 2)]);
    expect(checkLinearizability(h.ops).result).toBe('ok');
  });

  it('a read with the right content but a stale header revision is rejected (revisions are checked)', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    // b is absent at every revision, so only the header revision (1 < 2) shows the staleness.
    const r = h.get('c2', 20, 30, 'b', 1, []);
    const ex = explanationOf(checkLinearizability(h.ops));
    expect(ex.text).toContain(`#${r}`);
    const ok = new HistoryBuilder();
    ok.put('c1', 0, 10, 'a', '1', 2);
    ok.get('c2', 20, 30, 'b', 2, []);
    expect(checkLinearizability(ok.ops).result).toBe('ok');
  });

  it('two writes claiming the same revision are rejected', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    h.put('c2', 0, 10, 'b', '1', 2);
    expect(checkLinearizability(h.ops).result).toBe('illegal');
  });

  it('a write whose revision goes back in real time is rejected', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 3);
    h.put('c2', 20, 30, 'b', '1', 2);
    expect(checkLinearizability(h.ops).result).toBe('illegal');
  });
});

describe('linearizability: tricky histories that are linearizable', () => {
  it('overlapping operations where exactly one order works, and indeterminate ops that landed late or never', () => {
    const h = new HistoryBuilder();
    // w1 and w2 overlap each other and both reads; only w2, r1, w1, r2 explains the answers.
    const w1 = h.put('c1', 0, 100, 'a', '1', 3);
    const w2 = h.put('c2', 0, 100, 'a', '2', 2);
    const r1 = h.get('c3', 10, 20, 'a', 2, [kv('a', '2', 2, 2, 1)]);
    const r2 = h.get('c3', 30, 40, 'a', 3, [kv('a', '1', 2, 3, 2)]);
    // No answer, but a read long after shows it landed (revision 4), after everything above.
    const late = h.lostPut('c4', 5, 'a', '3');
    // No answer and never applied: b is still absent at the end.
    const never = h.lostPut('c5', 5, 'b', 'x');
    const r3 = h.get('c3', 200, 210, 'a', 4, [kv('a', '3', 2, 4, 3)]);
    const r4 = h.get('c3', 220, 230, 'b', 4, []);
    const res = checkLinearizability(h.ops);
    expect(res.result).toBe('ok');
    if (res.result !== 'ok') return;
    expect(res.linearization).toEqual([w2, r1, w1, r2, late, r3, r4]);
    expect(res.neverApplied).toEqual([never]);
  });

  it('an indeterminate write that must fill a revision gap in the middle', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    const lost = h.lostPut('c2', 12, 'b', 'B');
    h.put('c1', 20, 30, 'a', '2', 4);
    h.get('c3', 40, 50, 'b', 4, [kv('b', 'B', 3, 3, 1)]);
    const res = checkLinearizability(h.ops);
    expect(res.result).toBe('ok');
    if (res.result === 'ok') expect(res.linearization.indexOf(lost)).toBe(1);
  });

  it('an indeterminate write cannot take effect before its call', () => {
    const h = new HistoryBuilder();
    h.get('c1', 0, 10, 'a', 2, [kv('a', '1', 2, 2, 1)]);
    h.lostPut('c2', 20, 'a', '1');
    expect(checkLinearizability(h.ops).result).toBe('illegal');
  });

  it('failed operations (certainly not applied) are ignored, and must not be needed', () => {
    const h = new HistoryBuilder();
    h.ops.push({ id: 100, clientId: 'c9', callMs: 0, returnMs: 5, op: { type: 'put', request: { key: 'z', value: 'no' } }, outcome: { status: 'failed', error: { message: 'etcdserver: duplicate key given in txn request' } } });
    h.get('c1', 10, 20, 'z', 1, []);
    expect(checkLinearizability(h.ops).result).toBe('ok');
    h.get('c1', 30, 40, 'z', 2, [kv('z', 'no', 2, 2, 1)]);
    expect(checkLinearizability(h.ops).result).toBe('illegal');
  });

  it('prefix ranges, deletes and prev_kv are checked against the model', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'p/1', 'x', 2);
    h.put('c1', 10, 20, 'p/2', 'y', 3, undefined);
    h.put('c2', 20, 30, 'p/1', 'z', 4, kv('p/1', 'x', 2, 2, 1));
    h.del('c2', 30, 40, 'p/2', 5, 1);
    h.del('c2', 40, 50, 'p/2', 5, 0);
    h.get('c3', 50, 60, 'p/', 5, [kv('p/1', 'z', 2, 4, 2)], { range_end: 'p0' });
    expect(checkLinearizability(h.ops).result).toBe('ok');
    const wrong = new HistoryBuilder();
    wrong.ops.push(...h.ops.slice(0, 5));
    wrong.get('c3', 50, 60, 'p/', 5, [kv('p/1', 'z', 2, 4, 2), kv('p/2', 'y', 3, 3, 1)], { range_end: 'p0' });
    expect(checkLinearizability(wrong.ops).result).toBe('illegal');
  });
});

describe('linearizability: time budget', () => {
  it('gives up with unknown (never ok) on a pathological history with a tiny budget', () => {
    const h = new HistoryBuilder();
    // 24 concurrent puts without answers to one key, and a final read of v0 at revision 14 with
    // version 12: revisions 2..14 are 13 puts to k, so the version must be 13 and no order
    // works, but nothing cheap shows it; the search would try every subset and order first.
    for (let i = 0; i < 24; i++) h.lostPut(`c${i}`, 0, 'k', `v${i}`);
    h.get('reader', 100, 110, 'k', 14, [kv('k', 'v0', 2, 14, 12)]);
    let fakeClockMs = 0;
    const res = checkLinearizability(h.ops, { now: () => fakeClockMs++, timeoutMs: 50 });
    expect(res.result).toBe('unknown');
    if (res.result === 'unknown') expect(res.reason).toMatch(/time budget of 50 ms/);
  });

  it('a budget does not change the answer for a history it can finish', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    h.get('c2', 20, 30, 'a', 2, [kv('a', '1', 2, 2, 1)]);
    let t = 0;
    expect(checkLinearizability(h.ops, { now: () => t++, timeoutMs: 1000 }).result).toBe('ok');
  });
});

describe('linearizability: input validation', () => {
  it('rejects malformed histories with a clear error', () => {
    const h = new HistoryBuilder();
    h.put('c1', 10, 5, 'a', '1', 2);
    expect(() => checkLinearizability(h.ops)).toThrow(/returns \(5\) before its call \(10\)/);
    const dup = new HistoryBuilder();
    dup.put('c1', 0, 5, 'a', '1', 2);
    dup.ops.push({ ...dup.ops[0]! });
    expect(() => checkLinearizability(dup.ops)).toThrow(/id 0 appears twice/);
  });
});
