/**
 * An `EtcdClient` for a real etcd 3.4, spoken through its gRPC-JSON gateway (HTTP POST of JSON to
 * `/v3/...` on the client URL). The compatibility tests use it so that etcdctl and the API can be
 * checked against the real thing with nothing but `fetch`.
 *
 * The gateway speaks protobuf's JSON mapping, which differs from the playground's data in ways
 * this file undoes, in both directions:
 * - bytes are base64;
 * - int64/uint64 are decimal strings; 64-bit IDs become the playground's lowercase hex `Id64`;
 * - fields with zero values are omitted, so absent numbers are 0, booleans false, lists [],
 *   strings '', and enums their first value (Event.type PUT, Compare.result EQUAL, ...);
 * - an error is `{"error", "code", "message"}` with the numeric gRPC code.
 *
 * Two things etcd 3.4's gateway cannot do, and how they are covered:
 * - HashKV shares its path with Hash (`/v3/maintenance/hash`) and Hash wins, so `hashKV` returns
 *   Hash's value (a hash of the whole backend, not etcd's HashKV) and finds the compact revision
 *   by bisecting on which revisions a range may still read. Compare its `hash` only with itself.
 * - Watch cancels cannot be sent on an open stream portably, so `cancel()` closes the HTTP
 *   stream, which ends the gRPC stream and with it the watch.
 */
import type { EtcdClient, WatchHandle } from '../client.ts';
import { EtcdError, IndeterminateError } from '../client.ts';
import { fetchTransport, type GatewayResponse, type GatewayTransport } from './gatewayTransport.ts';
import {
  bytesFromBase64,
  bytesToBase64,
  grpcCodeNumber,
  id64FromDecimal,
  id64ToDecimal,
} from '../../server/api.ts';
import type {
  AlarmMember,
  AlarmRequest,
  AlarmResponse,
  AlarmType,
  Compare,
  CompactionRequest,
  CompactionResponse,
  DefragmentResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  GrpcCode,
  HashKVResponse,
  Id64,
  KeyValue,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  Member,
  MemberAddRequest,
  MemberAddResponse,
  MemberListResponse,
  MoveLeaderResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseHeader,
  ResponseOp,
  SnapshotResponse,
  StatusResponse,
  TxnRequest,
  TxnResponse,
  WatchCreateRequest,
  WatchResponse,
} from '../../server/api.ts';

// The gateway's JSON is untyped at this boundary; `J` names "a decoded JSON object".
type J = Record<string, any>;

const codeByNumber = new Map<number, GrpcCode>(
  Object.entries(grpcCodeNumber).map(([name, n]) => [n, name as GrpcCode]),
);

/** etcd's own text when no endpoint can be reached (what etcdctl prints then). */
const UNREACHABLE = 'context deadline exceeded';

export interface GatewayClientOptions {
  /** Per-request timeout in ms; default 5000. */
  requestTimeoutMs?: number;
  /**
   * Where requests for an endpoint go (default: the endpoint itself). A page behind a proxy maps
   * `127.0.0.1:2379` to its own origin's proxy path; the endpoint's name stays what the user typed.
   */
  urlFor?: (endpoint: string) => string;
  /** The auth token to send (etcd's `Authorization` header), read at every request. */
  token?: () => string | undefined;
  /** How requests leave (default: fetch). In Node, `nodeHttpTransport()` is several times cheaper. */
  transport?: GatewayTransport;
}

/** `http://host:port` for an endpoint given as `host:port` or a URL (no trailing slash). */
export function normalizeUrl(endpoint: string): string {
  const e = endpoint.replace(/\/+$/, '');
  return /^https?:\/\//.test(e) ? e : `http://${e}`;
}

// ---- JSON -> playground ----

function num(v: unknown): number {
  if (v === undefined || v === null || v === '') return 0;
  return Number(v);
}

function id(v: unknown): Id64 {
  if (v === undefined || v === null || v === '') return '0';
  return id64FromDecimal(String(v));
}

function bytes(v: unknown): string {
  return typeof v === 'string' ? bytesFromBase64(v) : '';
}

function header(h: J | undefined): ResponseHeader {
  return {
    cluster_id: id(h?.cluster_id),
    member_id: id(h?.member_id),
    revision: num(h?.revision),
    raft_term: num(h?.raft_term),
  };
}

function keyValue(kv: J): KeyValue {
  return {
    key: bytes(kv.key),
    create_revision: num(kv.create_revision),
    mod_revision: num(kv.mod_revision),
    version: num(kv.version),
    value: bytes(kv.value),
    lease: id(kv.lease),
  };
}

function event(e: J): Event {
  const out: Event = { type: e.type === 'DELETE' ? 'DELETE' : 'PUT', kv: keyValue(e.kv ?? {}) };
  if (e.prev_kv) out.prev_kv = keyValue(e.prev_kv);
  return out;
}

function rangeResponse(r: J): RangeResponse {
  return {
    header: header(r.header),
    kvs: ((r.kvs ?? []) as J[]).map(keyValue),
    more: r.more === true,
    count: num(r.count),
  };
}

function putResponse(r: J): PutResponse {
  const out: PutResponse = { header: header(r.header) };
  if (r.prev_kv) out.prev_kv = keyValue(r.prev_kv);
  return out;
}

function deleteRangeResponse(r: J): DeleteRangeResponse {
  return {
    header: header(r.header),
    deleted: num(r.deleted),
    prev_kvs: ((r.prev_kvs ?? []) as J[]).map(keyValue),
  };
}

function txnResponse(r: J): TxnResponse {
  return {
    header: header(r.header),
    succeeded: r.succeeded === true,
    responses: ((r.responses ?? []) as J[]).map(responseOp),
  };
}

function responseOp(op: J): ResponseOp {
  if (op.response_put !== undefined) return { response_put: putResponse(op.response_put) };
  if (op.response_delete_range !== undefined) {
    return { response_delete_range: deleteRangeResponse(op.response_delete_range) };
  }
  if (op.response_txn !== undefined) return { response_txn: txnResponse(op.response_txn) };
  return { response_range: rangeResponse(op.response_range ?? {}) };
}

function member(m: J): Member {
  return {
    ID: id(m.ID),
    name: m.name ?? '',
    peerURLs: m.peerURLs ?? [],
    clientURLs: m.clientURLs ?? [],
    isLearner: m.isLearner === true,
  };
}

function memberList(r: J): MemberListResponse {
  return { header: header(r.header), members: ((r.members ?? []) as J[]).map(member) };
}

function watchResponse(r: J): WatchResponse {
  return {
    header: header(r.header),
    watch_id: num(r.watch_id),
    created: r.created === true,
    canceled: r.canceled === true,
    compact_revision: num(r.compact_revision),
    cancel_reason: r.cancel_reason ?? '',
    fragment: r.fragment === true,
    events: ((r.events ?? []) as J[]).map(event),
  };
}

// ---- playground -> JSON ----

function b64(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : bytesToBase64(v);
}

function dec(v: Id64 | undefined): string | undefined {
  return v === undefined || v === '0' ? undefined : id64ToDecimal(v);
}

function rangeRequest(r: RangeRequest): J {
  return { ...r, key: b64(r.key), range_end: b64(r.range_end) };
}

function putRequest(r: PutRequest): J {
  return { ...r, key: b64(r.key), value: b64(r.value), lease: dec(r.lease) };
}

function deleteRangeRequest(r: DeleteRangeRequest): J {
  return { ...r, key: b64(r.key), range_end: b64(r.range_end) };
}

function compare(c: Compare): J {
  const out: J = { result: c.result, target: c.target, key: b64(c.key), range_end: b64(c.range_end) };
  switch (c.target) {
    case 'VERSION':
      out.version = c.version ?? 0;
      break;
    case 'CREATE':
      out.create_revision = c.create_revision ?? 0;
      break;
    case 'MOD':
      out.mod_revision = c.mod_revision ?? 0;
      break;
    case 'VALUE':
      // An empty value must still be sent: the oneof must say "value" was chosen.
      out.value = bytesToBase64(c.value ?? '');
      break;
    case 'LEASE':
      out.lease = c.lease === undefined ? '0' : id64ToDecimal(c.lease);
      break;
  }
  return out;
}

function requestOp(op: RequestOp): J {
  if ('request_range' in op) return { request_range: rangeRequest(op.request_range) };
  if ('request_put' in op) return { request_put: putRequest(op.request_put) };
  if ('request_delete_range' in op) {
    return { request_delete_range: deleteRangeRequest(op.request_delete_range) };
  }
  return { request_txn: txnRequest(op.request_txn) };
}

function txnRequest(r: TxnRequest): J {
  return {
    compare: (r.compare ?? []).map(compare),
    success: (r.success ?? []).map(requestOp),
    failure: (r.failure ?? []).map(requestOp),
  };
}

function errorFromBody(body: J, status: number): EtcdError {
  const code = codeByNumber.get(num(body.code)) ?? 'Unknown';
  const message = String(body.message ?? body.error ?? `HTTP ${status}`);
  return new EtcdError({ code, message });
}

function isConnectError(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (e as { code?: string })?.code;
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH') return true;
  // A browser's fetch says only "Failed to fetch" (a TypeError, with no cause) when it could not
  // connect; it rejects before any response, so the request is taken as never sent, as etcdctl
  // takes a refused connection. Node's fetch always gives a cause, so this is the browser's case.
  return e instanceof TypeError && cause === undefined;
}

/** Reads a newline-delimited stream of JSON objects, calling `onObject` for each. */
async function readJsonLines(res: GatewayResponse, onObject: (o: J) => boolean | void): Promise<void> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const value of res.chunks()) {
    buf += decoder.decode(value, { stream: true });
    // The gateway writes one JSON object per message; objects may arrive split or joined.
    for (;;) {
      const end = jsonObjectEnd(buf);
      if (end < 0) break;
      const text = buf.slice(0, end);
      buf = buf.slice(end);
      // Returning ends the iteration, which releases the body.
      if (onObject(JSON.parse(text) as J) === false) return;
    }
  }
}

/** Index just after the first complete top-level JSON object in `s` (leading space skipped), or -1. */
function jsonObjectEnd(s: string): number {
  let i = 0;
  while (i < s.length && /\s/.test(s[i]!)) i++;
  if (i >= s.length || s[i] !== '{') return -1;
  let depth = 0;
  let inStr = false;
  for (; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

export class GatewayClient implements EtcdClient {
  readonly endpoints: readonly string[];
  private readonly urls: string[];
  private current = 0;
  private readonly timeoutMs: number;
  private readonly open = new Set<AbortController>();
  private readonly urlFor: (endpoint: string) => string;
  private readonly token: () => string | undefined;
  private readonly transport: GatewayTransport;

  constructor(endpoints: readonly string[], opts: GatewayClientOptions = {}) {
    if (endpoints.length === 0) throw new Error('GatewayClient needs at least one endpoint');
    this.endpoints = [...endpoints];
    this.urlFor = opts.urlFor ?? normalizeUrl;
    this.token = opts.token ?? (() => undefined);
    this.transport = opts.transport ?? fetchTransport;
    this.urls = endpoints.map(this.urlFor);
    this.timeoutMs = opts.requestTimeoutMs ?? 5000;
  }

  private headers(): Record<string, string> {
    const t = this.token();
    return t ? { 'content-type': 'application/json', authorization: t } : { 'content-type': 'application/json' };
  }

  /**
   * etcd's Authenticate: a token for `name`/`password` (the caller keeps it and hands it back
   * through the `token` option). A wrong password is etcd's "authentication failed" error.
   */
  async authenticate(name: string, password: string, endpoint?: string): Promise<string> {
    const r = await this.post('/v3/auth/authenticate', { name, password }, endpoint);
    return String(r.token ?? '');
  }

  /**
   * POSTs to one endpoint (or, without one, to the current endpoint and then the others in
   * order when a connection is refused, since a refused connection proves nothing was applied).
   */
  private async post(path: string, body: J, endpoint?: string): Promise<J> {
    const order =
      endpoint !== undefined
        ? [this.urlFor(endpoint)]
        : this.urls.map((_, i) => this.urls[(this.current + i) % this.urls.length]!);
    for (let i = 0; i < order.length; i++) {
      let res: GatewayResponse;
      let text: string;
      try {
        res = await this.transport(order[i] + path, { headers: this.headers(), body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
        text = await res.text();
      } catch (e) {
        if (isConnectError(e)) continue;
        throw new IndeterminateError(`${path}: ${(e as Error).message}`);
      }
      // A proxy in front of etcd (live mode's, in the page's server) says so when it could not
      // connect: that is a refused connection, and nothing reached etcd.
      if (res.status === 502 && res.header('x-etcd-proxy') === 'unreachable') continue;
      if (endpoint === undefined) this.current = this.urls.indexOf(order[i]!);
      let parsed: J;
      try {
        parsed = text === '' ? {} : (JSON.parse(text) as J);
      } catch {
        throw new EtcdError({ code: 'Unknown', message: `${path}: HTTP ${res.status}: ${text.trim()}` });
      }
      if (res.status < 200 || res.status > 299 || parsed.error !== undefined) throw errorFromBody(parsed, res.status);
      return parsed;
    }
    throw new EtcdError({ code: 'DeadlineExceeded', message: UNREACHABLE });
  }

  /** Opens a server stream; resolves when the stream ends. `onObject` returning false ends it. */
  private async stream(
    path: string,
    body: J,
    ctl: AbortController,
    onObject: (o: J) => boolean | void,
    endpoint?: string,
  ): Promise<void> {
    const url = endpoint !== undefined ? this.urlFor(endpoint) : this.urls[this.current]!;
    const res = await this.transport(url + path, { headers: this.headers(), body: JSON.stringify(body), signal: ctl.signal });
    if (res.status < 200 || res.status > 299) {
      const text = await res.text();
      let parsed: J = {};
      try {
        parsed = JSON.parse(text) as J;
      } catch {
        parsed = { message: text.trim() };
      }
      throw errorFromBody(parsed, res.status);
    }
    await readJsonLines(res, onObject);
  }

  async range(req: RangeRequest): Promise<RangeResponse> {
    return rangeResponse(await this.post('/v3/kv/range', rangeRequest(req)));
  }

  async put(req: PutRequest): Promise<PutResponse> {
    return putResponse(await this.post('/v3/kv/put', putRequest(req)));
  }

  async deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    return deleteRangeResponse(await this.post('/v3/kv/deleterange', deleteRangeRequest(req)));
  }

  async txn(req: TxnRequest): Promise<TxnResponse> {
    return txnResponse(await this.post('/v3/kv/txn', txnRequest(req)));
  }

  async compact(req: CompactionRequest): Promise<CompactionResponse> {
    const r = await this.post('/v3/kv/compaction', { ...req });
    return { header: header(r.header) };
  }

  watch(req: WatchCreateRequest, onResponse: (resp: WatchResponse) => void): WatchHandle {
    const ctl = new AbortController();
    this.open.add(ctl);
    let cancelled = false;
    const body = {
      create_request: { ...req, key: b64(req.key), range_end: b64(req.range_end) },
    };
    const done = this.stream('/v3/watch', body, ctl, (o) => {
      if (cancelled) return false;
      if (o.error !== undefined) {
        // The stream broke (e.g. the member stopped): report it as a cancel with the reason.
        onResponse({ ...watchResponse({}), canceled: true, cancel_reason: String(o.error.message ?? '') });
        return false;
      }
      onResponse(watchResponse(o.result ?? {}));
      return true;
    })
      .catch((e: unknown) => {
        if (cancelled) return;
        const reason = e instanceof Error ? e.message : String(e);
        onResponse({ ...watchResponse({}), canceled: true, cancel_reason: reason });
      })
      .finally(() => this.open.delete(ctl));
    return {
      cancel: async () => {
        cancelled = true;
        ctl.abort();
        await done;
      },
      requestProgress: () => {
        // Not expressible over a one-shot gateway request body; see the file comment.
      },
    };
  }

  async leaseGrant(req: LeaseGrantRequest): Promise<LeaseGrantResponse> {
    const r = await this.post('/v3/lease/grant', { TTL: req.TTL, ID: dec(req.ID) });
    return { header: header(r.header), ID: id(r.ID), TTL: num(r.TTL), error: r.error ?? '' };
  }

  async leaseRevoke(leaseId: Id64): Promise<LeaseRevokeResponse> {
    const r = await this.post('/v3/lease/revoke', { ID: dec(leaseId) });
    return { header: header(r.header) };
  }

  async leaseKeepAliveOnce(leaseId: Id64): Promise<LeaseKeepAliveResponse> {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.timeoutMs);
    let got: J | undefined;
    let err: J | undefined;
    try {
      await this.stream('/v3/lease/keepalive', { ID: dec(leaseId) }, ctl, (o) => {
        if (o.error !== undefined) err = o.error as J;
        else got = o.result as J;
        return false;
      });
    } catch (e) {
      if (e instanceof EtcdError) throw e;
      throw new IndeterminateError(`lease keepalive: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    if (err !== undefined) throw errorFromBody(err, 200);
    if (got === undefined) throw new IndeterminateError('lease keepalive: stream ended without a response');
    return { header: header(got.header), ID: id(got.ID), TTL: num(got.TTL) };
  }

  async leaseTimeToLive(req: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse> {
    const r = await this.post('/v3/lease/timetolive', { ID: dec(req.ID), keys: req.keys });
    return {
      header: header(r.header),
      ID: id(r.ID),
      TTL: num(r.TTL),
      grantedTTL: num(r.grantedTTL),
      keys: ((r.keys ?? []) as string[]).map(bytes),
    };
  }

  async leaseLeases(): Promise<LeaseLeasesResponse> {
    const r = await this.post('/v3/lease/leases', {});
    return { header: header(r.header), leases: ((r.leases ?? []) as J[]).map((l) => ({ ID: id(l.ID) })) };
  }

  async memberList(): Promise<MemberListResponse> {
    return memberList(await this.post('/v3/cluster/member/list', {}));
  }

  async memberAdd(req: MemberAddRequest): Promise<MemberAddResponse> {
    const r = await this.post('/v3/cluster/member/add', { ...req });
    return { ...memberList(r), member: member(r.member ?? {}) };
  }

  async memberRemove(memberId: Id64): Promise<MemberListResponse> {
    return memberList(await this.post('/v3/cluster/member/remove', { ID: dec(memberId) }));
  }

  async memberPromote(memberId: Id64): Promise<MemberListResponse> {
    return memberList(await this.post('/v3/cluster/member/promote', { ID: dec(memberId) }));
  }

  async status(endpoint?: string): Promise<StatusResponse> {
    const r = await this.post('/v3/maintenance/status', {}, endpoint);
    return {
      header: header(r.header),
      version: r.version ?? '',
      dbSize: num(r.dbSize),
      leader: id(r.leader),
      raftIndex: num(r.raftIndex),
      raftTerm: num(r.raftTerm),
      raftAppliedIndex: num(r.raftAppliedIndex),
      errors: r.errors ?? [],
      dbSizeInUse: num(r.dbSizeInUse),
      isLearner: r.isLearner === true,
    };
  }

  async hashKV(revision: number, endpoint?: string): Promise<HashKVResponse> {
    const r = await this.post('/v3/maintenance/hash', { revision }, endpoint);
    return { header: header(r.header), hash: num(r.hash), compact_revision: await this.compactRevision(endpoint) };
  }

  /**
   * etcd's compact revision (-1 if never compacted): the smallest revision a range may still
   * read, found by bisection, since a range below it fails with ErrCompacted.
   */
  private async compactRevision(endpoint?: string): Promise<number> {
    const readable = async (rev: number) => {
      try {
        await this.post('/v3/kv/range', { key: 'AA==', revision: rev, count_only: true }, endpoint);
        return true;
      } catch (e) {
        if (e instanceof EtcdError && e.code === 'OutOfRange') return false;
        throw e;
      }
    };
    if (await readable(1)) return -1;
    const head = await this.post('/v3/kv/range', { key: 'AA==', count_only: true }, endpoint);
    let lo = 1; // not readable
    let hi = num(head.header?.revision); // readable
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readable(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  async alarm(req: AlarmRequest, endpoint?: string): Promise<AlarmResponse> {
    const r = await this.post(
      '/v3/maintenance/alarm',
      { action: req.action, memberID: dec(req.memberID), alarm: req.alarm },
      endpoint,
    );
    const alarms: AlarmMember[] = ((r.alarms ?? []) as J[]).map((a) => ({
      memberID: id(a.memberID),
      alarm: (a.alarm ?? 'NONE') as AlarmType,
    }));
    return { header: header(r.header), alarms };
  }

  async defragment(endpoint?: string): Promise<DefragmentResponse> {
    const r = await this.post('/v3/maintenance/defragment', {}, endpoint);
    return { header: header(r.header) };
  }

  async moveLeader(targetID: Id64, endpoint?: string): Promise<MoveLeaderResponse> {
    const r = await this.post('/v3/maintenance/transfer-leadership', { targetID: dec(targetID) }, endpoint);
    return { header: header(r.header) };
  }

  async snapshot(endpoint?: string): Promise<SnapshotResponse> {
    const ctl = new AbortController();
    this.open.add(ctl);
    let blob = '';
    let head: ResponseHeader | undefined;
    let err: J | undefined;
    try {
      await this.stream(
        '/v3/maintenance/snapshot',
        {},
        ctl,
        (o) => {
          if (o.error !== undefined) {
            err = o.error as J;
            return false;
          }
          const res = (o.result ?? {}) as J;
          head ??= header(res.header);
          blob += bytes(res.blob);
          return true;
        },
        endpoint,
      );
    } finally {
      this.open.delete(ctl);
    }
    if (err !== undefined) throw errorFromBody(err, 200);
    return { header: head ?? header(undefined), blob };
  }

  close(): void {
    for (const ctl of this.open) ctl.abort();
    this.open.clear();
  }
}
