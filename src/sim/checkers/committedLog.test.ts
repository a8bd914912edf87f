import { describe, expect, it } from 'vitest';
import { compareWithFinalRead, finalKvs, kvLogFromHistory } from './committedLog.ts';
import { checkLinearizability } from './linearizability.ts';
import { simulateHistory } from './simulatedHistory.ts';
import { HistoryBuilder, kv } from './testHistories.ts';

describe('committed log', () => {
  it('is rebuilt from answered writes, with full kvs and prev_kv per event', () => {
    const h = new HistoryBuilder();
    h.put('c', 0, 1, 'a', '1', 2);
    h.put('c', 2, 3, 'a', '2', 3);
    h.del('c', 4, 5, 'a', 4, 1);
    h.del('c', 6, 7, 'a', 4, 0);
    const log = kvLogFromHistory(h.ops);
    expect(log.lastRevision).toBe(4);
    expect(log.revisions.map((r) => r.events.map((e) => [e.type, e.kv.key, e.kv.version, e.prev_kv?.value]))).toEqual([
      [['PUT', 'a', 1, undefined]],
      [['PUT', 'a', 2, '1']],
      [['DELETE', 'a', 0, '2']],
    ]);
  });

  it('needs the linearization when unanswered writes fill revisions, and says so', () => {
    const h = new HistoryBuilder();
    h.put('c', 0, 1, 'a', '1', 2);
    h.lostPut('c', 2, 'b', 'B');
    h.put('c', 10, 11, 'a', '2', 4);
    expect(() => kvLogFromHistory(h.ops)).toThrow(/Revisions 3\.\.3 were written by operations without an answer/);
    const res = checkLinearizability(h.ops);
    if (res.result !== 'ok') throw new Error('expected ok');
    const log = kvLogFromHistory(h.ops, { linearization: res.linearization });
    expect(finalKvs(log)).toEqual([kv('a', '2', 2, 4, 2), kv('b', 'B', 3, 3, 1)]);
  });

  it('equals the reference execution\'s log when every write was answered', () => {
    for (const seed of [1, 2, 3]) {
      const run = simulateHistory({ seed, clients: 5, operations: 300, keys: 5, failureRate: 0.02 });
      expect(kvLogFromHistory(run.history)).toEqual(run.log);
    }
  });

  it('with unanswered writes, the log from the linearization agrees with a final whole-keyspace read', () => {
    for (const seed of [1, 2, 3]) {
      const run = simulateHistory({ seed, clients: 5, operations: 300, keys: 5, indeterminateRate: 0.05 });
      const ops = run.history.operations;
      const endMs = Math.max(...ops.map((o) => o.returnMs ?? o.callMs)) + 1;
      const finalRead = { header: { revision: run.log.lastRevision }, kvs: finalKvs(run.log), more: false, count: finalKvs(run.log).length };
      ops.push({ id: ops.length, clientId: 'auditor', callMs: endMs, returnMs: endMs + 1, op: { type: 'range', request: { key: '\0', range_end: '\0' } }, outcome: { status: 'ok', response: finalRead } });
      const res = checkLinearizability(ops);
      if (res.result !== 'ok') throw new Error(`seed ${seed}: ${res.result}`);
      const log = kvLogFromHistory(ops, { linearization: res.linearization });
      expect(compareWithFinalRead(log, finalRead)).toBeNull();
    }
  });

  it('reports a final read that disagrees', () => {
    const h = new HistoryBuilder();
    h.put('c', 0, 1, 'a', '1', 2);
    const log = kvLogFromHistory(h.ops);
    expect(compareWithFinalRead(log, { header: { revision: 2 }, kvs: [kv('a', '1', 2, 2, 1)], more: false, count: 1 })).toBeNull();
    expect(compareWithFinalRead(log, { header: { revision: 2 }, kvs: [kv('a', 'X', 2, 2, 1)], more: false, count: 1 })).toMatch(/differs/);
    expect(compareWithFinalRead(log, { header: { revision: 3 }, kvs: [], more: false, count: 0 })).toMatch(/revision 3/);
  });
});
