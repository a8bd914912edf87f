/**
 * The playground against a real etcd 3.4: the same generated operation sequence (put, range with
 * every option, delete, txn, compact, leases, watches from a revision) goes to Debian's etcd
 * through its JSON gateway and to a 3-member in-process cluster; answers and watch event streams
 * must agree field by field (see compatRunner.ts for the only allowed differences).
 *
 * COMPAT_SEED=<n> replays one seed; COMPAT_OPS=<n> changes the length (default 2000).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../client/gateway/gatewayClient.ts';
import { realEtcdAvailable, startRealEtcd, type RealEtcd } from '../../client/testing/realEtcd.ts';
import { createMemoryStorageFactory } from '../../storage/memory/memoryStorageFactory.ts';
import { InProcessCluster } from '../inProcessCluster.ts';
import { canonical, runCompat } from './compatRunner.ts';

const d = realEtcdAvailable() ? describe : describe.skip;
const SEED = Number(process.env.COMPAT_SEED ?? 20251121);
const OPS = Number(process.env.COMPAT_OPS ?? 2000);

d('compatibility with etcd 3.4 (real etcd vs 3-member playground)', () => {
  let etcd: RealEtcd;
  beforeAll(async () => {
    etcd = await startRealEtcd({ members: 1 });
  }, 60_000);
  afterAll(async () => {
    await etcd?.stop();
  });

  it(`${OPS} generated operations answer identically (seed ${SEED})`, async () => {
    const cluster = await InProcessCluster.create({ size: 3, seed: SEED, storageFactory: createMemoryStorageFactory() });
    await cluster.waitForLeader();
    const real = new GatewayClient(etcd.clientUrls, { requestTimeoutMs: 10_000 });
    const play = cluster.client({ endpoints: ['m1'] });
    const report = await runCompat({
      seed: SEED,
      ops: OPS,
      real: { name: 'etcd', client: real, settle: (ms) => new Promise((r) => setTimeout(r, ms)), watchQuietMs: 250 },
      play: { name: 'playground', client: play, settle: (ms) => cluster.runFor(ms), watchQuietMs: 100 },
    });
    real.close();
    play.close();
    await cluster.close();
    if (report.mismatch) {
      const m = report.mismatch;
      console.error(
        `compat mismatch: seed ${SEED} (replay: COMPAT_SEED=${SEED} npx vitest run src/runtime/compat), op #${m.index}\n` +
          `  op:   ${canonical(m.op)}\n  etcd: ${canonical(m.real)}\n  play: ${canonical(m.play)}`,
      );
    }
    console.log(`compat: ${report.ops} ops, ${report.watchesCompared} watches, ${report.eventsCompared} watch items compared`);
    expect(report.mismatch).toBeUndefined();
    expect(report.ops).toBe(OPS);
  }, 300_000);
});
