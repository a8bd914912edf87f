import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { realEtcdAvailable, startRealEtcd } from './realEtcd.ts';
import { GatewayClient } from '../gateway/gatewayClient.ts';

if (!realEtcdAvailable()) console.warn('realEtcd.test.ts: /usr/bin/etcd not found; skipping');
const d = realEtcdAvailable() ? describe : describe.skip;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

d('startRealEtcd', () => {
  it('starts a healthy 3-member cluster on free ports and stop() kills it and removes its data', async () => {
    const etcd = await startRealEtcd({ members: 3 });
    try {
      expect(new Set(etcd.clientUrls).size).toBe(3);
      const c = new GatewayClient(etcd.clientUrls);
      const ml = await c.memberList();
      expect(ml.members.map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3']);
      const leaders = await Promise.all(etcd.endpoints.map((e) => c.status(e).then((s) => s.leader)));
      expect(new Set(leaders).size).toBe(1);
      c.close();
    } finally {
      await etcd.stop();
    }
    for (const m of etcd.members) {
      expect(alive(m.pid)).toBe(false);
      expect(existsSync(m.dataDir)).toBe(false);
    }
  });
});
