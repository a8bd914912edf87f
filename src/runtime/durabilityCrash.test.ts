// idb recognises requests and transactions through the global IDB classes, so those must exist;
// each run still gets its own IDBFactory.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createIndexedDbStorageFactory } from '../storage/indexeddb/idbStorageFactory.ts';
import { replayCommand, runCrashRecovery, type CrashRunOptions, type CrashRunResult } from './crashRecovery.ts';

const FILE = 'src/runtime/durabilityCrash.test.ts';
/** CRASH_SEED replays one seed; CRASH_SEEDS / CRASH_COUNT widen the sweep. */
const only = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : undefined;
const seedCount = Number(process.env.CRASH_SEEDS ?? 10);
const crashesPerSeed = Number(process.env.CRASH_COUNT ?? 30);
const idbSeedCount = Number(process.env.CRASH_IDB_SEEDS ?? 3);
const idbCrashes = Number(process.env.CRASH_IDB_COUNT ?? 15);

async function sweep(label: string, seeds: number[], crashes: number, storage: CrashRunOptions['storage']): Promise<CrashRunResult[]> {
  const results: CrashRunResult[] = [];
  const failures: string[] = [];
  for (const seed of seeds) {
    try {
      results.push(await runCrashRecovery({ seed, crashes, storage }));
    } catch (e) {
      failures.push(`seed ${seed}: ${e instanceof Error ? e.message : String(e)}\n  replay: ${replayCommand(FILE, seed, crashes)}`);
    }
  }
  const total = { between: 0, land: 0, drop: 0, restarts: 0, acked: 0, checks: 0 };
  for (const r of results) {
    total.between += r.crashes.between;
    total.land += r.crashes.land;
    total.drop += r.crashes.drop;
    total.restarts += r.restarts;
    total.acked += r.ackedPuts;
    total.checks += r.prefixChecks;
  }
  console.log(
    `${label}: ${seeds.length} seeds, crashes between steps ${total.between}, mid-transaction landed ${total.land}, dropped ${total.drop}; ` +
      `${total.restarts} restarts, ${total.checks} prefix checks, ${total.acked} acknowledged writes verified`,
  );
  if (failures.length > 0) console.error(failures.join('\n'));
  expect(failures).toEqual([]);
  return results;
}

const seedsFrom = (base: number, count: number): number[] => (only !== undefined ? [only] : Array.from({ length: count }, (_, i) => base + i));

describe('durability: crash at any point, recover, lose nothing acknowledged', () => {
  it('memory disk: crashes between steps and mid-transaction (landing or not) recover to a prefix of the log; acknowledged writes survive; hashes agree once healed', async () => {
    const results = await sweep('memory', seedsFrom(1, seedCount), crashesPerSeed, 'memory');
    // The sweep exercised every kind of crash and actually verified writes.
    const sum = (f: (r: CrashRunResult) => number) => results.reduce((a, r) => a + f(r), 0);
    expect(sum((r) => r.crashes.land)).toBeGreaterThan(0);
    expect(sum((r) => r.crashes.drop)).toBeGreaterThan(0);
    expect(sum((r) => r.crashes.between)).toBeGreaterThan(0);
    expect(sum((r) => r.ackedPuts)).toBeGreaterThan(0);
    expect(sum((r) => r.prefixChecks)).toBeGreaterThan(0);
  }, 600_000);

  it('IndexedDB (fake-indexeddb): crashes between steps and with a transaction in flight (committed or aborted) recover through the real storage code', async () => {
    const results = await sweep('indexeddb', seedsFrom(1001, idbSeedCount), idbCrashes, {
      factory: (dies) =>
        createIndexedDbStorageFactory({
          indexedDB: new IDBFactory(),
          keyRange: IDBKeyRange,
          locks: null,
          onWriteTransaction: (tx, dbName) => {
            // The worker dies with this transaction in flight: aborted, it never lands.
            if (dies(dbName) === 'drop') tx.abort();
          },
        }),
    });
    expect(results.reduce((a, r) => a + r.crashes.drop + r.crashes.land, 0)).toBeGreaterThan(0);
    expect(results.reduce((a, r) => a + r.ackedPuts, 0)).toBeGreaterThan(0);
  }, 600_000);
});
