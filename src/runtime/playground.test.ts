import { afterEach, describe, expect, it } from 'vitest';
import { Playground } from './playground.ts';
import { settle, until } from './playgroundTesting.ts';
import type { PlaygroundEvent } from './playgroundApi.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import { StorageQuotaError, type MemberStorage, type StorageFactory } from '../storage/types.ts';

const open: Playground[] = [];
afterEach(async () => {
  for (const pg of open.splice(0)) await pg.close();
});

async function started(settings: Parameters<typeof Playground.inProcess>[0] = {}): Promise<Playground> {
  const pg = Playground.inProcess({ paused: true, ...settings });
  open.push(pg);
  await pg.ready();
  return pg;
}

/**
 * Memory storage where one member's writes can be made to fail as a full browser quota fails
 * them (the write is rejected and nothing lands); everything else is the plain memory disk.
 */
function quotaFactory(victim: string): { factory: StorageFactory; full: { on: boolean } } {
  const base = createMemoryStorageFactory();
  const full = { on: false };
  const factory = Object.assign(Object.create(base) as typeof base, {
    async open(o: Parameters<StorageFactory['open']>[0]): Promise<MemberStorage> {
      const s = await base.open(o);
      if (o.memberName !== victim) return s;
      return new Proxy(s, {
        get(target, prop) {
          if (prop === 'saveReady' && full.on) return () => Promise.reject(new StorageQuotaError(target.name));
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
  });
  return { factory, full };
}

describe('Playground on the in-process host', () => {
  it('boots three members, elects a leader, and serves a put and a get on every member', async () => {
    const pg = await started({ settings: { seed: 7 } });
    expect(pg.members().map((m) => m.name)).toEqual(['m1', 'm2', 'm3']);
    await until(pg, () => pg.leader() !== undefined);
    const resp = await settle(pg, pg.client().put({ key: 'foo', value: 'bar' }));
    expect(resp.header.revision).toBeGreaterThan(1);
    await pg.runFor(500);
    for (const m of pg.members()) {
      const got = await settle(pg, pg.client({ endpoints: [m.name] }).range({ key: 'foo', serializable: true }));
      expect(got.kvs.map((kv) => kv.value)).toEqual(['bar']);
      expect(m.recentEntries.some((e) => e.text === 'put foo=bar')).toBe(true);
    }
  });

  it('refuses bad settings with a clear error', () => {
    expect(() => Playground.inProcess({ settings: { members: 0 } })).toThrow(/settings.members/);
    expect(() => Playground.inProcess({ settings: { durability: 'fast' as never } })).toThrow(/durability/);
    expect(() => Playground.inProcess({ settings: { bogus: 1 } as never })).toThrow(/unknown setting bogus/);
  });

  it('crash, restart, wipe and replace a member', async () => {
    const pg = await started({ settings: { seed: 3 } });
    await until(pg, () => pg.leader() !== undefined);
    await settle(pg, pg.client().put({ key: 'a', value: '1' }));
    const follower = pg.members().find((m) => m.role !== 'leader')!.name;
    await pg.crash(follower);
    expect(pg.members().find((m) => m.name === follower)).toMatchObject({ alive: false, role: 'crashed' });
    expect(pg.aliveMembers()).not.toContain(follower);
    await pg.restart(follower);
    expect(pg.members().find((m) => m.name === follower)!.alive).toBe(true);
    await pg.wipe(follower);
    // The member itself refuses to start on an empty disk it once had: the reason reaches the user.
    await expect(pg.restart(follower)).rejects.toThrow(/data was lost.*replace the member/);
    const down = pg.members().find((m) => m.name === follower)!;
    expect(down).toMatchObject({ alive: false, role: 'crashed' });
    expect(down.error).toMatch(/replace the member/);
    expect(pg.aliveMembers()).not.toContain(follower);
    pg.resume();
    pg.setSpeed('max');
    const fresh = await pg.replaceMember(follower);
    expect(fresh.name).toBe('m4');
    expect(pg.members().map((m) => m.name)).toEqual(['m1', 'm2', 'm3', 'm4'].filter((n) => n !== follower));
    pg.pause();
    await until(pg, () => pg.members().find((m) => m.name === 'm4')!.appliedIndex >= (pg.leader()?.commitIndex ?? Infinity));
    const got = await settle(pg, pg.client({ endpoints: ['m4'] }).range({ key: 'a', serializable: true }));
    expect(got.kvs[0]?.value).toBe('1');
  });

  it('a storage quota failure stops that member with its error; the cluster keeps serving; restart recovers it', async () => {
    const { factory, full } = quotaFactory('m2');
    const pg = await started({ settings: { seed: 15 }, storageFactory: factory });
    await until(pg, () => pg.leader() !== undefined);
    await settle(pg, pg.client().put({ key: 'before', value: '1' }));
    full.on = true;
    // Every member writes on every put (entries, then the commit index), so the next put reaches m2's storage.
    await settle(pg, pg.client({ endpoints: pg.aliveMembers().filter((n) => n !== 'm2') }).put({ key: 'during', value: '2' }));
    await until(pg, () => pg.members().find((m) => m.name === 'm2')!.error !== undefined);
    const m2 = pg.members().find((m) => m.name === 'm2')!;
    expect(m2).toMatchObject({ alive: false, role: 'crashed' });
    expect(m2.error).toMatch(/storage quota exceeded for .*m2: the write was rolled back/);
    expect(pg.aliveMembers()).toEqual(['m1', 'm3']);
    await expect(pg.memberDetails('m2')).rejects.toThrow(/down: storage quota exceeded/);
    expect(pg.trace().some((e) => e.actor === 'm2' && /stopped: storage quota exceeded/.test(e.detail))).toBe(true);
    // The other two are a quorum and go on serving.
    const after = await settle(pg, pg.client({ endpoints: ['m1', 'm3'] }).put({ key: 'after', value: '3' }));
    expect(after.header.revision).toBeGreaterThan(1);
    // Space freed: a restart recovers from what was stored and catches up.
    full.on = false;
    await pg.restart('m2');
    expect(pg.members().find((m) => m.name === 'm2')).toMatchObject({ alive: true });
    expect(pg.members().find((m) => m.name === 'm2')!.error).toBeUndefined();
    await until(pg, () => pg.members().find((m) => m.name === 'm2')!.appliedIndex >= (pg.leader()?.commitIndex ?? Infinity));
    const got = await settle(pg, pg.client({ endpoints: ['m2'] }).range({ key: 'after', serializable: true }));
    expect(got.kvs[0]?.value).toBe('3');
  });

  it('campaign makes a member run an election now; transferLeader moves leadership', async () => {
    const pg = await started({ settings: { seed: 9, preVote: false, checkQuorum: false } });
    await until(pg, () => pg.leader() !== undefined);
    const first = pg.leader()!;
    const challenger = pg.members().find((m) => m.name !== first.name)!.name;
    await pg.campaign(challenger);
    await until(pg, () => pg.leader()?.name === challenger, 3000);
    expect(pg.leader()!.term).toBeGreaterThan(first.term);
    const target = pg.members().find((m) => m.name !== challenger)!.name;
    await settle(pg, pg.transferLeader(target));
    await until(pg, () => pg.leader()?.name === target, 3000);
    expect(pg.leader()!.name).toBe(target);
  });

  it('partitions, cuts and link settings, with validation', async () => {
    const pg = await started({ settings: { seed: 4 } });
    expect(() => pg.partition([['m1'], ['m1', 'm2']])).toThrow(/more than one group/);
    expect(() => pg.partition([['m9']])).toThrow(/no member named "m9"/);
    pg.partition([['m1'], ['m2', 'm3']]);
    expect(pg.linkState('m1', 'm2')).toBe('cut-both');
    expect(pg.linkState('m2', 'm3')).toBe('healthy');
    pg.heal();
    pg.cut('m1', 'm2', { oneWay: true });
    expect(pg.linkState('m1', 'm2')).toBe('cut-one-way');
    pg.restore('m1', 'm2');
    expect(pg.linkState('m1', 'm2')).toBe('healthy');
    expect(() => pg.setLink({ lossRate: 2 })).toThrow();
    pg.setLink({ from: 'm1', to: 'm2', latencyMs: 40 });
    await until(pg, () => pg.leader() !== undefined);
    await pg.runFor(500);
    const slow = pg.inFlight().filter((f) => f.from === 'm1' && f.to === 'm2');
    const fast = pg.inFlight().filter((f) => !(f.from === 'm1' && f.to === 'm2'));
    for (const f of slow) expect(f.deliverAtMs - f.sentAtMs).toBeGreaterThanOrEqual(40);
    for (const f of fast) expect(f.deliverAtMs - f.sentAtMs).toBeLessThan(40);
  });

  it('shows messages in flight and drops one on request', async () => {
    const pg = await started({ settings: { seed: 5 } });
    await until(pg, () => pg.leader() !== undefined);
    await pg.runFor(50);
    let flights = pg.inFlight();
    while (flights.length === 0) {
      await pg.step();
      flights = pg.inFlight();
    }
    const f = flights[0]!;
    expect(f.type).toMatch(/^Msg/);
    expect(f.text).toContain(f.type);
    expect(f.deliverAtMs).toBeGreaterThan(f.sentAtMs);
    expect(pg.dropMessage(f.id)).toBe(true);
    expect(pg.inFlight().some((x) => x.id === f.id)).toBe(false);
    expect(pg.dropMessage(f.id)).toBe(false);
    expect(pg.trace().some((e) => e.kind === 'drop' && e.envelopeId === f.id)).toBe(true);
  });

  it('step runs exactly to the next event; speed is validated', async () => {
    const pg = await started({ settings: { seed: 6 } });
    // Each step is one instant, later than the one before; the first message is sent after a few
    // (an election timeout's worth of ticks), whatever the start itself put in the trace.
    let last = pg.now();
    let steps = 0;
    while (!pg.trace().some((e) => e.kind === 'send')) {
      await pg.step();
      expect(pg.now()).toBeGreaterThan(last);
      last = pg.now();
      steps++;
    }
    expect(steps).toBeGreaterThan(0);
    expect(pg.time().paused).toBe(true);
    expect(() => pg.setSpeed(0)).toThrow(/speed/);
    expect(() => pg.setSpeed(Number.NaN)).toThrow(/speed/);
    pg.setSpeed(0.05);
    pg.setSpeed('max');
    expect(pg.time().speed).toBe('max');
    await expect(pg.runFor(-1)).rejects.toThrow(/runFor/);
  });

  it('subscribers get batched trace events plus commits and applies', async () => {
    const pg = await started({ settings: { seed: 8 } });
    const got: PlaygroundEvent[][] = [];
    const off = pg.subscribe((b) => got.push(b));
    await until(pg, () => pg.leader() !== undefined);
    await settle(pg, pg.client().put({ key: 'x', value: 'y' }));
    await new Promise((r) => setTimeout(r, 40));
    const kinds = new Set(got.flat().map((e) => e.kind));
    for (const k of ['send', 'deliver', 'role', 'commit', 'apply']) expect(kinds.has(k)).toBe(true);
    expect(got.length).toBeLessThan(got.flat().length);
    off();
    const n = got.length;
    await pg.runFor(500);
    await new Promise((r) => setTimeout(r, 40));
    expect(got.length).toBe(n);
  });

  it('runs etcdctl against the cluster', async () => {
    const pg = await started({ settings: { seed: 10 } });
    await until(pg, () => pg.leader() !== undefined);
    pg.resume();
    pg.setSpeed('max');
    const put = await pg.etcdctl('etcdctl put greeting hello');
    expect(put).toEqual({ stdout: 'OK\n', stderr: '', exitCode: 0 });
    const get = await pg.etcdctl('etcdctl get greeting');
    expect(get.stdout).toBe('greeting\nhello\n');
    const bad = await pg.etcdctl('etcdctl frobnicate');
    expect(bad.exitCode).not.toBe(0);
  });

  it('etcdctl lease keep-alive renews in the cluster\'s time: at full speed the lease outlives many TTLs', async () => {
    const pg = await started({ settings: { seed: 11 } });
    await until(pg, () => pg.leader() !== undefined);
    pg.resume();
    pg.setSpeed('max');
    const virtualWait = async (ms: number): Promise<void> => {
      const from = pg.now();
      while (pg.now() - from < ms) await new Promise((r) => setTimeout(r, 10));
    };
    const grant = await pg.etcdctl('lease grant 3');
    const id = /lease ([0-9a-f]+) granted/.exec(grant.stdout)![1]!;
    expect((await pg.etcdctl(`put held v --lease=${id}`)).exitCode).toBe(0);
    const ctl = new AbortController();
    let renewals = 0;
    const keep = pg.etcdctl(`lease keep-alive ${id}`, { signal: ctl.signal, onStream: (c) => (renewals += (c.stdout ?? '').split('keepalived').length - 1) });
    // 30 virtual seconds, ten times the TTL, run as fast as the machine goes.
    await virtualWait(30_000);
    expect((await pg.etcdctl('get held --print-value-only')).stdout).toBe('v\n');
    expect(renewals).toBeGreaterThanOrEqual(25);
    ctl.abort();
    expect((await keep).exitCode).toBe(130);
    await virtualWait(5_000);
    expect((await pg.etcdctl('get held')).stdout).toBe('');
  });

  it('etcdctl snapshot save, status and restore: the file stays in the console and the restored cluster serves its keys', async () => {
    const pg = await started({ settings: { seed: 15 } });
    await until(pg, () => pg.leader() !== undefined);
    pg.resume();
    pg.setSpeed('max');
    for (const [k, v] of [['a', '1'], ['b', '2'], ['a', '3']]) expect((await pg.etcdctl(`etcdctl put ${k} ${v}`)).exitCode).toBe(0);
    const revision = (JSON.parse((await pg.etcdctl('etcdctl get a -w json')).stdout) as { header: { revision: number } }).header.revision;
    expect(await pg.etcdctl('etcdctl --endpoints m1:2379 snapshot save backup.db')).toEqual({ stdout: 'Snapshot saved at backup.db\n', stderr: '', exitCode: 0 });
    const saved = pg.snapshotFiles();
    expect(saved.map((f) => f.path)).toEqual(['backup.db']);
    // Writes after the save are not in the file.
    expect((await pg.etcdctl('etcdctl put c later')).exitCode).toBe(0);

    const json = await pg.etcdctl('etcdctl snapshot status backup.db -w json');
    expect(json.exitCode).toBe(0);
    const st = JSON.parse(json.stdout) as { hash: number; revision: number; totalKey: number; totalSize: number };
    expect(st.revision).toBe(revision);
    expect(st.totalKey).toBe(3);
    expect(st.totalSize).toBe(saved[0]!.blob.length);
    const table = await pg.etcdctl('etcdctl snapshot status backup.db -w table');
    expect(table.exitCode).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[1]).toMatch(/^\|\s+HASH\s+\|\s+REVISION\s+\|\s+TOTAL KEYS\s+\|\s+TOTAL SIZE\s+\|$/);
    expect(lines[3]).toMatch(new RegExp(`^\\|\\s+${st.hash.toString(16)}\\s+\\|\\s+${revision}\\s+\\|\\s+3\\s+\\|\\s+[0-9.]+ [kM]?B\\s+\\|$`));
    expect((await pg.etcdctl('etcdctl snapshot status missing.db')).stderr).toMatch(/no such file or directory/);

    const restored = await pg.etcdctl('etcdctl snapshot restore backup.db --initial-cluster a=http://a:2380,b=http://b:2380');
    expect(restored).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(pg.members().map((m) => m.name)).toEqual(['m1', 'm2']);
    await until(pg, () => pg.leader() !== undefined);
    expect((await pg.etcdctl('etcdctl get a')).stdout).toBe('a\n3\n');
    expect((await pg.etcdctl('etcdctl get b')).stdout).toBe('b\n2\n');
    expect((await pg.etcdctl('etcdctl get c')).stdout).toBe('');
    // The file outlives the cluster it came from.
    expect(pg.snapshotFiles().map((f) => f.path)).toEqual(['backup.db']);
  });

  it('etcdctl snapshot restore to more members than the playground allows fails and keeps the cluster', async () => {
    const pg = await started({ settings: { seed: 16 } });
    await until(pg, () => pg.leader() !== undefined);
    pg.resume();
    pg.setSpeed('max');
    expect((await pg.etcdctl('etcdctl put keep me')).exitCode).toBe(0);
    expect((await pg.etcdctl('etcdctl --endpoints m1:2379 snapshot save s.db')).exitCode).toBe(0);
    const r = await pg.etcdctl('etcdctl snapshot restore s.db --initial-cluster ' + Array.from({ length: 10 }, (_, i) => `n${i}=http://n${i}:2380`).join(','));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/members/);
    expect(pg.members()).toHaveLength(3);
    expect((await pg.etcdctl('etcdctl get keep')).stdout).toBe('keep\nme\n');
  });

  it('memberDetails shows the log, WAL records and the key space', async () => {
    const pg = await started({ settings: { seed: 11 } });
    await until(pg, () => pg.leader() !== undefined);
    await settle(pg, pg.client().put({ key: 'k1', value: 'v1' }));
    await settle(pg, pg.client().deleteRange({ key: 'k1' }));
    await settle(pg, pg.client().put({ key: 'k1', value: 'v2' }));
    const d = await pg.memberDetails(pg.leader()!.name);
    expect(d.log.entries.some((e) => e.text === 'put k1=v2')).toBe(true);
    expect(d.storage.walRecords.length).toBeGreaterThan(0);
    expect(d.raft.progress && Object.keys(d.raft.progress)).toHaveLength(3);
    const k = d.mvcc.keys.find((x) => x.key === 'k1')!;
    expect(k.kv?.value).toBe('v2');
    expect(k.generations).toHaveLength(2);
    expect(k.generations[0]!.tombstone).toBeDefined();
  });

  it('keeps a bounded ring of the latest trace events, oldest first', async () => {
    const pg = await started({ settings: { seed: 14 }, traceCapacity: 100 });
    await pg.runFor(5000);
    const t = pg.trace();
    expect(t).toHaveLength(100);
    for (let i = 1; i < t.length; i++) expect(t[i]!.seq).toBe(t[i - 1]!.seq + 1);
    expect(t[0]!.seq).toBeGreaterThan(100);
    expect(Object.keys(t[0]!).sort()).toEqual(['actor', 'atMs', 'detail', 'envelopeId', 'kind', 'peer', 'seq']);
  });

  it('reset starts a new cluster with the given settings', async () => {
    const pg = await started({ settings: { seed: 12 } });
    await pg.reset({ members: 5, seed: 13 });
    expect(pg.members()).toHaveLength(5);
    expect(pg.seed).toBe(13);
    expect(pg.settings().members).toBe(5);
    await expect(pg.reset({ members: 99 })).rejects.toThrow(/members/);
    expect(pg.members()).toHaveLength(5);
  });
});

describe('heartbeat ticks and link directions', () => {
  /** Gaps between a settled leader's successive heartbeats to each follower, in virtual ms, and whether each arrived. */
  async function leaderHeartbeats(heartbeatTicks: number): Promise<{ gaps: number[]; sent: number; delivered: number }> {
    const pg = await started({ settings: { seed: 21, heartbeatTicks } });
    await until(pg, () => pg.leader() !== undefined);
    const leader = pg.leader()!;
    // Past the election's own traffic: only heartbeats go out from an idle leader now.
    await pg.runFor(3000);
    expect(pg.leader()).toMatchObject({ name: leader.name, term: leader.term });
    const trace = pg.trace();
    // The last heartbeats may still be on the wire; the window ends before them.
    const from = pg.now() - 2400;
    const to = pg.now() - 400;
    const gaps: number[] = [];
    let sent = 0;
    let delivered = 0;
    for (const f of pg.members().filter((m) => m.name !== leader.name)) {
      const beats = trace.filter((e) => e.kind === 'send' && e.actor === leader.name && e.peer === f.name && /^MsgHeartbeat /.test(e.detail) && e.atMs >= from && e.atMs <= to);
      expect(beats.length).toBeGreaterThan(3);
      for (let i = 1; i < beats.length; i++) gaps.push(beats[i]!.atMs - beats[i - 1]!.atMs);
      sent += beats.length;
      delivered += beats.filter((b) => trace.some((e) => e.kind === 'deliver' && e.envelopeId === b.envelopeId && e.actor === f.name)).length;
    }
    return { gaps, sent, delivered };
  }

  it('a cluster with heartbeatTicks = 3 elects a leader whose heartbeats go out and arrive every 3 ticks (300 ms)', async () => {
    const three = await leaderHeartbeats(3);
    expect(new Set(three.gaps)).toEqual(new Set([300]));
    expect(three.delivered).toBe(three.sent);
    // The same cluster with the default beats every tick, so the setting is what changed the spacing.
    const one = await leaderHeartbeats(1);
    expect(new Set(one.gaps)).toEqual(new Set([100]));
  });

  it('accepts heartbeatTicks in [1, electionTicks - 1] and refuses others with a clear error', async () => {
    expect(() => Playground.inProcess({ settings: { heartbeatTicks: 10 } })).toThrow('settings.heartbeatTicks must be a whole number in [1, electionTicks - 1] = [1, 9], got 10');
    expect(() => Playground.inProcess({ settings: { heartbeatTicks: 0 } })).toThrow(/settings.heartbeatTicks/);
    expect(() => Playground.inProcess({ settings: { heartbeatTicks: 2.5 } })).toThrow(/settings.heartbeatTicks/);
    expect(() => Playground.inProcess({ settings: { electionTicks: 4, heartbeatTicks: 4 } })).toThrow(/\[1, 3\], got 4/);
    const pg = await started({ settings: { seed: 3, electionTicks: 20, heartbeatTicks: 19 } });
    expect(pg.settings().heartbeatTicks).toBe(19);
    // Bad input on reset changes nothing.
    await expect(pg.reset({ heartbeatTicks: 20 })).rejects.toThrow(/heartbeatTicks/);
    expect(pg.settings().heartbeatTicks).toBe(19);
    await pg.reset({ electionTicks: 10, heartbeatTicks: 2 });
    expect(pg.settings()).toMatchObject({ electionTicks: 10, heartbeatTicks: 2 });
  });

  it('linkDetail says which way a one-way cut blocks, from either end', async () => {
    const pg = await started({ settings: { seed: 4 } });
    expect(pg.linkDetail('m1', 'm2')).toEqual({ from: 'm1', to: 'm2', state: 'healthy', cut: 'none', blockedFromTo: false, blockedToFrom: false });
    pg.cut('m1', 'm2', { oneWay: true });
    expect(pg.linkDetail('m1', 'm2')).toEqual({ from: 'm1', to: 'm2', state: 'cut-one-way', cut: 'm1→m2', blockedFromTo: true, blockedToFrom: false });
    expect(pg.linkDetail('m2', 'm1')).toEqual({ from: 'm2', to: 'm1', state: 'cut-one-way', cut: 'm1→m2', blockedFromTo: false, blockedToFrom: true });
    pg.restore('m1', 'm2');
    pg.cut('m2', 'm1', { oneWay: true });
    expect(pg.linkDetail('m1', 'm2').cut).toBe('m2→m1');
    expect(pg.linkState('m1', 'm2')).toBe('cut-one-way');
    pg.cut('m1', 'm2', { oneWay: true });
    expect(pg.linkDetail('m1', 'm2')).toMatchObject({ state: 'cut-both', cut: 'both', blockedFromTo: true, blockedToFrom: true });
    pg.heal();
    pg.partition([['m1'], ['m2', 'm3']]);
    expect(pg.linkDetail('m3', 'm1').cut).toBe('both');
    expect(pg.linkDetail('m2', 'm3').cut).toBe('none');
    expect(() => pg.linkDetail('m1', 'm9')).toThrow(/no member named "m9"/);
    expect(() => pg.linkDetail('m1', 'm1')).toThrow(/two different members/);
  });
});

describe('a watch from a compacted revision', () => {
  it('ends with the compaction error on the console, and the client history records the cancel', async () => {
    const pg = Playground.inProcess({ paused: true, settings: { seed: 61 } });
    open.push(pg);
    await pg.ready();
    await pg.runFor(3000);
    for (const c of ['put k a', 'put k b', 'compact 3']) {
      const r = pg.etcdctl(c, { session: true });
      await pg.runFor(300);
      expect((await r).exitCode).toBe(0);
    }
    const w = pg.etcdctl('watch k --rev=2', { session: true });
    // Before the fix the history recorder threw inside the world when the cancel arrived.
    await pg.runFor(500);
    const res = await w;
    expect(res.stderr).toContain('watch was canceled (etcdserver: mvcc: required revision has been compacted)');
    expect(res.exitCode).not.toBe(0);
    type W = { request: { start_revision?: number }; responses: { response: { canceled?: boolean; compact_revision?: number } }[]; closedMs: number | null };
    const watches = (pg.clientHistory().watches as W[]).filter((x) => x.request.start_revision === 2);
    expect(watches).toHaveLength(1);
    expect(watches[0]!.responses.some((r) => r.response.canceled && r.response.compact_revision === 3)).toBe(true);
    expect(watches[0]!.closedMs).not.toBeNull();
  });
});
