/**
 * Prints the trace hash of the determinism script on the in-process host (Node, in-memory
 * storage). Run with tsx: `tsx e2e/runtime/nodeTraceHash.ts <seed> <members>`.
 */
import { Playground } from '../../src/runtime/playground.ts';
import { determinismScript } from '../../src/runtime/playgroundScripts.ts';

const seed = Number(process.argv[2] ?? 5);
const members = Number(process.argv[3] ?? 3);
const pg = Playground.inProcess({ settings: { seed, members }, paused: true });
await pg.ready();
const hash = await determinismScript(pg);
await pg.close();
process.stdout.write(`${hash}\n`);
process.exit(0);
