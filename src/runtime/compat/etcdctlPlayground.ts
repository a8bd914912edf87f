/**
 * The playground as the side under test of the etcdctl compatibility suite: an in-process
 * cluster (in-memory storage) whose members answer at `http://m1:2379`, `http://m2:2379`, ...,
 * clients for any `--endpoints` list, and the hooks the console needs from the runtime
 * (snapshot status and restore).
 *
 * Time: the real etcdctl waits in wall-clock time (a watch is interrupted after so many ms, a
 * keep-alive sleeps a third of the TTL between renewals), so while a script runs `startClock()`
 * keeps the cluster's virtual time moving at least as fast as the wall clock. Requests still
 * complete as fast as possible in between (the cluster steps automatically while a client waits).
 */
import type { EtcdClient } from '../../client/client.ts';
import type { SnapshotRestoreRequest } from '../../client/etcdctl/context.ts';
import type { SnapshotStatus } from '../../client/etcdctl/printers.ts';
import type { CompatTarget } from '../../client/testing/etcdctlCompat.ts';
import type { MemberSettings } from '../../server/settings.ts';
import { createMemoryStorageFactory } from '../../storage/memory/memoryStorageFactory.ts';
import { InProcessCluster } from '../inProcessCluster.ts';
import { checkSnapshotBlob, restoredMemberCount, snapshotStatusOf } from '../snapshotFile.ts';

export interface PlaygroundCompatSide {
  cluster: InProcessCluster;
  /** Client endpoints as etcdctl is given them (`m1:2379`, ...). */
  endpoints: string[];
  /** The members' peer URLs (`http://m1:2380`, ...). */
  peerUrls: string[];
  /** The comparison target for compareScript, using the first `endpointCount` endpoints. */
  target(tmpDir: string, endpointCount?: number): CompatTarget;
  /** A playground client for an etcdctl `--endpoints` list. */
  clientFor(endpoints: string[]): EtcdClient;
  /** Keeps virtual time moving with the wall clock until `stopClock()`. */
  startClock(): void;
  stopClock(): Promise<void>;
  close(): Promise<void>;
}

export interface StartPlaygroundSideOptions {
  size?: number;
  seed?: number;
  settings?: Partial<MemberSettings>;
  clusterToken?: string;
}

/** Every member's client URL without its scheme, as etcdctl prints an endpoint given so. */
function endpointOf(name: string): string {
  return InProcessCluster.urlsOf(name).clientURLs[0]!.replace(/^https?:\/\//, '');
}

export async function startPlaygroundSide(opts: StartPlaygroundSideOptions = {}): Promise<PlaygroundCompatSide> {
  const cluster = await InProcessCluster.create({
    size: opts.size ?? 3,
    seed: opts.seed ?? 1,
    storageFactory: createMemoryStorageFactory(),
    ...(opts.settings ? { settings: opts.settings } : {}),
    ...(opts.clusterToken ? { clusterToken: opts.clusterToken } : {}),
  });
  await cluster.waitForLeader();
  const names = cluster.memberNames();
  const endpoints = names.map(endpointOf);
  const peerUrls = names.map((n) => InProcessCluster.urlsOf(n).peerURLs[0]!);

  let running = false;
  let loop: Promise<void> | null = null;
  const startClock = () => {
    if (running) return;
    running = true;
    loop = (async () => {
      let last = performance.now();
      while (running) {
        await new Promise((r) => setTimeout(r, 10));
        const now = performance.now();
        const ms = Math.max(1, Math.round(now - last));
        last = now;
        await cluster.runFor(ms);
      }
    })();
  };
  const stopClock = async () => {
    running = false;
    await loop;
    loop = null;
  };

  return {
    cluster,
    endpoints,
    peerUrls,
    target: (tmpDir, endpointCount = endpoints.length) => ({
      endpoints: endpoints.slice(0, endpointCount),
      memberEndpoints: endpoints,
      memberIds: cluster.members().map((m) => m.id),
      peerUrls,
      tmpDir,
      anyMember: true,
    }),
    clientFor: (eps) => cluster.client({ endpoints: eps }),
    startClock,
    stopClock,
    close: async () => {
      await stopClock();
      await cluster.close();
    },
  };
}

/** `snapshot status` for a playground snapshot (see snapshotFile.ts). */
export const playgroundSnapshotStatus: (blob: string) => SnapshotStatus = snapshotStatusOf;

/**
 * `snapshot restore` in the playground: a new cluster starts from the blob, one member per
 * `--initial-cluster` entry (or a single member named by `--name`). etcdctl 3.4 reports the
 * restore only in log lines on stderr, so nothing is printed on stdout.
 */
export function playgroundSnapshotRestore(onRestored: (c: InProcessCluster) => void): (req: SnapshotRestoreRequest) => Promise<string> {
  return async (req) => {
    checkSnapshotBlob(req.blob);
    const size = restoredMemberCount(req.initialCluster);
    const c = await InProcessCluster.create({
      size,
      storageFactory: createMemoryStorageFactory(),
      restoreSnapshot: req.blob,
      clusterToken: req.initialClusterToken || 'etcd-cluster',
    });
    await c.waitForLeader();
    onRestored(c);
    return '';
  };
}
