/**
 * Runs a playground script on the in-process host (Node, in-memory storage) and prints its trace
 * hash, or with `--recording` a JSON line with the hash, the recorded actions and the end time.
 * Run with tsx: `tsx e2e/runtime/nodeTraceHash.ts <seed> <members> [determinism|everyAction] [--recording]`.
 */
import { Playground } from '../../src/runtime/playground.ts';
import { determinismScript, everyActionScript } from '../../src/runtime/playgroundScripts.ts';

const seed = Number(process.argv[2] ?? 5);
const members = Number(process.argv[3] ?? 3);
const script = process.argv[4] ?? 'determinism';
const recording = process.argv.includes('--recording');
if (script !== 'determinism' && script !== 'everyAction') {
  process.stderr.write(`unknown script "${script}": expected determinism or everyAction\n`);
  process.exit(2);
}
const pg = Playground.inProcess({ settings: { seed, members }, paused: true });
await pg.ready();
const hash = await (script === 'everyAction' ? everyActionScript(pg) : determinismScript(pg));
if (recording) {
  const c = await pg.capture();
  process.stdout.write(`${JSON.stringify({ hash, traceHash: c.traceHash, actions: c.actions, endMs: c.endMs })}\n`);
} else {
  process.stdout.write(`${hash}\n`);
}
await pg.close();
process.exit(0);
