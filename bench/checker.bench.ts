/**
 * How long the linearizability checker takes on a 10,000-operation history: 50 concurrent
 * clients over 100 keys, a correct execution with overlapping intervals and a few operations
 * that never got an answer. Prints figures; asserts nothing about speed.
 */
import { performance } from 'node:perf_hooks';
import { checkLinearizability } from '../src/sim/checkers/linearizability.ts';
import { simulateHistory } from '../src/sim/checkers/simulatedHistory.ts';
import { kvLogFromHistory } from '../src/sim/checkers/committedLog.ts';
import { checkWatchGuarantees } from '../src/sim/checkers/watchGuarantees.ts';

const seed = Number(process.env.SEED ?? 1);
const t0 = performance.now();
const run = simulateHistory({ seed, clients: 50, operations: 10_000, keys: 100, indeterminateRate: 0.002, failureRate: 0.002, latencyMs: 20, watchers: 20 });
const t1 = performance.now();
const indeterminate = run.history.operations.filter((o) => o.outcome.status === 'indeterminate').length;
console.log(`history: ${run.history.operations.length} operations (${indeterminate} indeterminate), ${run.history.watches.length} watchers, ${run.log.lastRevision - 1} revisions; generated in ${(t1 - t0).toFixed(0)} ms (seed ${seed})`);

for (let i = 0; i < 3; i++) {
  const s = performance.now();
  const res = checkLinearizability(run.history.operations, { now: () => performance.now(), timeoutMs: 60_000 });
  const e = performance.now();
  console.log(`linearizability: ${res.result} in ${(e - s).toFixed(0)} ms${res.result === 'illegal' ? '\n' + res.explanation.text : ''}`);
  if (i === 0 && res.result === 'ok') {
    const ws = performance.now();
    const log = kvLogFromHistory(run.history, { linearization: res.linearization });
    const w = checkWatchGuarantees(run.history.watches, log);
    console.log(`watch guarantees: ${w.ok ? 'ok' : `${w.violations.length} violations`} in ${(performance.now() - ws).toFixed(0)} ms`);
  }
}
