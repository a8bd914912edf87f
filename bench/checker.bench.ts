/**
 * How long the history checkers take on a 10,000-operation history: 50 concurrent clients over
 * 100 keys, a correct execution with overlapping intervals and a few operations that never got
 * an answer, plus 20 watchers. Prints figures (wall and CPU time: the wall figure includes
 * whatever else the machine is doing); asserts nothing about speed. SEED=<n> picks another run.
 */
import { performance } from 'node:perf_hooks';
import { checkHistory } from '../src/sim/checkers/checkHistory.ts';
import { kvLogFromHistory } from '../src/sim/checkers/committedLog.ts';
import { checkLinearizability } from '../src/sim/checkers/linearizability.ts';
import { simulateHistory } from '../src/sim/checkers/simulatedHistory.ts';
import { checkWatchGuarantees } from '../src/sim/checkers/watchGuarantees.ts';

const seed = Number(process.env.SEED ?? 1);

function measure<T>(run: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}
const fmt = (m: { wallMs: number; cpuMs: number }) => `${m.wallMs.toFixed(0)} ms wall (${m.cpuMs.toFixed(0)} ms CPU)`;

const gen = measure(() =>
  simulateHistory({ seed, clients: 50, operations: 10_000, keys: 100, indeterminateRate: 0.002, failureRate: 0.002, latencyMs: 20, watchers: 20 }),
);
const { history } = gen.value;
const unanswered = history.operations.filter((o) => o.outcome.status === 'indeterminate').length;
console.log(`history (seed ${seed}): ${history.operations.length} operations by 50 clients over 100 keys, ${unanswered} indeterminate, ${history.watches.length} watch streams, ${gen.value.log.lastRevision - 1} revisions; generated in ${fmt(gen)}`);

for (let round = 1; round <= 3; round++) {
  const lin = measure(() => checkLinearizability(history.operations, { now: () => performance.now(), timeoutMs: 60_000 }));
  const res = lin.value;
  let line = `round ${round}: linearizability ${res.result} in ${fmt(lin)}`;
  if (res.result === 'ok') {
    const logM = measure(() => kvLogFromHistory(history, { linearization: res.linearization }));
    const watch = measure(() => checkWatchGuarantees(history.watches, logM.value));
    line += `; committed log ${fmt(logM)}; watch guarantees ${watch.value.ok ? 'ok' : `${watch.value.violations.length} violations`} in ${fmt(watch)}`;
  } else if (res.result === 'illegal') {
    line += `\n${res.explanation.text}`;
  }
  console.log(line);
}
const all = measure(() => checkHistory(history, { now: () => performance.now(), timeoutMs: 60_000 }));
console.log(`checkHistory (everything): ${all.value.ok ? 'ok' : 'NOT ok'} in ${fmt(all)}`);
