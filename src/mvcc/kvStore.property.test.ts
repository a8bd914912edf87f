import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KvStore } from './kvStore.ts';
import { MemoryBackend } from './memoryBackend.ts';
import { CompactedError, FutureRevError } from './errors.ts';
import type { KeyValue } from './types.ts';

/**
 * The store against the simplest model that can be right: for every key, the list of its
 * versions (or deletions) with the revision each happened at. A read at revision R is the last
 * entry at or before R. Runs: PROPERTY_RUNS (default 100); a failure prints the seed and path,
 * replay with PROPERTY_SEED=<seed> PROPERTY_PATH=<path>.
 */
type Version = { rev: number; kv: KeyValue | null };

class Model {
  rev = 1;
  compactRev = -1;
  history = new Map<string, Version[]>();

  at(key: string, rev: number): KeyValue | null {
    const vs = this.history.get(key) ?? [];
    let found: KeyValue | null = null;
    for (const v of vs) if (v.rev <= rev) found = v.kv;
    return found;
  }

  range(lo: string, hi: string, rev: number): KeyValue[] {
    return [...this.history.keys()]
      .filter((k) => k >= lo && k < hi)
      .sort()
      .map((k) => this.at(k, rev))
      .filter((kv): kv is KeyValue => kv !== null);
  }

  /** Applies one write txn; returns whether it changed anything. */
  txn(ops: Op[]): void {
    const next = this.rev + 1;
    let changed = false;
    for (const op of ops) {
      if (op.kind === 'put') {
        const prev = this.at(op.key, next);
        const kv: KeyValue = {
          key: op.key,
          value: op.value,
          create_revision: prev ? prev.create_revision : next,
          mod_revision: next,
          version: prev ? prev.version + 1 : 1,
          lease: '0',
        };
        this.push(op.key, { rev: next, kv });
        changed = true;
      } else {
        for (const kv of this.range(op.key, op.end, next)) {
          this.push(kv.key, { rev: next, kv: null });
          changed = true;
        }
      }
    }
    if (changed) this.rev = next;
  }

  private push(key: string, v: Version): void {
    const vs = this.history.get(key) ?? [];
    // a second change to the same key in one txn replaces the first (one version per revision)
    if (vs.length > 0 && vs[vs.length - 1]!.rev === v.rev) vs.pop();
    vs.push(v);
    this.history.set(key, vs);
  }
}

type Op = { kind: 'put'; key: string; value: string } | { kind: 'del'; key: string; end: string };
type Step =
  | { kind: 'txn'; ops: Op[] }
  | { kind: 'compact'; back: number }
  | { kind: 'range'; lo: string; hi: string; back: number }
  | { kind: 'restart' };

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key, value: fc.string({ maxLength: 3 }) }),
  fc.record({ kind: fc.constant('del' as const), key, end: fc.constantFrom('', 'c', 'f') }).map((d) => ({
    ...d,
    end: d.end === '' ? d.key + '\0' : d.end,
  })),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('txn' as const), ops: fc.array(op, { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), back: fc.nat(4) }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('range' as const), lo: key, hi: fc.constantFrom('b', 'd', 'z'), back: fc.integer({ min: -1, max: 8 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
);

function run(steps: Step[]): void {
  const backend = new MemoryBackend();
  let store = new KvStore({ backend, compactionBatchLimit: 3 });
  const model = new Model();
  for (const s of steps) {
    if (s.kind === 'txn') {
      const tw = store.write();
      for (const o of s.ops) {
        if (o.kind === 'put') tw.put(o.key, o.value);
        else tw.deleteRange(o.key, o.end);
      }
      tw.end();
      model.txn(s.ops);
    } else if (s.kind === 'compact') {
      const rev = model.rev - s.back;
      if (rev <= model.compactRev) expect(() => store.compact(rev)).toThrow(CompactedError);
      else {
        store.compact(rev);
        model.compactRev = rev;
      }
    } else if (s.kind === 'restart') {
      store = new KvStore({ backend, compactionBatchLimit: 3 });
    } else {
      const rev = model.rev - s.back; // back = -1 asks for a future revision
      if (rev > model.rev) expect(() => store.range(s.lo, s.hi, { rev })).toThrow(FutureRevError);
      else if (rev < model.compactRev && rev > 0) expect(() => store.range(s.lo, s.hi, { rev })).toThrow(CompactedError);
      else if (rev > 0) {
        const want = model.range(s.lo, s.hi, rev);
        expect(store.range(s.lo, s.hi, { rev })).toEqual({ kvs: want, count: want.length, rev: model.rev });
      }
    }
    expect(store.rev()).toBe(model.rev);
  }
}

describe('KvStore matches a map-of-versions model', () => {
  it('under random put/delete/compact/range-at-revision/restart', () => {
    const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : 20260101;
    const path = process.env.PROPERTY_PATH;
    const numRuns = Number(process.env.PROPERTY_RUNS ?? 100);
    const result = fc.check(fc.property(fc.array(step, { minLength: 5, maxLength: 60, size: 'max' }), (steps) => run(steps)), {
      seed,
      numRuns,
      ...(path !== undefined ? { path } : {}),
    });
    if (result.failed) {
      throw new Error(
        `property failed; replay with PROPERTY_SEED=${result.seed} PROPERTY_PATH=${result.counterexamplePath}\n` +
          `counterexample: ${JSON.stringify(result.counterexample)}\n${String(result.errorInstance)}`,
      );
    }
  });
});
