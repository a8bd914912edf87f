import { describe, expect, it } from 'vitest';
import { checkHistory } from './checkHistory.ts';
import { finalKvs } from './committedLog.ts';
import { checkLinearizability } from './linearizability.ts';
import { simulateHistory } from './simulatedHistory.ts';
import { HistoryBuilder, kv } from './testHistories.ts';
import type { Event, History, WatchResponse } from './types.ts';

const watchResponse = (revision: number, events: Event[], created = false): WatchResponse => ({
  header: { revision },
  watch_id: 1,
  created,
  canceled: false,
  compact_revision: 0,
  cancel_reason: '',
  fragment: false,
  events,
});

describe('checkHistory', () => {
  it('passes correct simulated runs with unanswered writes and watchers, and checks the final read', () => {
    for (const seed of [11, 12, 13]) {
      const { history, log } = simulateHistory({ seed, clients: 6, operations: 400, keys: 6, indeterminateRate: 0.05, watchers: 4 });
      const finalRead = { header: { revision: log.lastRevision }, kvs: finalKvs(log), more: false, count: finalKvs(log).length };
      // The harness's final read is only authoritative if every landed write is placed; record it as an operation too.
      const endMs = Math.max(...history.operations.map((o) => o.returnMs ?? o.callMs)) + 1;
      history.operations.push({ id: 1e6, clientId: 'auditor', callMs: endMs, returnMs: endMs, op: { type: 'range', request: { key: '\0', range_end: '\0' } }, outcome: { status: 'ok', response: finalRead } });
      const res = checkHistory(history, { finalRead });
      expect(res.watches?.violations ?? res.linearizability).toEqual([]);
      expect(res.ok).toBe(true);
    }
  });

  it('places unanswered writes where the watchers saw them before judging the watches', () => {
    const h = new HistoryBuilder();
    const lostB = h.lostPut('c1', 0, 'b', 'B');
    const lostA = h.lostPut('c2', 1, 'a', 'A');
    h.put('c3', 50, 60, 'c', 'C', 4);
    // In reality b landed first (revision 2), then a (3); no read shows it, only the watch.
    const history: History = {
      operations: h.ops,
      watches: [
        {
          watcherId: 'w',
          clientId: 'cw',
          request: { key: 'a', range_end: '\0', start_revision: 2 },
          createdMs: 0,
          closedMs: null,
          responses: [
            { timeMs: 0, response: watchResponse(1, [], true) },
            { timeMs: 10, response: watchResponse(2, [{ type: 'PUT', kv: kv('b', 'B', 2, 2, 1) }]) },
            { timeMs: 11, response: watchResponse(3, [{ type: 'PUT', kv: kv('a', 'A', 3, 3, 1) }]) },
            { timeMs: 61, response: watchResponse(4, [{ type: 'PUT', kv: kv('c', 'C', 4, 4, 1) }]) },
          ],
        },
      ],
    };
    // From the KV answers alone, a first guess puts a at revision 2: the watch disagrees.
    const guess = checkLinearizability(history.operations);
    expect(guess.result === 'ok' && guess.linearization.slice(0, 2)).toEqual([lostA, lostB]);
    const res = checkHistory(history);
    expect(res.ok).toBe(true);
    if (res.linearizability.result === 'ok') expect(res.linearizability.linearization.slice(0, 2)).toEqual([lostB, lostA]);

    // A watch that really skips b is still caught.
    history.watches[0]!.responses.splice(1, 1);
    const bad = checkHistory(history);
    expect(bad.ok).toBe(false);
    expect(bad.watches?.violations.map((v) => v.guarantee)).toContain('reliable');
  });

  it('reports a final read that disagrees with the committed writes', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    const res = checkHistory({ operations: h.ops, watches: [] }, { finalRead: { header: { revision: 2 }, kvs: [], more: false, count: 0 } });
    expect(res.ok).toBe(false);
    expect(res.finalReadMismatch).toMatch(/1 keys, the final read has 0/);
  });

  it('uses a given authoritative log for the watches, after checking it against the answers', () => {
    const { history, log } = simulateHistory({ seed: 5, clients: 4, operations: 200, keys: 4, indeterminateRate: 0.05, watchers: 3 });
    const res = checkHistory(history, { log });
    expect(res.ok).toBe(true);
    expect(res.log).toBe(log);
    const forged = structuredClone(log);
    const answeredPut = history.operations.find((o) => o.outcome.status === 'ok' && o.op.type === 'put')!;
    const rev = answeredPut.outcome.status === 'ok' ? answeredPut.outcome.response.header.revision : -1;
    forged.revisions.find((r) => r.revision === rev)!.events[0]!.kv.value = 'forged';
    const bad = checkHistory(history, { log: forged });
    expect(bad.ok).toBe(false);
    expect(bad.logMismatch).toMatch(new RegExp(`operation ${answeredPut.id} .*revision ${rev}`));
  });

  it('checks reads at an older revision against the committed log', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    h.put('c1', 20, 30, 'a', '2', 3);
    h.get('c2', 40, 50, 'a', 3, [kv('a', '1', 2, 2, 1)], { revision: 2 });
    expect(checkHistory({ operations: h.ops, watches: [] }).ok).toBe(true);
    h.get('c2', 60, 70, 'a', 3, [kv('a', '2', 2, 3, 2)], { revision: 2 });
    const res = checkHistory({ operations: h.ops, watches: [] });
    expect(res.ok).toBe(false);
    expect(res.historicalReadMismatch).toMatch(/operation 3 read at revision 2: .*expected "a"="1"/);
  });

  it('stops at a linearizability violation', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    h.get('c2', 20, 30, 'a', 1, []);
    const res = checkHistory({ operations: h.ops, watches: [] });
    expect(res.ok).toBe(false);
    expect(res.linearizability.result).toBe('illegal');
    expect(res.watches).toBeNull();
  });
});
