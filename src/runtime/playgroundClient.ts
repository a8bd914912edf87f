/**
 * An EtcdClient for the playground: a client actor in the simulated world that sends requests as
 * envelopes to its endpoint member and waits for the answer envelope, with etcd-client-like
 * failover (a crashed endpoint is skipped; reads refused as Unavailable are retried on the next
 * endpoint) and watch streams that resume from the next revision after their member goes away.
 *
 * Connections: one per member, kept alive the way etcdctl sets up gRPC. A member that crashes
 * ends its connections at once (the peer's TCP stack resets them); a member cut off by the
 * network is noticed by the keep-alive, after `keepaliveTimeMs` of silence plus
 * `keepaliveTimeoutMs` for the unanswered ping. Either way the client moves to the next
 * endpoint in its list and re-creates its watches there from the revision after the last one
 * delivered, so the watcher sees no gap and no repeat. With a single endpoint it keeps
 * reconnecting to that member (each attempt ended by the keep-alive while the cut lasts) and
 * the watch resumes once the network heals, as clientv3 keeps retrying.
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
import type { ClientHost, ClientOpenOptions } from './clusterTypes.ts';
import type { KvRequest, KvResponse } from '../sim/checkers/types.ts';
import type { WatchHandle as HistoryWatchHandle } from '../sim/checkers/history.ts';
import type { WirePayload } from './memberWire.ts';

/**
 * Connection keep-alive, as etcdctl configures gRPC (`--keepalive-time`, `--keepalive-timeout`):
 * after `keepaliveTimeMs` without hearing from its member the client pings it, and a ping not
 * answered within `keepaliveTimeoutMs` breaks the connection.
 */
export const DEFAULT_KEEPALIVE_TIME_MS = 2000;
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 6000;
/** gRPC's first reconnect backoff: how long a stream with no endpoint to dial waits before trying again. */
export const DEFAULT_RECONNECT_BACKOFF_MS = 1000;

export interface PlaygroundClientOptions {
  /** The client actor's name on the network (unique per cluster). */
  name: string;
  /** Member names or client URLs, in failover order; default every member. */
  endpoints?: readonly string[];
  /** Virtual ms after which an unanswered request is indeterminate (etcdctl's --command-timeout: 5 s). */
  commandTimeoutMs?: number;
  /** Virtual ms of silence from the member before a keep-alive ping (default DEFAULT_KEEPALIVE_TIME_MS). */
  keepaliveTimeMs?: number;
  /** Virtual ms a ping may stay unanswered before the connection breaks (default DEFAULT_KEEPALIVE_TIMEOUT_MS). */
  keepaliveTimeoutMs?: number;
  /** Virtual ms between reconnect attempts while no endpoint is up (default DEFAULT_RECONNECT_BACKOFF_MS). */
  reconnectBackoffMs?: number;
}

/** What a client's connections went through (figures for simulations and the inspector). */
export interface ConnectionStats {
  /** Connections ended by the keep-alive (the member was unreachable), not by a crash. */
  keepaliveBreaks: number;
  /** Connections ended because their member crashed or stopped. */
  memberDownBreaks: number;
  /** Watch streams re-created on a new connection from the revision after the last one delivered. */
  watchResumes: number;
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

/** What a request reports when its connection breaks under it: the client's own timeout message. */
const BROKEN_MESSAGE = 'context deadline exceeded';
const TRANSPORT_CLOSING = 'rpc error: code = Unavailable desc = transport is closing';

/**
 * One gRPC connection to a member. At most one live connection per member; a broken one is
 * never used again (a reconnect opens a new one). Invariant: a stalled connection hands nothing
 * more to the client, because what arrives after a lost segment cannot be delivered in order.
 */
interface Connection {
  readonly member: string;
  stalled: boolean;
  broken: boolean;
  /** When anything last arrived from the member on this connection (or it was opened). */
  lastHeardMs: number;
  /** A keep-alive timer is scheduled (one at a time per connection). */
  timerArmed: boolean;
  /** A ping is out and unanswered. */
  pingOut: boolean;
}

interface Pending {
  op: ClientRequest['op'];
  request: ClientRequest;
  conn: Connection;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  /** Endpoints already tried for this request (for read retries). */
  tried: Set<string>;
  pinned: boolean;
  deadlineMs: number;
}

/**
 * A watch stream as the user sees it: one `onResponse` for its whole life, across connections.
 * Each (re)creation on a connection gets a fresh wire stream id, so whatever an older connection
 * still carries is recognisably stale.
 */
interface Stream {
  wireId: number;
  conn: Connection | null;
  req: WatchCreateRequest;
  onResponse: (r: WatchResponse) => void;
  /** The watch id on the current connection, once its creation is confirmed. */
  watchId: number | null;
  /** Every matching event up to this revision was delivered (0: none known yet). */
  lastRevision: number;
  canceled: boolean;
  cancelWaiters: (() => void)[];
  /** The user got the stream's "created" response: a re-creation's own is internal. */
  createdDelivered: boolean;
  /** Its record in the client history, closed when the stream ends. */
  recorded?: HistoryWatchHandle;
}

export class PlaygroundClient implements EtcdClient {
  readonly endpoints: readonly string[];
  /** The client actor's name on the network. */
  readonly name: string;
  private readonly timeoutMs: number;
  private readonly keepaliveTimeMs: number;
  private readonly keepaliveTimeoutMs: number;
  private readonly reconnectBackoffMs: number;
  private current = 0;
  private nextReqId = 1;
  private nextStreamId = 1;
  /** Numbers the user's watch calls (a scenario names a watch by client and number). */
  private nextWatchNo = 0;
  private readonly pending = new Map<number, Pending>();
  /** Open streams, by their current wire id. */
  private readonly streams = new Map<number, Stream>();
  /** Live connections by member. */
  private readonly connections = new Map<string, Connection>();
  /** Streams waiting for an endpoint to come up. */
  private readonly orphans = new Set<Stream>();
  private retryArmed = false;
  /** Stale streams already told to close (member + wire id), so each is closed once. */
  private readonly resets = new Set<string>();
  private closed = false;
  /** Runs a user's call at the point the world allows (ClientHost.betweenSteps), in call order. */
  private readonly gate: (fn: () => void) => void;
  readonly connectionStats: ConnectionStats = { keepaliveBreaks: 0, memberDownBreaks: 0, watchResumes: 0 };

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
    const positive = (v: number | undefined, name: string, dflt: number): number => {
      if (v === undefined) return dflt;
      if (!(Number.isFinite(v) && v > 0)) throw new Error(`playground client: ${name} must be a positive number of ms, got ${v}`);
      return v;
    };
    this.timeoutMs = positive(opts.commandTimeoutMs, 'commandTimeoutMs', 5000);
    this.keepaliveTimeMs = positive(opts.keepaliveTimeMs, 'keepaliveTimeMs', DEFAULT_KEEPALIVE_TIME_MS);
    this.keepaliveTimeoutMs = positive(opts.keepaliveTimeoutMs, 'keepaliveTimeoutMs', DEFAULT_KEEPALIVE_TIMEOUT_MS);
    this.reconnectBackoffMs = positive(opts.reconnectBackoffMs, 'reconnectBackoffMs', DEFAULT_RECONNECT_BACKOFF_MS);
    const gate = host.betweenSteps ? (fn: () => void) => host.betweenSteps!(fn) : (fn: () => void) => fn();
    this.gate = gate;
    const options: ClientOpenOptions = { endpoints: [...this.endpoints] };
    if (opts.commandTimeoutMs !== undefined) options.commandTimeoutMs = opts.commandTimeoutMs;
    if (opts.keepaliveTimeMs !== undefined) options.keepaliveTimeMs = opts.keepaliveTimeMs;
    if (opts.keepaliveTimeoutMs !== undefined) options.keepaliveTimeoutMs = opts.keepaliveTimeoutMs;
    if (opts.reconnectBackoffMs !== undefined) options.reconnectBackoffMs = opts.reconnectBackoffMs;
    gate(() => this.open(options));
  }

  /** Joins the world (see ClientHost.betweenSteps for when). */
  private open(options: ClientOpenOptions): void {
    const host = this.host;
    host.registerClient(this.name, {
      deliver: (from, p) => this.deliver(from, p),
      memberDown: (m) => this.memberDown(m),
      linkLost: (m) => this.linkLost(m),
      fatal: (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
        for (const s of this.streams.values()) for (const w of s.cancelWaiters.splice(0)) w();
      },
      outstanding: () => this.pending.size + this.cancelsWaiting(),
    });
    host.observe?.({ kind: 'open', client: this.name, options });
  }

  /** Watch cancels sent and not yet confirmed: the host keeps stepping for them too. */
  private cancelsWaiting(): number {
    let n = 0;
    for (const s of this.streams.values()) if (s.cancelWaiters.length > 0) n++;
    return n;
  }

  /**
   * True when every open watch stream is established: its creation confirmed on a connection
   * that is neither stalled nor broken (simulations wait for this before the final check).
   */
  watchesEstablished(): boolean {
    if (this.orphans.size > 0) return false;
    for (const s of this.streams.values()) {
      if (s.canceled) continue;
      if (!s.conn || s.conn.broken || s.conn.stalled || s.watchId === null) return false;
    }
    return true;
  }

  /** The member the client's requests currently go to (its endpoint in failover order), if any is up. */
  currentMember(): string | undefined {
    return this.pickMember();
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

  /** The live connection to `member`, opened now if there is none. */
  private connect(member: string): Connection {
    let c = this.connections.get(member);
    if (!c) {
      c = { member, stalled: false, broken: false, lastHeardMs: this.host.nowMs, timerArmed: false, pingOut: false };
      this.connections.set(member, c);
    }
    return c;
  }

  /** Sends on a connection and makes sure its keep-alive watches over what is now waiting on it. */
  private sendOn(c: Connection, payload: WirePayload): void {
    this.host.send(this.name, { to: c.member, payload });
    this.armKeepalive(c);
  }

  /** Whether anything waits on the connection (gRPC pings only while calls or streams are open). */
  private busy(c: Connection): boolean {
    for (const s of this.streams.values()) if (s.conn === c) return true;
    for (const p of this.pending.values()) if (p.conn === c) return true;
    return false;
  }

  /**
   * Resolves after `ms` of virtual time, on this client's own timer: what a command's pause
   * (etcdctl's keep-alive interval) must use, so it keeps pace with the world at any speed and
   * replays the same. Never resolves once the client is closed; callers race it with their signal.
   */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return;
      this.host.timer(this.name, this.host.nowMs + Math.max(0, ms), resolve);
    });
  }

  private armKeepalive(c: Connection): void {
    if (c.timerArmed || c.broken || this.closed) return;
    c.timerArmed = true;
    const at = Math.max(this.host.nowMs, c.lastHeardMs + this.keepaliveTimeMs);
    this.host.timer(this.name, at, () => this.onKeepaliveTimer(c));
  }

  /**
   * The keep-alive, evaluated at the times gRPC would send a ping and give up on it. The ping
   * itself is not put on the wire: it is lost exactly when the network would drop it now (a cut
   * or partition either way) or when the connection already lost a segment it cannot get past;
   * otherwise it is answered. A ping still lost at its timeout breaks the connection.
   */
  private onKeepaliveTimer(c: Connection): void {
    c.timerArmed = false;
    if (c.broken || this.closed) return;
    const now = this.host.nowMs;
    const through = (): boolean => !c.stalled && this.host.reachable(this.name, c.member) && this.host.reachable(c.member, this.name);
    if (c.pingOut) {
      c.pingOut = false;
      if (!through()) {
        this.breakConnection(c, 'keepalive');
        return;
      }
      c.lastHeardMs = now;
    } else {
      if (!this.busy(c)) return; // idle: no pings; the next send re-arms the timer
      if (now < c.lastHeardMs + this.keepaliveTimeMs) {
        this.armKeepalive(c);
        return;
      }
      if (!through()) {
        c.pingOut = true;
        c.timerArmed = true;
        this.host.timer(this.name, now + this.keepaliveTimeoutMs, () => this.onKeepaliveTimer(c));
        return;
      }
      c.lastHeardMs = now;
    }
    if (this.busy(c)) this.armKeepalive(c);
  }

  /**
   * Ends a connection: requests waiting on it are indeterminate (they may have been applied),
   * its watch streams are re-created on the next endpoint from the revision after the last one
   * delivered, and the client's requests move to the next endpoint in its failover order.
   */
  private breakConnection(c: Connection, why: 'keepalive' | 'memberDown'): void {
    if (c.broken) return;
    c.broken = true;
    if (this.connections.get(c.member) === c) this.connections.delete(c.member);
    if (why === 'keepalive') this.connectionStats.keepaliveBreaks++;
    else this.connectionStats.memberDownBreaks++;
    this.host.note(this.name, c.member, why === 'keepalive' ? 'connection lost: keepalive ping unanswered' : 'connection lost: member down');
    const n = this.endpoints.length;
    if (why === 'keepalive' && this.memberOf(this.endpoints[this.current]!) === c.member) this.current = (this.current + 1) % n;
    const message = why === 'keepalive' ? BROKEN_MESSAGE : TRANSPORT_CLOSING;
    for (const [id, p] of [...this.pending]) {
      if (p.conn !== c) continue;
      this.pending.delete(id);
      p.reject(new IndeterminateError(message));
    }
    for (const s of [...this.streams.values()]) {
      if (s.conn !== c) continue;
      if (s.canceled || s.cancelWaiters.length > 0) {
        // The server's side of a broken stream is gone with it: a cancel in progress is done.
        this.finishStream(s);
        continue;
      }
      this.resumeStream(s);
    }
  }

  private linkLost(member: string): void {
    const c = this.connections.get(member);
    if (c && !c.broken) c.stalled = true;
  }

  /**
   * Any unary request by its wire form (what a scenario replays). The named methods below are
   * this with etcd's request shapes.
   */
  request<T>(request: ClientRequest, endpoint?: string): Promise<T> {
    return this.call<T>(request, endpoint);
  }

  private call<T>(request: ClientRequest, endpoint?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => this.gate(() => this.callNow<T>(request, endpoint).then(resolve, reject)));
  }

  private callNow<T>(request: ClientRequest, endpoint?: string): Promise<T> {
    if (!this.closed) this.host.observe?.({ kind: 'request', client: this.name, request, ...(endpoint !== undefined ? { endpoint } : {}) });
    if (this.closed) return Promise.reject(new EtcdError({ code: 'Canceled', message: 'grpc: the client connection is closing' }));
    return new Promise<T>((resolveCall, rejectCall) => {
      // The client history (what this client saw, for the checkers) records the answer at the
      // virtual time it arrived, so it is taken here and not in a later promise callback.
      const h = this.host.history && isKvRequest(request) ? this.host.history.invoke(this.name, kvOf(request), this.host.nowMs) : null;
      const resolve = h ? (v: T) => (h.ok(v as KvResponse, this.host.nowMs), resolveCall(v)) : resolveCall;
      const reject = h
        ? (e: unknown) => {
            if (e instanceof IndeterminateError) h.indeterminate(this.host.nowMs, { message: e.message });
            else if (e instanceof EtcdError) h.settle({ code: e.code, message: e.message }, this.host.nowMs);
            else h.indeterminate(this.host.nowMs);
            rejectCall(e);
          }
        : rejectCall;
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
      const p: Pending = {
        op: request.op,
        request,
        conn: this.connect(member),
        resolve: resolve as (v: unknown) => void,
        reject,
        tried: new Set([member]),
        pinned,
        deadlineMs: this.host.nowMs + this.timeoutMs,
      };
      this.dispatch(p);
    });
  }

  /** Puts a pending request on the wire on its connection, with its deadline. */
  private dispatch(p: Pending): void {
    const reqId = this.nextReqId++;
    this.pending.set(reqId, p);
    this.sendOn(p.conn, { kind: 'request', from: this.name, reqId, request: p.request });
    this.host.timer(this.name, p.deadlineMs, () => {
      if (this.pending.get(reqId) !== p) return;
      this.pending.delete(reqId);
      p.reject(new IndeterminateError('context deadline exceeded'));
    });
    this.host.kick();
  }

  private deliver(from: string, payload: WirePayload): void {
    const c = this.connections.get(from);
    if (c) {
      if (c.stalled) return;
      c.lastHeardMs = this.host.nowMs;
    }
    if (payload.kind === 'reply') {
      const p = this.pending.get(payload.reqId);
      if (!p || p.conn !== c) return;
      this.pending.delete(payload.reqId);
      this.settle(p, payload.result);
    } else if (payload.kind === 'watchResponse') {
      this.onWatchResponse(from, c, payload.streamId, payload.resp);
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
        p.conn = this.connect(next);
        this.dispatch(p);
        return;
      }
    }
    if (INDETERMINATE_MESSAGES.has(err.message)) p.reject(new IndeterminateError(err.message));
    else p.reject(new EtcdError(err));
  }

  private memberDown(member: string): void {
    const c = this.connections.get(member);
    if (c) this.breakConnection(c, 'memberDown');
  }

  // ---- watch ----

  watch(req: WatchCreateRequest, onResponse: (resp: WatchResponse) => void): WatchHandle {
    let handle: WatchHandle | null = null;
    const copy = { ...req };
    this.gate(() => (handle = this.watchNow(copy, onResponse)));
    // The handle's calls wait behind the watch itself (the gate keeps their order).
    return {
      cancel: () => new Promise<void>((resolve, reject) => this.gate(() => handle!.cancel().then(resolve, reject))),
      requestProgress: () => this.gate(() => handle!.requestProgress()),
    };
  }

  private watchNow(req: WatchCreateRequest, userOnResponse: (resp: WatchResponse) => void): WatchHandle {
    const no = this.nextWatchNo++;
    if (!this.closed) this.host.observe?.({ kind: 'watch', client: this.name, watch: no, request: { ...req } });
    // One history record per stream the user opened; a resume after a broken connection goes on
    // in the same record (it starts after the last revision delivered).
    const recorded = this.host.history && !this.closed ? this.host.history.watch(this.name, { ...req }, this.host.nowMs, { watcherId: `${this.name}/w${no}` }) : null;
    const onResponse = recorded
      ? (resp: WatchResponse) => {
          // A cancel closes the record after this (finishStream), so it holds the cancel too.
          recorded.receive(resp, this.host.nowMs);
          userOnResponse(resp);
        }
      : userOnResponse;
    const s: Stream = {
      wireId: this.nextStreamId++,
      conn: null,
      req: { ...req },
      onResponse,
      ...(recorded ? { recorded } : {}),
      watchId: null,
      lastRevision: 0,
      canceled: false,
      cancelWaiters: [],
      createdDelivered: false,
    };
    this.streams.set(s.wireId, s);
    const member = this.pickMember();
    if (member !== undefined) {
      s.conn = this.connect(member);
      this.sendOn(s.conn, { kind: 'watch', from: this.name, streamId: s.wireId, request: { create_request: s.req } });
    } else this.orphan(s);
    this.host.kick();
    return {
      cancel: () => {
        if (!s.canceled && this.streams.get(s.wireId) === s) this.host.observe?.({ kind: 'watchCancel', client: this.name, watch: no });
        return this.cancelStream(s);
      },
      requestProgress: () => {
        if (!s.canceled && this.streams.get(s.wireId) === s) this.host.observe?.({ kind: 'watchProgress', client: this.name, watch: no });
        const c = s.conn;
        if (s.canceled || !c || c.broken || !this.host.isUp(c.member)) return;
        this.sendOn(c, { kind: 'watch', from: this.name, streamId: s.wireId, request: { progress_request: {} } });
        this.host.kick();
      },
    };
  }

  private onWatchResponse(from: string, c: Connection | undefined, wireId: number, resp: WatchResponse): void {
    const s = this.streams.get(wireId);
    if (!s || !c || s.conn !== c) {
      // A stream of a connection that is gone: tell the member once, as a closed TCP connection
      // answers with a reset, so it stops sending and frees its watchers.
      const key = `${from}#${wireId}`;
      if (!this.resets.has(key) && this.host.isUp(from)) {
        this.resets.add(key);
        this.host.send(this.name, { to: from, payload: { kind: 'watchClose', from: this.name, streamId: wireId } });
      }
      return;
    }
    if (resp.created && s.watchId === null) {
      s.watchId = resp.watch_id;
      // A watch "from now" continues after the revision it was created at, wherever it resumes.
      if (!s.createdDelivered && !s.req.start_revision && !resp.canceled) s.lastRevision = Math.max(s.lastRevision, resp.header.revision);
    }
    const evs = resp.events;
    if (evs.length > 0) s.lastRevision = evs[evs.length - 1]!.kv.mod_revision;
    else if (!resp.created && resp.header.revision > s.lastRevision && !resp.canceled) s.lastRevision = resp.header.revision;
    if (resp.canceled) {
      // The confirmation of the client's own cancel is not an event for the watcher: etcd's
      // client closes the watch channel without handing it on. A cancel by the server (a
      // compacted start revision) is: the watcher sees why its stream ended, and only then is
      // the stream (and its history record) closed.
      const requested = s.cancelWaiters.length > 0;
      if (!requested) s.onResponse(resp);
      this.finishStream(s);
      this.sendOn(c, { kind: 'watchClose', from: this.name, streamId: wireId });
      return;
    }
    if (resp.created && !resp.canceled) {
      if (s.createdDelivered) return; // a re-created stream's confirmation is internal
      s.createdDelivered = true;
    }
    s.onResponse(resp);
  }

  private closeRecord(s: Stream): void {
    const r = s.recorded;
    if (!r) return;
    delete s.recorded;
    r.close(this.host.nowMs);
  }

  /** Forgets a stream for good and wakes whoever waits for its cancel. */
  private finishStream(s: Stream): void {
    this.closeRecord(s);
    s.canceled = true;
    this.streams.delete(s.wireId);
    this.orphans.delete(s);
    for (const w of s.cancelWaiters.splice(0)) w();
  }

  /**
   * Re-creates a stream on the client's current endpoint (the next one in failover order after
   * a broken connection; possibly the same member again when it is the only endpoint) from the
   * revision after the last one delivered, with the same filters and options.
   */
  private resumeStream(s: Stream): void {
    const next = this.pickMember();
    this.streams.delete(s.wireId);
    s.wireId = this.nextStreamId++;
    s.conn = null;
    s.watchId = null;
    this.streams.set(s.wireId, s);
    if (next === undefined) {
      this.orphan(s);
      return;
    }
    s.conn = this.connect(next);
    this.connectionStats.watchResumes++;
    const req: WatchCreateRequest = { ...s.req, watch_id: 0 };
    if (s.lastRevision > 0) req.start_revision = s.lastRevision + 1;
    this.host.note(this.name, next, `watch resumed from revision ${req.start_revision ?? 0}`);
    this.sendOn(s.conn, { kind: 'watch', from: this.name, streamId: s.wireId, request: { create_request: req } });
  }

  /** No endpoint is up: try again after the reconnect backoff (gRPC keeps dialing). */
  private orphan(s: Stream): void {
    this.orphans.add(s);
    if (this.retryArmed || this.closed) return;
    this.retryArmed = true;
    this.host.timer(this.name, this.host.nowMs + this.reconnectBackoffMs, () => {
      this.retryArmed = false;
      if (this.closed) return;
      const waiting = [...this.orphans];
      this.orphans.clear();
      for (const o of waiting) if (!o.canceled) this.resumeStream(o);
    });
  }

  private cancelStream(s: Stream): Promise<void> {
    if (s.canceled || this.streams.get(s.wireId) !== s) return Promise.resolve();
    return new Promise<void>((resolve) => {
      s.cancelWaiters.push(resolve);
      const c = s.conn;
      if (s.watchId === null || !c || c.broken || !this.host.isUp(c.member)) {
        this.finishStream(s);
        if (c && !c.broken && this.host.isUp(c.member)) this.sendOn(c, { kind: 'watchClose', from: this.name, streamId: s.wireId });
        return;
      }
      this.sendOn(c, { kind: 'watch', from: this.name, streamId: s.wireId, request: { cancel_request: { watch_id: s.watchId } } });
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

  /** `deferred` replays a close made while the world was stepping (see ClientHost.unregisterClient). */
  close(opts: { deferred?: boolean } = {}): void {
    this.gate(() => this.closeNow(opts));
  }

  private closeNow(opts: { deferred?: boolean }): void {
    if (this.closed) return;
    this.host.observe?.({ kind: 'close', client: this.name, ...(opts.deferred ? { deferred: true } : {}) });
    this.closed = true;
    for (const s of [...this.streams.values()]) {
      const c = s.conn;
      if (c && !c.broken && this.host.isUp(c.member)) this.host.send(this.name, { to: c.member, payload: { kind: 'watchClose', from: this.name, streamId: s.wireId } });
    }
    for (const s of this.streams.values()) this.closeRecord(s);
    this.streams.clear();
    this.orphans.clear();
    for (const p of this.pending.values()) p.reject(new EtcdError({ code: 'Canceled', message: 'grpc: the client connection is closing' }));
    this.pending.clear();
    this.host.unregisterClient(this.name, opts.deferred ?? false);
  }
}

function isKvRequest(r: ClientRequest): r is Extract<ClientRequest, { op: 'put' | 'range' | 'deleteRange' | 'txn' }> {
  return r.op === 'put' || r.op === 'range' || r.op === 'deleteRange' || r.op === 'txn';
}

function kvOf(r: Extract<ClientRequest, { op: 'put' | 'range' | 'deleteRange' | 'txn' }>): KvRequest {
  switch (r.op) {
    case 'put':
      return { type: 'put', request: r.req };
    case 'range':
      return { type: 'range', request: r.req };
    case 'deleteRange':
      return { type: 'deleteRange', request: r.req };
    case 'txn':
      return { type: 'txn', request: r.req };
  }
}
