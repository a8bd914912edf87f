import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KvStore } from './kvStore.ts';
import { WatchableStore } from './watchableStore.ts';
import { rangeContains } from './treeIndex.ts';
import type { StoreWatchResponse, Watcher } from './watcher.ts';

/**
 * Random writes, watches from random revisions, receivers that refuse now and then, random
 * compactions and sync rounds. After draining, every watcher must have received exactly the
 * events of its range from its start revision, in order, each once (or a prefix of them and
 * then the compaction notice). Runs: PROPERTY_RUNS (default 60); a failure prints how to replay.
 *
 * One etcd behaviour is kept out of the random schedule on purpose: a watcher that is behind at
 * exactly the compaction revision misses a deletion made at that revision (compaction removes
 * the tombstone; a real etcd 3.4 does the same once its compaction is committed).
 */
type Op = { kind: 'put'; key: string } | { kind: 'del'; key: string; end: string };
type Step =
  | { kind: 'txn'; ops: Op[] }
  | { kind: 'watch'; key: string; end: string; start: number }
  | { kind: 'full'; idx: number; on: boolean }
  | { kind: 'step' }
  | { kind: 'compact'; back: number }
  | { kind: 'cancel'; idx: number };

const key = fc.constantFrom('a', 'b', 'c', 'd');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key }),
  fc.record({ kind: fc.constant('del' as const), key, end: fc.constantFrom('', 'c', '\0') }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('txn' as const), ops: fc.array(op, { minLength: 1, maxLength: 3 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('watch' as const), key, end: fc.constantFrom('', 'c', '\0'), start: fc.integer({ min: -1, max: 8 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('full' as const), idx: fc.nat(7), on: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), back: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), idx: fc.nat(7) }) },
);

interface Tracked {
  w: Watcher;
  start: number;
  full: boolean;
  got: StoreWatchResponse[];
}

/** How much of the interesting machinery the runs reached (checked after all runs). */
const reached = { compacted: 0, refused: 0, caughtUp: 0 };

function run(steps: Step[]): void {
  const kv = new KvStore();
  const ws = new WatchableStore(kv, { maxRevsPerBatch: 2, maxWatchersPerSync: 2 });
  // every change ever made, in order
  const logKeys: Array<{ key: string; rev: number; line: string }> = [];
  kv.addWriteObserver((rev, events) => {
    for (const e of events) {
      logKeys.push({ key: e.kv.key, rev, line: `${e.type} ${e.kv.key}@${rev}` });
    }
  });
  const tracked: Tracked[] = [];
  for (const s of steps) {
    if (s.kind === 'txn') {
      const tw = kv.write();
      for (const o of s.ops) {
        if (o.kind === 'put') tw.put(o.key, 'v');
        else tw.deleteRange(o.key, o.end === '' ? '' : o.end);
      }
      tw.end();
    } else if (s.kind === 'watch') {
      let start = s.start === -1 ? 0 : Math.max(1, kv.rev() - s.start);
      if (start !== 0 && start === kv.compactRev()) start++;
      const t: Tracked = { w: undefined as unknown as Watcher, start: 0, full: false, got: [] };
      t.start = start === 0 ? kv.rev() + 1 : start;
      const sink = (r: StoreWatchResponse): boolean => {
        if (t.full) {
          reached.refused++;
          return false;
        }
        t.got.push(r);
        return true;
      };
      t.w = ws.watch({ id: tracked.length, key: s.key, end: s.end, startRev: start, sink });
      if (!ws.isSynced(t.w)) reached.caughtUp++;
      tracked.push(t);
    } else if (s.kind === 'full') {
      const t = tracked[s.idx];
      if (t) t.full = s.on;
    } else if (s.kind === 'step') {
      ws.step();
    } else if (s.kind === 'compact') {
      const rev = kv.rev() - s.back;
      const behindAt = tracked.some((t) => !t.w.canceled && !t.w.compacted && !ws.isSynced(t.w) && t.w.minRev === rev);
      if (rev > kv.compactRev() && rev >= 1 && !behindAt) kv.compact(rev);
    } else {
      const t = tracked[s.idx];
      if (t) ws.cancel(t.w);
    }
  }
  for (const t of tracked) t.full = false;
  for (let i = 0; i < 200 && (ws.counts().unsynced > 0 || ws.counts().victims > 0); i++) ws.step();
  expect(ws.counts().unsynced + ws.counts().victims).toBe(0);
  for (const t of tracked) {
    if (t.w.canceled) continue;
    const want = logKeys.filter((e) => e.rev >= t.start && rangeContains(t.w.key, t.w.end, e.key)).map((e) => e.line);
    const compactNotices = t.got.filter((g) => g.compactRevision !== 0);
    const got = t.got.filter((g) => g.compactRevision === 0).flatMap((g) => g.events.map((e) => `${e.type} ${e.kv.key}@${e.kv.mod_revision}`));
    if (t.w.compacted) {
      reached.compacted++;
      expect(compactNotices.length).toBe(1);
      expect(t.got.at(-1)!.compactRevision).toBeGreaterThan(0);
      expect(want.slice(0, got.length)).toEqual(got); // a prefix, then the notice
    } else {
      expect(compactNotices).toEqual([]);
      expect(got).toEqual(want); // ordered, unique, no gap
      const revs = t.got.map((g) => g.revision);
      expect([...revs].sort((a, b) => a - b)).toEqual(revs);
    }
  }
}

describe('watchable store under random load', () => {
  it('delivers each watcher exactly its events, in order, through backpressure and compaction', () => {
    const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : 4242;
    const path = process.env.PROPERTY_PATH;
    const numRuns = Number(process.env.PROPERTY_RUNS ?? 60);
    const result = fc.check(fc.property(fc.array(step, { minLength: 10, maxLength: 80, size: 'max' }), (steps) => run(steps)), {
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
    expect(reached.compacted).toBeGreaterThan(0);
    expect(reached.refused).toBeGreaterThan(0);
    expect(reached.caughtUp).toBeGreaterThan(0);
    console.log(`watch property reached: ${JSON.stringify(reached)}`);
  });
});
