/**
 * An EtcdClient for the playground: a client actor in the simulated world that sends requests as
 * envelopes to its endpoint member and waits for the answer envelope, with etcd-client-like
 * failover (a crashed endpoint is skipped; reads refused as Unavailable are retried on the next
 * endpoint) and watch streams that resume from the next revision after their member goes away.
 *
 * Outcomes: an etcd error rejects with EtcdError; a request that may or may not have been
 * applied (client deadline passed, member crashed with the request in flight, etcd's timeout
 * errors) rejects with IndeterminateError.
 */
import {
  EtcdError,
  IndeterminateError,
  type EtcdClient,
  type WatchHandle,
} from '../client/client.ts';
import type {
  AlarmRequest,
  AlarmResponse,
  CompactionRequest,
  CompactionResponse,
  DefragmentResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashKVResponse,
  Id64,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  MemberAddRequest,
  MemberAddResponse,
  MemberListResponse,
  MoveLeaderResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  SnapshotResponse,
  StatusResponse,
  TxnRequest,
  TxnResponse,
  WatchCreateRequest,
  WatchResponse,
} from '../server/api.ts';
import type { ClientRequest, ClientResult } from '../server/protocol.ts';
import type { ClientHost } from './clusterTypes.ts';
import type { WirePayload } from './memberWire.ts';

export interface PlaygroundClientOptions {
  /** The client actor's name on the network (unique per cluster). */
  name: string;
  /** Member names or client URLs, in failover order; default every member. */
  endpoints?: readonly string[];
  /** Virtual ms after which an unanswered request is indeterminate (etcdctl's --command-timeout: 5 s). */
  commandTimeoutMs?: number;
}

/** etcd errors after which the request may still have been applied. */
const INDETERMINATE_MESSAGES = new Set([
  'etcdserver: request timed out',
  'etcdserver: request timed out, possibly due to previous leader failure',
  'etcdserver: request timed out, possibly due to connection lost',
  'etcdserver: leader changed',
  'etcdserver: server stopped',
]);

const READ_ONLY_OPS = new Set<ClientRequest['op']>(['range', 'leaseTimeToLive', 'leaseLeases', 'memberList', 'status', 'hashKV', 'alarm']);

interface Pending {
  op: ClientRequest['op'];
  request: ClientRequest;
  member: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  /** Endpoints already tried for this request (for read retries). */
  tried: Set<string>;
  pinned: boolean;
  deadlineMs: number;
}

interface Stream {
  id: number;
  member: string;
  req: WatchCreateRequest;
  onResponse: (r: WatchResponse) => void;
  watchId: number | null;
  lastRevision: number;
  canceled: boolean;
  cancelWaiters: (() => void)[];
  pendingProgress: boolean;
  /** Re-created on another member after its member went away. */
  resumed: boolean;
}

export class PlaygroundClient implements EtcdClient {
  readonly endpoints: readonly string[];
  private readonly name: string;
  private readonly timeoutMs: number;
  private current = 0;
  private nextReqId = 1;
  private nextStreamId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<number, Stream>();
  private closed = false;

  constructor(
    private readonly host: ClientHost,
    opts: PlaygroundClientOptions,
  ) {
    this.name = opts.name;
    this.endpoints = [...(opts.endpoints ?? host.memberNames())];
    if (this.endpoints.length === 0) throw new Error('playground client: at least one endpoint is needed');
    for (const e of this.endpoints) {
      if (host.resolveEndpoint(e) === undefined) throw new Error(`playground client: unknown endpoint ${e}`);
    }
    this.timeoutMs = opts.commandTimeoutMs ?? 5000;
    host.registerClient(this.name, {
      deliver: (from, p) => this.deliver(from, p),
      memberDown: (m) => this.memberDown(m),
      fatal: (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
        for (const s of this.streams.values()) for (const w of s.cancelWaiters.splice(0)) w();
      },
      outstanding: () => this.pending.size + this.cancelsWaiting(),
    });
  }

  /** Watch cancels sent and not yet confirmed: the host keeps stepping for them too. */
  private cancelsWaiting(): number {
    let n = 0;
    for (const s of this.streams.values()) if (s.cancelWaiters.length > 0) n++;
    return n;
  }

  // ---- transport ----

  private memberOf(endpoint: string): string {
    const m = this.host.resolveEndpoint(endpoint);
    if (m === undefined) throw new EtcdError({ code: 'InvalidArgument', message: `unknown endpoint ${endpoint}` });
    return m;
  }

  /** The current endpoint if its member is up, else the next one that is (gRPC's balancer skipping a dead connection). */
  private pickMember(exclude?: Set<string>): string | undefined {
    const n = this.endpoints.length;
    for (let k = 0; k < n; k++) {
      const i = (this.current + k) % n;
      const m = this.memberOf(this.endpoints[i]!);
      if (exclude?.has(m)) continue;
      if (this.host.isUp(m)) {
        this.current = i;
        return m;
      }
    }
    return undefined;
  }

  private call<T>(request: ClientRequest, endpoint?: string): Promise<T> {
    if (this.closed) return Promise.reject(new EtcdError({ code: 'Canceled', message: 'grpc: the client connection is closing' }));
    return new Promise<T>((resolve, reject) => {
      const pinned = endpoint !== undefined;
      let member: string | undefined;
      if (pinned) {
        member = this.memberOf(endpoint);
        if (!this.host.isUp(member)) {
          reject(new EtcdError({ code: 'Unavailable', message: 'context deadline exceeded' }));
          return;
        }
      } else member = this.pickMember();
      if (member === undefined) {
        reject(new EtcdError({ code: 'Unavailable', message: 'context deadline exceeded' }));
        return;
      }
      const reqId = this.nextReqId++;
      const p: Pending = {
        op: request.op,
        request,
        member,
        resolve: resolve as (v: unknown) => void,
        reject,
        tried: new Set([member]),
        pinned,
        deadlineMs: this.host.nowMs + this.timeoutMs,
      };
      this.pending.set(reqId, p);
      this.host.send(this.name, { to: member, payload: { kind: 'request', from: this.name, reqId, request } });
      this.host.at(p.deadlineMs, () => {
        if (this.pending.get(reqId) !== p) return;
        this.pending.delete(reqId);
        p.reject(new IndeterminateError('context deadline exceeded'));
      });
      this.host.kick();
    });
  }

  private deliver(from: string, payload: WirePayload): void {
    if (payload.kind === 'reply') {
      const p = this.pending.get(payload.reqId);
      if (!p) return;
      this.pending.delete(payload.reqId);
      this.settle(p, payload.result);
    } else if (payload.kind === 'watchResponse') {
      this.onWatchResponse(from, payload.streamId, payload.resp);
    }
  }

  private settle(p: Pending, result: ClientResult): void {
    if (result.ok) {
      p.resolve(result.resp);
      return;
    }
    const err = result.error;
    if (err.code === 'Unavailable' && !p.pinned && READ_ONLY_OPS.has(p.op)) {
      // etcd's client retries a safe request on another endpoint when a member refuses it.
      const next = this.pickMember(p.tried);
      if (next !== undefined && this.host.nowMs < p.deadlineMs) {
        p.tried.add(next);
        p.member = next;
        const reqId = this.nextReqId++;
        this.pending.set(reqId, p);
        this.host.send(this.name, { to: next, payload: { kind: 'request', from: this.name, reqId, request: p.request } });
        this.host.at(p.deadlineMs, () => {
          if (this.pending.get(reqId) !== p) return;
          this.pending.delete(reqId);
          p.reject(new IndeterminateError('context deadline exceeded'));
        });
        this.host.kick();
        return;
      }
    }
    if (INDETERMINATE_MESSAGES.has(err.message)) p.reject(new IndeterminateError(err.message));
    else p.reject(new EtcdError(err));
  }

  private memberDown(member: string): void {
    for (const [id, p] of [...this.pending]) {
      if (p.member !== member) continue;
      this.pending.delete(id);
      // The connection broke with the request in flight: it may or may not have been applied.
      p.reject(new IndeterminateError('rpc error: code = Unavailable desc = transport is closing'));
    }
    for (const s of this.streams.values()) {
      if (s.member !== member || s.canceled) continue;
      this.resumeStream(s);
    }
  }

  // ---- watch ----

  watch(req: WatchCreateRequest, onResponse: (resp: WatchResponse) => void): WatchHandle {
    const member = this.pickMember();
    const s: Stream = {
      id: this.nextStreamId++,
      member: member ?? '',
      req: { ...req },
      onResponse,
      watchId: null,
      lastRevision: 0,
      canceled: false,
      cancelWaiters: [],
      pendingProgress: false,
      resumed: false,
    };
    this.streams.set(s.id, s);
    if (member !== undefined) this.host.send(this.name, { to: member, payload: { kind: 'watch', from: this.name, streamId: s.id, request: { create_request: s.req } } });
    this.host.kick();
    return {
      cancel: () => this.cancelStream(s),
      requestProgress: () => {
        if (s.canceled || !this.host.isUp(s.member)) return;
        this.host.send(this.name, { to: s.member, payload: { kind: 'watch', from: this.name, streamId: s.id, request: { progress_request: {} } } });
        this.host.kick();
      },
    };
  }

  private onWatchResponse(from: string, streamId: number, resp: WatchResponse): void {
    const s = this.streams.get(streamId);
    // After a resume, what the old member's connection still carried belongs to a closed stream.
    if (!s || from !== s.member) return;
    if (resp.created && s.watchId === null) s.watchId = resp.watch_id;
    const evs = resp.events;
    if (evs.length > 0) s.lastRevision = evs[evs.length - 1]!.kv.mod_revision;
    else if (!resp.created && resp.header.revision > s.lastRevision && !resp.canceled) s.lastRevision = resp.header.revision;
    if (resp.canceled) {
      // The confirmation of the client's own cancel is not an event for the watcher: etcd's
      // client closes the watch channel without handing it on.
      const requested = s.cancelWaiters.length > 0;
      s.canceled = true;
      this.streams.delete(streamId);
      for (const w of s.cancelWaiters.splice(0)) w();
      this.host.send(this.name, { to: s.member, payload: { kind: 'watchClose', from: this.name, streamId } });
      if (requested) return;
    }
    if (s.resumed && resp.created && !resp.canceled) return; // a resumed stream's second "created" is internal
    s.onResponse(resp);
  }

  private resumeStream(s: Stream): void {
    const next = this.pickMember(new Set([s.member]));
    if (next === undefined) return;
    s.member = next;
    s.resumed = true;
    const req: WatchCreateRequest = { ...s.req, watch_id: 0 };
    if (s.lastRevision > 0) req.start_revision = s.lastRevision + 1;
    this.host.send(this.name, { to: next, payload: { kind: 'watch', from: this.name, streamId: s.id, request: { create_request: req } } });
  }

  private cancelStream(s: Stream): Promise<void> {
    if (s.canceled || !this.streams.has(s.id)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      s.cancelWaiters.push(resolve);
      if (s.watchId === null || !this.host.isUp(s.member)) {
        s.canceled = true;
        this.streams.delete(s.id);
        if (this.host.isUp(s.member)) this.host.send(this.name, { to: s.member, payload: { kind: 'watchClose', from: this.name, streamId: s.id } });
        resolve();
        return;
      }
      this.host.send(this.name, { to: s.member, payload: { kind: 'watch', from: this.name, streamId: s.id, request: { cancel_request: { watch_id: s.watchId } } } });
      // The cancel confirmation counts as something to wait for.
      this.host.kick();
    });
  }

  // ---- KV ----

  range(req: RangeRequest): Promise<RangeResponse> {
    return this.call({ op: 'range', req });
  }
  put(req: PutRequest): Promise<PutResponse> {
    return this.call({ op: 'put', req });
  }
  deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    return this.call({ op: 'deleteRange', req });
  }
  txn(req: TxnRequest): Promise<TxnResponse> {
    return this.call({ op: 'txn', req });
  }
  compact(req: CompactionRequest): Promise<CompactionResponse> {
    return this.call({ op: 'compact', req });
  }

  // ---- Lease ----

  leaseGrant(req: LeaseGrantRequest): Promise<LeaseGrantResponse> {
    return this.call({ op: 'leaseGrant', req });
  }
  leaseRevoke(id: Id64): Promise<LeaseRevokeResponse> {
    return this.call({ op: 'leaseRevoke', req: { ID: id } });
  }
  leaseKeepAliveOnce(id: Id64): Promise<LeaseKeepAliveResponse> {
    return this.call({ op: 'leaseKeepAlive', req: { ID: id } });
  }
  leaseTimeToLive(req: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse> {
    return this.call({ op: 'leaseTimeToLive', req });
  }
  leaseLeases(): Promise<LeaseLeasesResponse> {
    return this.call({ op: 'leaseLeases' });
  }

  // ---- Cluster ----

  memberList(): Promise<MemberListResponse> {
    return this.call({ op: 'memberList' });
  }
  memberAdd(req: MemberAddRequest): Promise<MemberAddResponse> {
    return this.call({ op: 'memberAdd', req });
  }
  memberRemove(id: Id64): Promise<MemberListResponse> {
    return this.call({ op: 'memberRemove', req: { ID: id } });
  }
  memberPromote(id: Id64): Promise<MemberListResponse> {
    return this.call({ op: 'memberPromote', req: { ID: id } });
  }

  // ---- Maintenance ----

  status(endpoint?: string): Promise<StatusResponse> {
    return this.call({ op: 'status' }, endpoint);
  }
  hashKV(revision: number, endpoint?: string): Promise<HashKVResponse> {
    return this.call({ op: 'hashKV', req: { revision } }, endpoint);
  }
  alarm(req: AlarmRequest, endpoint?: string): Promise<AlarmResponse> {
    return this.call({ op: 'alarm', req }, endpoint);
  }
  defragment(endpoint?: string): Promise<DefragmentResponse> {
    return this.call({ op: 'defragment' }, endpoint);
  }
  moveLeader(targetID: Id64, endpoint?: string): Promise<MoveLeaderResponse> {
    return this.call({ op: 'moveLeader', req: { targetID } }, endpoint);
  }
  snapshot(endpoint?: string): Promise<SnapshotResponse> {
    return this.call({ op: 'snapshot' }, endpoint);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) {
      if (this.host.isUp(s.member)) this.host.send(this.name, { to: s.member, payload: { kind: 'watchClose', from: this.name, streamId: s.id } });
    }
    this.streams.clear();
    for (const p of this.pending.values()) p.reject(new EtcdError({ code: 'Canceled', message: 'grpc: the client connection is closing' }));
    this.pending.clear();
    this.host.unregisterClient(this.name);
  }
}
