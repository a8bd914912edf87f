/**
 * The bug finder from the command line: searches seeded fault plans with safety switches on
 * until a checker fails, shrinks the plan, and writes the counterexample as a scenario file
 * (open it in the playground with Import, or as a link).
 *
 *   npm run find-bug -- skipReadIndex                 # one or more switch ids
 *   npm run find-bug -- voteWithoutLogCheck --seeds=50 --members=5 --out=counterexample.json
 */
import { writeFileSync } from 'node:fs';
import { findFailure } from '../src/scenario/bugFinder.ts';
import { serializeScenario } from '../src/scenario/scenarioFormat.ts';
import { UNSAFE_SWITCHES, checkUnsafeSwitches } from '../src/server/unsafeSwitches.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const switches = args.filter((a) => !a.startsWith('--'));
const usage = `usage: npm run find-bug -- SWITCH... [--seeds=N] [--members=N] [--out=FILE]\n  switches: ${UNSAFE_SWITCHES.map((s) => `${s.id} (${s.number}. ${s.title})`).join('; ')}`;
const int = (v: string | undefined, dflt: number, min: number, max: number, name: string): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number in [${min}, ${max}], got ${JSON.stringify(v)}\n${usage}`);
    process.exit(2);
  }
  return n;
};
if (switches.length === 0) {
  console.error(usage);
  process.exit(2);
}
let unsafe;
try {
  unsafe = checkUnsafeSwitches(switches, 'switch');
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
const seeds = int(flag('seeds'), 100, 1, 100_000, 'seeds');
const members = int(flag('members'), 3, 1, 9, 'members');
const out = flag('out') ?? 'counterexample.json';

const t0 = performance.now();
const r = await findFailure({
  settings: { members, seed: 1, unsafe, requestTimeoutMs: 2000 },
  maxSeeds: seeds,
  onProgress: (p) => {
    process.stderr.write(`\r${p.phase === 'search' ? `searching: seed ${p.seed}` : `shrinking seed ${p.seed}: ${p.planSteps} moves`} (${p.tried} runs)   `);
  },
});
process.stderr.write('\n');
if (!r) {
  console.log(`no failure in seeds 1..${seeds} with ${unsafe.join(', ')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  process.exit(1);
}
writeFileSync(out, serializeScenario(r.scenario));
console.log(`seed ${r.seed}: ${r.failure.kind === 'invariant' ? `Raft safety broken (${r.failure.what})` : 'history not linearizable'}: ${r.failure.text}`);
console.log(`shrunk from ${r.originalSteps} moves to ${r.plan.length} in ${r.runs} runs (${((performance.now() - t0) / 1000).toFixed(1)} s):`);
for (const s of r.plan) console.log(`  ${JSON.stringify(s)}`);
console.log(`wrote ${out} (${r.scenario.actions.length} recorded actions, trace ${r.scenario.traceHash}); open it in the playground with Import`);
process.exit(0);
