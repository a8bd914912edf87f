/**
 * A tiny in-memory EtcdClient for unit tests of the console: one member, a map of keys,
 * revisions, leases and live watches. It follows etcd's visible rules only as far as those
 * tests need (no history: reads at an old revision see the current state; compaction only
 * records its revision). For behaviour that must be etcd's, test against a real etcd
 * (realEtcd.ts) or the playground's server.
 */
import type { EtcdClient, WatchHandle } from '../client.ts';
import { EtcdError } from '../client.ts';
import type {
  AlarmResponse,
  Compare,
  CompactionRequest,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashKVResponse,
  Id64,
  KeyValue,
  LeaseGrantRequest,
  LeaseTimeToLiveRequest,
  Member,
  MemberAddRequest,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseHeader,
  ResponseOp,
  StatusResponse,
  TxnRequest,
  TxnResponse,
  WatchCreateRequest,
  WatchResponse,
} from '../../server/api.ts';

const futureRev = () => new EtcdError({ code: 'OutOfRange', message: 'etcdserver: mvcc: required revision is a future revision' });
const compactedRev = () => new EtcdError({ code: 'OutOfRange', message: 'etcdserver: mvcc: required revision has been compacted' });
const leaseNotFound = () => new EtcdError({ code: 'NotFound', message: 'etcdserver: requested lease not found' });

function inRange(key: string, start: string, end: string | undefined): boolean {
  if (end === undefined || end === '') return key === start;
  if (end === '\0') return key >= start;
  return key >= start && key < end;
}

interface Watcher {
  id: number;
  req: WatchCreateRequest;
  cb: (r: WatchResponse) => void;
}

export class MemoryEtcdClient implements EtcdClient {
  readonly endpoints: readonly string[];
  private kvs = new Map<string, KeyValue>();
  private rev = 1;
  private compacted = 0;
  private leases = new Map<Id64, { ttl: number; keys: Set<string> }>();
  private nextLease = 0x694d7b2a1c0e0001n;
  private watchers = new Map<number, Watcher>();
  private nextWatch = 0;
  private members: Member[];
  readonly clusterId = '1c2b3a4d5e6f7081';
  readonly memberId = '8e9e05c52164694d';

  constructor(endpoints: readonly string[] = ['127.0.0.1:2379']) {
    this.endpoints = [...endpoints];
    this.members = [
      { ID: this.memberId, name: 'default', peerURLs: ['http://localhost:2380'], clientURLs: ['http://localhost:2379'], isLearner: false },
    ];
  }

  private header(): ResponseHeader {
    return { cluster_id: this.clusterId, member_id: this.memberId, revision: this.rev, raft_term: 2 };
  }

  private async later<T>(f: () => T): Promise<T> {
    await Promise.resolve();
    return f();
  }

  private sorted(): KeyValue[] {
    return [...this.kvs.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private doRange(req: RangeRequest): RangeResponse {
    if ((req.revision ?? 0) > this.rev) throw futureRev();
    if ((req.revision ?? 0) > 0 && req.revision! < this.compacted) throw compactedRev();
    let kvs = this.sorted().filter((kv) => inRange(kv.key, req.key, req.range_end));
    if (req.sort_order === 'DESCEND') kvs.reverse();
    const count = kvs.length;
    const limit = req.limit ?? 0;
    const more = limit > 0 && kvs.length > limit;
    if (limit > 0) kvs = kvs.slice(0, limit);
    if (req.keys_only) kvs = kvs.map((kv) => ({ ...kv, value: '' }));
    if (req.count_only) kvs = [];
    return { header: this.header(), kvs, more, count };
  }

  private notify(events: WatchResponse['events']): void {
    for (const w of this.watchers.values()) {
      const mine = events.filter((e) => inRange(e.kv.key, w.req.key, w.req.range_end));
      if (mine.length === 0) continue;
      const evs = mine.map((e) => (w.req.prev_kv ? e : { type: e.type, kv: e.kv }));
      w.cb({ header: this.header(), watch_id: w.id, created: false, canceled: false, compact_revision: 0, cancel_reason: '', fragment: false, events: evs });
    }
  }

  private doPut(req: PutRequest, notify = true): PutResponse {
    if (req.key === '') throw new EtcdError({ code: 'InvalidArgument', message: 'etcdserver: key is not provided' });
    const prev = this.kvs.get(req.key);
    if ((req.ignore_value || req.ignore_lease) && !prev) {
      throw new EtcdError({ code: 'InvalidArgument', message: 'etcdserver: key not found' });
    }
    const lease = req.ignore_lease ? prev!.lease : (req.lease ?? '0');
    if (lease !== '0' && !this.leases.has(lease)) throw leaseNotFound();
    this.rev++;
    const kv: KeyValue = {
      key: req.key,
      value: req.ignore_value ? prev!.value : (req.value ?? ''),
      create_revision: prev ? prev.create_revision : this.rev,
      mod_revision: this.rev,
      version: prev ? prev.version + 1 : 1,
      lease,
    };
    if (prev && prev.lease !== '0') this.leases.get(prev.lease)?.keys.delete(req.key);
    if (lease !== '0') this.leases.get(lease)!.keys.add(req.key);
    this.kvs.set(req.key, kv);
    if (notify) this.notify([{ type: 'PUT', kv, ...(prev ? { prev_kv: prev } : {}) }]);
    return { header: this.header(), ...(req.prev_kv && prev ? { prev_kv: prev } : {}) };
  }

  private doDelete(req: DeleteRangeRequest): DeleteRangeResponse {
    const gone = this.sorted().filter((kv) => inRange(kv.key, req.key, req.range_end));
    if (gone.length > 0) this.rev++;
    for (const kv of gone) {
      this.kvs.delete(kv.key);
      if (kv.lease !== '0') this.leases.get(kv.lease)?.keys.delete(kv.key);
    }
    this.notify(
      gone.map((kv) => ({
        type: 'DELETE' as const,
        kv: { key: kv.key, value: '', create_revision: 0, mod_revision: this.rev, version: 0, lease: '0' },
        prev_kv: kv,
      })),
    );
    return { header: this.header(), deleted: gone.length, prev_kvs: req.prev_kv ? gone : [] };
  }

  private compare(c: Compare): boolean {
    const kv = this.kvs.get(c.key);
    const pick = (): [number | string, number | string] => {
      switch (c.target) {
        case 'VALUE':
          return [kv?.value ?? '', c.value ?? ''];
        case 'VERSION':
          return [kv?.version ?? 0, c.version ?? 0];
        case 'CREATE':
          return [kv?.create_revision ?? 0, c.create_revision ?? 0];
        case 'MOD':
          return [kv?.mod_revision ?? 0, c.mod_revision ?? 0];
        case 'LEASE':
          return [kv?.lease ?? '0', c.lease ?? '0'];
      }
    };
    if (c.target === 'VALUE' && !kv) return false;
    const [a, b] = pick();
    switch (c.result) {
      case 'EQUAL':
        return a === b;
      case 'NOT_EQUAL':
        return a !== b;
      case 'GREATER':
        return a > b;
      case 'LESS':
        return a < b;
    }
  }

  private op(op: RequestOp): ResponseOp {
    if ('request_range' in op) return { response_range: this.doRange(op.request_range) };
    if ('request_put' in op) return { response_put: this.doPut(op.request_put) };
    if ('request_delete_range' in op) return { response_delete_range: this.doDelete(op.request_delete_range) };
    return { response_txn: this.doTxn(op.request_txn) };
  }

  private doTxn(req: TxnRequest): TxnResponse {
    const ok = (req.compare ?? []).every((c) => this.compare(c));
    const responses = (ok ? (req.success ?? []) : (req.failure ?? [])).map((o) => this.op(o));
    return { header: this.header(), succeeded: ok, responses };
  }

  range(req: RangeRequest) {
    return this.later(() => this.doRange(req));
  }
  put(req: PutRequest) {
    return this.later(() => this.doPut(req));
  }
  deleteRange(req: DeleteRangeRequest) {
    return this.later(() => this.doDelete(req));
  }
  txn(req: TxnRequest) {
    return this.later(() => this.doTxn(req));
  }
  compact(req: CompactionRequest) {
    return this.later(() => {
      if (req.revision > this.rev) throw futureRev();
      if (req.revision <= this.compacted) throw compactedRev();
      this.compacted = req.revision;
      return { header: this.header() };
    });
  }

  watch(req: WatchCreateRequest, onResponse: (resp: WatchResponse) => void): WatchHandle {
    const id = this.nextWatch++;
    const base = { header: this.header(), watch_id: id, compact_revision: 0, cancel_reason: '', fragment: false, events: [] };
    queueMicrotask(() => {
      if ((req.start_revision ?? 0) > 0 && req.start_revision! < this.compacted) {
        onResponse({ ...base, created: true, canceled: false });
        onResponse({ ...base, created: false, canceled: true, compact_revision: this.compacted });
        return;
      }
      this.watchers.set(id, { id, req, cb: onResponse });
      onResponse({ ...base, created: true, canceled: false });
    });
    return {
      cancel: async () => {
        this.watchers.delete(id);
      },
      requestProgress: () => {},
    };
  }

  leaseGrant(req: LeaseGrantRequest) {
    return this.later(() => {
      const id = req.ID && req.ID !== '0' ? req.ID : (this.nextLease++).toString(16);
      this.leases.set(id, { ttl: Math.max(req.TTL, 2), keys: new Set() });
      return { header: this.header(), ID: id, TTL: Math.max(req.TTL, 2), error: '' };
    });
  }
  leaseRevoke(id: Id64) {
    return this.later(() => {
      const l = this.leases.get(id);
      if (!l) throw leaseNotFound();
      for (const k of l.keys) this.doDelete({ key: k });
      this.leases.delete(id);
      return { header: this.header() };
    });
  }
  leaseKeepAliveOnce(id: Id64) {
    return this.later(() => ({ header: this.header(), ID: id, TTL: this.leases.get(id)?.ttl ?? 0 }));
  }
  leaseTimeToLive(req: LeaseTimeToLiveRequest) {
    return this.later(() => {
      const l = this.leases.get(req.ID);
      return {
        header: this.header(),
        ID: req.ID,
        TTL: l ? l.ttl : -1,
        grantedTTL: l ? l.ttl : 0,
        keys: l && req.keys ? [...l.keys].sort() : [],
      };
    });
  }
  leaseLeases() {
    return this.later(() => ({ header: this.header(), leases: [...this.leases.keys()].map((ID) => ({ ID })) }));
  }

  memberList() {
    return this.later(() => ({ header: { ...this.header(), revision: 0 }, members: this.members.map((m) => ({ ...m })) }));
  }
  memberAdd(req: MemberAddRequest) {
    return this.later(() => {
      const m: Member = { ID: (0x1000n + BigInt(this.members.length)).toString(16), name: '', peerURLs: [...req.peerURLs], clientURLs: [], isLearner: req.isLearner ?? false };
      this.members.push(m);
      return { header: { ...this.header(), revision: 0 }, member: m, members: this.members.map((x) => ({ ...x })) };
    });
  }
  memberRemove(id: Id64) {
    return this.later(() => {
      if (!this.members.some((m) => m.ID === id)) throw new EtcdError({ code: 'NotFound', message: 'etcdserver: member not found' });
      this.members = this.members.filter((m) => m.ID !== id);
      return { header: { ...this.header(), revision: 0 }, members: this.members.map((m) => ({ ...m })) };
    });
  }
  memberPromote(id: Id64) {
    return this.later(() => {
      const m = this.members.find((x) => x.ID === id);
      if (!m) throw new EtcdError({ code: 'NotFound', message: 'etcdserver: member not found' });
      m.isLearner = false;
      return { header: { ...this.header(), revision: 0 }, members: this.members.map((x) => ({ ...x })) };
    });
  }

  status(): Promise<StatusResponse> {
    return this.later(() => ({
      header: this.header(),
      version: '3.4.23',
      dbSize: 20480,
      leader: this.memberId,
      raftIndex: this.rev + 3,
      raftTerm: 2,
      raftAppliedIndex: this.rev + 3,
      errors: [],
      dbSizeInUse: 16384,
      isLearner: false,
    }));
  }
  hashKV(): Promise<HashKVResponse> {
    return this.later(() => ({ header: this.header(), hash: 1234567890, compact_revision: this.compacted || -1 }));
  }
  alarm(): Promise<AlarmResponse> {
    return this.later(() => ({ header: this.header(), alarms: [] }));
  }
  defragment() {
    return this.later(() => ({ header: this.header() }));
  }
  moveLeader(targetID: Id64) {
    return this.later(() => {
      if (targetID !== this.memberId) throw new EtcdError({ code: 'FailedPrecondition', message: 'etcdserver: bad leader transferee' });
      return { header: this.header() };
    });
  }
  snapshot() {
    return this.later(() => ({ header: this.header(), blob: JSON.stringify({ rev: this.rev, kvs: this.sorted() }) }));
  }
  close(): void {
    this.watchers.clear();
  }
}
