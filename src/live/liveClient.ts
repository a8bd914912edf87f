/**
 * The client every live-mode request goes through: a GatewayClient wrapped so that
 * - while read-only is on, nothing that changes the cluster leaves the page (a second line
 *   behind the console's own check, for any path that reaches the client directly);
 * - an expired auth token (etcd's simple tokens lapse after five idle minutes) is renewed once
 *   with the credentials held in memory, and the request tried again.
 */
import type { EtcdClient, WatchHandle } from '../client/client.ts';
import { EtcdError } from '../client/client.ts';
import type { RequestOp, TxnRequest } from '../server/api.ts';
import { readOnlyRefusal } from './commandSafety.ts';

export interface GuardOptions {
  readOnly: () => boolean;
  /** Gets a fresh token; absent when the cluster has no authentication. */
  reauthenticate?: () => Promise<void>;
}

const writesIn = (ops: readonly RequestOp[] | undefined): boolean =>
  (ops ?? []).some((op) => 'request_put' in op || 'request_delete_range' in op || ('request_txn' in op && txnWrites(op.request_txn)));
const txnWrites = (t: TxnRequest): boolean => writesIn(t.success) || writesIn(t.failure);

/** etcd's words for a token it no longer knows. */
const expiredToken = (e: unknown): boolean => e instanceof EtcdError && /invalid auth token/.test(e.message);

export function guardClient(inner: EtcdClient, opts: GuardOptions): EtcdClient {
  const refuse = (what: string): void => {
    if (opts.readOnly()) throw new EtcdError({ code: 'PermissionDenied', message: readOnlyRefusal(what) });
  };
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      if (!expiredToken(e) || !opts.reauthenticate) throw e;
      await opts.reauthenticate();
      return run();
    }
  };
  const write = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    refuse(what);
    return call(run);
  };
  return {
    endpoints: inner.endpoints,
    range: (req) => call(() => inner.range(req)),
    put: (req) => write('put', () => inner.put(req)),
    deleteRange: (req) => write('del', () => inner.deleteRange(req)),
    txn: (req) => (txnWrites(req) ? write('txn', () => inner.txn(req)) : call(() => inner.txn(req))),
    compact: (req) => write('compaction', () => inner.compact(req)),
    watch: (req, onResponse): WatchHandle => inner.watch(req, onResponse),
    leaseGrant: (req) => write('lease grant', () => inner.leaseGrant(req)),
    leaseRevoke: (id) => write('lease revoke', () => inner.leaseRevoke(id)),
    leaseKeepAliveOnce: (id) => write('lease keep-alive', () => inner.leaseKeepAliveOnce(id)),
    leaseTimeToLive: (req) => call(() => inner.leaseTimeToLive(req)),
    leaseLeases: () => call(() => inner.leaseLeases()),
    memberList: () => call(() => inner.memberList()),
    memberAdd: (req) => write('member add', () => inner.memberAdd(req)),
    memberRemove: (id) => write('member remove', () => inner.memberRemove(id)),
    memberPromote: (id) => write('member promote', () => inner.memberPromote(id)),
    status: (ep) => call(() => inner.status(ep)),
    hashKV: (rev, ep) => call(() => inner.hashKV(rev, ep)),
    alarm: (req, ep) => (req.action === 'GET' ? call(() => inner.alarm(req, ep)) : write(`alarm ${req.action === 'DEACTIVATE' ? 'disarm' : 'activate'}`, () => inner.alarm(req, ep))),
    defragment: (ep) => write('defrag', () => inner.defragment(ep)),
    moveLeader: (id, ep) => write('move-leader', () => inner.moveLeader(id, ep)),
    snapshot: (ep) => call(() => inner.snapshot(ep)),
    close: () => inner.close(),
  };
}
