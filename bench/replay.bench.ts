/**
 * Time travel: how long it takes to show an arbitrary past time of a recorded session, and to
 * continue from the middle of it. The session is recorded on the in-process host (5 members, a
 * client putting 50 keys per virtual second, for BENCH_VIRTUAL_MS, 10 virtual minutes by
 * default); the time machine then seeks to 20 seeded-random past times, in that order, as a user
 * dragging the scrubber about would, and forks at the midpoint. Prints figures only.
 * Run: npm run bench:replay  (BENCH_VIRTUAL_MS, BENCH_SEEKS and BENCH_SEED change the session).
 */
import os from 'node:os';
import { Playground } from '../src/runtime/playground.ts';
import { TimeMachine } from '../src/scenario/timeMachine.ts';
import { quantile } from './benchSupport.ts';

const virtualMs = Number(process.env.BENCH_VIRTUAL_MS ?? 600_000);
const seeks = Number(process.env.BENCH_SEEKS ?? 20);
const benchSeed = Number(process.env.BENCH_SEED ?? 1);
const opsPerSec = 50;

/** A small seeded generator, so every run seeks to the same times. */
function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const wall = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
};

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const live = Playground.inProcess({ settings: { seed: 1, members: 5 }, paused: true });
await live.ready();
const [, recordMs] = await wall(async () => {
  await live.runFor(3000);
  const c = live.client();
  const everyMs = 1000 / opsPerSec;
  let n = 0;
  // Open loop: a put every 20 virtual ms whether or not the last one was answered.
  while (live.now() < virtualMs) {
    void c.put({ key: `key-${n % 1000}`, value: `value-${n}` }).catch(() => undefined);
    n++;
    await live.runFor(everyMs);
  }
});
const captured = await live.capture();
console.log(`recorded: ${(captured.endMs / 1000).toFixed(0)} virtual s, ${captured.actions.length} actions, in ${(recordMs / 1000).toFixed(1)} s wall (the live run itself)`);

const tm = new TimeMachine(live);
const rnd = lcg(benchSeed);
const results: { targetMs: number; wallMs: number; forward: boolean }[] = [];
let shownMs = -1;
for (let i = 0; i < seeks; i++) {
  const targetMs = Math.round(rnd() * (captured.endMs - 1));
  const forward = shownMs >= 0 && targetMs >= shownMs;
  const [, ms] = await wall(() => tm.seek(targetMs));
  const v = tm.viewing();
  if (v.mode !== 'past' || v.shownMs !== targetMs) throw new Error(`seek to ${targetMs} showed ${JSON.stringify(v)}`);
  results.push({ targetMs, wallMs: ms, forward });
  shownMs = targetMs;
  console.log(`  seek ${String(i + 1).padStart(2)} to ${(targetMs / 1000).toFixed(1).padStart(6)} s (${forward ? 'forward ' : 'backward'}): ${ms.toFixed(0)} ms`);
}
const all = results.map((r) => r.wallMs);
const summary = (label: string, xs: number[]) =>
  xs.length === 0 ? `${label}: none` : `${label}: median ${quantile([...xs].sort((a, b) => a - b), 0.5).toFixed(0)} ms, worst ${Math.max(...xs).toFixed(0)} ms (${xs.length})`;
console.log(summary(`${seeks} seeks`, all));
console.log(summary('  forward of the shown time', results.filter((r) => r.forward).map((r) => r.wallMs)));
console.log(summary('  backward (or the first)', results.filter((r) => !r.forward).map((r) => r.wallMs)));

const midMs = Math.round(captured.endMs / 2);
await tm.seek(midMs);
const [, forkMs] = await wall(() => tm.fork());
console.log(`continue from here at ${(midMs / 1000).toFixed(0)} s (in-process live cluster): ${forkMs.toFixed(0)} ms; live now at ${(live.now() / 1000).toFixed(1)} s`);
console.log('targets: seek median ≤ 1000 ms, worst ≤ 2000 ms; fork ≤ 5000 ms');
await live.close();
if (!process.env.BENCH_NO_EXIT) process.exit(0);
