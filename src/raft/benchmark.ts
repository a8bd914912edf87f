import { Network } from './testNetwork.ts';

export interface BenchResult {
  members: number;
  proposals: number;
  messages: number;
  elapsedMs: number;
  messagesPerSecond: number;
}

/**
 * Throughput of the state machine alone: a cluster in the synchronous test network proposing
 * `proposals` entries (in batches, with heartbeats between) and counting delivered messages.
 * The clock is injected so this module stays free of ambient time; a script passes
 * `performance.now`. Run: `npx tsx -e "import('./src/raft/benchmark.ts').then((m) => m.main(() => performance.now()))"`.
 */
export function runBench(now: () => number, members = 5, proposals = 20_000, batch = 8): BenchResult {
  const ids = Array.from({ length: members }, (_, i) => String(i + 1));
  const nw = new Network(ids, { seed: 1 });
  nw.campaign('1');
  const start = now();
  const before = nw.deliveredCount;
  const leader = nw.node('1');
  for (let i = 0; i < proposals; i += batch) {
    for (let j = 0; j < batch; j++) leader.propose(`value-${i + j}`);
    nw.process('1');
    nw.flush();
    if ((i / batch) % 4 === 0) nw.tickAll();
  }
  const elapsedMs = now() - start;
  const messages = nw.deliveredCount - before;
  if (nw.member('5').appliedIndex < proposals) throw new Error('benchmark cluster did not commit everything');
  return { members, proposals, messages, elapsedMs, messagesPerSecond: Math.round((messages / elapsedMs) * 1000) };
}

/** Also measures one proposal per round trip, the worst case for messages per entry. */
export function main(now: () => number): void {
  for (const batch of [1, 8]) {
    const r = runBench(now, 5, batch === 1 ? 20_000 : 80_000, batch);
    console.log(
      `raft bench: ${r.members} members, ${r.proposals} proposals in batches of ${batch}: ${r.messages} messages in ${r.elapsedMs.toFixed(0)} ms = ${r.messagesPerSecond} msgs/s`,
    );
  }
}
