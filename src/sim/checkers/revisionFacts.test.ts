import { describe, expect, it } from 'vitest';
import { checkLinearizability, describeOperation } from './linearizability.ts';
import { createdRevision, pinUnansweredWrites, quickRefutation } from './revisionFacts.ts';
import { HistoryBuilder, kv } from './testHistories.ts';

describe('revision facts', () => {
  it('knows from the answer alone whether an operation created its revision', () => {
    const h = new HistoryBuilder();
    const p = h.put('c', 0, 1, 'a', '1', 2);
    const d0 = h.del('c', 2, 3, 'zz', 2, 0);
    const d1 = h.del('c', 4, 5, 'a', 3, 1);
    const casWon = h.cas('c', 6, 7, 'a', 0, 'x', 4, true);
    const casLost = h.cas('c', 8, 9, 'a', 1, 'y', 4, false, [kv('a', 'x', 4, 4, 1)]);
    expect([p, d0, d1, casWon, casLost].map((id) => createdRevision(h.ops[id]!))).toEqual([true, false, true, true, false]);
  });

  it('pins an unanswered write whose unique value was read, and only then', () => {
    const h = new HistoryBuilder();
    const lost = h.lostPut('c1', 0, 'a', 'unique');
    const lostDup1 = h.lostPut('c2', 0, 'b', 'same');
    h.lostPut('c3', 0, 'b', 'same');
    const lostUnseen = h.lostPut('c4', 0, 'c', 'nobody reads me');
    h.get('r', 10, 20, 'a', 5, [kv('a', 'unique', 3, 3, 1)]);
    h.get('r', 10, 20, 'b', 5, [kv('b', 'same', 4, 4, 1)]);
    const pins = pinUnansweredWrites(h.ops);
    expect([...pins]).toEqual([[lost, 3]]);
    expect(pins.has(lostDup1) || pins.has(lostUnseen)).toBe(false);
  });

  it('does not pin a write whose value was already in the initial key space', () => {
    const h = new HistoryBuilder();
    h.lostPut('c1', 0, 'a', 'old');
    h.get('r', 10, 20, 'a', 1, [kv('a', 'old', 1, 1, 1)]);
    expect(pinUnansweredWrites(h.ops, [], [kv('a', 'old', 1, 1, 1)]).size).toBe(0);
    expect(checkLinearizability(h.ops, { initialKvs: [kv('a', 'old', 1, 1, 1)] }).result).toBe('ok');
  });

  it('refutes two creators of one revision', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    h.put('c2', 0, 10, 'b', '1', 2);
    expect(quickRefutation(h.ops, new Map(), [], describeOperation)).toMatchObject({ kind: 'duplicate-revision', revision: 2, operationIds: [0, 1] });
  });

  it('refutes an operation that ran at a revision older than one left by an operation that returned before its call', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    h.get('c2', 10, 20, 'a', 1, []); // touching intervals are concurrent: fine
    expect(quickRefutation(h.ops, new Map(), [], describeOperation)).toBeNull();
    const stale = h.get('c2', 11, 20, 'b', 1, []);
    expect(quickRefutation(h.ops, new Map(), [], describeOperation)).toMatchObject({ kind: 'revision-order', operationIds: [0, stale] });
  });

  it('refutes a value nobody wrote, and one whose only writer created another revision', () => {
    const h = new HistoryBuilder();
    h.put('c1', 0, 10, 'a', '1', 2);
    const ghost = h.get('c2', 20, 30, 'a', 2, [kv('a', 'ghost', 2, 2, 1)]);
    expect(quickRefutation(h.ops, new Map(), [], describeOperation)).toMatchObject({ kind: 'impossible-value', operationIds: [ghost] });
    expect(quickRefutation(h.ops, new Map(), [kv('a', 'ghost', 2, 2, 1)], describeOperation)).toBeNull();
    const h2 = new HistoryBuilder();
    h2.put('c1', 0, 10, 'a', '1', 2);
    h2.put('c1', 20, 30, 'b', '1', 3);
    const wrongMod = h2.get('c2', 40, 50, 'a', 3, [kv('a', '1', 3, 3, 1)]);
    expect(quickRefutation(h2.ops, new Map(), [], describeOperation)).toMatchObject({ kind: 'impossible-value', operationIds: [0, wrongMod] });
  });
});
