import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from './gatewayClient.ts';
import { EtcdError } from '../client.ts';
import { freePort, realEtcdAvailable, startRealEtcd, type RealEtcd } from '../testing/realEtcd.ts';
import type { WatchResponse } from '../../server/api.ts';
import { fetchTransport } from './gatewayTransport.ts';
import { nodeHttpTransport } from './nodeHttpTransport.ts';

if (!realEtcdAvailable()) {
  console.warn('gatewayClient.test.ts: /usr/bin/etcd not found; skipping the real-etcd tests');
}
const d = realEtcdAvailable() ? describe : describe.skip;

// Every case runs over both transports: the page's fetch, and Node's keep-alive http.
d.each([
  ['fetch', fetchTransport],
  ['node:http keep-alive', nodeHttpTransport()],
] as const)('GatewayClient against a real etcd 3.4 (%s)', (_name, transport) => {
  let etcd: RealEtcd;
  let c: GatewayClient;
  beforeAll(async () => {
    etcd = await startRealEtcd();
    c = new GatewayClient(etcd.clientUrls, { transport });
  });
  afterAll(async () => {
    c?.close();
    await etcd?.stop();
  });

  it('puts and ranges byte strings, with every response field present', async () => {
    const key = 'k\u00ff\u0000';
    const put = await c.put({ key, value: 'v\u0001' });
    expect(put.header.revision).toBe(2);
    expect(put.header.cluster_id).toMatch(/^[0-9a-f]+$/);
    expect(put.prev_kv).toBeUndefined();
    const r = await c.range({ key });
    expect(r).toEqual({
      header: { ...put.header },
      kvs: [{ key, value: 'v\u0001', create_revision: 2, mod_revision: 2, version: 1, lease: '0' }],
      more: false,
      count: 1,
    });
    const empty = await c.range({ key: 'nothing' });
    expect(empty.kvs).toEqual([]);
    expect(empty.count).toBe(0);
  });

  it('goes on to the next endpoint when one refuses the connection, and says so when all do', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const failover = new GatewayClient([dead, ...etcd.clientUrls], { transport });
    expect((await failover.range({ key: 'nothing' })).count).toBe(0);
    failover.close();
    const none = new GatewayClient([dead], { transport });
    await expect(none.range({ key: 'x' })).rejects.toMatchObject({ name: 'EtcdError', code: 'DeadlineExceeded', message: 'context deadline exceeded' });
    none.close();
  });

  it('turns gateway errors into EtcdError with the gRPC code name and etcd message', async () => {
    const err = await c.range({ key: 'a', revision: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtcdError);
    expect((err as EtcdError).code).toBe('OutOfRange');
    expect((err as EtcdError).message).toBe('etcdserver: mvcc: required revision is a future revision');
  });

  it('runs a txn whose compare defaults (EQUAL, value) survive the round trip', async () => {
    await c.put({ key: 't', value: '' });
    const t = await c.txn({
      compare: [{ key: 't', result: 'EQUAL', target: 'VALUE', value: '' }],
      success: [{ request_range: { key: 't' } }, { request_put: { key: 't2', value: 'x' } }],
    });
    expect(t.succeeded).toBe(true);
    expect(t.responses).toHaveLength(2);
    const first = t.responses[0]!;
    expect('response_range' in first && first.response_range.kvs[0]!.key).toBe('t');
  });

  it('grants, lists, keeps alive and revokes leases with hex IDs', async () => {
    const g = await c.leaseGrant({ TTL: 60 });
    expect(g.ID).toMatch(/^[0-9a-f]+$/);
    expect(g.TTL).toBe(60);
    expect((await c.leaseLeases()).leases.map((l) => l.ID)).toContain(g.ID);
    await c.put({ key: 'leased', value: '1', lease: g.ID });
    const ttl = await c.leaseTimeToLive({ ID: g.ID, keys: true });
    expect(ttl.grantedTTL).toBe(60);
    expect(ttl.keys).toEqual(['leased']);
    const ka = await c.leaseKeepAliveOnce(g.ID);
    expect(ka.ID).toBe(g.ID);
    expect(ka.TTL).toBe(60);
    await c.leaseRevoke(g.ID);
    expect((await c.leaseTimeToLive({ ID: g.ID })).TTL).toBe(-1);
    expect((await c.leaseKeepAliveOnce(g.ID)).TTL).toBe(0);
  });

  it('streams watch events with the PUT default filled in', async () => {
    const seen: WatchResponse[] = [];
    const h = c.watch({ key: 'w', prev_kv: true }, (r) => seen.push(r));
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(seen[0]!.created).toBe(true);
    await c.put({ key: 'w', value: '1' });
    await c.deleteRange({ key: 'w' });
    for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    await h.cancel();
    const events = seen.flatMap((r) => r.events);
    expect(events.map((e) => e.type)).toEqual(['PUT', 'DELETE']);
    expect(events[1]!.prev_kv?.value).toBe('1');
  });

  it('reports members, status, alarms and a snapshot', async () => {
    const ml = await c.memberList();
    expect(ml.members).toHaveLength(1);
    expect(ml.members[0]!.name).toBe('m1');
    expect(ml.members[0]!.isLearner).toBe(false);
    const st = await c.status(etcd.endpoints[0]);
    expect(st.version).toBe('3.4.23');
    expect(st.leader).toBe(ml.members[0]!.ID);
    expect(st.errors).toEqual([]);
    expect((await c.alarm({ action: 'GET' })).alarms).toEqual([]);
    const snap = await c.snapshot();
    expect(snap.blob.length).toBeGreaterThan(0);
    const hk = await c.hashKV(0);
    expect(hk.compact_revision).toBe(-1);
    await c.compact({ revision: 3 });
    expect((await c.hashKV(0)).compact_revision).toBe(3);
  });
});
