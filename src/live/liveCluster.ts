/**
 * A connection to a real etcd cluster through its JSON gateway: what live mode reads (members
 * and their status, keys, a watch feed, leases, alarms, health) and the etcdctl console's client.
 *
 * Connecting probes every endpoint first and refuses the whole connection, changing nothing,
 * when any endpoint is misconfigured (not etcd, gateway off, browser refusal) or none answers.
 * An endpoint that is only down is kept: a member being down is what an operator wants to see.
 *
 * Credentials stay in this object's memory: the token goes in a header, never in the URL or the
 * browser's storage, and an expired token is renewed from the password held here.
 */
import { EtcdError } from '../client/client.ts';
import type { EtcdClient, WatchHandle } from '../client/client.ts';
import { GatewayClient } from '../client/gateway/gatewayClient.ts';
import { runEtcdctl, type EtcdctlResult } from '../client/etcdctl/runEtcdctl.ts';
import type { AlarmMember, Bytes, Event, Id64, KeyValue, Member, StatusResponse } from '../server/api.ts';
import { bytesFromUtf8, prefixRangeEnd } from '../server/api.ts';
import { checkCommand, readOnlyRefusal } from './commandSafety.ts';
import { endpointKey, endpointUrl } from './liveEndpoints.ts';
import { guardClient } from './liveClient.ts';
import { ProbeProblem, probeEndpoint } from './probe.ts';

export interface ConnectOptions {
  endpoints: readonly string[];
  /** Straight to etcd (it must allow the page's origin: --cors), or through the page's proxy. */
  via: 'direct' | 'proxy';
  /** The page's origin, in a browser (the proxy's base; tells a CORS refusal from no answer). */
  pageOrigin?: string;
  user?: string;
  password?: string;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** Why a connection was refused: one line per endpoint that failed, or a cluster-wide cause. */
export class LiveConnectError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'LiveConnectError';
  }
}

export interface LiveMember {
  id: Id64;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
  /** The endpoint that answers as this member, once one has. */
  endpoint?: string;
  /** Its status this poll; absent when its endpoint did not answer (see `error`) or none is known. */
  status?: StatusResponse;
  error?: string;
  /** The endpoint answered `endpoint health`'s read. */
  healthy?: boolean;
}

/** One poll of the cluster. Invariant: every member of the member list appears once. */
export interface LiveSnapshot {
  atMs: number;
  clusterId: Id64;
  members: LiveMember[];
  /** The leader as the members with the highest term report it; null when none does. */
  leaderId: Id64 | null;
  raftTerm: number;
  revision: number;
  /** Endpoints that did not answer as any member of the list. */
  endpointErrors: { endpoint: string; message: string }[];
  /** The member list could not be read from any endpoint. */
  memberListError?: string;
  version: string;
}

export interface KeyPage {
  prefix: string;
  kvs: KeyValue[];
  /** More keys follow the last one. */
  more: boolean;
  count: number;
  revision: number;
}

export interface LiveLease {
  id: Id64;
  grantedTtl: number;
  /** Remaining TTL (s) as the server said at `readAtMs` (wall clock). */
  ttl: number;
  readAtMs: number;
  keys: Bytes[];
}

export interface WatchFeedState {
  /** 'watching' on a stream; 'resuming' after it broke; 'stopped' after a compaction or a cancel. */
  state: 'watching' | 'resuming' | 'stopped';
  message?: string;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const authNeeded = (e: unknown): boolean => e instanceof EtcdError && /user name is empty|invalid auth token|authentication is required|permission denied/i.test(e.message);

export class LiveCluster {
  readonly endpoints: readonly string[];
  readonly client: EtcdClient;
  readOnly = true;
  private token: string | undefined;
  private readonly raw: GatewayClient;
  private readonly perEndpoint = new Map<string, GatewayClient>();
  /** Which member answered at each endpoint (endpoint key → member ID), from earlier polls. */
  private readonly endpointMember = new Map<string, Id64>();
  private readonly files = new Map<string, Bytes>();
  private closed = false;

  private constructor(
    private readonly opts: ConnectOptions,
    readonly version: string,
  ) {
    this.endpoints = [...opts.endpoints];
    this.raw = this.gateway(this.endpoints);
    this.client = this.guarded(this.raw);
  }

  /** Where requests for `endpoint` go. */
  urlFor = (endpoint: string): string => endpointUrl(endpoint, this.opts.via, this.opts.pageOrigin);

  private gateway(endpoints: readonly string[]): GatewayClient {
    return new GatewayClient(endpoints, {
      urlFor: this.urlFor,
      token: () => this.token,
      requestTimeoutMs: this.opts.requestTimeoutMs ?? 5000,
    });
  }

  private guarded(c: EtcdClient): EtcdClient {
    return guardClient(c, {
      readOnly: () => this.readOnly,
      ...(this.opts.user ? { reauthenticate: () => this.authenticate() } : {}),
    });
  }

  private async authenticate(): Promise<void> {
    this.token = undefined;
    this.token = await this.raw.authenticate(this.opts.user!, this.opts.password ?? '');
  }

  /** Probes, authenticates and reads once; throws LiveConnectError and leaves nothing open. */
  static async connect(opts: ConnectOptions): Promise<LiveCluster> {
    if (opts.endpoints.length === 0) throw new LiveConnectError(['enter at least one client endpoint, e.g. 127.0.0.1:2379']);
    const urlFor = (e: string) => endpointUrl(e, opts.via, opts.pageOrigin);
    const results = await Promise.all(
      opts.endpoints.map((e) =>
        probeEndpoint(e, { url: urlFor(e), ...(opts.pageOrigin !== undefined ? { pageOrigin: opts.pageOrigin } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}) }).then(
          (r) => ({ ok: true as const, r }),
          (e: unknown) => ({ ok: false as const, e }),
        ),
      ),
    );
    const failures = results.flatMap((x) => (x.ok ? [] : [x.e]));
    const misconfigured = failures.filter((e) => !(e instanceof ProbeProblem) || (e.kind !== 'unreachable' && e.kind !== 'timeout'));
    if (misconfigured.length > 0 || failures.length === results.length) throw new LiveConnectError(failures.map(errorText));
    const version = results.find((x) => x.ok)!.ok ? (results.find((x) => x.ok) as { r: { version: string } }).r.version : '';
    const live = new LiveCluster(opts, version);
    const up = opts.endpoints.filter((_, i) => results[i]!.ok);
    try {
      if (opts.user) {
        try {
          live.token = await live.raw.authenticate(opts.user, opts.password ?? '', up[0]);
        } catch (e) {
          throw new LiveConnectError([`${up[0]}: ${errorText(e)}`]);
        }
      }
      try {
        await live.raw.range({ key: bytesFromUtf8('\0'), limit: 1, keys_only: true });
      } catch (e) {
        if (authNeeded(e)) {
          throw new LiveConnectError([
            opts.user
              ? `${up[0]}: user "${opts.user}" may not read keys (${errorText(e)}); live mode needs a user with read permission`
              : `${up[0]}: this cluster has authentication on (${errorText(e)}): enter a user name and password`,
          ]);
        }
        // Any other error (no leader now, say) is the cluster's state, shown once connected.
      }
      return live;
    } catch (e) {
      live.close();
      throw e;
    }
  }

  /** A client that talks to `endpoint` only (for its status and health). */
  private clientAt(endpoint: string): GatewayClient {
    let c = this.perEndpoint.get(endpoint);
    if (!c) {
      c = this.gateway([endpoint]);
      this.perEndpoint.set(endpoint, c);
    }
    return c;
  }

  async poll(): Promise<LiveSnapshot> {
    const atMs = Date.now();
    const [list, statuses] = await Promise.all([
      this.client.memberList().then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      ),
      Promise.all(
        this.endpoints.map(async (ep) => {
          try {
            const s = await this.guarded(this.clientAt(ep)).status(ep);
            let healthy = false;
            try {
              await this.guarded(this.clientAt(ep)).range({ key: bytesFromUtf8('health') });
              healthy = true;
            } catch (e) {
              healthy = e instanceof EtcdError && e.code === 'PermissionDenied';
            }
            return { ep, ok: true as const, s, healthy };
          } catch (e) {
            // The gateway client says what etcdctl says when no endpoint took the connection.
            const refused = e instanceof EtcdError && e.code === 'DeadlineExceeded' && e.message === 'context deadline exceeded';
            return { ep, ok: false as const, message: refused ? 'could not connect: the member is down, or nothing listens on that port' : errorText(e) };
          }
        }),
      ),
    ]);
    for (const st of statuses) if (st.ok) this.endpointMember.set(endpointKey(st.ep), st.s.header.member_id);
    const listed: Member[] = list.ok ? list.r.members : [];
    // By name, so each member keeps its place in the view whatever order the list comes in.
    const members: LiveMember[] = [...listed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.ID < b.ID ? -1 : 1)).map((m) => ({ id: m.ID, name: m.name, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs], isLearner: m.isLearner === true }));
    // A member whose own endpoint was given: by what answered there before, or by its advertised URL.
    const endpointErrors: { endpoint: string; message: string }[] = [];
    for (const st of statuses) {
      const key = endpointKey(st.ep);
      const id = this.endpointMember.get(key) ?? members.find((m) => m.clientURLs.some((u) => endpointKey(u) === key))?.id;
      const m = members.find((x) => x.id === id);
      if (!m) {
        if (!st.ok) endpointErrors.push({ endpoint: st.ep, message: st.message });
        else if (list.ok) endpointErrors.push({ endpoint: st.ep, message: `answers as member ${st.s.header.member_id}, which is not in the member list` });
        continue;
      }
      m.endpoint = st.ep;
      if (st.ok) {
        m.status = st.s;
        m.healthy = st.healthy;
        delete m.error;
      } else m.error = st.message;
    }
    const answered = members.filter((m) => m.status);
    const top = answered.reduce<StatusResponse | null>((best, m) => (!best || m.status!.raftTerm > best.raftTerm ? m.status! : best), null);
    const leaderId = top && top.leader !== '0' ? top.leader : null;
    const clusterId = statuses.find((s) => s.ok)?.ok ? (statuses.find((s) => s.ok) as { s: StatusResponse }).s.header.cluster_id : list.ok ? list.r.header.cluster_id : '0';
    return {
      atMs,
      clusterId,
      members,
      leaderId,
      raftTerm: top?.raftTerm ?? 0,
      revision: answered.reduce((r, m) => Math.max(r, m.status!.header.revision), 0),
      endpointErrors,
      ...(list.ok ? {} : { memberListError: errorText(list.e) }),
      version: answered[0]?.status?.version ?? this.version,
    };
  }

  /** One page of keys under `prefix` (all keys for ''), in key order, after `after` if given. */
  async keys(prefix: string, opts: { after?: Bytes; limit?: number } = {}): Promise<KeyPage> {
    const p = bytesFromUtf8(prefix);
    const limit = opts.limit ?? 50;
    const rangeEnd = p === '' ? '\0' : prefixRangeEnd(p);
    const from = opts.after !== undefined ? `${opts.after}\0` : p === '' ? '\0' : p;
    const r = await this.client.range({ key: from, range_end: rangeEnd, limit });
    return { prefix, kvs: r.kvs, more: r.more, count: r.count, revision: r.header.revision };
  }

  /**
   * Watches `prefix` from `fromRevision` (or now). A stream that breaks (its member went away) is
   * opened again on the next endpoint from the revision after the last one seen, so no event is
   * lost or repeated; a compacted start revision stops the feed and says so.
   */
  watchPrefix(prefix: string, onEvents: (events: Event[], revision: number) => void, onState: (s: WatchFeedState) => void, fromRevision?: number): () => void {
    const p = bytesFromUtf8(prefix);
    const rangeEnd = p === '' ? '\0' : prefixRangeEnd(p);
    let next = fromRevision ?? 0;
    let handle: WatchHandle | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let rotate = 0;
    const open = (): void => {
      if (stopped || this.closed) return;
      // Each attempt starts on the next endpoint, so a dead member is not tried forever.
      const eps = this.endpoints.map((_, i) => this.endpoints[(i + rotate) % this.endpoints.length]!);
      const c = this.gateway(eps);
      const h = c.watch({ key: p === '' ? '\0' : p, range_end: rangeEnd, ...(next > 0 ? { start_revision: next } : {}) }, (resp) => {
        if (stopped) return;
        if (resp.created) onState({ state: 'watching' });
        if (resp.events.length > 0) {
          next = resp.events[resp.events.length - 1]!.kv.mod_revision + 1;
          onEvents(resp.events, resp.header.revision);
        } else if (next === 0 && resp.header.revision > 0) next = resp.header.revision + 1;
        if (resp.canceled) {
          if (resp.compact_revision > 0) {
            onState({ state: 'stopped', message: `revision ${next} has been compacted (the oldest kept is ${resp.compact_revision}): the feed cannot go on without a gap` });
            stopped = true;
            return;
          }
          rotate++;
          onState({ state: 'resuming', message: `the watch stream ended (${resp.cancel_reason || 'closed'}); resuming from revision ${next}` });
          timer = setTimeout(open, 1000);
        }
      });
      handle = h;
    };
    open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      void handle?.cancel();
    };
  }

  async leases(max = 50): Promise<LiveLease[]> {
    const { leases } = await this.client.leaseLeases();
    return Promise.all(
      leases.slice(0, max).map(async ({ ID }) => {
        const t = await this.client.leaseTimeToLive({ ID, keys: true });
        return { id: ID, grantedTtl: t.grantedTTL, ttl: t.TTL, readAtMs: Date.now(), keys: t.keys ?? [] };
      }),
    );
  }

  async alarms(): Promise<AlarmMember[]> {
    return (await this.client.alarm({ action: 'GET' })).alarms;
  }

  /** Runs an etcdctl command line on the cluster; read-only refuses anything that writes. */
  async etcdctl(line: string, opts: { stdin?: string; signal?: AbortSignal; onStream?: (c: { stdout?: string; stderr?: string }) => void } = {}): Promise<EtcdctlResult> {
    const check = checkCommand(line);
    if (this.readOnly && check.safety !== 'read') return { stdout: '', stderr: `Error: ${readOnlyRefusal(check.path)}\n`, exitCode: 1 };
    return runEtcdctl(line, {
      client: this.client,
      clientFactory: (eps) => this.guarded(this.gateway(eps)),
      defaultEndpoints: [...this.endpoints],
      files: this.files,
      nowMs: () => performance.now(),
      ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onStream ? { onStream: opts.onStream } : {}),
    });
  }

  /** A file a command wrote (`snapshot save <path>`), as a byte string. */
  file(path: string): Bytes | undefined {
    return this.files.get(path);
  }

  close(): void {
    this.closed = true;
    this.raw.close();
    for (const c of this.perEndpoint.values()) c.close();
    this.perEndpoint.clear();
    this.token = undefined;
  }
}
