/**
 * The console's clients. A person at the console is one session, so its etcdctl commands share
 * one client (one box beside the members, one connection per member) instead of dialling a new
 * client per command as separate etcdctl processes would. A command that names one endpoint
 * (`--endpoints=m2:2379`, or `endpoint health` dialling each member) gets a view of the shared
 * client pinned to that endpoint: its requests go there and nowhere else, as a one-endpoint
 * etcdctl would, still through the session's connection.
 *
 * Invariant: at most one session client is open per cluster; it is replaced (the old one closed)
 * when the cluster, the endpoint list or the request timeout changes.
 */
import type { EtcdClient, WatchHandle } from '../client/client.ts';
import type { ClientRequest } from '../server/protocol.ts';
import type { Id64 } from '../server/api.ts';
import type { InProcessCluster } from './inProcessCluster.ts';
import type { PlaygroundClient } from './playgroundClient.ts';

export class ConsoleSession {
  private open: { cluster: InProcessCluster; key: string; client: PlaygroundClient } | null = null;

  /** The session's client for `endpoints` on `cluster`, opened on first use. */
  client(cluster: InProcessCluster, endpoints: readonly string[], commandTimeoutMs: number): PlaygroundClient {
    const key = `${endpoints.join(',')}|${commandTimeoutMs}`;
    const o = this.open;
    if (o && o.cluster === cluster && o.key === key) return o.client;
    if (o && o.cluster === cluster) o.client.close();
    // A replayed run may hold an earlier session's client under the plain name.
    let name = 'console';
    for (let n = 2; cluster.world.hasActor(name); n++) name = `console-${n}`;
    const client = cluster.client({ name, endpoints: [...endpoints], commandTimeoutMs });
    this.open = { cluster, key, client };
    return client;
  }

  /** Forgets the session without closing it (its cluster is gone). */
  drop(): void {
    this.open = null;
  }
}

/**
 * `c` with every unary request sent to `endpoint` only. Watches need a stream of their own on
 * that endpoint: `ownClient` opens one for the command (the caller closes it with the command).
 */
export function pinnedClient(c: PlaygroundClient, endpoint: string, ownClient: () => EtcdClient): EtcdClient {
  const call = <T>(request: ClientRequest): Promise<T> => c.request<T>(request, endpoint);
  return {
    endpoints: [endpoint],
    range: (req) => call({ op: 'range', req }),
    put: (req) => call({ op: 'put', req }),
    deleteRange: (req) => call({ op: 'deleteRange', req }),
    txn: (req) => call({ op: 'txn', req }),
    compact: (req) => call({ op: 'compact', req }),
    watch: (req, onResponse): WatchHandle => ownClient().watch(req, onResponse),
    leaseGrant: (req) => call({ op: 'leaseGrant', req }),
    leaseRevoke: (id: Id64) => call({ op: 'leaseRevoke', req: { ID: id } }),
    leaseKeepAliveOnce: (id: Id64) => call({ op: 'leaseKeepAlive', req: { ID: id } }),
    leaseTimeToLive: (req) => call({ op: 'leaseTimeToLive', req }),
    leaseLeases: () => call({ op: 'leaseLeases' }),
    memberList: () => call({ op: 'memberList' }),
    memberAdd: (req) => call({ op: 'memberAdd', req }),
    memberRemove: (id: Id64) => call({ op: 'memberRemove', req: { ID: id } }),
    memberPromote: (id: Id64) => call({ op: 'memberPromote', req: { ID: id } }),
    status: (ep) => c.status(ep ?? endpoint),
    hashKV: (revision, ep) => c.hashKV(revision, ep ?? endpoint),
    alarm: (req, ep) => c.alarm(req, ep ?? endpoint),
    defragment: (ep) => c.defragment(ep ?? endpoint),
    moveLeader: (targetID, ep) => c.moveLeader(targetID, ep ?? endpoint),
    snapshot: (ep) => c.snapshot(ep ?? endpoint),
    // The session outlives the command; what the command opened itself is closed by its caller.
    close: () => undefined,
  };
}
