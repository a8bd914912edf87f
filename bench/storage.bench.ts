/**
 * Storage throughput: entries persisted per second and transactions per Ready, for one member and
 * for three members writing at once, on fake-indexeddb (Node) and on the memory implementation.
 * Transactions are counted twice: by the storage's own counter and by a hook that sees every
 * IndexedDB write transaction created, so "one transaction per Ready" is measured, not assumed.
 *
 *   npm run bench:storage            (STORAGE_BENCH_ROUNDS=n to change the number of Readys)
 */
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { Entry } from '../src/raft/types.ts';
import { createIndexedDbStorageFactory } from '../src/storage/indexeddb/idbStorageFactory.ts';
import { createMemoryStorageFactory } from '../src/storage/memory/memoryStorageFactory.ts';
import type { MemberStorage, StorageFactory } from '../src/storage/types.ts';

const READY_SIZES = [1, 64, 256];
const TARGET_ENTRIES = Number(process.env.STORAGE_BENCH_ENTRIES ?? 8192);

/** An entry the size of a small put request (~100 bytes of data). */
function entry(index: number, term: number): Entry {
  return { index, term, type: 'EntryNormal', data: `{"put":{"key":"key-${index}","value":"${'x'.repeat(64)}"},"id":"${index.toString(16)}"}` };
}

interface Result {
  entriesPerSec: number;
  msPerReady: number;
  txPerReadyCounter: number;
  txPerReadyHook: number | undefined;
}

async function writeReadys(s: MemberStorage, size: number, rounds: number): Promise<void> {
  let index = 1;
  for (let r = 0; r < rounds; r++) {
    const entries: Entry[] = [];
    for (let i = 0; i < size; i++) entries.push(entry(index++, 1));
    await s.saveReady({ entries, hardState: { term: 1, vote: '1', commit: index - 1 } });
  }
}

async function run(
  makeFactory: (hook: () => void) => StorageFactory,
  members: number,
  size: number,
  hooked: boolean,
): Promise<Result> {
  let hookCount = 0;
  const factory = makeFactory(() => hookCount++);
  const rounds = Number(process.env.STORAGE_BENCH_ROUNDS ?? Math.max(20, Math.ceil(TARGET_ENTRIES / size / members)));
  const stores = await Promise.all(Array.from({ length: members }, (_, i) => factory.open({ clusterId: 'bench', memberName: `m${i + 1}` })));
  const tx0 = stores.reduce((n, s) => n + s.stats().writeTransactions, 0);
  const hook0 = hookCount;
  const t0 = performance.now();
  await Promise.all(stores.map((s) => writeReadys(s, size, rounds)));
  const elapsedMs = performance.now() - t0;
  const tx = stores.reduce((n, s) => n + s.stats().writeTransactions, 0) - tx0;
  const readys = rounds * members;
  await Promise.all(stores.map((s) => s.close()));
  return {
    entriesPerSec: (readys * size) / (elapsedMs / 1000),
    msPerReady: elapsedMs / rounds,
    txPerReadyCounter: tx / readys,
    txPerReadyHook: hooked ? (hookCount - hook0) / readys : undefined,
  };
}

const idb = (hook: () => void) =>
  createIndexedDbStorageFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange, locks: null, onWriteTransaction: () => hook() });
const memory = () => createMemoryStorageFactory();

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  console.log(`storage bench: ${TARGET_ENTRIES} entries per run, entries of ~${JSON.stringify(entry(1, 1)).length} bytes`);
  console.log('impl            members  ready  entries/s   ms/round  tx/Ready(counter)  tx/Ready(IDB hook)');
  for (const [label, make, hooked] of [
    ['fake-indexeddb', idb, true],
    ['memory', memory, false],
  ] as const) {
    for (const members of [1, 3]) {
      for (const size of READY_SIZES) {
        const r = await run(make, members, size, hooked);
        console.log(
          `${label.padEnd(15)} ${String(members).padStart(7)} ${String(size).padStart(6)} ${fmt(r.entriesPerSec).padStart(10)} ${fmt(r.msPerReady, 3).padStart(10)} ${fmt(r.txPerReadyCounter, 2).padStart(18)} ${(r.txPerReadyHook === undefined ? '-' : fmt(r.txPerReadyHook, 2)).padStart(19)}`,
        );
      }
    }
  }
  console.log('ms/round: wall time for one Ready on every member (3 members: all three at once).');
}

await main();
