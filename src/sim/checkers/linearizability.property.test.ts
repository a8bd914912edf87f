/**
 * Property tests: histories of a correct execution are always accepted; certain single-response
 * corruptions are always rejected. A failure prints fast-check's seed and path; replay with
 * FC_SEED=<seed> (and FC_PATH=<path>) npx vitest run src/sim/checkers. FC_RUNS raises the count.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizability } from './linearizability.ts';
import { simulateHistory } from './simulatedHistory.ts';
import type { HistoryOperation, KvResponse, PutResponse, RangeResponse } from './types.ts';

const runs = Number(process.env.FC_RUNS ?? 60);
const fcParams = {
  numRuns: runs,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
};

const workload = (clients: fc.Arbitrary<number>) =>
  fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    clients,
    operations: fc.integer({ min: 1, max: 120 }),
    keys: fc.integer({ min: 1, max: 6 }),
    indeterminateRate: fc.constantFrom(0, 0, 0.05, 0.15),
    failureRate: fc.constantFrom(0, 0.05),
    latencyMs: fc.integer({ min: 1, max: 30 }),
    valueSpace: fc.constantFrom(undefined, 2, 5),
  });

function clone(ops: HistoryOperation[]): HistoryOperation[] {
  return structuredClone(ops);
}

function okOps(ops: HistoryOperation[], type: string): HistoryOperation[] {
  return ops.filter((o) => o.outcome.status === 'ok' && o.op.type === type);
}

function responseOf(o: HistoryOperation): KvResponse {
  if (o.outcome.status !== 'ok') throw new Error('not ok');
  return o.outcome.response;
}

describe('linearizability properties', () => {
  // Mutations are checked twice: with the cheap checks, and by the search alone on histories
  // whose writes were all answered (so the search finishes quickly).
  const modes = [
    { quickChecks: true, indeterminate: (w: { indeterminateRate: number }) => w.indeterminateRate },
    { quickChecks: false, indeterminate: () => 0 },
  ];

  it('accepts every sequential history of the reference store', () => {
    fc.assert(
      fc.property(workload(fc.constant(1)), (w) => {
        const { history } = simulateHistory(w);
        const res = checkLinearizability(history.operations);
        expect(res.result, res.result === 'illegal' ? res.explanation.text : '').toBe('ok');
      }),
      fcParams,
    );
  });

  it('accepts every concurrent history built from a real execution with widened intervals', () => {
    fc.assert(
      fc.property(workload(fc.integer({ min: 2, max: 12 })), (w) => {
        const { history } = simulateHistory(w);
        const res = checkLinearizability(history.operations);
        expect(res.result, res.result === 'illegal' ? res.explanation.text : '').toBe('ok');
      }),
      fcParams,
    );
  });

  it.each(modes)('rejects a read that returns a value nobody wrote (quickChecks: $quickChecks)', (mode) => {
    fc.assert(
      fc.property(workload(fc.integer({ min: 1, max: 8 })), fc.nat(), (w, pick) => {
        const ops = clone(simulateHistory({ ...w, indeterminateRate: mode.indeterminate(w) }).history.operations);
        const reads = okOps(ops, 'range').filter((o) => (responseOf(o) as RangeResponse).kvs.length > 0);
        fc.pre(reads.length > 0);
        const victim = responseOf(reads[pick % reads.length]!) as RangeResponse;
        victim.kvs[0]!.value = 'never written';
        expect(checkLinearizability(ops, { quickChecks: mode.quickChecks }).result).toBe('illegal');
      }),
      fcParams,
    );
  });

  it.each(modes)('rejects a read that misses a key it must see or sees one more (quickChecks: $quickChecks)', (mode) => {
    fc.assert(
      // Only with every write answered: then each revision's key space is fixed by the answers.
      // (An unanswered delete could otherwise explain a missing key in some other order.)
      fc.property(workload(fc.integer({ min: 1, max: 8 })), fc.nat(), (w, pick) => {
        const ops = clone(simulateHistory({ ...w, indeterminateRate: 0 }).history.operations);
        const reads = okOps(ops, 'range');
        fc.pre(reads.length > 0);
        const victim = responseOf(reads[pick % reads.length]!) as RangeResponse;
        // Dropping a returned kv, or inventing one for an absent key at revision 1 (before any write).
        if (victim.kvs.length > 0) victim.kvs.pop();
        else victim.kvs.push({ key: 'k/00', value: 'ghost', create_revision: 1, mod_revision: 1, version: 1, lease: '0' });
        victim.count = victim.kvs.length;
        expect(checkLinearizability(ops, { quickChecks: mode.quickChecks }).result).toBe('illegal');
      }),
      fcParams,
    );
  });

  it.each(modes)('rejects a put reporting a revision no execution reaches, or one another put already created (quickChecks: $quickChecks)', (mode) => {
    fc.assert(
      fc.property(workload(fc.integer({ min: 1, max: 8 })), fc.nat(), fc.boolean(), (w, pick, duplicate) => {
        const ops = clone(simulateHistory({ ...w, indeterminateRate: mode.indeterminate(w) }).history.operations);
        const puts = okOps(ops, 'put');
        fc.pre(puts.length >= 2);
        const victim = responseOf(puts[pick % puts.length]!) as PutResponse;
        if (duplicate) {
          const other = responseOf(puts[(pick + 1) % puts.length]!) as PutResponse;
          victim.header.revision = other.header.revision;
        } else {
          victim.header.revision = ops.length + 10;
        }
        expect(checkLinearizability(ops, { quickChecks: mode.quickChecks }).result).toBe('illegal');
      }),
      fcParams,
    );
  });
});
