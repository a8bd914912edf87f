/**
 * etcdctl compatibility: the same script through the real etcdctl 3.4 and through runEtcdctl,
 * each against its own fresh real etcd 3.4, compared after normalizing what two clusters never
 * share (IDs, addresses, durations, sizes; see testing/etcdctlCompat.ts).
 *
 * The side under test is a parameter (`clientFor`): here the gateway client over a real etcd;
 * the playground's own cluster can be plugged in the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayClient } from '../gateway/gatewayClient.ts';
import { compareScript, describeMismatch, type CompatTarget } from '../testing/etcdctlCompat.ts';
import { realEtcdAvailable, startRealEtcd, type RealEtcd } from '../testing/realEtcd.ts';
import { alarmScript, clusterScript, compatScript } from './compatScript.ts';

if (!realEtcdAvailable()) {
  console.warn('etcdctlCompat.test.ts: /usr/bin/etcd not found; skipping the etcdctl compatibility suite');
}
const d = realEtcdAvailable() ? describe : describe.skip;

d('etcdctl 3.4 compatibility (real etcdctl vs runEtcdctl over the JSON gateway)', () => {
  let realSide: RealEtcd;
  let ourSide: RealEtcd;
  let tmp: string;
  beforeAll(async () => {
    [realSide, ourSide] = await Promise.all([startRealEtcd({ clusterToken: 'compat-a' }), startRealEtcd({ clusterToken: 'compat-b' })]);
    tmp = mkdtempSync(join(tmpdir(), 'etcdctl-compat-'));
  });
  afterAll(async () => {
    await Promise.all([realSide?.stop(), ourSide?.stop()]);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it(`prints what etcdctl prints for all ${compatScript.length} script lines`, async () => {
    const target = (e: RealEtcd): CompatTarget => ({
      endpoints: e.endpoints,
      peerUrls: e.members.map((m) => m.peerUrl),
      tmpDir: tmp,
    });
    const { mismatches, compared } = await compareScript(compatScript, target(realSide), target(ourSide), (eps) => new GatewayClient(eps));
    if (mismatches.length > 0) {
      console.log(`${mismatches.length} of ${compared} lines differ:\n\n` + mismatches.map(describeMismatch).join('\n\n'));
    }
    expect(mismatches.map((m) => `#${m.index} ${m.line}`)).toEqual([]);
  });

  it(`prints what etcdctl prints against 3-member clusters (${clusterScript.filter((s) => !s.setup).length} lines)`, async () => {
    const [a, b] = await Promise.all([startRealEtcd({ members: 3, clusterToken: 'three-a' }), startRealEtcd({ members: 3, clusterToken: 'three-b' })]);
    try {
      const target = (e: RealEtcd): CompatTarget => ({
        endpoints: e.endpoints,
        peerUrls: e.members.map((m) => m.peerUrl),
        tmpDir: tmp,
        anyMember: true,
      });
      const { mismatches, compared } = await compareScript(clusterScript, target(a), target(b), (eps) => new GatewayClient(eps));
      if (mismatches.length > 0) {
        console.log(`${mismatches.length} of ${compared} lines differ:\n\n` + mismatches.map(describeMismatch).join('\n\n'));
      }
      expect(mismatches.map((m) => `#${m.index} ${m.line}`)).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it(`prints alarms as etcdctl does (${alarmScript.filter((s) => !s.setup).length} lines, on clusters with a tiny quota)`, async () => {
    const opts = { extraArgs: ['--quota-backend-bytes=100000'] };
    const [a, b] = await Promise.all([startRealEtcd({ ...opts, clusterToken: 'alarm-a' }), startRealEtcd({ ...opts, clusterToken: 'alarm-b' })]);
    try {
      const target = (e: RealEtcd): CompatTarget => ({ endpoints: e.endpoints, peerUrls: e.members.map((m) => m.peerUrl), tmpDir: tmp });
      const { mismatches, compared } = await compareScript(alarmScript, target(a), target(b), (eps) => new GatewayClient(eps));
      if (mismatches.length > 0) {
        console.log(`${mismatches.length} of ${compared} lines differ:\n\n` + mismatches.map(describeMismatch).join('\n\n'));
      }
      expect(mismatches.map((m) => `#${m.index} ${m.line}`)).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
